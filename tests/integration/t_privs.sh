#!/bin/bash
# -u USER: after binding, scsaned runs as USER for good (real, effective
# and saved uid and gid, and USER's own groups), read back from /proc,
# and still serves; a user that does not exist stops it with a clear error.
# saned 1.2.1 changes only the effective uid.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

if [ "$(id -u)" -ne 0 ] || ! id nobody > /dev/null 2>&1; then
	skip "needs root and a 'nobody' user"
	finish
fi
uid=$(id -u nobody)
gid=$(id -g nobody)
cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed
hosts_file none
users_file none
CONF
chmod 755 "$TMP"
start_server "$TMP/scsaned.conf" -u nobody
st=/proc/$SERVER_PID/status
check "real, effective, saved and fs uid are nobody's" \
    grep -qP "^Uid:\t$uid\t$uid\t$uid\t$uid\$" "$st"
check "... and so are the gids" grep -qP "^Gid:\t$gid\t$gid\t$gid\t$gid\$" "$st"
check "supplementary groups are nobody's own, root's are gone" \
    eval '[ "$(sed -n "s/^Groups:\t*//p" "$st" | tr " " "\n" | grep -v "^$" | sort -n | tr "\n" " ")" = "$(id -G nobody | tr " " "\n" | sort -n | tr "\n" " ")" ]'
check "the log says so" grep -q "running as nobody" "$SERVER_LOG"

scan -d "net:$ADDR:fb" --mode Color --resolution 100 -x 30 -y 20 --format=pnm \
    > "$TMP/got.pnm" 2> "$TMP/err"
check "it still scans" test $? -eq 0
check "... a whole image" test "$(pnm_size "$TMP/got.pnm")" = "118 78 27612"
stop_server

"$BUILD/scsaned" -l -b "$ADDR" -c "$TMP/scsaned.conf" -u no-such-user-x 2> "$TMP/bad.err"
check "an unknown user stops the daemon" test $? -ne 0
check "... with a clear error" grep -q "no user 'no-such-user-x'" "$TMP/bad.err"
finish
