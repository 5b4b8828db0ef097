#!/bin/bash
# The latency lab's network (tests/tools/delay_proxy): a one-way delay D
# makes a round trip 2D longer, within 10 %, and never shorter; a cap on
# the rate holds a transfer to it, within 10 %; a transfer far larger than
# its queue leaves the proxy's memory where it was; and a film scan through
# it (scsaned -> proxy -> tgtd) is the same image, byte for byte, as the
# same scan without it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
tgt_addresses
lease PROXY addr
lease ECHO addr
IQN=iqn.2026-12.org.scsaned.test:delay

# proxy NAME ARGS...: a delay_proxy (its pid in $PROXY_PID), ready.
proxy() {
	local name=$1
	shift
	"$BUILD/tests/delay_proxy" "$@" > "$TMP/$name.out" 2> "$TMP/$name.err" &
	PROXY_PID=$!
	PIDS+=("$PROXY_PID")
	wait_for 10 grep -q "delay_proxy listening" "$TMP/$name.out"
}

stop_proxy() {
	kill -TERM "$PROXY_PID" 2>/dev/null
	wait "$PROXY_PID" 2>/dev/null
}

# median_rtt ADDR:PORT: the median of 15 one-byte round trips, in ms.
median_rtt() {
	"$BUILD/tests/rtt_probe" ping "$1" 15 | sed -n 's/^rtt min [0-9.]* median \([0-9.]*\) .*/\1/p'
}

# within WANT GOT [BASE]: GOT is at least WANT, and what the relay added
# (GOT less BASE, its own round trip with no delay, measured in the same
# run; 0 if not given) at most 10 % more.  Under ASan on a busy machine the
# relay alone costs milliseconds; that is not the delay it was asked for.
within() {
	awk -v w="$1" -v g="$2" -v b="${3:-0}" \
	    'BEGIN { exit !(g != "" && b != "" && g >= w && g - b <= w * 1.1) }'
}

"$BUILD/tests/rtt_probe" echo "$ECHO:7000" > "$TMP/echo.out" 2>&1 &
PIDS+=($!)
check "the echo server listens" wait_for 10 grep -q "rtt_probe listening" "$TMP/echo.out"

proxy p0 "$PROXY:7001" "$ECHO:7000" 0
base=$(median_rtt "$PROXY:7001")
stop_proxy
for oneway in 10 40; do
	proxy "p$oneway" "$PROXY:7001" "$ECHO:7000" "$oneway"
	rtt=$(median_rtt "$PROXY:7001")
	echo "asked $((2 * oneway)) ms round trip, measured $rtt ms (the relay alone: $base ms)"
	check "one-way $oneway ms: the round trip is $((2 * oneway)) ms within 10 %" \
	    within $((2 * oneway)) "$rtt" "$base"
	stop_proxy
done

# 2 MB at 4 MB/s is half a second each way, the two ways at once.
proxy cap -b 4000000 "$PROXY:7001" "$ECHO:7000" 1
t=$("$BUILD/tests/rtt_probe" bulk "$PROXY:7001" 2000000 | sed -n 's/.* in \([0-9.]*\) s$/\1/p')
echo "2 MB through a 4 MB/s cap in $t s"
check "a 4 MB/s cap holds 2 MB to half a second, within 10 %" within 0.5 "$t"
stop_proxy

# 200 MB through a 1 MiB queue: flow control, not memory, absorbs it.
proxy big -q 1048576 "$PROXY:7001" "$ECHO:7000" 5
before=$(awk '/^VmHWM:/ { print $2 }' "/proc/$PROXY_PID/status")
"$BUILD/tests/rtt_probe" bulk "$PROXY:7001" 200000000 > "$TMP/bulk.out"
check "200 MB pass through a 1 MiB queue" grep -q "^bulk 200000000 bytes" "$TMP/bulk.out"
after=$(awk '/^VmHWM:/ { print $2 }' "/proc/$PROXY_PID/status")
echo "proxy peak RSS ${before} kB before, ${after} kB after"
if grep -qa __asan_init "$BUILD/tests/delay_proxy"; then
	skip "... in at most 4 MB more memory: ASan's quarantine holds freed memory"
else
	check "... in at most 4 MB more memory" test $((after - before)) -le 4096
fi
stop_proxy
check "... and it carried every byte both ways" \
    grep -q "200000000 bytes up, 200000000 down" "$TMP/big.err"

# A film scan through 20 ms of round trip, and the same without it.
tgt_start "$TGT" "$PORTAL" "$TMP/sg-fs" "canon-fs2710?trace=$TMP/trace.fs" "$IQN"
check "tgtd exports an FS2710" test $? -eq 0
proxy wan "$PROXY:3261" "$PORTAL" 10
cat > "$TMP/scsaned.conf" <<CONF
device near iscsi://$PORTAL/$IQN/1
device far iscsi://$PROXY:3261/$IQN/1
CONF
start_server "$TMP/scsaned.conf"
OPTS=(--depth 16 --resolution 1360 -l 2 -t 3 -x 14 -y 12 --format=pnm)
scan -d "net:$ADDR:near" "${OPTS[@]}" > "$TMP/near.pnm" 2> "$TMP/near.err"
check "the scan without the proxy succeeds" test $? -eq 0
: > "$TMP/trace.fs"
scan -d "net:$ADDR:far" "${OPTS[@]}" > "$TMP/far.pnm" 2> "$TMP/far.err"
check "the scan over 20 ms of round trip succeeds" test $? -eq 0
check "... byte for byte the same image" \
    eval 'test -s "$TMP/near.pnm" && cmp -s "$TMP/near.pnm" "$TMP/far.pnm"'
check "... which is the film's" rendered canon-fs2710 "$TMP/far.pnm" $(last_window "$TMP/trace.fs") depth=16
check "... and no command was rejected" "$BUILD/scsaned-sim" trace-check "$TMP/trace.fs"
stop_server
stop_proxy
check "the scan's bytes went through the proxy" \
    awk '/connection closed/ { split($0, f, " "); if (f[7] + 0 > m) m = f[7] + 0 }
	END { exit !(m > '"$(stat -c %s "$TMP/far.pnm")"') }' "$TMP/wan.err"
tgt_stop
finish
