#!/bin/bash
# A client killed in the middle of a scan (SIGKILL: no CANCEL, no CLOSE):
# within 2 s the device is free again and the scanner has been told to
# stop (OBJECT POSITION, which homes the carriage), and the next client
# scans normally.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed?lps=300&trace=$TMP/trace
CONF
start_server "$TMP/scsaned.conf"

scan_bg "$TMP/long.pnm" -d "net:$ADDR:fb" --resolution 300 --format=pnm
long=$BG
check "a long scan is streaming" wait_for 30 bigger_than "$TMP/long.pnm" 20000
kill -KILL "$long"
wait "$long" 2>/dev/null
check "within 2 s the device is closed" wait_for 2 grep -q "closed fb$" "$SERVER_LOG"
check "the scanner was told to stop (OBJECT POSITION after the last READ)" \
    eval 'grep "^cdb" "$TMP/trace" | tail -1 | grep -q "^cdb 31 "'
check "the scan is logged as cancelled" grep -q "scan ended: Operation was cancelled" "$SERVER_LOG"

: > "$TMP/trace"
scan -d "net:$ADDR:fb" --mode Color --resolution 100 -x 30 -y 20 --format=pnm \
    > "$TMP/got.pnm" 2> "$TMP/err"
check "the next client scans" test $? -eq 0
check_exact "... exactly" "$TMP/trace" "$TMP/got.pnm"
stop_server
finish
