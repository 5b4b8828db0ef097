#!/bin/bash
# bench-lab: the scanning lab at full size.  Eight scanner hosts, each in a
# network namespace of its own with its own tgtd exporting eight shimmed
# simulated scanners of mixed models (tests/integration/lab-harness.sh),
# and one scsaned finding them from one discover line per host.  Every
# figure is a ratio of two things measured side by side in this run.
#
#   discovery   the device list of 8 hosts x 8 LUNs against that of one
#               host with 8 (goal <= 2); the same 64 plus one dead host
#               (nobody answers its ARP; its packets vanish: a static
#               neighbour entry to no one), whose cost must stay within
#               one connect timeout
#   paced       K = 1, 2, 4, 8, 16 simultaneous scans of flatbeds paced at
#               a real carriage's speed (lps=): the K scans against one
#               alone (goal <= 1.15), for sim: lines of one identical URI
#               and for iSCSI LUNs spread over the 8 hosts; scsaned's RSS
#               per concurrent scan
#   unpaced     K = 1, 2, 4 full-speed scans on K hosts: aggregate MB/s,
#               and CPU seconds per MB in scsaned, in the tgtds (with the
#               shimmed simulator in them) and in the simulator alone
#   burst       16 full-speed scans on 16 LUNs of the 8 hosts at once:
#               aggregate MB/s, RSS per scan, and (with perf) how much of
#               scsaned's time goes to locks
#   exact       16 clients on 16 LUNs of mixed models on the 8 hosts at
#               once, every image byte for byte its model's
#
# Medians of RUNS interleaved runs; every run is printed.  Needs root (the
# namespaces); a two-core machine is enough, since pacing, not CPU, sets
# the paced times.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/../integration/lab-harness.sh"
RUNS=${RUNS:-5}
HOSTS=8
CONNECT_TIMEOUT=10	# src/scsi/iscsi_int.h
LPS=100
PACED=(--mode Gray --resolution 100 -x 50 -y 76 --format=pnm)	# 299 lines: 3 s at $LPS
UNPACED=(--mode Color --resolution 600 -x 215 -y 296 --format=pnm)	# 107 MB, to /dev/null
BURST=(--mode Color --resolution 300 -x 215 -y 296 --format=pnm)	# 26.6 MB
test_cleanup() {
	lab_cleanup
}
lab_net || { echo "bench-lab: cannot create a bridge and network namespaces"; exit 1; }
lease ADDR addr
MIX=("pa=scsi2-flatbed?lps=$LPS" "pb=scsi2-flatbed?lps=$LPS" fb=scsi2-flatbed fc=scsi2-flatbed
    "ls2000=coolscan-ls2000?holder=strip" ls30=coolscan-ls30
    fs2710=canon-fs2710 "fs4000=canon-fs4000us?holder=strip&lamp=300&timescale=200")
t0=$(date +%s)
for ((h = 1; h <= HOSTS; h++)); do
	lab_host "$h" "${MIX[@]}" || { echo "bench-lab: host $h did not come up"; exit 1; }
done
echo "lab: $HOSTS hosts x ${#MIX[@]} LUNs up in $(( $(date +%s) - t0 )) s"
DEAD=$(lab_addr 9)		# on the bridge's subnet, nobody there
SILENT=$(lab_addr 10)		# a neighbour that swallows every frame
ip neigh replace "$SILENT" lladdr 02:00:5e:00:53:01 dev "$LAB_BR" nud permanent

ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
runs() { tr '\n' ' ' < "$1"; }

# ---- discovery ---------------------------------------------------------
{
	echo "discover iscsi://$(lab_addr 1)"
	echo "hosts_file none"
} > "$TMP/one.conf"
for ((h = 1; h <= HOSTS; h++)); do echo "discover iscsi://$(lab_addr "$h")"; done > "$TMP/all.lines"
{ cat "$TMP/all.lines"; echo "hosts_file none"; } > "$TMP/all.conf"
{ cat "$TMP/all.conf"; echo "discover iscsi://$DEAD"; } > "$TMP/dead.conf"
{ cat "$TMP/all.conf"; echo "discover iscsi://$SILENT"; } > "$TMP/silent.conf"
sched_ms() {	# sched_ms PID...: their CPU time so far, ms (schedstat: ns)
	local p n=0
	for p in "$@"; do n=$(( n + $(awk '{ print $1 }' "/proc/$p/schedstat" 2>/dev/null || echo 0) )); done
	echo $(( n / 1000000 ))
}
# listing CONF: "WALL CPU TGTD", the ms to build the device list, the CPU
# ms scsaned spent on it and the CPU ms the tgtds did; its size in $TMP/n.CONF
listing() {
	local t g c
	g=$(sched_ms "${LAB_TGT_PID[@]}")
	t=$(ms)
	c=$( { TIMEFORMAT='%3U %3S'; time "$BUILD/scsaned" -c "$TMP/$1.conf" -L \
	    > "$TMP/L.$1" 2>> "$TMP/L.err"; } 2>&1 )
	echo "$(( $(ms) - t )) $(echo "$c" | awk '{ printf "%d", ($1 + $2) * 1000 }')" \
	    "$(( $(sched_ms "${LAB_TGT_PID[@]}") - g ))"
	wc -l < "$TMP/L.$1" > "$TMP/n.$1"
}
col() { awk -v c="$1" '{ print $c }' "$2" | median; }
for c in one all dead silent; do : > "$TMP/t.$c"; done
for ((i = 0; i < RUNS; i++)); do
	for c in one all dead silent; do listing "$c" >> "$TMP/t.$c"; done
done
for c in one all dead silent; do
	echo "discovery runs, ms, $c ($(cat "$TMP/n.$c") devices): $(awk '{ print $1 }' "$TMP/t.$c" | tr '\n' ' ')"
	eval "T_$c=$(col 1 "$TMP/t.$c")"
done
printf '%-44s %6s ms   CPU: scsaned %s ms, tgtds %s ms\n' "1 host x 8 LUNs listed" "$T_one" \
    "$(col 2 "$TMP/t.one")" "$(col 3 "$TMP/t.one")"
printf '%-44s %6s ms   ratio %s (goal <= 2)   CPU: scsaned %s ms, tgtds %s ms\n' \
    "8 hosts x 8 LUNs listed (start-up)" "$T_all" "$(ratio "$T_all" "$T_one")" \
    "$(col 2 "$TMP/t.all")" "$(col 3 "$TMP/t.all")"
printf '%-44s %6s ms   +%s ms (goal <= %d000)\n' "... and a dead host (no ARP answer)" "$T_dead" \
    "$((T_dead - T_all))" "$CONNECT_TIMEOUT"
printf '%-44s %6s ms   +%s ms (goal <= %d000)\n' "... and a silent host (frames vanish)" "$T_silent" \
    "$((T_silent - T_all))" "$CONNECT_TIMEOUT"

# ---- one daemon for the rest -------------------------------------------
{
	for ((k = 1; k <= 16; k++)); do echo "device s$k sim:scsi2-flatbed?lps=$LPS"; done
	cat "$TMP/all.lines"
	echo "hosts_file none"
	echo "users_file none"
	echo "lock_dir $TMP/locks"
} > "$TMP/scsaned.conf"
start_server "$TMP/scsaned.conf" > /dev/null
scan -L > "$TMP/list" 2>&1
echo "scsaned serves $(grep -c "net:$ADDR:" "$TMP/list") devices"

alive() {	# alive PID...: one of them still runs
	local p
	for p in "$@"; do kill -0 "$p" 2>/dev/null && return 0; done
	return 1
}
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$SERVER_PID/status"; }
# together OUTDIR DEVICE... : the scans of SCAN on every DEVICE at once,
# into OUTDIR/DEVICE.pnm (OUTDIR "-": /dev/null), wall ms to stdout;
# scsaned's largest RSS meanwhile in $TMP/peak.
together() {
	local out=$1 d pids=() ok=0 t peak=0 r end=0
	shift
	t=$(ms)
	for d in "$@"; do
		# Each scan notes when it ended: the sampling below is coarser.
		( SANE_CONFIG_DIR=$(sane_dir) timeout 120 scanimage -d "net:$ADDR:$d" "${SCAN[@]}" \
		    > "$([ "$out" = - ] && echo /dev/null || echo "$out/$d.pnm")" 2> "$TMP/$d.err"
		  r=$?; ms > "$TMP/$d.end"; exit $r ) &
		pids+=("$!")
	done
	# Sample while any runs; bounded by scanimage's own timeout.
	while alive "${pids[@]}"; do
		r=$(rss_kb)
		[ "${r:-0}" -gt "$peak" ] && peak=$r
		sleep 0.1
	done
	for d in "${pids[@]}"; do wait "$d" || ok=1; done
	echo "$peak" > "$TMP/peak"
	for d in "$@"; do
		r=$(cat "$TMP/$d.end" 2>/dev/null || echo 0)
		[ "$r" -gt "$end" ] && end=$r
	done
	echo $(( end - t ))
	return $ok
}
lun() {	# lun K: the Kth paced iSCSI LUN, spread over the hosts first
	echo "h$(( (($1 - 1) % HOSTS) + 1 ))-p$( [ "$1" -le "$HOSTS" ] && echo a || echo b)"
}

# ---- paced --------------------------------------------------------------
SCAN=("${PACED[@]}")
mkdir -p "$TMP/paced"
IDLE_RSS=$(rss_kb)
declare -A PEAK
for kind in sim iscsi; do
	for k in 1 2 4 8 16; do : > "$TMP/p.$kind.$k"; done
done
for ((i = 0; i < (RUNS + 1) / 2; i++)); do
	for k in 1 2 4 8 16; do
		for kind in sim iscsi; do
			devs=()
			for ((j = 1; j <= k; j++)); do
				[ "$kind" = sim ] && devs+=("s$j") || devs+=("$(lun "$j")")
			done
			together "$TMP/paced" "${devs[@]}" >> "$TMP/p.$kind.$k" ||
			    echo "paced $kind K=$k: a scan failed: $(cat "$TMP/"*.err | sort -u | head -3)"
			[ "$k" = 16 ] && PEAK[$kind]=$(cat "$TMP/peak")
		done
	done
done
for kind in sim iscsi; do
	one=$(median < "$TMP/p.$kind.1")
	for k in 1 2 4 8 16; do
		m=$(median < "$TMP/p.$kind.$k")
		echo "paced $kind K=$k runs, ms: $(runs "$TMP/p.$kind.$k")"
		printf 'paced %-5s K=%-2d %6s ms   x one alone %s (goal <= 1.15)\n' "$kind" "$k" "$m" \
		    "$(ratio "$m" "$one")"
	done
	printf 'paced %-5s K=16: scsaned RSS %d KiB idle, %d KiB peak: %d KiB per concurrent scan\n' \
	    "$kind" "$IDLE_RSS" "${PEAK[$kind]}" $(( (PEAK[$kind] - IDLE_RSS) / 16 ))
done
# Every paced image: the flatbed's, exactly (the sim: ones equal an iSCSI one).
bad=0
for ((j = 1; j <= 16; j++)); do
	n=$(lun "$j")
	lab_exact "$n" "$TMP/paced/$n.pnm" || { bad=1; echo "paced: $n's image is wrong"; }
	cmp -s <(pnm_data "$TMP/paced/s$j.pnm") <(pnm_data "$TMP/paced/h1-pa.pnm") ||
	    { bad=1; echo "paced: s$j's image is wrong"; }
done
echo "paced: the 32 images of the last K=16 runs are exact: $([ $bad = 0 ] && echo yes || echo NO)"

# ---- unpaced -------------------------------------------------------------
hz=$(getconf CLK_TCK)
cpu_of() {	# cpu_of PID...: their user+system seconds so far
	local p s=0
	for p in "$@"; do
		s=$(( s + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0) ))
	done
	awk -v s="$s" -v hz="$hz" 'BEGIN { printf "%.3f", s / hz }'
}
TGTDS=("${LAB_TGT_PID[@]}")
SCAN=("${UNPACED[@]}")
# The bytes of one such scan, from the server's own count.
one_bytes() {
	wait_for 10 grep -q "$1 for .*scan ended: complete" "$SERVER_LOG"
	grep "$1 for .*scan ended: complete" "$SERVER_LOG" | tail -1 |
	    sed -n 's/.*complete, \([0-9]*\) bytes.*/\1/p'
}
for k in 1 2 4; do : > "$TMP/u.$k"; : > "$TMP/cpu.$k"; done
for ((i = 0; i < RUNS; i++)); do
	for k in 1 2 4; do
		devs=()
		for ((j = 1; j <= k; j++)); do devs+=("h$j-fb"); done
		c0=$(cpu_of "$SERVER_PID")
		g0=$(cpu_of "${TGTDS[@]}")
		w=$(together - "${devs[@]}") || echo "unpaced K=$k: a scan failed"
		bytes=0
		for d in "${devs[@]}"; do bytes=$(( bytes + $(one_bytes "$d") )); done
		awk -v b="$bytes" -v w="$w" 'BEGIN { printf "%.1f\n", b / 1e6 / (w / 1000) }' >> "$TMP/u.$k"
		echo "$(cpu_of "$SERVER_PID") $c0 $(cpu_of "${TGTDS[@]}") $g0 $bytes" >> "$TMP/cpu.$k"
	done
done
w=$(last_window "$TMP/trace.h1-fb")
sim_cpu=$( { TIMEFORMAT='%3U %3S'; time "$BUILD/tests/raw_read" sim \
    $(for f in xres x y w l comp bpp; do window_field "$w" $f; done) > "$TMP/raw.out"; } 2>&1 )
sim_bytes=$(awk '{ print $1 }' "$TMP/raw.out")
for k in 1 2 4; do
	echo "unpaced K=$k runs, MB/s aggregate: $(runs "$TMP/u.$k")"
	printf 'unpaced K=%d  %7s MB/s aggregate   CPU s/MB: scsaned %s  tgtd+shim %s\n' "$k" \
	    "$(median < "$TMP/u.$k")" \
	    "$(awk '{ print ($1 - $2) / ($5 / 1e6) }' "$TMP/cpu.$k" | median | xargs printf '%.4f')" \
	    "$(awk '{ print ($3 - $4) / ($5 / 1e6) }' "$TMP/cpu.$k" | median | xargs printf '%.4f')"
done
printf 'the simulator alone (raw_read sim, same window): CPU s/MB %s\n' \
    "$(echo "$sim_cpu $sim_bytes" | awk '{ printf "%.4f", ($1 + $2) / ($3 / 1e6) }')"

# ---- 16 full-speed scans at once ----------------------------------------
devs=()
for ((h = 1; h <= HOSTS; h++)); do devs+=("h$h-fb" "h$h-fc"); done
SCAN=("${BURST[@]}")
together - "${devs[@]}" > /dev/null	# warm: every LUN opened once
perf_pid=""
if command -v perf > /dev/null; then
	perf record -q -o "$TMP/perf.data" -p "$SERVER_PID" > /dev/null 2>&1 &
	perf_pid=$!
	sleep 0.3	# perf attaches; it only watches
fi
n0=$(grep -c "h1-fb for .*scan ended: complete" "$SERVER_LOG")
w=$(together - "${devs[@]}") || echo "burst: a scan failed"
wait_for 10 eval '[ "$(grep -c "h1-fb for .*scan ended: complete" "$SERVER_LOG")" -gt "$n0" ]' ||
    echo "burst: h1-fb's scan did not end in the log"
peak=$(cat "$TMP/peak")
[ -n "$perf_pid" ] && kill -INT "$perf_pid" && wait "$perf_pid"
bytes=$(( 16 * $(one_bytes h1-fb) ))
printf 'burst: 16 full-speed scans on 16 LUNs of 8 hosts at once: %s MB/s aggregate, RSS %d KiB per scan\n' \
    "$(awk -v b="$bytes" -v w="$w" 'BEGIN { printf "%.1f", b / 1e6 / (w / 1000) }')" \
    $(( (peak - IDLE_RSS) / 16 ))
if [ -n "$perf_pid" ]; then
	perf report -i "$TMP/perf.data" --no-children --sort sym --stdio 2> /dev/null |
	    awk '/^ +[0-9.]+%/ { p = $1 + 0; t += p
		if ($0 ~ /futex|mutex|lll_lock|_cond_/) l += p }
		END { printf "burst: locks and futexes %.1f%% of scsaned'"'"'s samples (of %.0f%% shown)\n", l, t }'
fi

# ---- 16 clients, 16 LUNs of mixed models, 8 hosts ---------------------
MIXED=(h1-ls2000 h1-fs2710 h2-fs4000 h2-ls30 h3-fc h3-fb h4-ls2000 h4-fs4000
    h5-fs2710 h5-ls30 h6-ls2000 h6-fs4000 h7-fb h7-ls30 h8-fs2710 h8-ls2000)
mkdir -p "$TMP/mixed"
pids=()
t=$(ms)
for n in "${MIXED[@]}"; do
	SANE_CONFIG_DIR=$(sane_dir) timeout 120 scanimage -d "net:$ADDR:$n" $(lab_scan_args "$n") \
	    --format=pnm > "$TMP/mixed/$n.pnm" 2> "$TMP/mixed/$n.err" &
	pids+=("$!")
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
w=$(( $(ms) - t ))
exact=0
for n in "${MIXED[@]}"; do lab_exact "$n" "$TMP/mixed/$n.pnm" && exact=$((exact + 1)); done
echo "exact: 16 clients on 16 LUNs of 5 models on 8 hosts at once: $((16 - failed)) succeeded," \
    "$exact images exact, in $w ms"
stop_server > /dev/null
