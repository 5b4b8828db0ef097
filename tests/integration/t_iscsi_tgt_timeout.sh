#!/bin/bash
# tgt gives every passthrough command 30 s and then answers GOOD, whatever
# the scanner did.  A READ that hangs behind tgt therefore comes back GOOD
# with no data after 30 s: scsaned must take it for the timeout it is (an
# I/O error for that scan, a fresh login for the next), never for an image.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
tgt_addresses
IQN=iqn.2026-11.org.scsaned.test:slowpoke
slow_ok "tgt's 30 s passthrough timeout" || finish

tgt_start "$TGT" "$PORTAL" "$TMP/sg-slow" "scsi2-flatbed?hang=28:2&trace=$TMP/trace" "$IQN"
check "tgtd exports the scanner" test $? -eq 0
cat > "$TMP/scsaned.conf" <<CONF
device slowpoke iscsi://$PORTAL/$IQN/1
CONF
start_server "$TMP/scsaned.conf"

scan -d "net:$ADDR:slowpoke" --resolution 300 --format=pnm > /dev/null 2> "$TMP/err"
check "the scan whose READ hung behind tgt fails" test $? -ne 0
check "... with an I/O error, not a short image" grep -q "Error during device I/O" "$TMP/err"
check "the log names tgt's passthrough timeout" \
    grep -q "GOOD with no data after .* ms: the target's passthrough timeout" "$SERVER_LOG"
: > "$TMP/trace"
scan -d "net:$ADDR:slowpoke" --mode Color --resolution 100 -x 30 -y 20 --format=pnm \
    > "$TMP/got.pnm" 2> "$TMP/err2"
check "the next scan works, on a fresh login" test $? -eq 0
check_exact "... and is exact" "$TMP/trace" "$TMP/got.pnm"
stop_server
tgt_stop
finish
