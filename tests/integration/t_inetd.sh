#!/bin/bash
# inetd mode: scsaned serves the one client connected on its stdin.  A
# test-only inetd starts one scsaned per connection; Debian's scanimage
# lists and scans through it.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed?trace=$TMP/trace
device slow sim:scsi2-flatbed?lps=300
lock_dir $TMP/locks
hosts_file none
users_file none
CONF
"$BUILD/tests/mini_inetd" "$ADDR" 6566 5 60 \
    "$BUILD/scsaned" -c "$TMP/scsaned.conf" -d 3 > "$TMP/inetd.out" 2> "$TMP/inetd.log" &
PIDS+=("$!")
check "the test inetd listens" wait_for 10 grep -q listening "$TMP/inetd.out"

scan -L > "$TMP/list" 2>&1
check "scanimage -L through inetd mode" grep -q "net:$ADDR:fb'" "$TMP/list"
scan -d "net:$ADDR:fb" --mode Color --resolution 100 -x 30 -y 20 --format=pnm \
    > "$TMP/got.pnm" 2> "$TMP/err"
check "a scan through inetd mode succeeds" test $? -eq 0
check_exact "... and is exact" "$TMP/trace" "$TMP/got.pnm"
# One process per client: the busy rule holds across them by lock files.
scan_bg "$TMP/long.pnm" -d "net:$ADDR:slow" --resolution 300 --format=pnm
long=$BG
check "a long scan runs in one inetd process" wait_for 30 bigger_than "$TMP/long.pnm" 1000
scan -d "net:$ADDR:slow" --resolution 75 -x 10 -y 10 --format=pnm > /dev/null 2> "$TMP/busy.err"
check "another inetd process gets Device busy for it" grep -q "Device busy" "$TMP/busy.err"
kill "$long"
wait "$long" 2>/dev/null
scan -d "net:$ADDR:slow" --resolution 75 -x 10 -y 10 --format=pnm > "$TMP/after.pnm" 2> "$TMP/after.err"
check "once that process is gone, the device is free again" \
    test "$(pnm_size "$TMP/after.pnm")" = "29 29 841"

check "each inetd scsaned logged its session" \
    wait_for 10 eval '[ "$(grep -c disconnected "$TMP/inetd.log")" -eq 5 ]'
check "no sanitizer report" eval '! grep -qE "runtime error|Sanitizer" "$TMP/inetd.log"'
finish
