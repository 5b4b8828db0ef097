#!/bin/bash
# systemd socket activation, with systemd's own systemd-socket-activate:
# scsaned takes the listening socket it is handed (Accept=no) and one
# daemon serves every client, so two clients in a row and two at once
# work and the busy rule holds across them; with --accept (Accept=yes) it
# serves the one connection it is handed, as in inetd mode.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

if ! command -v systemd-socket-activate > /dev/null; then
	skip "systemd-socket-activate is not installed"
	finish
fi
cat > "$TMP/scsaned.conf" <<CONF
device fb  sim:scsi2-flatbed?lps=400&trace=$TMP/trace
device fb2 sim:scsi2-flatbed?trace=$TMP/trace2
hosts_file none
users_file none
CONF
systemd-socket-activate -l "$ADDR:6566" "$BUILD/scsaned" -c "$TMP/scsaned.conf" -d 3 \
    2> "$SERVER_LOG" &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
check "systemd-socket-activate listens" wait_for 10 grep -qs "Listening on" "$SERVER_LOG"

scan -L > "$TMP/l1" 2>&1
scan -L > "$TMP/l2" 2>&1
check "a first client is served" grep -q "net:$ADDR:fb'" "$TMP/l1"
check "a second client in a row is served" grep -q "net:$ADDR:fb2'" "$TMP/l2"
check "scsaned took the listening socket it was handed" \
    grep -q "socket activation: 1 listening socket" "$SERVER_LOG"

scan -d "net:$ADDR:fb" --resolution 150 -y 100 --format=pnm > "$TMP/a.pnm" 2>&1 &
a=$!
scan -d "net:$ADDR:fb2" --mode Color --resolution 100 -x 40 -y 30 --format=pnm \
    > "$TMP/b.pnm" 2> "$TMP/b.err"
check "two clients at once: the second scans" test $? -eq 0
check_exact "... exactly" "$TMP/trace2" "$TMP/b.pnm"
scan -d "net:$ADDR:fb" --resolution 75 -x 10 -y 10 --format=pnm > /dev/null 2> "$TMP/busy.err"
check "one daemon for all: a device in use is busy for another client" \
    grep -q "Device busy" "$TMP/busy.err"
wait "$a"
check "the first scan finished too" test $? -eq 0
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null

systemd-socket-activate --accept -l "$ADDR:6566" "$BUILD/scsaned" -c "$TMP/scsaned.conf" -d 3 \
    2> "$TMP/accept.log" &
PIDS+=("$!")
check "systemd-socket-activate --accept listens" wait_for 10 grep -qs "Listening on" "$TMP/accept.log"
: > "$TMP/trace2"
scan -d "net:$ADDR:fb2" --mode Gray --resolution 100 -x 30 -y 30 --format=pnm \
    > "$TMP/c.pnm" 2> "$TMP/c.err"
check "Accept=yes: a connection handed over is served" test $? -eq 0
check_exact "... and scans exactly" "$TMP/trace2" "$TMP/c.pnm"
check "no sanitizer report" eval '! grep -qE "runtime error|Sanitizer" "$SERVER_LOG" "$TMP/accept.log"'
finish
