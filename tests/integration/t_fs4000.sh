#!/bin/bash
# The Canon FS4000US driver, through scsaned and the real scanimage over
# the net backend: slide and strip frames at two resolutions, 8 and 16
# bit, equal byte for byte to the model's expected image; the infrared
# scan registered with the colour one; all frames as a batch; no holder;
# preview; manual and automatic exposure; negatives; the lamp's warm-up;
# eject; a cancelled scan.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

# timescale: the unit's clock runs fast, so the 15 s warm-up is short.
cat > "$TMP/scsaned.conf" <<CONF
device slide sim:canon-fs4000us?holder=slide&timescale=200&trace=$TMP/trace.slide
device strip sim:canon-fs4000us?holder=strip&timescale=200&trace=$TMP/trace.strip
device neg   sim:canon-fs4000us?holder=strip&film=negative&lamp=300&trace=$TMP/trace.neg
device empty sim:canon-fs4000us?holder=none
device slow  sim:canon-fs4000us?lamp=300&lps=100&trace=$TMP/trace.slow
device big   sim:canon-fs4000us?lamp=300
hosts_file none
users_file none
CONF
start_server "$TMP/scsaned.conf"

# expect DEV GOT [render extras]: GOT equals the model's rendering of the
# last scan in DEV's trace, calibrated with the white reference's shutters
# if the trace has one.
expect() {
	local win holder film=positive
	win=$(grep '^scan ' "$TMP/trace.$1" | tail -1 | sed 's/^scan //')
	holder=$([ "$1" = slide ] || [ "$1" = slow ] && echo slide || echo strip)
	[ "$1" = neg ] && film=negative
	[ -n "$win" ] && rendered canon-fs4000us "$2" $win holder=$holder film=$film \
	    $(fs4000_calib_key "$TMP/trace.$1") ${3:-}
}

scan -L > "$TMP/list" 2>&1
check "listed as a Canon film scanner" \
    grep -q "device \`net:$ADDR:slide' is a Canon CanoScan FS4000US film scanner" "$TMP/list"

for dev in slide strip; do
	for res in 500 1000; do
		for depth in 8 16; do
			: > "$TMP/trace.$dev"
			scan -d "net:$ADDR:$dev" --resolution $res --depth $depth --frame 2 \
			    -l 3 -t 4 -x 12 -y 9 --format=pnm > "$TMP/got.pnm" 2> "$TMP/err"
			check "$dev $res dpi $depth-bit: scans" test $? -eq 0
			check "$dev $res dpi $depth-bit: calibrated first" \
			    test -n "$(fs4000_calib_key "$TMP/trace.$dev")"
			check "$dev $res dpi $depth-bit: the image is the film's, exactly" \
			    expect $dev "$TMP/got.pnm"
			check "$dev $res dpi $depth-bit: no command rejected" \
			    "$BUILD/scsaned-sim" trace-check "$TMP/trace.$dev"
		done
	done
done
cp "$TMP/got.pnm" "$TMP/rgb.pnm"
check "strip frame 2 was scanned at its position" grep -q '^scan .* pos=1084 ' "$TMP/trace.strip"
check "the lamp's warm-up is in the log" grep -q 'visible lamp warming up' "$SERVER_LOG"
# READs of as many whole lines as fit in 64 KiB, the most any host asks.
reads=$(awk '/^cdb 28 / { sub("len=", "", $NF); print $NF }' "$TMP/trace.strip")
check "READs carry many lines, never more than 64 KiB" eval '[ -n "$reads" ] &&
    [ "$(sort -n <<< "$reads" | tail -1)" -le 65536 ] &&
    [ "$(sort -n <<< "$reads" | tail -1)" -gt 49152 ]'

# Calibration, on by default: the dark and white references come from
# stationary scans at the slide holder's opaque (798) and clear (674) spots;
# then black is black.  Off, the raw sensor: the mount shows the CCD's dark.
: > "$TMP/trace.slide"
scan -d "net:$ADDR:slide" --resolution 500 --depth 16 -l 0 -t 0 -x 24 -y 0.5 \
    --format=pnm > "$TMP/cal.pnm" 2> "$TMP/err"
check "calibration: scans" test $? -eq 0
check "calibration: a stationary scan at the opaque spot" \
    grep -q '^scan .* pos=798 frame=12 ' "$TMP/trace.slide"
check "calibration: a stationary scan at the clear spot" \
    grep -q '^scan .* pos=674 frame=12 ' "$TMP/trace.slide"
check "calibration: logged" grep -q 'calibrated: dark' "$SERVER_LOG"
check "calibration: the image is the film's, calibrated" expect slide "$TMP/cal.pnm"
check "calibration: the slide's mount is black" \
    eval '[ "$(pnm_data "$TMP/cal.pnm" | od -An -tu1 -v | tr -s " " "\n" | sort -u | xargs)" = 0 ]'
: > "$TMP/trace.slide"
scan -d "net:$ADDR:slide" --calibration=no --resolution 500 --depth 16 -l 0 -t 0 -x 24 \
    -y 0.5 --format=pnm > "$TMP/raw.pnm" 2> "$TMP/err"
check "no calibration: scans" test $? -eq 0
check "no calibration: no stationary scans" eval '! grep -q " frame=12 " "$TMP/trace.slide"'
check "no calibration: the image is the raw sensor's" expect slide "$TMP/raw.pnm"
check "no calibration: the mount shows the CCD's dark level" \
    eval '[ "$(pnm_data "$TMP/raw.pnm" | od -An -tu1 -v | tr -s " " "\n" | sort -u | xargs)" != 0 ]'

# Infrared: the same window, gray, with the IR lamp; dust shows dark.
: > "$TMP/trace.strip"
scan -d "net:$ADDR:strip" --resolution 1000 --depth 16 --frame 2 --infrared=yes \
    -l 3 -t 4 -x 12 -y 9 --format=pnm > "$TMP/ir.pnm" 2> "$TMP/err"
check "infrared: scans" test $? -eq 0
check "infrared: a gray image the size of the colour one" eval \
    '[ "$(head -c 2 "$TMP/ir.pnm")" = P5 ] && [ "$(pnm_size "$TMP/ir.pnm" | cut -d" " -f1,2)" = "$(pnm_size "$TMP/rgb.pnm" | cut -d" " -f1,2)" ]'
check "infrared: the image is the film's in infrared, exactly" expect strip "$TMP/ir.pnm"
check "infrared: scanned with the IR lamp alone" grep -q '^scan .* comp=2 .* lamp=0,1024' "$TMP/trace.strip"

# All frames of the strip as a batch: six different images.
: > "$TMP/trace.strip"
rm -f "$TMP"/batch-*.pnm
scan -d "net:$ADDR:strip" --resolution 250 --all-frames=yes --batch="$TMP/batch-%d.pnm" \
    --format=pnm > /dev/null 2> "$TMP/err"
check "batch: six frames" eval '[ "$(ls "$TMP"/batch-*.pnm 2> /dev/null | wc -l)" = 6 ]'
check "batch: every frame differs" eval \
    '[ "$(md5sum "$TMP"/batch-*.pnm 2> /dev/null | cut -d" " -f1 | sort -u | wc -l)" = 6 ]'
check "batch: one scan at each frame's position" eval \
    '[ "$(grep "^scan " "$TMP/trace.strip" | grep -v " frame=12 " | grep -o " pos=[0-9]*" | sort -u | tr -d "\n")" = \
      " pos=1084 pos=1564 pos=2042 pos=2520 pos=3000 pos=606" ]'

# No holder: NO_DOCS with a clear message.
scan -d "net:$ADDR:empty" --format=pnm > /dev/null 2> "$TMP/err"
check "no holder: scanimage fails" test $? -ne 0
check "no holder: 'Document feeder out of documents'" grep -qi 'out of documents' "$TMP/err"
check "no holder: the log says why" grep -q 'no film holder' "$SERVER_LOG"

# Preview: 160 dpi 8-bit, without autofocus.
: > "$TMP/trace.slide"
scan -d "net:$ADDR:slide" --preview=yes --depth 16 --format=pnm > "$TMP/got.pnm" 2> "$TMP/err"
check "preview: scans" test $? -eq 0
check "preview: 160 dpi, 8-bit" grep -q '^scan xres=160 yres=160 .* bpp=8 ' "$TMP/trace.slide"
check "preview: the image is the film's" expect slide "$TMP/got.pnm"

# Manual exposure and focus: reach the unit as shutters, speed and focus.
: > "$TMP/trace.slide"
scan -d "net:$ADDR:slide" --resolution 250 --red-exposure 200 --green-exposure 50 \
    --autofocus=no --focus 150 --format=pnm > "$TMP/got.pnm" 2> "$TMP/err"
check "manual exposure: scans" test $? -eq 0
check "manual exposure: red doubled (slower speed), green halved" \
    grep -q '^scan .* shutter=750,88,118 speed=4 ' "$TMP/trace.slide"
check "manual focus: set" grep -q '^afae mode=2 focus=150 ' "$TMP/trace.slide"
check "manual exposure: the image is the film's at that exposure" expect slide "$TMP/got.pnm"

# Auto-exposure: a quick pass first; the brightest part then just under white.
: > "$TMP/trace.slide"
scan -d "net:$ADDR:slide" --resolution 250 --auto-exposure=yes --format=pnm \
    > "$TMP/got.pnm" 2> "$TMP/err"
check "auto-exposure: scans" test $? -eq 0
check "auto-exposure: a 250 dpi pass before the scan" \
    eval '[ "$(grep "^scan " "$TMP/trace.slide" | grep -vc " frame=12 ")" = 2 ]'
check "auto-exposure: logged" grep -q 'auto-exposure: red' "$SERVER_LOG"
check "auto-exposure: the image is the film's at that exposure" expect slide "$TMP/got.pnm"

# Negatives: inverted against the film base.
: > "$TMP/trace.neg"
scan -d "net:$ADDR:neg" --resolution 250 --film-type Negative --format=pnm \
    > "$TMP/got.pnm" 2> "$TMP/err"
check "negative: scans" test $? -eq 0
base=$(grep -o 'negative film base [0-9]* [0-9]* [0-9]*' "$SERVER_LOG" | tail -1 | awk '{ print $4 "," $5 "," $6 }')
check "negative: the film base is measured" test -n "$base"
check "negative: the image is the film inverted against its base" \
    expect neg "$TMP/got.pnm" "base=$base"

# Memory: a frame passes through a few lines of buffer, not a frame-sized
# one.  A 2000 dpi 16-bit frame (36 MB) must grow the daemon by less than
# 8 MB in every build; the full 4000 dpi 16-bit frame (142 MB) must arrive
# whole, in the plain build (slow_ok), under the same bound.
kb() { awk -v k="$1" '$1 == k ":" { print $2 }' /proc/$SERVER_PID/status; }
flat_frame() {	# RESOLUTION MINBYTES
	local rss bytes grow
	# The peak is counted from here (5 resets VmHWM to the current RSS).
	echo 5 > "/proc/$SERVER_PID/clear_refs"
	rss=$(kb VmRSS)
	bytes=$(scan -d "net:$ADDR:big" --resolution "$1" --depth 16 --format=pnm 2> "$TMP/err" | wc -c)
	grow=$(( $(kb VmHWM) - rss ))
	echo "$1 dpi 16-bit frame: $bytes bytes, the daemon grew by $grow kB"
	check "$1 dpi 16-bit frame: all of it arrives" test "$bytes" -gt "$2"
	check "$1 dpi 16-bit frame: the daemon grew by less than 8 MB" test "$grow" -lt 8192
}
flat_frame 2000 35000000
slow_ok "the 142 MB frame" && flat_frame 4000 140000000

# Eject: the holder leaves, and the scan that follows has no film.
scan -d "net:$ADDR:strip" --eject --format=pnm > /dev/null 2> "$TMP/err"
check "eject: the holder leaves" grep -q '^eject' "$TMP/trace.strip"
check "eject: then out of documents" grep -qi 'out of documents' "$TMP/err"

# A cancelled scan: CANCEL reaches the unit and the next scan works.
: > "$TMP/trace.slow"
scan_bg "$TMP/big.pnm" -d "net:$ADDR:slow" --resolution 4000 --depth 16 --format=pnm
long=$BG
check "cancel: the long scan streams" wait_for 30 bigger_than "$TMP/big.pnm" 100000
kill -INT "$long"
check "cancel: scanimage ends" wait_for 30 eval '! kill -0 '"$long"' 2>/dev/null'
check "cancel: CANCEL reached the unit mid-scan" wait_for 20 grep -qs '^cancel at ' "$TMP/trace.slow"
scan -d "net:$ADDR:slow" --resolution 160 --format=pnm > "$TMP/got.pnm" 2> "$TMP/err"
check "cancel: the next scan works" test $? -eq 0

finish
