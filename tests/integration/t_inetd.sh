#!/bin/bash
# inetd mode: scsaned serves the one client connected on its stdin.  A
# test-only inetd starts one scsaned per connection; Debian's scanimage
# lists and scans through it.
. "$(dirname "$0")/lib.sh"
ADDR=127.0.0.17

cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed?trace=$TMP/trace
CONF
"$BUILD/tests/mini_inetd" "$ADDR" 6566 2 60 \
    "$BUILD/scsaned" -c "$TMP/scsaned.conf" -d 3 > "$TMP/inetd.out" 2> "$TMP/inetd.log" &
PIDS+=("$!")
check "the test inetd listens" wait_for 10 grep -q listening "$TMP/inetd.out"

scan -L > "$TMP/list" 2>&1
check "scanimage -L through inetd mode" grep -q "net:$ADDR:fb'" "$TMP/list"
scan -d "net:$ADDR:fb" --mode Color --resolution 100 -x 30 -y 20 --format=pnm \
    > "$TMP/got.pnm" 2> "$TMP/err"
check "a scan through inetd mode succeeds" test $? -eq 0
check_exact "... and is exact" "$TMP/trace" "$TMP/got.pnm"
check "each inetd scsaned logged its session" \
    wait_for 10 eval '[ "$(grep -c disconnected "$TMP/inetd.log")" -eq 2 ]'
check "no sanitizer report" eval '! grep -qE "runtime error|Sanitizer" "$TMP/inetd.log"'
finish
