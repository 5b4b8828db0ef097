#!/bin/bash
# Bridged devices at scale: two devices hosted by two helpers scan at
# once, each image exact; and 200 open/scan/close cycles of a bridged
# device (a helper started and reaped each time) leave scsaned with the
# descriptors and memory it had after the first ten, and each helper with
# the same descriptors and memory at the start and at the end.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bridge-harness.sh"
lease ADDR addr

bridge_need coolscan3
bridge_need epson2
bridge_setup epson2 "scsi EPSON"
echo auto > "$TMP/bconf/coolscan3.conf"
# Paced (lines per second) so that the two scans overlap for certain.
bridge_serve "device a $(with_trace "sim:coolscan-ls2000?lps=400" "$TMP/trace.a") backend=coolscan3" \
    "device b $(with_trace "sim:coolscan-ls2000?lps=400" "$TMP/trace.b") backend=coolscan3" \
    "device e sim:epson-perfection1640 backend=epson2" \
    "device slow sim:epson-perfection1640 backend=epson2"
helpers() { cat /proc/"$SERVER_PID"/task/*/children 2>/dev/null | tr -s ' ' '\n' | grep .; }
streaming() { bigger_than "$TMP/a.pnm" 4000 && bigger_than "$TMP/b.pnm" 4000; }

args=(--resolution 1350 -l 90 -t 180 -x 902 -y 200 --format=pnm)
scan_bg "$TMP/a.pnm" -d "net:$ADDR:a" "${args[@]}"
A=$BG
scan_bg "$TMP/b.pnm" -d "net:$ADDR:b" "${args[@]}"
B=$BG
check "two bridged devices stream at once" wait_for 20 streaming
check "... each from a helper of its own" test "$(helpers | wc -l)" -eq 2
check "... while neither scan has ended" eval 'kill -0 $A && kill -0 $B'
wait "$A"
ra=$?
wait "$B"
rb=$?
for d in a b; do
	r=ra; [ $d = b ] && r=rb
	check "device $d: the scan succeeds, exactly the model's image" eval '[ ${!r} -eq 0 ] &&
	    rendered coolscan-ls2000 "$TMP/$d.pnm" $(last_window "$TMP/trace.$d")'
done

fds() { ls /proc/"$1"/fd | wc -l; }
rss() { awk '/^VmRSS/ { print $2 }' /proc/"$1"/status; }
cycle() {
	scan -d "net:$ADDR:e" --mode Gray --resolution 100 -x 5 -y 5 --format=pnm > "$TMP/c.pnm" \
	    2> "$TMP/c.err" && [ -s "$TMP/c.pnm" ]
}
# A helper's descriptors and memory, sampled in the middle of a scan that
# is slow enough to find it at (a large Color scan of the same model).
helper_sample() {
	local pid
	rm -f "$TMP/s.pnm"
	scan_bg "$TMP/s.pnm" -d "net:$ADDR:slow" --mode Color --depth 16 --resolution 600 \
	    -x 100 -y 100 --format=pnm
	wait_for 20 bigger_than "$TMP/s.pnm" 100000
	pid=$(helpers | head -1)
	[ -n "$pid" ] && echo "$(fds "$pid") $(rss "$pid")"
	kill -INT "$BG" 2>/dev/null
	wait "$BG"
	wait_for 5 eval '[ -z "$(helpers)" ]'
}
h0=$(helper_sample)
ok=0
for ((i = 0; i < 10; i++)); do cycle && ok=$((ok + 1)); done
f0=$(fds "$SERVER_PID")
r0=$(rss "$SERVER_PID")
t0=$(date +%s)
for ((i = 10; i < 200; i++)); do cycle && ok=$((ok + 1)); done
t1=$(date +%s)
f1=$(fds "$SERVER_PID")
r1=$(rss "$SERVER_PID")
h1=$(helper_sample)
echo "# 190 cycles in $((t1 - t0)) s; scsaned fds $f0 -> $f1, RSS $r0 -> $r1 kB;" \
    "a helper mid-scan (fds RSS kB): $h0 -> $h1"
check "200 open/scan/close cycles all scan" test "$ok" -eq 200
check "... scsaned holds no more descriptors than after the first 10" test "$f1" -le "$f0"
# Under ASan freed memory sits in its quarantine: RSS bounds nothing there
# (LeakSanitizer checks at exit instead).
if grep -qa __asan_init "$BUILD/scsaned"; then
	skip "... nor more than 1 MB more memory: ASan's quarantine holds freed memory"
else
	check "... nor more than 1 MB more memory" test "$r1" -le $((r0 + 1024))
fi
check "... a helper has the same descriptors at the end as at the start" \
    test -n "$h0" -a "${h0% *}" = "${h1% *}"
check "... and no more than 1 MB more memory" \
    test -n "$h1" -a "${h1#* }" -le $((${h0#* } + 1024))
check "... and every helper was reaped" bridge_no_children
stop_server
finish
