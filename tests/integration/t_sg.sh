#!/bin/bash
# The sg: transport: scsaned drives a local SCSI generic node through
# libsgutils2.  The node is a real character device with the sg major made
# with mknod; libsgsim.so answers for it with a simulated flatbed.  Stock
# sg3_utils see the same device through the shim.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

node=$TMP/sg-scanner
lease m minor
mknod "$node" c 21 "$m" || { fail "mknod of an sg node"; finish; }
ln -s "$node" "$TMP/scanner-link"
export SGSIM_DEVICES="$node=scsi2-flatbed?lps=400&trace=$TMP/trace"
export SGSIM_LOCKDIR=$TMP
SHIM=$BUILD/libsgsim.so
# A sanitized scsaned must accept the shim before its runtime in the link order.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

LD_PRELOAD=$SHIM sg_inq "$node" > "$TMP/inq" 2>&1
check "sg_inq (sg3-utils) sees the simulated scanner" \
    grep -q "Peripheral device type: scanner" "$TMP/inq"
check "... with its INQUIRY strings" grep -q "SCSI2 FLATBED" "$TMP/inq"
LD_PRELOAD=$SHIM sg_turs "$node" > /dev/null 2>&1
check "sg_turs: the device is ready" test $? -eq 0

cat > "$TMP/scsaned.conf" <<CONF
device local sg:$node
device linked sg:$TMP/scanner-link
device missing sg:$TMP/no-such-node
CONF
LD_PRELOAD=$SHIM "$BUILD/scsaned" -c "$TMP/scsaned.conf" -L > "$TMP/L" 2> "$TMP/Lerr"
check "-L lists the sg device" grep -qP "^local\tSCSANED\tSCSI2 FLATBED\tflatbed scanner\tsg:$node\$" "$TMP/L"
# What -L said of the node, when it did not list it (a CI run once saw this).
grep -qP "^local\t" "$TMP/L" || sed 's/^/# /' "$TMP/L" "$TMP/Lerr"
check "-L lists it through a udev-style symlink too" grep -q "^linked	" "$TMP/L"
check "a missing node is one clear message" \
    grep -q "device missing (sg:$TMP/no-such-node): .*No such file or directory" "$TMP/Lerr"

LD_PRELOAD=$SHIM "$BUILD/scsaned" -l -b "$ADDR" -c "$TMP/scsaned.conf" -d 3 2> "$SERVER_LOG" &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
check "server listens" wait_for 20 grep -qs "listening on $ADDR" "$SERVER_LOG"

for mode in "Gray 8" "Color 8" "Color 16"; do
	set -- $mode
	: > "$TMP/trace"
	scan -d "net:$ADDR:local" --mode "$1" --depth "$2" --resolution 100 \
	    -l 20 -t 30 -x 40 -y 25 --format=pnm > "$TMP/got.pnm" 2> "$TMP/err"
	check "$mode scan over sg: succeeds" test $? -eq 0
	check_exact "$mode scan over sg: is byte-identical to the chart" "$TMP/trace" "$TMP/got.pnm"
	check "$mode: no unexpected CHECK CONDITION" "$BUILD/scsaned-sim" trace-check "$TMP/trace"
done

# While scsaned holds the node (O_EXCL), nobody else gets in.
scan -d "net:$ADDR:local" --resolution 300 --format=pnm > "$TMP/long.pnm" 2>/dev/null &
long=$!
PIDS+=("$long")
check "a long scan is streaming" wait_for 30 bigger_than "$TMP/long.pnm" 1000
LD_PRELOAD=$SHIM sg_inq "$node" > "$TMP/busy" 2>&1
check "sg_inq is refused while scsaned holds the node" grep -q "Device or resource busy" "$TMP/busy"
kill "$long"
wait "$long" 2>/dev/null
stop_server
finish
