#!/bin/bash
# bench-latency: each native driver over a network with a round trip,
# made by tests/tools/delay_proxy between scsaned and tgtd (this kernel
# has no netem).  Every figure is a ratio of two scans run side by side,
# interleaved, in this run.
#
#   full speed  the unpaced model exported by tgtd and reached over
#               0, 2, 20 and 80 ms of round trip, against the same model
#               on a local sg: node: remote MB/s / local MB/s, and how many
#               READs the driver kept in flight (its own count: READs
#               handed up with the next one queued at the target)
#   paced       the film scanners at their real line rate (lps=, from their
#               hw-notes pages): the scan over 20 ms of round trip against
#               the same scan over 0 ms (goal <= 1.05)
#
# Medians of RUNS runs; every run is printed.  About five minutes.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/../integration/tgt-harness.sh"
tgt_addresses
lease PROXY addr
RUNS=${RUNS:-3}
RTTS=(2 20 80)
IQN=iqn.2026-12.org.scsaned.bench:latency

# FAMILY  SPEC (unpaced; the paced one adds lps=)  REAL_LPS  SCAN OPTIONS.
# ONLY=none skips the full-speed part.  Full speed: about 8 MB a scan.  Paced: about five seconds of real lines.
FAMILIES=(${ONLY:-scsi2 coolscan fs2710 fs4000})
declare -A SPEC=(
	[scsi2]=scsi2-flatbed
	[coolscan]="coolscan-ls2000?holder=strip"
	[fs2710]=canon-fs2710
	[fs4000]="canon-fs4000us?holder=strip&lamp=300&timescale=200"
)
declare -A FULL=(
	[scsi2]="--mode Color --depth 8 --resolution 300 -x 215 -y 90"
	[coolscan]="--depth 16 --resolution 2700 --frame 2 -l 1 -t 2 -x 10 -y 12"
	[fs2710]="--depth 16 --resolution 2720 -l 2 -t 3 -x 14 -y 8"
	[fs4000]="--depth 16 --resolution 4000 --frame 3 -l 2 -t 3 -x 14 -y 4"
)
# Real line rates: hw-notes/nikon-coolscan.md, canon-fs2710.md, canon-fs4000us.md.
declare -A LPS=([coolscan]=88 [fs2710]=64 [fs4000]=24)
declare -A PACED=(
	[coolscan]="--depth 8 --resolution 2700 --frame 2 -l 1 -t 2 -x 24 -y 4"
	[fs2710]="--depth 8 --resolution 2720 -l 2 -t 3 -x 22 -y 3"
	[fs4000]="--depth 8 --resolution 4000 --frame 3 -l 2 -t 3 -x 22 -y 1"
)

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
runs() { tr '\n' ' ' < "$1"; }

PROXY_PIDS=()
# proxies: one delay_proxy a round trip, PROXY:3262... to the portal.
proxies() {
	local i rtt
	for i in "${!RTTS[@]}"; do
		rtt=${RTTS[$i]}
		"$BUILD/tests/delay_proxy" "$PROXY:$((3262 + i))" "$PORTAL" \
		    "$(awk -v r="$rtt" 'BEGIN { print r / 2 }')" > "$TMP/proxy.$rtt.out" 2>&1 &
		PROXY_PIDS+=($!)
		PIDS+=($!)
		wait_for 10 grep -qs listening "$TMP/proxy.$rtt.out" ||
		    { echo "bench-latency: the $rtt ms proxy did not start"; exit 1; }
	done
}

# server SPEC: tgtd exporting SPEC, the same SPEC on a local sg node, and
# scsaned serving "local", "rtt0" (tgtd directly) and rttN (through the
# proxies).
server() {
	local minor i
	rm -f "$TMP/sg-remote" "$TMP/sg-local"
	tgt_start "$TGT" "$PORTAL" "$TMP/sg-remote" "$1" "$IQN" ||
	    { echo "bench-latency: tgtd did not start"; exit 1; }
	lease minor minor
	mknod "$TMP/sg-local" c 21 "$minor"
	{
		echo "device local sg:$TMP/sg-local"
		echo "device rtt0 iscsi://$PORTAL/$IQN/1"
		for i in "${!RTTS[@]}"; do
			echo "device rtt${RTTS[$i]} iscsi://$PROXY:$((3262 + i))/$IQN/1"
		done
	} > "$TMP/scsaned.conf"
	SGSIM_DEVICES="$TMP/sg-local=$1" SGSIM_LOCKDIR=$TMP \
	    LD_PRELOAD=$BUILD/libsgsim.so start_server "$TMP/scsaned.conf" > /dev/null
}

stop_all() {
	stop_server > /dev/null
	tgt_stop
}

# one DEVICE OPTS: one scan; appends "MB/s seconds" of the server's own
# measure to $TMP/mbs.DEVICE and $TMP/s.DEVICE, and the driver's READ
# count ("READs queued-ahead") to $TMP/reads.DEVICE.
one() {
	local dev=$1 before line
	before=$(grep -c "scan ended" "$SERVER_LOG")
	# shellcheck disable=SC2086
	scan -d "net:$ADDR:$dev" $2 --format=pnm > /dev/null 2>> "$TMP/scan.err" ||
	    { echo "bench-latency: a scan from $dev failed"; tail -3 "$TMP/scan.err"
	      grep -E "warn|error" "$SERVER_LOG" | tail -15; exit 1; }
	wait_for 30 eval '[ "$(grep -c "scan ended" "$SERVER_LOG")" -gt '"$before"' ]'
	line=$(grep " $dev for .*scan ended: complete" "$SERVER_LOG" | tail -1)
	sed -n 's/.*complete, \([0-9]*\) bytes in \([0-9.]*\) s.*/\1 \2/p' <<< "$line" |
	    awk '{ printf "%.1f\n", $1 / $2 / 1e6 }' >> "$TMP/mbs.$dev"
	sed -n 's/.*complete, [0-9]* bytes in \([0-9.]*\) s.*/\1/p' <<< "$line" >> "$TMP/s.$dev"
	grep " $dev: image read in " "$SERVER_LOG" | tail -1 |
	    sed -n 's/.* in \([0-9]*\) READ(s) .*, \([0-9]*\) handed up.*/\1 \2/p' > "$TMP/reads.$dev"
}

# in_flight DEVICE: "2" when every READ but the last went up with the
# next queued (two in flight), "1" when none did.
in_flight() {
	awk '{ if ($1 > 1 && $2 == $1 - 1) print 2; else if ($2 == 0) print 1;
	    else printf "1-2 (%d of %d)\n", $2, $1 }' "$TMP/reads.$1"
}

proxies
: > "$TMP/full.runs"
echo "== full speed: remote over RTT / local sg:, MB/s medians of $RUNS"
printf '%-9s %8s %8s' driver local rtt0
for rtt in "${RTTS[@]}"; do printf ' %8s' "rtt$rtt"; done
printf '   %s\n' "remote/local at ${RTTS[*]} ms, READs in flight"
for f in "${FAMILIES[@]}"; do
	[ "$f" = none ] && continue
	server "${SPEC[$f]}"
	devs=(local rtt0)
	for rtt in "${RTTS[@]}"; do devs+=("rtt$rtt"); done
	for d in "${devs[@]}"; do : > "$TMP/mbs.$d"; done
	for ((i = 0; i < RUNS; i++)); do
		for d in "${devs[@]}"; do one "$d" "${FULL[$f]}"; done
	done
	for d in "${devs[@]}"; do echo "  $f $d runs, MB/s: $(runs "$TMP/mbs.$d")" >> "$TMP/full.runs"; done
	l=$(median < "$TMP/mbs.local")
	printf '%-9s %8s %8s' "$f" "$l" "$(median < "$TMP/mbs.rtt0")"
	rl=""
	for rtt in "${RTTS[@]}"; do
		m=$(median < "$TMP/mbs.rtt$rtt")
		printf ' %8s' "$m"
		rl+="$(ratio "$m" "$l") "
	done
	printf '   %s, %s\n' "$rl" "$(in_flight rtt20)"
	stop_all
done
cat "$TMP/full.runs"

echo "== paced at the real line rate: 20 ms RTT / 0 ms (goal <= 1.05)"
worst=0
# PACED_ONLY=none (or " ") skips the paced part.
for f in ${PACED_ONLY:-coolscan fs2710 fs4000}; do
	[ "$f" = none ] && continue
	sep='?'
	[[ "${SPEC[$f]}" == *\?* ]] && sep='&'
	server "${SPEC[$f]}${sep}lps=${LPS[$f]}"
	: > "$TMP/s.rtt0"
	: > "$TMP/s.rtt20"
	for ((i = 0; i < RUNS; i++)); do
		one rtt0 "${PACED[$f]}"
		one rtt20 "${PACED[$f]}"
	done
	a=$(median < "$TMP/s.rtt0")
	b=$(median < "$TMP/s.rtt20")
	r=$(ratio "$b" "$a")
	printf '%-9s lps=%-3s  0 ms %6s s  20 ms %6s s  ratio %s   (runs: %s/ %s)\n' \
	    "$f" "${LPS[$f]}" "$a" "$b" "$r" "$(runs "$TMP/s.rtt0")" "$(runs "$TMP/s.rtt20")"
	worst=$(awk -v w="$worst" -v r="$r" 'BEGIN { print (r > w) ? r : w }')
	stop_all
done
echo "paced: worst 20 ms / 0 ms ratio $worst (goal <= 1.05)"
for p in "${PROXY_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
awk -v w="$worst" 'BEGIN { exit !(w <= 1.05) }'
