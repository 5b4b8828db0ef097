#!/bin/bash
# A Canon FS2710 on a remote host's SCSI card, exported by a real tgtd as
# a passthrough LUN and scanned through scsaned over iSCSI: the same bytes
# as the same scanner on a local sg node, and the model's image.  The
# FS2710's 6-byte vendor CDB (D6) crosses tgt and libiscsi intact.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
tgt_addresses
IQN=iqn.2026-11.org.scsaned.test:fs2710

tgt_and_sg_server "$TGT" "$PORTAL" "$IQN" canon-fs2710
check "tgtd exports the simulated FS2710, scsaned serves it remote and local" test $? -eq 0
scan -L > "$TMP/list" 2>&1
check "the remote scanner is a Canon CanoScan 2710 over iSCSI" \
    grep -q "device \`net:$ADDR:remote' is a Canon CanoScan 2710 film scanner" "$TMP/list"
for opts in "--depth 8 --resolution 340" "--depth 16 --resolution 1360"; do
	scan_remote_and_local "$opts" -l 2 -t 3 -x 14 -y 10
	win=$(grep '^window ' "$TMP/trace.remote" | tail -1 | sed 's/^window //')
	depth=${opts#--depth }
	check "$opts: the image is the film's, exactly" eval '[ -n "$win" ] &&
	    rendered canon-fs2710 "$TMP/remote.pnm" $win depth=${depth%% *}'
done
stop_server
tgt_stop
finish
