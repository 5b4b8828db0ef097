#!/bin/bash
# Faults a real scanner has.  A command the scanner never answers: the
# driver's timeout fires, the client gets an I/O error, the daemon keeps
# serving, and the device works again afterwards (through the in-process
# simulator and through sg:).  A command lost on the bus: an I/O error,
# then the device works.  No medium: the open says so.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

node=$TMP/sg-hang
node2=$TMP/sg-flaky
lease m1 minor; lease m2 minor
mknod "$node" c 21 "$m1" && mknod "$node2" c 21 "$m2" || { fail "mknod of sg nodes"; finish; }
export SGSIM_DEVICES="$node=scsi2-flatbed?hang=28:3&trace=$TMP/trace.sg,$node2=scsi2-flatbed?linkerr=28:2"
export SGSIM_LOCKDIR=$TMP
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
cat > "$TMP/scsaned.conf" <<CONF
device simhang sim:scsi2-flatbed?hang=28:2&trace=$TMP/trace.sim timeout=2
device sghang sg:$node timeout=2
device flaky sg:$node2
device empty sim:scsi2-flatbed?nomedia=1
CONF
LD_PRELOAD=$BUILD/libsgsim.so "$BUILD/scsaned" -l -b "$ADDR" -c "$TMP/scsaned.conf" -d 3 \
    2> "$SERVER_LOG" &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
check "server listens" wait_for 20 grep -qs "listening on $ADDR" "$SERVER_LOG"

for dev in simhang sghang; do
	scan -d "net:$ADDR:$dev" --resolution 300 --format=pnm > /dev/null 2> "$TMP/err.$dev"
	check "$dev: the scan with a hung READ fails" test $? -ne 0
	check "$dev: ... with an I/O error" grep -q "Error during device I/O" "$TMP/err.$dev"
	check "$dev: the server logged the timeout" \
	    grep -q "$dev: READ: transport: command timed out" "$SERVER_LOG"
done
check "the hung READs were really hung" eval 'grep -q "^hang op=28" "$TMP/trace.sim" && grep -q "^hang op=28" "$TMP/trace.sg"'

: > "$TMP/trace.sg"
scan -d "net:$ADDR:sghang" --mode Color --resolution 300 -x 60 -y 40 --format=pnm \
    > "$TMP/after.pnm" 2> "$TMP/after.err"
check "the sg device scans again after the timeout" test $? -eq 0
check_exact "... exactly" "$TMP/trace.sg" "$TMP/after.pnm"
scan -d "net:$ADDR:simhang" --resolution 100 -x 20 -y 20 --format=pnm > "$TMP/s.pnm" 2>&1
check "the simulated device scans again after the timeout" test -s "$TMP/s.pnm"
scan -d "net:$ADDR:flaky" --resolution 300 --format=pnm > /dev/null 2> "$TMP/err.flaky"
check "a READ lost on the bus fails the scan with an I/O error" \
    grep -q "Error during device I/O" "$TMP/err.flaky"
check "... logged as an adapter error, not as data" \
    grep -q "flaky: READ: transport: host adapter error" "$SERVER_LOG"
scan -d "net:$ADDR:flaky" --resolution 100 -x 20 -y 20 --format=pnm > "$TMP/f.pnm" 2>&1
check "the device scans again after the lost command" test -s "$TMP/f.pnm"

scan -d "net:$ADDR:empty" --resolution 100 --format=pnm > /dev/null 2> "$TMP/err.empty"
check "no medium: the open fails with 'out of documents'" \
    grep -q "Document feeder out of documents" "$TMP/err.empty"
check "... and the log says medium not present" \
    grep -q "empty: no film or document in the device: CHECK CONDITION, NOT READY: medium not present (2/3a/00)" "$SERVER_LOG"
stop_server
finish
