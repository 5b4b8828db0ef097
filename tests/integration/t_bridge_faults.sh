#!/bin/bash
# A hosted backend that crashes, one that hangs, and a real helper killed
# mid-scan each cost one scan: the client gets an error status, the helper
# is reaped, the daemon keeps serving, and the device opens again within
# 2 s in a fresh helper.  A second client of a busy bridged device gets
# DEVICE_BUSY.
. "$(dirname "$0")/lib.sh"
lease ADDR addr
export SCSANED_BACKEND_DIR=$BUILD/tests/backends
ulimit -c 0	# the crashing backend leaves no core file behind
# Under AddressSanitizer and ThreadSanitizer the deliberate SIGSEGV stays
# a death by signal, not a sanitizer report in the shared log.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0
export TSAN_OPTIONS=${TSAN_OPTIONS:+$TSAN_OPTIONS:}handle_segv=0

if [ ! -e "$SCSANED_BACKEND_DIR/libsane-broken.so.1" ]; then
	fail "test backends not built (make tests)"
	finish
fi
cat > "$TMP/scsaned.conf" <<CONF
device broken sim:scsi2-flatbed backend=broken
device hang sim:scsi2-flatbed backend=hang
device flat sim:scsi2-flatbed
hosts_file none
users_file none
lock_dir $TMP/locks
scan_stall_timeout 2
CONF
have_cs3=0
if ls /usr/lib/*/sane/libsane-coolscan3.so.1 > /dev/null 2>&1; then
	have_cs3=1
	echo "device cs3 sim:coolscan-ls2000?lps=150&trace=$TMP/trace backend=coolscan3" \
	    >> "$TMP/scsaned.conf"
fi
start_server "$TMP/scsaned.conf"

helpers() { cat /proc/"$SERVER_PID"/task/*/children 2>/dev/null | tr -s ' ' '\n' | grep .; }
no_helpers() { [ -z "$(helpers)" ]; }
still_serves() {
	scan -d "net:$ADDR:flat" --resolution 75 -x 20 -y 20 --format=pnm > "$TMP/flat.pnm" 2>&1 &&
	    test -s "$TMP/flat.pnm"
}
# reopens DEV: the device opens (a fresh helper) within 2 s of the failure.
reopens() {
	local t0=$(date +%s%N)
	scan -d "net:$ADDR:$1" -A > /dev/null 2>&1 &&
	    [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 2000 ]
}

scan -d "net:$ADDR:broken" --format=pnm > "$TMP/out" 2> "$TMP/err"
rc=$?
check "crash in sane_start: the client gets an error" eval \
    '[ $rc -ne 0 ] && grep -q "sane_start: Error during device I/O" "$TMP/err"'
check "... the daemon logged the helper's death" grep -q "backend host died of signal 11" "$SERVER_LOG"
check "... the helper was reaped" wait_for 2 no_helpers
check "... the daemon keeps serving" still_serves
check "... the device opens again within 2 s" reopens broken

scan -d "net:$ADDR:hang" --format=pnm > "$TMP/out" 2> "$TMP/err"
rc=$?
check "hang in sane_read: the scan ends with an error after the stall timeout" eval \
    '[ $rc -ne 0 ] && grep -q "Error during device I/O" "$TMP/err"'
check "... the hung helper was killed and reaped" wait_for 2 no_helpers
check "... the daemon keeps serving" still_serves
check "... the device opens again within 2 s" reopens hang

if [ "$have_cs3" = 1 ]; then
	args=(--resolution 1350 -l 90 -t 180 -x 902 -y 630 --format=pnm)
	scan_bg "$TMP/cs3.pnm" -d "net:$ADDR:cs3" "${args[@]}"
	check "coolscan3 bridged: a slow scan is streaming" wait_for 10 bigger_than "$TMP/cs3.pnm" 2000
	scan -d "net:$ADDR:cs3" -A > /dev/null 2> "$TMP/busy"
	check "... a second client gets DEVICE_BUSY" grep -q "Device busy" "$TMP/busy"
	pid=$(helpers)
	check "... one helper runs it, in a process group of its own" \
	    eval '[ -n "$pid" ] && [ "$(ps -o pgid= -p "$pid" | tr -d " ")" = "$pid" ]'
	kill -KILL $pid
	wait "$BG"
	rc=$?
	check "... kill -9 of the helper mid-scan: the client gets an error" eval \
	    '[ $rc -ne 0 ] && grep -q "Error during device I/O" "$TMP/cs3.pnm.err"'
	check "... the helper was reaped" wait_for 2 no_helpers
	check "... the daemon keeps serving" still_serves
	check "... the device opens again within 2 s" reopens cs3
	: > "$TMP/trace"
	scan -d "net:$ADDR:cs3" --resolution 300 -l 90 -t 180 -x 900 -y 630 --format=pnm \
	    > "$TMP/again.pnm" 2> "$TMP/err"
	check "... and scans again, exactly" eval '[ $? -eq 0 ] &&
	    "$BUILD/scsaned-sim" render coolscan-ls2000 $(last_window "$TMP/trace") -o "$TMP/want.pnm" &&
	    cmp -s <(pnm_data "$TMP/want.pnm") <(pnm_data "$TMP/again.pnm")'
else
	skip "Debian's coolscan3 backend is not installed: no kill -9 of a real helper"
fi
stop_server
finish
