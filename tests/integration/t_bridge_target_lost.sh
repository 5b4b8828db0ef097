#!/bin/bash
# The iSCSI target lost mid-scan under a bridged backend: tgtd, exporting
# a slow (paced) LS-2000 model to Debian's coolscan3 hosted by scsaned-
# backend, is killed while the image streams.  Every command then fails
# as sanei reports a device that cannot be reached (an I/O error), but
# coolscan3 ignores command status and would go on handing up its
# buffer's old contents as a "complete" image; the helper ends the scan
# instead.  So the client gets an I/O error at once, not a false image
# and not after the stall timeout, the helper is reaped and the daemon
# keeps serving.  With tgtd back on the same portal, the next open logs
# in afresh and scans exactly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
. "$(dirname "$0")/bridge-harness.sh"
tgt_addresses
IQN=iqn.2026-12.org.scsaned.test:bridge-lost

bridge_need coolscan3
MODEL="coolscan-ls2000?lps=100"
bridge_setup coolscan3 auto
bridge_tgt "$MODEL"
check "tgtd exports the slow LS-2000 model" test $? -eq 0
bridge_serve "device remote iscsi://$PORTAL/$IQN/1 backend=coolscan3" \
    "device flat sim:scsi2-flatbed" "scan_stall_timeout 60"

helpers() { cat /proc/"$SERVER_PID"/task/*/children 2>/dev/null | tr -s ' ' '\n' | grep .; }
no_helpers() { [ -z "$(helpers)" ]; }
ended() { ! kill -0 "$BG" 2>/dev/null; }

scan_bg "$TMP/cs3.pnm" -d "net:$ADDR:remote" --resolution 1350 -l 90 -t 180 -x 902 -y 630 --format=pnm
check "a slow bridged scan over iSCSI is streaming" wait_for 20 bigger_than "$TMP/cs3.pnm" 2000
t0=$(date +%s)
tgt_stop
check "with tgtd gone, the scan ends within 20 s (the stall timeout is 60)" wait_for 20 ended
wait "$BG"
rc=$?
check "... with an I/O error to the client" eval \
    '[ $rc -ne 0 ] && grep -q "Error during device I/O" "$TMP/cs3.pnm.err"'
check "... because the helper saw the device lost" \
    grep -q "backend host: the device was lost during the scan" "$SERVER_LOG"
check "... the helper was reaped" wait_for 5 no_helpers
check "... it did not need the stall timeout" eval '[ $(( $(date +%s) - t0 )) -lt 30 ]'
scan -d "net:$ADDR:flat" --resolution 75 -x 20 -y 20 --format=pnm > "$TMP/flat.pnm" 2>&1
check "... the daemon keeps serving" test -s "$TMP/flat.pnm"

rm -f "$TMP/sg-remote"
bridge_tgt "$MODEL"
check "tgtd is back on the same portal" test $? -eq 0
: > "$TMP/trace.remote"
scan -d "net:$ADDR:remote" --resolution 300 -l 90 -t 180 -x 900 -y 100 --format=pnm \
    > "$TMP/again.pnm" 2> "$TMP/err"
rc=$?
check "the next scan logs in afresh and succeeds" test $rc -eq 0
check "... exactly the model's image" rendered coolscan-ls2000 "$TMP/again.pnm" \
    $(grep '^window id=1 ' "$TMP/trace.remote" | tail -1 | sed 's/^window //')
check "every helper was reaped" bridge_no_children
stop_server
tgt_stop
finish
