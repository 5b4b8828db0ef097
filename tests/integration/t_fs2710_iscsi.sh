#!/bin/bash
# A Canon FS2710 on a remote host's SCSI card, exported by a real tgtd as
# a passthrough LUN and scanned through scsaned over iSCSI: the same bytes
# as the same scanner on a local sg node, and the model's image.  The
# FS2710's 6-byte vendor CDB (D6) crosses tgt and libiscsi intact.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../../scripts/tgt-harness.sh"
ADDR=127.0.0.55
PORTAL=127.0.0.54:3261
IQN=iqn.2026-11.org.scsaned.test:fs2710

tgt_and_sg_server 54 "$PORTAL" "$IQN" 235 canon-fs2710
check "tgtd exports the simulated FS2710, scsaned serves it remote and local" test $? -eq 0
scan -L > "$TMP/list" 2>&1
check "the remote scanner is a Canon CanoScan 2710 over iSCSI" \
    grep -q "device \`net:$ADDR:remote' is a Canon CanoScan 2710 film scanner" "$TMP/list"
for opts in "--depth 8 --resolution 340" "--depth 16 --resolution 1360"; do
	: > "$TMP/trace.remote"
	scan -d "net:$ADDR:remote" $opts -l 2 -t 3 -x 14 -y 10 --format=pnm > "$TMP/remote.pnm" 2> "$TMP/err"
	check "$opts: the scan over iSCSI succeeds" test $? -eq 0
	win=$(grep '^window ' "$TMP/trace.remote" | tail -1 | sed 's/^window //')
	depth=${opts#--depth }
	check "$opts: the image is the film's, exactly" eval '[ -n "$win" ] &&
	    "$BUILD/scsaned-sim" render canon-fs2710 $win depth=${depth%% *} -o "$TMP/want.pnm" &&
	    cmp -s <(pnm_data "$TMP/want.pnm") <(pnm_data "$TMP/remote.pnm")'
	scan -d "net:$ADDR:local" $opts -l 2 -t 3 -x 14 -y 10 --format=pnm > "$TMP/local.pnm" 2> "$TMP/err"
	check "$opts: byte-identical to the local sg scan" \
	    eval 'test -s "$TMP/local.pnm" && cmp -s "$TMP/local.pnm" "$TMP/remote.pnm"'
	check "$opts: no command was rejected on the remote scanner" \
	    "$BUILD/scsaned-sim" trace-check "$TMP/trace.remote"
done
stop_server
tgt_stop
finish
