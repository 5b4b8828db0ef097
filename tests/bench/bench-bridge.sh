#!/bin/bash
# bench-bridge: Debian's SCSI backends, unmodified, hosted by
# scsaned-backend and driving a model exported by a real tgtd over iSCSI,
# against the same backend scanning the same model on a local sg node
# (scanimage with the backend in process, libsgsim.so): the whole scan as
# the client sees it, scanimage started to scanimage done, medians of RUNS
# interleaved runs.  The models unpaced first, which answer every command
# at once, so what the bridge costs per command is all that shows; then
# the film scanners paced at their real line rate, the case the goal
# (bridged / local <= 1.15) is about.
#
# Also, on the LS-2000: bridged coolscan3 against our own Coolscan driver
# on the same LUN and scan, per byte (goal <= 1.3); the helper's start to
# the first image byte at the daemon; and the helper's peak RSS for a small
# and a large image (flat in image size).
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/../integration/tgt-harness.sh"
. "$(dirname "$0")/../integration/bridge-harness.sh"
tgt_addresses
RUNS=${RUNS:-3}
IQN=iqn.2026-12.org.scsaned.bench:bridge

# BACKEND | its config line | model | local device prefix | scan options
# (each 60-300 MB of image, a second or so locally, so that the helper's
# start, the same for a small scan and a big one, does not decide it).
CASES=(
	"coolscan3|auto|coolscan-ls2000|coolscan3:scsi:|--resolution 2700 --depth 12"
	"canon|scsi CANON IX|canon-fs2710|canon:|--mode Color --resolution 2720 -l 1 -t 1 -x 34 -y 22"
	"epson2|scsi EPSON|epson-perfection1640|epson2:|--mode Color --depth 16 --resolution 800 -x 200 -y 250"
	"umax|scsi UMAX * Scanner|umax-astra1220s|umax:|--mode Color --depth 12 --resolution 600 -x 200 -y 280"
)
# Real line rates: hw-notes/nikon-coolscan.md, canon-fs2710.md,
# epson-perfection1640.md, umax-astra1220s.md (each about 5 s of lines).
PACED_CASES=(
	"coolscan3|auto|coolscan-ls2000?lps=88|coolscan3:scsi:|--resolution 2700 --depth 12 -y 440"
	"canon|scsi CANON IX|canon-fs2710?lps=64|canon:|--mode Color --resolution 2720 -l 2 -t 3 -x 20 -y 3"
	"epson2|scsi EPSON|epson-perfection1640?lps=70|epson2:|--mode Color --depth 16 --resolution 800 -x 60 -y 11"
	"umax|scsi UMAX * Scanner|umax-astra1220s?lps=40|umax:|--mode Color --depth 12 --resolution 600 -x 80 -y 8.5"
)
# ONLY="coolscan3 canon": those backends alone.
if [ -n "${ONLY:-}" ]; then
	only() { local c; for c in "$@"; do [[ " $ONLY " == *" ${c%%|*} "* ]] && echo "$c"; done; }
	mapfile -t CASES < <(only "${CASES[@]}")
	mapfile -t PACED_CASES < <(only "${PACED_CASES[@]}")
fi

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f\n", b - a }'; }
# ms HH:MM:SS.mmm: milliseconds since midnight.
ms() { awk -F'[:.]' '{ print (($1 * 60 + $2) * 60 + $3) * 1000 + $4 }' <<< "$1"; }

# timed FILE CMD...: run CMD, the image to $TMP/out.pnm, its seconds
# appended to FILE; a failure ends the bench with the reason.
timed() {
	local file=$1 t0
	shift
	t0=$(now)
	"$@" --format=pnm > "$TMP/out.pnm" 2> "$TMP/err" ||
	    { echo "bench-bridge: $* failed:"; tail -3 "$TMP/err"; exit 1; }
	since "$t0" >> "$file"
	stat -c %s "$TMP/out.pnm" > "$file.bytes"
}

# first_byte DEV: the last scan's helper start to first data at the daemon, ms.
first_byte() {
	local started ended after
	started=$(grep " $1: backend host .* started" "$SERVER_LOG" | tail -1 | awk '{ print $1 }')
	ended=$(grep " $1 for .*scan started" "$SERVER_LOG" | tail -1 | awk '{ print $1 }')
	after=$(grep " $1 for .*scan ended: complete" "$SERVER_LOG" | tail -1 |
	    sed -n 's/.*first data after \([0-9]*\) ms.*/\1/p')
	echo $(( $(ms "$ended") + after - $(ms "$started") ))
}

# peak_rss: the last helper's peak RSS, KiB, once it has exited.
peak_rss() {
	wait_for 10 eval '[ "$(grep -c "backend host: done, peak RSS" "$SERVER_LOG")" -gt '"$1"' ]'
	grep "backend host: done, peak RSS" "$SERVER_LOG" | tail -1 | sed 's/.*peak RSS \([0-9]*\) KiB.*/\1/'
}
helpers_done() { grep -c "backend host: done, peak RSS" "$SERVER_LOG"; }

# serve_case BACKEND LINE MODEL SPEC: the backend's config, a local sg
# node and a tgtd LUN, both the model SPEC, and scsaned serving "remote"
# (the LUN, bridged), "insim" (sim:SPEC, bridged) and, for coolscan3,
# "native" (the LUN, our Coolscan driver).
serve_case() {
	local backend=$1 model=$3 spec=$4 lines
	bridge_setup "$backend" "$2"
	if [ "$backend" = coolscan3 ]; then
		bridge_local_node node "$spec" scsi:
	else
		bridge_local_node node "$spec"
	fi
	rm -f "$TMP/sg-remote"
	bridge_tgt "$spec" || { echo "bench-bridge: tgtd did not start"; exit 1; }
	lines=("device remote iscsi://$PORTAL/$IQN/1 backend=$backend"
	    "device insim sim:$spec backend=$backend")
	[ "$backend" = coolscan3 ] && lines+=("device native iscsi://$PORTAL/$IQN/1")
	bridge_serve "${lines[@]}" > /dev/null
}

end_case() {
	[ -n "${KEEP:-}" ] && cp "$TMP/trace.remote" "$SERVER_LOG" "$KEEP/"
	stop_server > /dev/null
	tgt_stop
	LOCAL_DEVICES=
}

# compare LABEL PREFIX OPTS: RUNS interleaved scans local / iSCSI / sim:,
# one line of medians; the iSCSI/local ratio in $R.
compare() {
	local label=$1 prefix=$2 opts=$3 a b c
	: > "$TMP/t.local"
	: > "$TMP/t.remote"
	: > "$TMP/t.insim"
	for ((i = 0; i < RUNS; i++)); do
		# shellcheck disable=SC2086 # options are words
		timed "$TMP/t.local" local_scan -d "$prefix$node" $opts
		# shellcheck disable=SC2086
		timed "$TMP/t.remote" scan -d "net:$ADDR:remote" $opts
		# shellcheck disable=SC2086
		timed "$TMP/t.insim" scan -d "net:$ADDR:insim" $opts
	done
	a=$(median < "$TMP/t.local")
	b=$(median < "$TMP/t.remote")
	c=$(median < "$TMP/t.insim")
	R=$(ratio "$b" "$a")
	printf '%-28s %8s %8s %6s %8s %6s %7s   local %s/ iSCSI %s/ sim: %s\n' "$label" \
	    "$a" "$b" "$R" "$c" "$(ratio "$c" "$a")" \
	    "$(awk '{ printf "%.1f", $1 / 1e6 }' "$TMP/t.remote.bytes")" \
	    "$(tr '\n' ' ' < "$TMP/t.local")" "$(tr '\n' ' ' < "$TMP/t.remote")" \
	    "$(tr '\n' ' ' < "$TMP/t.insim")"
}

# coolscan_extra OPTS: on the coolscan3 case's server, bridged coolscan3
# against our driver on the same LUN, first byte, helper RSS.
coolscan_extra() {
	local n fb big small
	n=$(helpers_done)
	scan -d "net:$ADDR:remote" $1 --format=pnm > "$TMP/big.pnm" 2> "$TMP/err" ||
	    { echo "bench-bridge: large scan failed"; exit 1; }
	fb=$(first_byte remote)
	big=$(peak_rss "$n")
	n=$(helpers_done)
	scan -d "net:$ADDR:remote" --resolution 300 --depth 8 -l 90 -t 180 -x 900 -y 630 \
	    --format=pnm > "$TMP/small.pnm" 2> "$TMP/err" || { echo "bench-bridge: small scan failed"; exit 1; }
	small=$(peak_rss "$n")
	EXTRA="unpaced: "
	versus_native "$1" ""
	EXTRA+="helper start to first image byte at the daemon (coolscan3, iSCSI): $fb ms"$'\n'
	EXTRA+="helper peak RSS: $small KiB for a $(stat -c %s "$TMP/small.pnm")-byte image,"
	EXTRA+=" $big KiB for a $(stat -c %s "$TMP/big.pnm")-byte one"$'\n'
}

# versus_native OPTS NATIVE_OPTS: RUNS interleaved scans of bridged
# coolscan3 (OPTS) and our Coolscan driver (NATIVE_OPTS, the same window)
# on the one LUN, per byte; the ratio in $COOL and a line in $EXTRA.
versus_native() {
	local nb hb nt ht
	: > "$TMP/t.native"
	: > "$TMP/t.hosted"
	for ((i = 0; i < RUNS; i++)); do
		# shellcheck disable=SC2086 # options are words
		timed "$TMP/t.native" scan -d "net:$ADDR:native" --resolution 2700 --depth 16 $2
		# shellcheck disable=SC2086
		timed "$TMP/t.hosted" scan -d "net:$ADDR:remote" $1
	done
	nb=$(cat "$TMP/t.native.bytes")
	hb=$(cat "$TMP/t.hosted.bytes")
	nt=$(median < "$TMP/t.native")
	ht=$(median < "$TMP/t.hosted")
	COOL=$(awk -v ht="$ht" -v hb="$hb" -v nt="$nt" -v nb="$nb" \
	    'BEGIN { printf "%.2f", (ht / hb) / (nt / nb) }')
	EXTRA+="coolscan3 over iSCSI / our Coolscan driver on the same LUN, per byte: $COOL"
	EXTRA+=" ($ht s for $hb bytes / $nt s for $nb bytes;"
	EXTRA+=" runs: $(tr '\n' ' ' < "$TMP/t.hosted")/ $(tr '\n' ' ' < "$TMP/t.native"))"$'\n'
}

echo "== unpaced models: each command at once, so the bridge's cost per command shows"
printf '%-28s %8s %8s %6s %8s %6s %7s\n' "backend, model" "local s" "iSCSI s" ratio \
    "sim: s" ratio MB
for c in "${CASES[@]}"; do
	IFS='|' read -r backend line model prefix opts <<< "$c"
	bridge_need "$backend"
	serve_case "$backend" "$line" "$model" "$model"
	compare "$backend, $model" "$prefix" "$opts"
	[ "$backend" = coolscan3 ] && coolscan_extra "$opts"
	end_case
done
[ -n "${EXTRA:-}" ] && printf '%s' "$EXTRA"
EXTRA="paced: "

# Each model at its real line rate (hw-notes), a window of about five
# seconds of lines: the case the goal is about.
echo "== paced at the real line rate (goal: iSCSI / local <= 1.15)"
worst=0
for c in "${PACED_CASES[@]}"; do
	IFS='|' read -r backend line model prefix opts <<< "$c"
	bridge_need "$backend"
	serve_case "$backend" "$line" "${model%%\?*}" "$model"
	compare "$backend, $model" "$prefix" "$opts"
	worst=$(awk -v w="$worst" -v r="$R" 'BEGIN { print (r > w) ? r : w }')
	[ "$backend" = coolscan3 ] && versus_native "$opts" "-t 0 -y 4.14"
	end_case
done
[ -n "${COOL:-}" ] && printf '%s' "$EXTRA"
echo "paced: worst iSCSI / local $worst (goal <= 1.15); coolscan3 / our driver ${COOL:-} (goal <= 1.3)"
awk -v w="$worst" -v c="${COOL:-0}" 'BEGIN { exit !(w <= 1.15 && c <= 1.3) }'
