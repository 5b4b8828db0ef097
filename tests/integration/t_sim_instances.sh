#!/bin/bash
# Every device line with a sim: URI is a scanner of its own: two lines with
# the identical URI scan at the same time, each paced by itself, each image
# what the model gives for its own window, even with a lock_dir (the lock
# of a simulated device is named after its line, not its URI).
. "$(dirname "$0")/lib.sh"
lease ADDR addr
URI="sim:scsi2-flatbed?lps=200&trace=$TMP/trace"

cat > "$TMP/scsaned.conf" <<CONF
device fb1 $URI
device fb2 $URI
lock_dir $TMP/locks
CONF
start_server "$TMP/scsaned.conf"

# About 4.7 s at 200 lines a second: the other scan fits inside it.
scan_bg "$TMP/long.pnm" -d "net:$ADDR:fb1" --mode Gray --resolution 300 \
    -x 40 -y 80 --format=pnm
long=$BG
check "fb1 streams a long scan" wait_for 30 bigger_than "$TMP/long.pnm" 20000
scan -d "net:$ADDR:fb2" --mode Color --resolution 100 -l 5 -t 7 -x 30 -y 20 \
    --format=pnm > "$TMP/short.pnm" 2> "$TMP/short.err"
check "fb2, the same URI, scans meanwhile (not Device busy)" test $? -eq 0
check "... while fb1 is still scanning" kill -0 "$long"
check "fb1's scan completes" wait_for 60 eval '! kill -0 '"$long"' 2>/dev/null'
wait "$long"
check "... with success" test $? -eq 0
check "two lock files, one per line" \
    test "$(ls "$TMP/locks"/dev-*.lock 2>/dev/null | wc -l)" -eq 2
check "each names its line" grep -q "as fb2 in " "$TMP/locks"/dev-*.lock

# Both models write one trace; each scan's window is told by its resolution.
w300=$(grep '^window xres=300 ' "$TMP/trace" | tail -1 | sed 's/^window //')
w100=$(grep '^window xres=100 ' "$TMP/trace" | tail -1 | sed 's/^window //')
check "fb1's image is exact" rendered scsi2-flatbed "$TMP/long.pnm" $w300
check "fb2's image is exact" rendered scsi2-flatbed "$TMP/short.pnm" $w100
check "no command rejected" "$BUILD/scsaned-sim" trace-check "$TMP/trace"
stop_server
finish
