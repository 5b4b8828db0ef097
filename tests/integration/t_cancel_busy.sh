#!/bin/bash
# A scan in progress holds its device: a second open gets "Device busy".
# scanimage killed with SIGINT mid-scan leaves the device free, and the
# next scan is complete and exact.  Two scans on two devices run at once
# and both finish correctly.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

cat > "$TMP/scsaned.conf" <<CONF
device slow  sim:scsi2-flatbed?lps=300&trace=$TMP/trace.slow
device slow2 sim:scsi2-flatbed?lps=300&trace=$TMP/trace.slow2
CONF
start_server "$TMP/scsaned.conf"

# A full page at 300 dpi: 3507 lines, about 12 s at 300 lines/s.
scan_bg "$TMP/long.pnm" -d "net:$ADDR:slow" --mode Gray --resolution 300 --format=pnm
long=$BG
check "the long scan streams data" wait_for 30 bigger_than "$TMP/long.pnm" 20000

scan -d "net:$ADDR:slow" --resolution 100 -x 10 -y 10 --format=pnm \
    > /dev/null 2> "$TMP/busy.err"
check "a second open of the busy device fails" test $? -ne 0
check "... with Device busy" grep -q "Device busy" "$TMP/busy.err"

kill -INT "$long"
check "scanimage ends after SIGINT" wait_for 30 eval '! kill -0 '"$long"' 2>/dev/null'
check "the server closed the cancelled device" \
    wait_for 10 grep -q "closed slow$" "$SERVER_LOG"
check "the server logged the scan as cancelled, short of the image" \
    eval 'grep "slow for .*scan ended: Operation was cancelled" "$SERVER_LOG" |
    awk "{ for (i = 1; i <= NF; i++) if (\$i == \"bytes\") n = \$(i - 1) } END { exit !(n > 0 && n < 2551 * 3507) }"'

: > "$TMP/trace.slow"
scan -d "net:$ADDR:slow" --mode Color --resolution 100 -l 5 -t 5 -x 20 -y 15 \
    --format=pnm > "$TMP/after.pnm" 2> "$TMP/after.err"
check "the next scan on the same device works" test $? -eq 0
check_exact "... and is exact" "$TMP/trace.slow" "$TMP/after.pnm"

# Two devices at once.
: > "$TMP/trace.slow"
scan -d "net:$ADDR:slow" --mode Gray --resolution 150 -y 60 --format=pnm \
    > "$TMP/a.pnm" 2> "$TMP/a.err" &
a=$!
scan -d "net:$ADDR:slow2" --mode Color --resolution 150 -y 60 --format=pnm \
    > "$TMP/b.pnm" 2> "$TMP/b.err" &
b=$!
PIDS+=("$a" "$b")
check "both scans were running at the same time" \
    wait_for 30 eval 'bigger_than "$TMP/a.pnm" 100 && bigger_than "$TMP/b.pnm" 100 && kill -0 '"$a"' 2>/dev/null && kill -0 '"$b"' 2>/dev/null'
wait "$a"; ra=$?
wait "$b"; rb=$?
check "first concurrent scan succeeded" test "$ra" -eq 0
check "second concurrent scan succeeded" test "$rb" -eq 0
check_exact "first concurrent scan is exact" "$TMP/trace.slow" "$TMP/a.pnm"
check_exact "second concurrent scan is exact" "$TMP/trace.slow2" "$TMP/b.pnm"
stop_server
finish
