#!/bin/bash
# Our Coolscan driver, through scsaned and the real scanimage over the net
# backend, on every Nikon model: images equal the model's film, and equal
# what Debian's coolscan3 gets for the same window.  Also: the infrared
# scan, all frames of a strip as a batch, no film, a busy scanner,
# multi-sampling, autofocus, negatives, and a cancelled scan.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

cat > "$TMP/scsaned.conf" <<CONF
device ls30   sim:coolscan-ls30?trace=$TMP/trace.ls30
device ls2000 sim:coolscan-ls2000?holder=strip&trace=$TMP/trace.ls2000
device ls4000 sim:coolscan-ls4000?trace=$TMP/trace.ls4000
device ls8000 sim:coolscan-ls8000?trace=$TMP/trace.ls8000
device empty  sim:coolscan-ls2000?holder=none
device busy   sim:coolscan-ls2000?busy=3&reissue=1&trace=$TMP/trace.busy
device neg    sim:coolscan-ls2000?film=negative&holder=strip
device pos    sim:coolscan-ls2000?holder=strip
device slow   sim:coolscan-ls4000?lps=200&trace=$TMP/trace.slow
hosts_file none
users_file none
CONF
start_server "$TMP/scsaned.conf"

# expect MODEL TRACE GOT [render extras] [window id]: GOT equals MODEL's
# rendering of the last normal window (id 1, or the one given) in TRACE.
expect() {
	local win
	win=$(grep "^window id=${5:-1} .* kind=1 " "$2" | tail -1 | sed 's/^window //')
	[ -n "$win" ] && rendered "coolscan-$1" "$3" $win full=1 ${4:-}
}

# samples PNM: its pixel bytes, one decimal number a line.
samples() {
	pnm_data "$1" | od -An -v -w1 -tu1
}

scan -L > "$TMP/list" 2>&1
for m in "ls30 LS-30" "ls2000 LS-2000" "ls4000 LS-4000 ED" "ls8000 LS-8000 ED"; do
	set -- $m
	dev=$1
	shift
	check "$dev: listed as a Nikon $* film scanner" \
	    grep -q "device \`net:$ADDR:$dev' is a Nikon $* film scanner" "$TMP/list"
	for depth in 8 16; do
		: > "$TMP/trace.$dev"
		scan -d "net:$ADDR:$dev" --depth $depth -l 1 -t 2 -x 7 -y 5 --format=pnm \
		    > "$TMP/got.pnm" 2> "$TMP/err"
		check "$dev $depth-bit: scans" test $? -eq 0
		check "$dev $depth-bit: the image is the film's, exactly" expect $dev "$TMP/trace.$dev" "$TMP/got.pnm"
		check "$dev $depth-bit: no command rejected" "$BUILD/scsaned-sim" trace-check "$TMP/trace.$dev"
	done
done
check "the driver reads many lines per READ, not one" \
    eval '[ "$(grep -c "^cdb 28 " "$TMP/trace.ls8000")" -lt 5 ]'

# The same window through Debian's coolscan3: the same pixels.  Its
# 16-bit samples are shifted, ours scaled to the full range: equal in the
# top 12 bits.
if ls /usr/lib/*/sane/libsane-coolscan3.so.1 > /dev/null 2>&1; then
	node=$TMP/sg-cs3
	lease m minor
	mknod "$node" c 21 "$m"
	mkdir -p "$TMP/cs3"
	echo coolscan3 > "$TMP/cs3/dll.conf"
	echo "scsi:$node" > "$TMP/cs3/coolscan3.conf"
	for depth in 8 16; do
		cs3depth=$([ $depth = 8 ] && echo 8 || echo 12)
		SGSIM_LOCKDIR=$TMP SGSIM_DEVICES="$node=coolscan-ls2000" LD_PRELOAD=$BUILD/libsgsim.so \
		    SANE_CONFIG_DIR=$TMP/cs3 timeout 120 scanimage -d "coolscan3:scsi:$node" \
		    --resolution 900 --depth $cs3depth -l 90 -t 180 -x 900 -y 630 --format=pnm \
		    > "$TMP/cs3.pnm" 2> "$TMP/cs3.err"
		scan -d "net:$ADDR:pos" --resolution 900 --depth $depth -l 0.846667 -t 1.693333 \
		    -x 8.466667 -y 5.926667 --format=pnm > "$TMP/ours.pnm" 2> "$TMP/err"
		# 16-bit: the top 12 bits of each big-endian sample.
		check "$depth-bit: our image equals coolscan3's for the same window" eval '
		    [ -s "$TMP/cs3.pnm" ] && [ "$(pnm_size "$TMP/cs3.pnm")" = "$(pnm_size "$TMP/ours.pnm")" ] &&
		    cmp -s <(samples "$TMP/cs3.pnm" | paste - - | awk -v d='$depth' "{ print d == 8 ? \$1 \" \" \$2 : int((\$1 * 256 + \$2) / 16) }") \
			<(samples "$TMP/ours.pnm" | paste - - | awk -v d='$depth' "{ print d == 8 ? \$1 \" \" \$2 : int((\$1 * 256 + \$2) / 16) }")'
	done
else
	skip "Debian's coolscan3 backend is not installed: no comparison with it"
fi

# Infrared: its own scan, gray, of the same area.
: > "$TMP/trace.ls2000"
scan -d "net:$ADDR:ls2000" --infrared=yes -l 1 -t 2 -x 7 -y 5 --format=pnm > "$TMP/ir.pnm" 2> "$TMP/err"
check "infrared: a gray image" eval '[ "$(head -c 2 "$TMP/ir.pnm")" = P5 ]'
check "infrared: window 9 alone was scanned" grep -q "^scan .* planes=1 " "$TMP/trace.ls2000"
check "infrared: the image is the film's infrared, exactly" expect ls2000 "$TMP/trace.ls2000" "$TMP/ir.pnm" ir=1 9

# All frames of a strip, as a batch: six different images, then the end.
: > "$TMP/trace.ls2000"
scan -d "net:$ADDR:ls2000" --all-frames=yes --batch="$TMP/frame%d.pnm" -l 1 -t 2 -x 10 -y 8 \
    --format=pnm > /dev/null 2> "$TMP/batch.err"
grep -q "out of documents" "$TMP/batch.err" || { cat "$TMP/batch.err"; tail -20 "$SERVER_LOG"; }
check "all frames: six images" eval '[ -s "$TMP/frame6.pnm" ] && [ ! -e "$TMP/frame7.pnm" ]'
for f in 1 2 3 4 5 6; do
	grep "^window id=1 .* kind=1 " "$TMP/trace.ls2000" | sed -n "${f}p" > "$TMP/win.$f"
	check "all frames: frame $f is frame $f of the film" \
	    rendered coolscan-ls2000 "$TMP/frame$f.pnm" $(sed 's/^window //' "$TMP/win.$f")
done
# Each frame file exists and differs from the next one.
frames_differ() {
	local f
	for f in 1 2 3 4 5; do
		[ -s "$TMP/frame$f.pnm" ] && [ -s "$TMP/frame$((f + 1)).pnm" ] || return 1
		! cmp -s "$TMP/frame$f.pnm" "$TMP/frame$((f + 1)).pnm" || return 1
	done
}
check "all frames: every frame differs from the next" frames_differ
check "all frames: the batch ends when the strip does" grep -qi "out of documents" "$TMP/batch.err"

# No film.
scan -d "net:$ADDR:empty" -x 5 -y 5 --format=pnm > /dev/null 2> "$TMP/empty.err"
check "no film: the scan fails" test $? -ne 0
check "no film: with SANE's no-documents status" grep -qi "out of documents" "$TMP/empty.err"
check "no film: and a clear log line" grep -q "empty: no film or document in the device" "$SERVER_LOG"

# A busy scanner (focus takes its time) and the re-issue sense: waited out.
scan -d "net:$ADDR:busy" --autofocus=yes -l 1 -t 2 -x 7 -y 5 --format=pnm > "$TMP/busy.pnm" 2> "$TMP/err"
check "busy: the scan succeeds" test $? -eq 0
check "busy: after waiting out NOT READY" grep -q "^check op=00 sense=2/04/01" "$TMP/trace.busy"
check "busy: and sending SCAN again when asked" grep -q "^check op=1b sense=9/80/06" "$TMP/trace.busy"
check "busy: the image is exact" expect ls2000 "$TMP/trace.busy" "$TMP/busy.pnm"
check "autofocus: the scanner focused" grep -q "^execute op=a0 focus=" "$TMP/trace.busy"
check "autofocus: the position found is logged" grep -q "busy: autofocus found position" "$SERVER_LOG"

# Multi-sampling: four passes a line, averaged back to one image.
: > "$TMP/trace.ls4000"
scan -d "net:$ADDR:ls4000" --samples-per-scan 4 --depth 16 -l 1 -t 2 -x 7 -y 5 --format=pnm \
    > "$TMP/ms.pnm" 2> "$TMP/err"
check "multi-sampling: four passes read" grep -q "^scan .* samples=4 " "$TMP/trace.ls4000"
check "multi-sampling: the image is exact" expect ls4000 "$TMP/trace.ls4000" "$TMP/ms.pnm"

# A negative, corrected for its base, is close to the slide of the same scene.
scan -d "net:$ADDR:pos" -l 1 -t 2 -x 20 -y 30 --format=pnm > "$TMP/pos.pnm" 2> "$TMP/err"
scan -d "net:$ADDR:neg" --film-type Negative -l 1 -t 2 -x 20 -y 30 --format=pnm \
    > "$TMP/neg.pnm" 2> "$TMP/err"
check "negative: the film base was measured" grep -q "neg: negative film base" "$SERVER_LOG"
check "negative: the image matches the slide within 4 % per channel, no orange cast" eval '
    [ -s "$TMP/pos.pnm" ] && [ "$(pnm_size "$TMP/pos.pnm")" = "$(pnm_size "$TMP/neg.pnm")" ] &&
    paste <(samples "$TMP/pos.pnm") <(samples "$TMP/neg.pnm") | awk "
	{ c = (NR - 1) % 3; a[c] += \$1; b[c] += \$2; d[c] += (\$1 > \$2 ? \$1 - \$2 : \$2 - \$1); n[c]++ }
	END { for (c = 0; c < 3; c++) if (!n[c] || (a[c] - b[c]) / n[c] > 10 || (b[c] - a[c]) / n[c] > 10 ||
	    d[c] / n[c] > 10) exit 1 }"'

# Cancel mid-scan: ABORT goes to the scanner and the next scan works.
scan_bg "$TMP/long.pnm" -d "net:$ADDR:slow" --resolution 4000 --format=pnm
long=$BG
check "cancel: the long scan streams" wait_for 30 bigger_than "$TMP/long.pnm" 100000
kill -INT "$long"
check "cancel: scanimage ends" wait_for 30 eval '! kill -0 '"$long"' 2>/dev/null'
check "cancel: ABORT reached the scanner" wait_for 10 grep -q "^abort" "$TMP/trace.slow"
: > "$TMP/trace.slow"
scan -d "net:$ADDR:slow" -l 1 -t 2 -x 3 -y 2 --format=pnm > "$TMP/after.pnm" 2> "$TMP/err"
check "cancel: the next scan works" test $? -eq 0
check "cancel: and is exact" expect ls4000 "$TMP/trace.slow" "$TMP/after.pnm"
stop_server
finish
