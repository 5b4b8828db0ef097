#!/bin/bash
# bench-iscsi: one large scan through the whole chain (scanimage -> scsaned
# -> libiscsi -> tgtd -> passthrough LUN -> simulated flatbed) against a
# plain libiscsi program issuing the same READ CDBs with the same transfer
# size to the same LUN; and, as the ceiling, the same pair for the sim:
# transport (scsaned in-process simulator vs the simulator called directly).
# Both sides of a pair run in the same run, interleaved, seven times; the
# medians are compared and every run is printed (three busy processes on a
# two-core machine make single runs vary widely).  Goal: chain/plain >= 0.9.
#
# scsaned keeps the next READ queued at the target (two in flight, see
# scsi.h); the plain loop is one READ after another, as the goal defines
# it.  So that the comparison hides nothing, the plain program also runs
# with two READs in flight, and chain/that is printed beside the goal.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/../integration/tgt-harness.sh"
tgt_addresses
IQN=iqn.2026-11.org.scsaned.bench:flatbed
RUNS=7
# A whole page, 600 dpi, 8-bit colour: about 107 MB.
SCAN=(--mode Color --depth 8 --resolution 600 -x 215 -y 296 --format=pnm)

tgt_start "$TGT" "$PORTAL" "$TMP/sg-bench" "scsi2-flatbed?trace=$TMP/trace.iscsi" "$IQN" ||
    { echo "bench: tgtd did not start"; exit 1; }
URL="iscsi://$PORTAL/$IQN/1"
cat > "$TMP/scsaned.conf" <<CONF
device remote $URL
device local sim:scsi2-flatbed?trace=$TMP/trace.sim
CONF
start_server "$TMP/scsaned.conf" >/dev/null

# The server's own measure of one scan: bytes and seconds of streaming.
chain() {
	local before
	before=$(grep -c "scan ended" "$SERVER_LOG")
	scan -d "net:$ADDR:$1" "${SCAN[@]}" > /dev/null 2>> "$TMP/scan.err" || return 1
	wait_for 30 eval '[ "$(grep -c "scan ended" "$SERVER_LOG")" -gt '"$before"' ]'
	grep "$1 for .*scan ended: complete" "$SERVER_LOG" | tail -1 |
	    sed -n 's/.*complete, \([0-9]*\) bytes in \([0-9.]*\) s.*/\1 \2/p'
}

raw() {	# raw iscsi|sim [DEPTH]: the same window and transfer size, nothing around it
	local w depth=${2:-1}
	w=$(last_window "$TMP/trace.$1")
	set -- "$1" $(for k in xres x y w l comp bpp; do window_field "$w" $k; done)
	if [ "$1" = iscsi ]; then
		"$BUILD/tests/raw_read" iscsi "$URL" "${@:2}" "$depth"
	else
		"$BUILD/tests/raw_read" sim "${@:2}"
	fi
}

rate() { awk '{ printf "%.1f", $1 / $2 / 1e6 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for pair in "iscsi remote" "sim local"; do
	set -- $pair
	: > "$TMP/chain.$1"
	: > "$TMP/raw.$1"
	: > "$TMP/raw2.$1"
	for ((i = 0; i < RUNS; i++)); do
		chain "$2" | rate >> "$TMP/chain.$1" && echo >> "$TMP/chain.$1"
		raw "$1" | rate >> "$TMP/raw.$1" && echo >> "$TMP/raw.$1"
		[ "$1" = iscsi ] && raw "$1" 2 | rate >> "$TMP/raw2.$1" && echo >> "$TMP/raw2.$1"
	done
	c=$(median < "$TMP/chain.$1")
	r=$(median < "$TMP/raw.$1")
	echo "$1 runs, MB/s: chain $(tr '\n' ' ' < "$TMP/chain.$1")/ plain $(tr '\n' ' ' < "$TMP/raw.$1")"
	printf '%-6s scanimage->scsaned %8s MB/s   plain READ loop %8s MB/s   ratio %s\n' \
	    "$1" "$c" "$r" "$(awk -v c="$c" -v r="$r" 'BEGIN { printf "%.2f", c / r }')"
	if [ -s "$TMP/raw2.$1" ]; then
		r=$(median < "$TMP/raw2.$1")
		echo "$1 runs, MB/s: plain, two READs in flight $(tr '\n' ' ' < "$TMP/raw2.$1")"
		printf '%-6s (same queue depth: plain %s MB/s, ratio %s)\n' "$1" "$r" \
		    "$(awk -v c="$c" -v r="$r" 'BEGIN { printf "%.2f", c / r }')"
	fi
done
stop_server > /dev/null
tgt_stop
