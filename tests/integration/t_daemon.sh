#!/bin/bash
# saned's daemon flags: -a nobody (alone: standalone, in the background,
# as nobody) returns at once once the port is bound; the daemon runs in a
# session of its own with stdin and stdout on /dev/null, as nobody, and
# serves; a port already taken is reported on the terminal, not lost.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed
hosts_file none
users_file none
CONF
chmod 755 "$TMP"
timeout 20 "$BUILD/scsaned" -a nobody -e -b "$ADDR" -c "$TMP/scsaned.conf" 2> "$SERVER_LOG"
check "-a returns at once, successfully" test $? -eq 0
pid_on_port() {
	ss -Hltnp "src $ADDR:6566" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1
}
check "a daemon listens" wait_for 10 eval '[ -n "$(pid_on_port)" ]'
pid=$(pid_on_port)
[ -n "$pid" ] && PIDS+=("$pid")
check "... in a session of its own" test "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid"
check "... as nobody" test "$(ps -o user= -p "$pid" | tr -d ' ')" = nobody
check "... with stdin and stdout on /dev/null" \
    eval '[ "$(readlink /proc/$pid/fd/0)" = /dev/null ] && [ "$(readlink /proc/$pid/fd/1)" = /dev/null ]'
scan -L > "$TMP/list" 2>&1
check "the daemon serves" grep -q "net:$ADDR:fb'" "$TMP/list"

timeout 20 "$BUILD/scsaned" -D -b "$ADDR" -c "$TMP/scsaned.conf" 2> "$TMP/second.err"
check "a second daemon on the same port fails on the terminal" test $? -ne 0
check "... saying why" grep -q "cannot listen on $ADDR port 6566" "$TMP/second.err"

kill "$pid"
check "the daemon stops on SIGTERM" wait_for 10 eval '! kill -0 '"$pid"' 2>/dev/null'
check "no sanitizer report" eval '! grep -qE "runtime error|Sanitizer" "$SERVER_LOG"'
finish
