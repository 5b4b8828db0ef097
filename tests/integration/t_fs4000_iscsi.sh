#!/bin/bash
# A Canon FS4000US on a remote host's SCSI card, exported by a real tgtd
# as a passthrough LUN and scanned through scsaned over iSCSI: the same
# bytes as the same scanner on a local sg node, and the model's image.
# Canon's 6-byte vendor CDBs (D5, D6) cross tgt and libiscsi intact.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
tgt_addresses
IQN=iqn.2026-11.org.scsaned.test:fs4000

# timescale: the unit's clock runs fast, so the lamp's 15 s warm-up (on every
# switch between the visible and the infrared lamp) is waited out in a blink.
tgt_and_sg_server "$TGT" "$PORTAL" "$IQN" "canon-fs4000us?holder=strip&lamp=300&timescale=200"
check "tgtd exports the simulated FS4000US, scsaned serves it remote and local" test $? -eq 0
scan -L > "$TMP/list" 2>&1
check "the remote scanner is a Canon FS4000US over iSCSI" \
    grep -q "device \`net:$ADDR:remote' is a Canon CanoScan FS4000US film scanner" "$TMP/list"
for opts in "--depth 8 --resolution 500 --frame 2" "--depth 16 --resolution 1000 --frame 3" \
    "--depth 16 --resolution 500 --infrared=yes"; do
	scan_remote_and_local "$opts" -l 2 -t 3 -x 14 -y 10
	check "$opts: calibrated over iSCSI first" test -n "$(fs4000_calib_key "$TMP/trace.remote")"
	win=$(grep '^scan ' "$TMP/trace.remote" | tail -1 | sed 's/^scan //')
	check "$opts: the image is the film's, exactly" eval '[ -n "$win" ] &&
	    rendered canon-fs4000us "$TMP/remote.pnm" $win holder=strip \
		$(fs4000_calib_key "$TMP/trace.remote")'
done
stop_server
tgt_stop
finish
