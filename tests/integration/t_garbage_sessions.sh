#!/bin/bash
# 1000 sessions of hostile bytes (random, cut short, oversized lengths, a
# START whose data connection never comes), then a normal scan: it works,
# exactly, and the daemon holds no more descriptors and hardly more memory
# than before (read from /proc); in a sanitizer build, where RSS says
# nothing, LeakSanitizer finds no leak when the daemon exits.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

# Under ASan freed memory sits in its quarantine, so RSS cannot bound
# growth; LeakSanitizer's check at exit finds what was lost instead.  Its
# output goes to a file of its own, read below: verbosity 2 makes it log
# its attaching to the daemon's threads, the proof that the check ran.
ASAN=no
daemon_asan=${ASAN_OPTIONS-}
if grep -qa __asan_init "$BUILD/scsaned"; then
	ASAN=yes
	daemon_asan=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:verbosity=2:log_path=$TMP/asan
	export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}
fi

cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed?trace=$TMP/trace
data_connect_timeout 200
CONF
# Only the daemon's: the clients' reports stay where stop_server looks.
ASAN_OPTIONS=$daemon_asan start_server "$TMP/scsaned.conf"
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
if [ "$ASAN" = yes ]; then
	skip "RSS bound: ASan's quarantine holds freed memory (LeakSanitizer checks at exit)"
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
if [ "$ASAN" = yes ]; then
	lsan=$TMP/asan.$SERVER_PID
	check "LeakSanitizer checked the daemon at exit" grep -qs "Detached from thread" "$lsan"
	if grep -qs "ERROR:" "$lsan"; then
		fail "the daemon leaked (or ASan reported an error) after the hostile sessions"
		grep -A30 "ERROR:" "$lsan" | head -60
	else
		pass "no leak after 1000 hostile sessions"
	fi
fi
finish
