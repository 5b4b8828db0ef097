#!/bin/bash
# Over iSCSI the scsi2 driver keeps the next READ queued at the target
# (scsi.h, readahead.h).  What that must never cost: an image that ends
# early (a sheet shorter than the window) is delivered exactly, the one
# READ queued past its end is dropped, and no second one is sent; a scan
# cancelled with a READ queued ends with OBJECT POSITION after the last
# READ, and the next scan is exact.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
tgt_addresses
IQN=iqn.2026-11.org.scsaned.test:readahead
SHEET=100

# --- A sheet of 100 lines under a window of 354 (30 mm at 300 dpi). ---
tgt_and_sg_server "$TGT" "$PORTAL" "$IQN" "scsi2-flatbed?sheet=$SHEET"
check "tgtd exports a flatbed with a short sheet; scsaned serves it" test $? -eq 0
scan_remote_and_local "--mode Color --resolution 300" -x 215 -y 30
win=$(last_window "$TMP/trace.remote")
bpl=$(( $(window_field "$win" w) * 300 / 1200 * 3 ))
want=$((SHEET * bpl))
"$BUILD/scsaned-sim" render scsi2-flatbed $win -o "$TMP/want.pnm"
head=$(( $(stat -c %s "$TMP/remote.pnm") - want ))
check "the short image is the sheet's lines, exactly" \
    eval '[ "$head" -gt 0 ] && [ "$head" -lt 100 ] &&
    cmp -s <(pnm_data "$TMP/want.pnm" | head -c "$want") <(tail -c "$want" "$TMP/remote.pnm")'
check "... several READs were needed" \
    eval '[ "$(grep -c "^cdb 28" "$TMP/trace.remote")" -ge 3 ]'
# READs after the one that met the end of the sheet.
after=$(awk '/^check op=28 .*eom/ && !seen { seen = 1; next } seen && /^cdb 28/ { n++ }
    END { print n + 0 }' "$TMP/trace.remote")
check "exactly one READ (the one queued ahead) reached the scanner after the end" \
    test "$after" -eq 1
check "the server dropped it" grep -q "remote: 1 queued READ(s) dropped" "$SERVER_LOG"
check "the server logged the early end" grep -q "remote: image ended .* bytes early" "$SERVER_LOG"
stop_server
tgt_stop

# --- A slow carriage: cancel while a READ is queued behind the running one. ---
tgt_start "$TGT" "$PORTAL" "$TMP/sg-remote" "scsi2-flatbed?lps=300&trace=$TMP/trace.slow" "$IQN"
check "tgtd exports a slow flatbed" test $? -eq 0
cat > "$TMP/slow.conf" <<CONF
device slow iscsi://$PORTAL/$IQN/1
CONF
start_server "$TMP/slow.conf"
scan_bg "$TMP/long.pnm" -d "net:$ADDR:slow" --mode Gray --resolution 300 --format=pnm
long=$BG
check "the slow scan streams data" wait_for 30 bigger_than "$TMP/long.pnm" 300000
kill -INT "$long"
check "scanimage ends after SIGINT" wait_for 30 eval '! kill -0 '"$long"' 2>/dev/null'
check "the server logged the scan as cancelled" \
    wait_for 10 grep -q "slow for .*scan ended: Operation was cancelled" "$SERVER_LOG"
check "the server closed the device" wait_for 10 grep -q "closed slow$" "$SERVER_LOG"
check "OBJECT POSITION came after the last READ" \
    eval '[ "$(grep "^cdb" "$TMP/trace.slow" | tail -1 | cut -d" " -f2)" = 31 ]'
check "... and no command was rejected" "$BUILD/scsaned-sim" trace-check "$TMP/trace.slow"
: > "$TMP/trace.slow"
scan -d "net:$ADDR:slow" --mode Color --resolution 100 -l 5 -t 5 -x 20 -y 15 \
    --format=pnm > "$TMP/after.pnm" 2> "$TMP/after.err"
check "the next scan works" test $? -eq 0
check_exact "... and is exact" "$TMP/trace.slow" "$TMP/after.pnm"
stop_server
tgt_stop
finish
