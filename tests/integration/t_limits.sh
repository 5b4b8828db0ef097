#!/bin/bash
# Control connection limits: a client that says nothing is dropped after
# idle_timeout; one that starts a request and never finishes it (slowloris)
# after request_timeout; a scan that outlasts idle_timeout is not cut off
# (clients are silent on the control connection while data flows); and a
# client past max_clients is refused while the others are served.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed?lps=300
idle_timeout 2
request_timeout 1
max_clients 3
CONF
start_server "$TMP/scsaned.conf"

# closed_within SECONDS FD: the server closes FD (EOF) within SECONDS.
closed_within() {
	timeout "$1" cat <&"$2" > /dev/null
}

exec 5<>"/dev/tcp/$ADDR/6566"
check "a silent client is closed" closed_within 10 5
check "... and the log says idle" grep -q "idle after 2 s; closing" "$SERVER_LOG"
exec 5<&-

exec 6<>"/dev/tcp/$ADDR/6566"
printf '\x00\x00\x00\x00\x01\x01' >&6		# half an INIT, then nothing
check "a dribbling client is closed" closed_within 10 6
check "... and the log says the request was incomplete" \
    grep -q "request incomplete after 1 s; closing" "$SERVER_LOG"
exec 6<&-

# 900 lines at 300 lines/s: 3 s of data, longer than the idle timeout.
scan -d "net:$ADDR:fb" --resolution 150 -y 152 --format=pnm > "$TMP/long.pnm" 2> "$TMP/err"
check "a scan longer than idle_timeout completes" test $? -eq 0
check "... with the whole image" grep -q "scan ended: complete" "$SERVER_LOG"

# Three clients connected and waiting; a fourth is refused.
exec 7<>"/dev/tcp/$ADDR/6566" 8<>"/dev/tcp/$ADDR/6566" 9<>"/dev/tcp/$ADDR/6566"
printf '\x00\x00\x00\x00\x01\x01\x00\x03\x00\x00\x00\x00' >&7
printf '\x00\x00\x00\x00\x01\x01\x00\x03\x00\x00\x00\x00' >&8
printf '\x00\x00\x00\x00\x01\x01\x00\x03\x00\x00\x00\x00' >&9
check "three sessions are up" eval 'timeout 5 head -c 8 <&7 >/dev/null && timeout 5 head -c 8 <&8 >/dev/null && timeout 5 head -c 8 <&9 >/dev/null'
scan -L > "$TMP/list" 2>&1
check "a fourth client is refused" eval '! grep -q "net:$ADDR:fb" "$TMP/list"'
check "... and the log says why" grep -q "too many clients (3); connection refused" "$SERVER_LOG"
exec 7<&- 8<&- 9<&-
check "once they leave, clients are served again" \
    wait_for 15 eval 'scan -L 2>/dev/null | grep -q "net:$ADDR:fb"'
stop_server
finish
