#!/bin/bash
# The iscsi:// transport end to end: Debian's scanimage -> scsaned ->
# libiscsi -> a real tgtd -> passthrough LUN -> libsgsim.so -> the
# simulated flatbed.  Also: a stock libiscsi tool sees the same LUN, an
# absent target is a clear error, and a tgtd that dies mid-scan fails that
# scan only; once it is back, the next scan works without a restart.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
lease ADDR addr
lease PADDR addr
PORTAL=$PADDR:3261
lease NOBODY addr	# where no target listens
lease TGT tgt
IQN=iqn.2026-11.org.scsaned.test:flatbed

tgt_start "$TGT" "$PORTAL" "$TMP/sg-remote" "scsi2-flatbed?lps=600&trace=$TMP/trace" "$IQN"
check "tgtd exports the simulated scanner" test $? -eq 0
URI="iscsi://$PORTAL/$IQN/1"

iscsi-inq "$URI" > "$TMP/inq" 2>&1
check "iscsi-inq (libiscsi-bin) sees a scanner on LUN 1" grep -q "Peripheral Device Type:SCANNER" "$TMP/inq"
check "... with the model's INQUIRY strings" grep -q "Product:SCSI2 FLATBED" "$TMP/inq"

cat > "$TMP/scsaned.conf" <<CONF
device remote $URI
device absent iscsi://$NOBODY:3261/$IQN/1
device secret iscsi://bob%hunter2@$NOBODY:3261/$IQN/1
CONF
"$BUILD/scsaned" -c "$TMP/scsaned.conf" -L > "$TMP/L" 2> "$TMP/Lerr"
check "-L lists the iSCSI scanner" grep -qP "^remote\tSCSANED\tSCSI2 FLATBED\tflatbed scanner\t$URI\$" "$TMP/L"
check "an absent target is one clear message" \
    grep -q "device absent (iscsi://$NOBODY:3261/$IQN/1): .*login failed" "$TMP/Lerr"
check "a password in a URI is never printed" eval '! grep -q hunter2 "$TMP/Lerr"'
check "... it shows as ****" grep -q "bob%\*\*\*\*@$NOBODY:3261" "$TMP/Lerr"

start_server "$TMP/scsaned.conf"
for mode in "Gray 8" "Color 8" "Color 16"; do
	set -- $mode
	: > "$TMP/trace"
	scan -d "net:$ADDR:remote" --mode "$1" --depth "$2" --resolution 100 \
	    -l 10 -t 20 -x 35 -y 20 --format=pnm > "$TMP/got.pnm" 2> "$TMP/err"
	check "$mode scan over iSCSI succeeds" test $? -eq 0
	check_exact "$mode scan over iSCSI is byte-identical to the chart" "$TMP/trace" "$TMP/got.pnm"
	check "$mode: no unexpected CHECK CONDITION" "$BUILD/scsaned-sim" trace-check "$TMP/trace"
done

# tgtd dies in the middle of a scan.
scan -d "net:$ADDR:remote" --resolution 200 --format=pnm > "$TMP/long.pnm" 2> "$TMP/long.err" &
long=$!
PIDS+=("$long")
check "a long scan over iSCSI is streaming" wait_for 30 bigger_than "$TMP/long.pnm" 1000
tgt_stop
check "the interrupted scan ends with an error" eval 'wait_for 70 eval "! kill -0 $long 2>/dev/null"; wait $long; [ $? -ne 0 ]'
check "the server logged the lost connection" grep -q "connection lost\|transport: connection to device lost" "$SERVER_LOG"
scan -L > "$TMP/list" 2>&1
check "scsaned keeps serving" grep -q "net:$ADDR:remote'" "$TMP/list"

tgt_start "$TGT" "$PORTAL" "$TMP/sg-remote" "scsi2-flatbed?trace=$TMP/trace" "$IQN"
: > "$TMP/trace"
scan -d "net:$ADDR:remote" --mode Color --resolution 75 -x 30 -y 30 --format=pnm \
    > "$TMP/again.pnm" 2> "$TMP/again.err"
check "after tgtd is back, the next scan works without restarting scsaned" test $? -eq 0
check_exact "... and is exact" "$TMP/trace" "$TMP/again.pnm"
stop_server
tgt_stop
finish
