#!/bin/bash
# The Canon FS2710, checked against an independent implementation: Debian's
# own canon backend, unmodified, drives the canon-fs2710 model through
# libsgsim.so as it would drive the real scanner.  It is strict (it gives
# up when RESERVE, MODE SENSE, D5, D6, GET WINDOW or GET DATA STATUS is
# refused), so a scan that completes with no command rejected says the
# model speaks the device's command set; its Raw scans must be the model's
# image byte for byte, its Color scans the backend's default curve of it.
# Then our driver, through scsaned and the real scanimage, scans the same
# window and must get the same image, at 8 and 16 bits; and negatives,
# preview, manual focus, eject and no film.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

# The window both drivers scan: 1/2720 inch units, and the same in mm.
WX=321 WY=535 WW=1070 WL=1285
mm() { awk -v u="$1" 'BEGIN { printf "%.6f", u * 25.4 / 2720 }'; }

window_of() { grep '^window ' "$1" | tail -1 | sed 's/^window //'; }

# curve_of RAW COLOR: every 8-bit sample of COLOR is the canon backend's
# default curve (square root between shadow 0 and highlight 255 << 4) of
# the 12-bit value of the same sample in RAW.
curve_of() {
	local n
	n=$(pnm_size "$2" | awk '{ print $3 }')
	[ "$(pnm_size "$1" | awk '{ print $3 }')" = $((2 * n)) ] &&
	paste <(pnm_data "$1" | od -An -v -tu2 --endian=big -w2) \
	    <(pnm_data "$2" | od -An -v -tu1 -w1) |
	    awk '{ j = int($1 / 16); w = j == 0 ? 0 : j < 4080 ? int(255 * sqrt(j / 4080)) : 255;
		if (w != $2) bad++ } END { exit NR == 0 || bad > 0 }'
}

canon_window=
if ! ls /usr/lib/*/sane/libsane-canon.so.1 > /dev/null 2>&1; then
	skip "Debian's canon backend is not installed"
else
	node=$TMP/sg-fs2710
	lease m minor
	mknod "$node" c 21 "$m" || fail "mknod of an sg node"
	echo canon > "$TMP/dll.conf"
	echo "$node" > "$TMP/canon.conf"
	export SGSIM_LOCKDIR=$TMP
	canon() {
		: > "$TMP/ctrace"
		LD_PRELOAD=$BUILD/libsgsim.so SANE_CONFIG_DIR=$TMP \
		    SGSIM_DEVICES="$node=canon-fs2710?trace=$TMP/ctrace" \
		    timeout 120 scanimage -d "canon:$node" --format=pnm "$@" \
		    > "$TMP/canon.pnm" 2> "$TMP/canon.err"
	}

	LD_PRELOAD=$BUILD/libsgsim.so SANE_CONFIG_DIR=$TMP \
	    SGSIM_DEVICES="$node=canon-fs2710" timeout 60 scanimage -L > "$TMP/list" 2>&1
	check "canon finds it as a CANON FS2710S" \
	    grep -q "device \`canon:$node' is a CANON FS2710S film scanner" "$TMP/list"

	for scan in "170" "680 -l $(mm $WX) -t $(mm $WY) -x 10 -y 12"; do
		what="canon Raw ${scan%% *} dpi"
		# shellcheck disable=SC2086 # the scan's options are words
		canon --mode Raw --resolution $scan
		check "$what: scans" test $? -eq 0
		check "$what: the image is the model's, byte for byte" \
		    rendered canon-fs2710 "$TMP/canon.pnm" $(window_of "$TMP/ctrace")
		check "$what: RESERVE, MODE SENSE, D5, two D6 pages, GET WINDOW, GET DATA STATUS" eval '
		    grep -q "^cdb 16 " "$TMP/ctrace" && grep -q "^cdb 1a 00 03 " "$TMP/ctrace" &&
		    grep -q "^cdb d5 00 20 " "$TMP/ctrace" && grep -q "^scan mode page=02 " "$TMP/ctrace" &&
		    grep -q "^scan mode page=20 " "$TMP/ctrace" && grep -q "^cdb 25 " "$TMP/ctrace" &&
		    grep -q "^cdb 34 " "$TMP/ctrace"'
		check "$what: no command rejected" "$BUILD/scsaned-sim" trace-check "$TMP/ctrace"
	done
	canon_window=$(window_of "$TMP/ctrace")
	check "canon: autofocus before the scan, eject at the end" eval '
	    grep -q "^focus af=1 " "$TMP/ctrace" && grep -q "^eject" "$TMP/ctrace"'

	canon --mode Color --resolution 340 --mirror=yes -l 2 -t 3 -x 14 -y 20
	check "canon Color 340 dpi mirrored: scans" test $? -eq 0
	check "... the window is mirrored" eval '[[ "$(window_of "$TMP/ctrace")" == *" mirror=1 "* ]]'
	"$BUILD/scsaned-sim" render canon-fs2710 $(window_of "$TMP/ctrace") -o "$TMP/want.pnm"
	check "... each sample is canon's default curve of the model's" \
	    curve_of "$TMP/want.pnm" "$TMP/canon.pnm"
	check "... with no command rejected" "$BUILD/scsaned-sim" trace-check "$TMP/ctrace"
fi

cat > "$TMP/scsaned.conf" <<CONF
device fs27   sim:canon-fs2710?trace=$TMP/trace
device nofilm sim:canon-fs2710?holder=none
device neg    sim:canon-fs2710?film=negative
hosts_file none
users_file none
CONF
start_server "$TMP/scsaned.conf"

scan -L > "$TMP/list" 2>&1
check "scsaned lists it as a Canon CanoScan 2710" \
    grep -q "device \`net:$ADDR:fs27' is a Canon CanoScan 2710 film scanner" "$TMP/list"

area=(-l "$(mm $WX)" -t "$(mm $WY)" -x "$(mm $WW)" -y "$(mm $WL)")
for depth in 8 16; do
	: > "$TMP/trace"
	scan -d "net:$ADDR:fs27" --resolution 680 --depth $depth "${area[@]}" --format=pnm \
	    > "$TMP/got$depth.pnm" 2> "$TMP/err"
	check "ours $depth-bit: scans" test $? -eq 0
	check "ours $depth-bit: the image is the model's" \
	    rendered canon-fs2710 "$TMP/got$depth.pnm" $(window_of "$TMP/trace") depth=$depth
	check "ours $depth-bit: no command rejected" "$BUILD/scsaned-sim" trace-check "$TMP/trace"
done
check "ours: the window is $WX,$WY $WW x $WL at 680 dpi" \
    grep -q "^window xres=680 yres=680 x=$WX y=$WY w=$WW l=$WL " "$TMP/trace"
if [ -n "$canon_window" ]; then
	check "ours: the very window canon scanned, so the same image" \
	    test "$(window_of "$TMP/trace")" = "$canon_window"
fi
check "ours: READs carry many lines" eval '[ "$(grep -c "^cdb 28 " "$TMP/trace")" -le 3 ]'
check "ours: autofocus, its result logged" eval '
    grep -q "^focus af=1 " "$TMP/trace" && grep -q "fs27: focus found at 137" "$SERVER_LOG"'

scan -d "net:$ADDR:neg" --resolution 680 --depth 8 "${area[@]}" --film-type Positive \
    --format=pnm > "$TMP/pos.pnm" 2> "$TMP/err"
scan -d "net:$ADDR:neg" --resolution 680 --depth 8 "${area[@]}" --film-type Negative \
    --format=pnm > "$TMP/neg.pnm" 2> "$TMP/err"
check "negative film: inverted, sample for sample" eval '
    [ "$(pnm_size "$TMP/pos.pnm")" = "$(pnm_size "$TMP/neg.pnm")" ] &&
    cmp -s <(pnm_data "$TMP/pos.pnm" | perl -0777 -pe "\$_ = ~\$_") <(pnm_data "$TMP/neg.pnm")'

: > "$TMP/trace"
scan -d "net:$ADDR:fs27" --preview=yes --depth 16 --format=pnm > "$TMP/prev.pnm" 2> "$TMP/err"
check "preview: 170 dpi, 8-bit, the whole area, no focusing" eval '
    [ "$(pnm_size "$TMP/prev.pnm")" = "162 243 118098" ] &&
    grep -q "^window xres=170 " "$TMP/trace" && ! grep -q "^focus" "$TMP/trace"'

: > "$TMP/trace"
scan -d "net:$ADDR:fs27" --autofocus=no --focus 90 -x 5 -y 5 --format=pnm \
    > /dev/null 2> "$TMP/err"
check "manual focus: set to 90" eval '
    grep -q "^focus af=0 ae=0 value=90" "$TMP/trace" && grep -q "fs27: focus set at 90" "$SERVER_LOG"'

scan -d "net:$ADDR:fs27" --eject -x 5 -y 5 --format=pnm > /dev/null 2> "$TMP/err"
check "eject: the holder comes out" grep -q "^eject" "$TMP/trace"
check "... and a scan after it finds no film" \
    grep -q "Document feeder out of documents" "$TMP/err"

scan -d "net:$ADDR:nofilm" -x 5 -y 5 --format=pnm > /dev/null 2> "$TMP/err"
check "no film holder: no documents, not a hang or an I/O error" \
    grep -q "Document feeder out of documents" "$TMP/err"

stop_server
finish
