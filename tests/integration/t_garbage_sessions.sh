#!/bin/bash
# 1000 sessions of hostile bytes (random, cut short, oversized lengths, a
# START whose data connection never comes), then a normal scan: it works,
# exactly, and the daemon holds no more descriptors and hardly more memory
# than before (read from /proc).
. "$(dirname "$0")/lib.sh"
lease ADDR addr

cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed?trace=$TMP/trace
data_connect_timeout 200
CONF
start_server "$TMP/scsaned.conf"
fds() { ls "/proc/$SERVER_PID/fd" | wc -l; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$SERVER_PID/status"; }

# One ordinary session first, so one-time allocations are in the baseline.
scan -d "net:$ADDR:fb" --resolution 75 -x 20 -y 20 --format=pnm > /dev/null 2>&1
fd0=$(fds)
rss0=$(rss)
"$BUILD/tests/garbage_client" "$ADDR" 1000 4242 > "$TMP/garbage.out"
check "1000 hostile sessions were sent" grep -q "1000 sessions sent" "$TMP/garbage.out"
check "the daemon is still there" kill -0 "$SERVER_PID"
check "every session ended and released its descriptors" \
    wait_for 20 eval '[ "$(fds)" -le "$fd0" ]'
rss1=$(rss)
echo "descriptors: $fd0 before, $(fds) after; RSS: $rss0 kB before, $rss1 kB after"
# Under ASan freed memory sits in its quarantine and RSS says nothing;
# there LeakSanitizer checks at exit (stop_server) instead.
if grep -qa __asan_init "$BUILD/scsaned"; then
	pass "memory: left to LeakSanitizer in this sanitizer build"
else
	check "memory grew by less than 4 MB" test $((rss1 - rss0)) -lt 4096
fi
check "malformed requests were logged as such" grep -q "malformed request" "$SERVER_LOG"
check "a START left without its data connection was cancelled" \
    grep -q "scan ended: Operation was cancelled, 0 bytes" "$SERVER_LOG"

: > "$TMP/trace"
scan -d "net:$ADDR:fb" --mode Color --resolution 100 -x 40 -y 30 --format=pnm \
    > "$TMP/got.pnm" 2> "$TMP/err"
check "a normal scan afterwards works" test $? -eq 0
check_exact "... and is exact" "$TMP/trace" "$TMP/got.pnm"
stop_server
finish
