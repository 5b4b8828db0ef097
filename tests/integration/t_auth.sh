#!/bin/bash
# saned.users authentication with Debian's scanimage and its ~/.sane/pass:
# the right password opens (the $MD5$ exchange), a wrong one gets "Access
# to resource has been denied", a device with no saned.users entry needs
# none, and no password ever reaches the log.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

printf '# saned.users\nalice:s3cret-Pw:fb\n' > "$TMP/saned.users"
cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed?trace=$TMP/trace
device open sim:scsi2-flatbed
users_file $TMP/saned.users
CONF
start_server "$TMP/scsaned.conf"

# scanimage reads user:password:net:HOST:RESOURCE from $HOME/.sane/pass (0600).
pass_file() {
	mkdir -p "$TMP/home/.sane"
	printf '%s\n' "$1" > "$TMP/home/.sane/pass"
	chmod 600 "$TMP/home/.sane/pass"
}

pass_file "alice:s3cret-Pw:net:$ADDR:fb"
HOME=$TMP/home scan -d "net:$ADDR:fb" --mode Color --resolution 75 -x 30 -y 20 \
    --format=pnm > "$TMP/got.pnm" 2> "$TMP/err"
check "the right password opens the device" test $? -eq 0
check_exact "... and the scan is exact" "$TMP/trace" "$TMP/got.pnm"
check "the log names the authorized user" grep -q "user alice authorized for fb" "$SERVER_LOG"

pass_file "alice:wrong-Pw:net:$ADDR:fb"
HOME=$TMP/home scan -d "net:$ADDR:fb" --resolution 75 -x 10 -y 10 --format=pnm \
    > /dev/null 2> "$TMP/denied"
check "a wrong password is refused" test $? -ne 0
check "... with Access to resource has been denied" \
    grep -q "Access to resource has been denied" "$TMP/denied"
check "... and logged" grep -q "authorization for fb refused (user alice)" "$SERVER_LOG"

# A line naming the driver protects every device it drives.
printf 'bob:b0b-Pw:scsi2\n' > "$TMP/saned.users"
stop_server
start_server "$TMP/scsaned.conf"
pass_file "bob:b0b-Pw:net:$ADDR:scsi2"
HOME=$TMP/home scan -d "net:$ADDR:open" --resolution 75 -x 10 -y 10 --format=pnm \
    > /dev/null 2> "$TMP/drv.err"
check "a saned.users line naming the driver protects its devices" test $? -eq 0
check "... through the \$MD5\$ exchange" grep -q "user bob authorized for scsi2" "$SERVER_LOG"
printf 'alice:s3cret-Pw:fb\n' > "$TMP/saned.users"
stop_server
start_server "$TMP/scsaned.conf"

rm -f "$TMP/home/.sane/pass"
HOME=$TMP/home scan -d "net:$ADDR:open" --resolution 75 -x 10 -y 10 --format=pnm \
    > "$TMP/open.pnm" 2> "$TMP/open.err"
check "a device without a saned.users entry needs no password" test $? -eq 0
check "no password appears in the log" eval '! grep -q "s3cret\|wrong-Pw" "$SERVER_LOG"'
stop_server
finish
