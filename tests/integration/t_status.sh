#!/bin/bash
# scsaned -S shows what the running daemon is doing: its sessions, the
# devices they hold, and scans in progress with their bytes so far; the
# daemon's status socket goes away with it.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

cat > "$TMP/scsaned.conf" <<CONF
device slow sim:scsi2-flatbed?lps=300
device idle sim:scsi2-flatbed
lock_dir $TMP/locks
hosts_file none
users_file none
CONF
start_server "$TMP/scsaned.conf"
"$BUILD/scsaned" -c "$TMP/scsaned.conf" -S > "$TMP/s0" 2>&1
check "-S answers with no sessions" grep -qx "0 sessions" "$TMP/s0"

scan_bg "$TMP/long.pnm" -d "net:$ADDR:slow" --resolution 300 --format=pnm
long=$BG
check "a scan is running" wait_for 30 bigger_than "$TMP/long.pnm" 20000
"$BUILD/scsaned" -c "$TMP/scsaned.conf" -S > "$TMP/s1" 2>&1
check "-S shows the client's session" grep -q "^session 127.0.0.1 since " "$TMP/s1"
check "-S shows the scan in progress with its bytes" \
    grep -qE "^  scanning slow: [1-9][0-9]* bytes so far" "$TMP/s1"
b1=$(sed -n 's/.*scanning slow: \([0-9]*\) bytes.*/\1/p' "$TMP/s1")
check "and the count moves" wait_for 10 eval '"$BUILD/scsaned" -c "$TMP/scsaned.conf" -S |
    awk -v b="$b1" "/scanning slow/ { exit !(\$3 > b) }"'
kill -INT "$long"
wait "$long" 2>/dev/null
stop_server
check "the status socket goes away with the daemon" \
    eval '! ls "$TMP/locks"/status-*.sock > /dev/null 2>&1'
"$BUILD/scsaned" -c "$TMP/scsaned.conf" -S > /dev/null 2> "$TMP/s2"
check "-S with no daemon says so" grep -q "no daemon answers" "$TMP/s2"
finish
