#!/bin/bash
# Garbage, a stalled client and requests on invalid handles: each gets a
# clear outcome (a reply or a close, and a log line) and the daemon keeps
# serving everyone else.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed
CONF
start_server "$TMP/scsaned.conf"

# A stalled client: half an INIT, then nothing.
exec 5<>"/dev/tcp/$ADDR/6566"
printf '\x00\x00\x00\x00\x01' >&5

# A client speaking garbage.
exec 6<>"/dev/tcp/$ADDR/6566"
printf 'GET / HTTP/1.0\r\n\r\n' >&6
check "garbage is answered by a close" eval 'timeout 10 cat <&6 > "$TMP/garbage.out"'
check "... without a single byte" test ! -s "$TMP/garbage.out"
check "... and one log line saying why" \
    wait_for 10 grep -q "malformed request: unknown procedure number; closing" "$SERVER_LOG"
exec 6<&-

# Invalid handles, through the raw protocol: every request gets a reply.
exec 7<>"/dev/tcp/$ADDR/6566"
# INIT v1.1.3 user NULL; GET_PARAMETERS 99; CONTROL_OPTION 99 (GET opt 0, INT,
# size 4, one word); START 99; CLOSE 99; CANCEL 99; GET_OPTION_DESCRIPTORS 99.
for req in '\x00\x00\x00\x00\x01\x01\x00\x03\x00\x00\x00\x00' \
    '\x00\x00\x00\x06\x00\x00\x00\x63' \
    '\x00\x00\x00\x05\x00\x00\x00\x63\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x04\x00\x00\x00\x01\x00\x00\x00\x00' \
    '\x00\x00\x00\x07\x00\x00\x00\x63' \
    '\x00\x00\x00\x03\x00\x00\x00\x63' \
    '\x00\x00\x00\x08\x00\x00\x00\x63' \
    '\x00\x00\x00\x04\x00\x00\x00\x63'; do
	printf "$req" >&7
done
# Expected replies, concatenated: INIT 8 bytes, GET_PARAMETERS 28, CONTROL_OPTION
# 24, START 16, CLOSE 4, CANCEL 4, GET_OPTION_DESCRIPTORS 4 = 88 bytes.
timeout 10 head -c 88 <&7 > "$TMP/replies"
check "every invalid-handle request got its reply" test "$(stat -c %s "$TMP/replies")" -eq 88
hex=$(od -An -tx1 -v "$TMP/replies" | tr -d ' \n')
check "GET_PARAMETERS on a bad handle: INVAL and zeroed parameters" \
    test "${hex:16:56}" = "00000004$(printf '0%.0s' {1..48})"
check "CONTROL_OPTION on a bad handle: INVAL, no value" \
    test "${hex:72:48}" = "000000040000000000000001000000000000000000000000"
check "START on a bad handle: INVAL, port 0" \
    test "${hex:120:16}" = "0000000400000000"
check "a log line names the invalid handle" \
    grep -q "GET_PARAMETERS on invalid handle 99" "$SERVER_LOG"
printf '\x00\x00\x00\x0a' >&7
exec 7<&-

scan -L > "$TMP/list" 2>&1
check "other clients are served while one stalls" grep -q "net:$ADDR:fb" "$TMP/list"
scan -d "net:$ADDR:fb" --resolution 75 -x 20 -y 20 --format=pnm > "$TMP/s.pnm" 2>&1
check "and can scan" test -s "$TMP/s.pnm"
exec 5<&-
stop_server
finish
