#!/bin/bash
# Two daemons sharing a lock_dir keep one user per scanner by the device,
# not by its name: the same name for two different scanners does not make
# either busy, and one real scanner (an sg node) under two names is busy in
# both.  A simulated scanner is each line's own (t_sim_instances).
. "$(dirname "$0")/lib.sh"
lease A addr
lease B addr
node=$TMP/sg-scanner
lease m minor
mknod "$node" c 21 "$m" || { fail "mknod of an sg node"; finish; }
export SGSIM_DEVICES="$node=scsi2-flatbed?lps=300"
export SGSIM_LOCKDIR=$TMP
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
REAL=sg:$node

cat > "$TMP/a.conf" <<CONF
device fb $REAL
lock_dir $TMP/locks
CONF
cat > "$TMP/b.conf" <<CONF
device fb sim:scsi2-flatbed?lps=200
device alias $REAL
lock_dir $TMP/locks
CONF
ADDR=$B SERVER_LOG=$TMP/b.log LD_PRELOAD=$BUILD/libsgsim.so start_server "$TMP/b.conf"
B_PID=$SERVER_PID
ADDR=$A LD_PRELOAD=$BUILD/libsgsim.so start_server "$TMP/a.conf"

ADDR=$A scan_bg "$TMP/long.pnm" -d "net:$A:fb" --mode Gray --resolution 300 --format=pnm
long=$BG
check "a long scan runs on daemon A's fb" wait_for 30 bigger_than "$TMP/long.pnm" 20000
check "its lock file names the device" grep -qx "$REAL" $TMP/locks/dev-*.lock
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
