#!/bin/bash
# make bench: one large 16-bit colour scan from Debian's `test` backend,
# read by stock scanimage to /dev/null, three ways side by side in one
# run: (a) local scanimage -d test:0, (b) Debian's saned, (c) scsaned with
# the libsane bridge; each on its own loopback address.  Medians of wall
# times over several interleaved runs, their ratios, scsaned's peak RSS
# for a small and a large image, and its START-to-first-byte time.
# Goals: c/b <= 0.5, c/a <= 1.5, RSS flat in image size.
. "$(dirname "$0")/../integration/lib.sh"
RUNS=${RUNS:-9}
lease SANED_ADDR addr
lease ADDR addr
SCAN=(--mode Color --depth 16 --resolution 600 --test-picture "Color pattern" -x 200 -y 200 --format=pnm)

mkdir -p "$TMP/backends" "$TMP/to-saned" "$TMP/to-scsaned"
echo test > "$TMP/backends/dll.conf"
: > "$TMP/backends/saned.conf"
for d in to-saned:$SANED_ADDR to-scsaned:$ADDR; do
	echo net > "$TMP/${d%%:*}/dll.conf"
	echo "${d#*:}" > "$TMP/${d%%:*}/net.conf"
done

SANE_CONFIG_DIR=$TMP/backends saned -l -b "$SANED_ADDR" -d 1 2> "$TMP/saned.log" &
PIDS+=("$!")
saned_up() { ss -Hltn "src $SANED_ADDR:6566" 2>/dev/null | grep -q LISTEN; }
wait_for 10 saned_up || { echo "bench: saned did not start"; exit 1; }
cat > "$TMP/scsaned.conf" <<CONF
backends yes
hosts_file none
users_file none
CONF
SANE_CONFIG_DIR=$TMP/backends start_server "$TMP/scsaned.conf" > /dev/null

ms() { echo $(( $(date +%s%N) / 1000000 )); }
timed() {	# timed CONFIG_DIR DEVICE: wall ms of one scan to /dev/null
	local t0 t1
	t0=$(ms)
	SANE_CONFIG_DIR=$1 timeout 300 scanimage -d "$2" "${SCAN[@]}" > /dev/null 2>> "$TMP/scan.err" || return 1
	t1=$(ms)
	echo $((t1 - t0))
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for ((i = 0; i < RUNS; i++)); do
	timed "$TMP/backends" test:0 >> "$TMP/local"
	timed "$TMP/to-saned" "net:$SANED_ADDR:test:0" >> "$TMP/saned"
	timed "$TMP/to-scsaned" "net:$ADDR:test:0" >> "$TMP/scsaned"
done
a=$(median < "$TMP/local")
b=$(median < "$TMP/saned")
c=$(median < "$TMP/scsaned")
bytes=$(grep -m1 "test:0 for .*scan ended: complete" "$SERVER_LOG" | sed -n 's/.*complete, \([0-9]*\) bytes.*/\1/p')
echo "16-bit colour, 600 dpi, 200 x 200 mm: $bytes bytes; $RUNS runs each, wall ms"
echo "  runs: local $(tr '\n' ' ' < "$TMP/local")| saned $(tr '\n' ' ' < "$TMP/saned")| scsaned $(tr '\n' ' ' < "$TMP/scsaned")"
printf '  medians: (a) local %s ms   (b) saned %s ms   (c) scsaned %s ms\n' "$a" "$b" "$c"
awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN { printf "  ratios: b/a %.2f   c/a %.2f   c/b %.2f   (goals: c/b <= 0.5, c/a <= 1.5)\n", b / a, c / a, c / b }'
first=$(sed -n 's/.*test:0 for .*first data after \([0-9]*\) ms.*/\1/p' "$SERVER_LOG" | median)
echo "  scsaned START to first data byte: median $first ms"
# Peak RSS, small image then large, with a plain picture (the backend keeps
# options between opens, so it is named): the colour
# pattern makes the test backend itself grow with the width (see below).
rss_of() {	# rss_of RESOLUTION: scsaned's VmHWM after a scan at it
	SANE_CONFIG_DIR=$TMP/to-scsaned timeout 600 scanimage -d "net:$ADDR:test:0" \
	    --mode Color --depth 16 --resolution "$1" -x 200 -y 200 --test-picture "Solid black" --format=pnm \
	    > /dev/null 2>> "$TMP/scan.err"
	awk '/^VmHWM/ { print $2 }' "/proc/$SERVER_PID/status"
}
small=$(rss_of 300)
large=$(rss_of 1200)
big=$(grep "test:0 for .*scan ended: complete" "$SERVER_LOG" | tail -1 | sed -n 's/.*complete, \([0-9]*\) bytes.*/\1/p')
echo "  scsaned peak RSS: $small kB after a 300 dpi scan, $large kB after a 1200 dpi one ($big bytes)"
for res in 600 1200; do
	/usr/bin/time -f "%M" -o "$TMP/rss.$res" env SANE_CONFIG_DIR="$TMP/backends" timeout 600 \
	    scanimage -d test:0 --mode Color --depth 16 --resolution $res -x 200 -y 200 \
	    --test-picture "Color pattern" --format=pnm > /dev/null 2>> "$TMP/scan.err"
done
echo "  (the test backend's colour pattern alone, local scanimage: $(cat "$TMP/rss.600") kB at 600 dpi, $(cat "$TMP/rss.1200") kB at 1200)"
stop_server > /dev/null
