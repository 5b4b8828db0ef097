#!/bin/bash
# Two daemons sharing a lock_dir keep one user per scanner by the device,
# not by its name: the same name for two different scanners does not make
# either busy, and one scanner under two names is busy in both.
. "$(dirname "$0")/lib.sh"
lease A addr
lease B addr
SLOW='sim:scsi2-flatbed?lps=300'
OTHER='sim:scsi2-flatbed?lps=200'

cat > "$TMP/a.conf" <<CONF
device fb $SLOW
lock_dir $TMP/locks
CONF
cat > "$TMP/b.conf" <<CONF
device fb $OTHER
device alias $SLOW
lock_dir $TMP/locks
CONF
ADDR=$B SERVER_LOG=$TMP/b.log start_server "$TMP/b.conf"
B_PID=$SERVER_PID
ADDR=$A start_server "$TMP/a.conf"

ADDR=$A scan_bg "$TMP/long.pnm" -d "net:$A:fb" --mode Gray --resolution 300 --format=pnm
long=$BG
check "a long scan runs on daemon A's fb" wait_for 30 bigger_than "$TMP/long.pnm" 20000
check "its lock file names the device" grep -qx "$SLOW" $TMP/locks/dev-*.lock
ADDR=$B scan -d "net:$B:fb" --resolution 75 -x 10 -y 10 --format=pnm > /dev/null 2> "$TMP/fb.err"
check "daemon B's fb, another scanner of the same name, is not busy" test $? -eq 0
ADDR=$B scan -d "net:$B:alias" --resolution 75 -x 10 -y 10 --format=pnm > /dev/null 2> "$TMP/alias.err"
check "daemon B's alias, the same scanner, is busy" grep -q "Device busy" "$TMP/alias.err"
kill -INT "$long"
check "the long scan ends after SIGINT" wait_for 30 eval '! kill -0 '"$long"' 2>/dev/null'
check "daemon A released the device" wait_for 10 grep -q "closed fb$" "$SERVER_LOG"
ADDR=$B scan -d "net:$B:alias" --resolution 75 -x 10 -y 10 --format=pnm > /dev/null 2> "$TMP/alias2.err"
check "then daemon B's alias scans" test $? -eq 0
stop_server
SERVER_PID=$B_PID SERVER_LOG=$TMP/b.log stop_server
finish
