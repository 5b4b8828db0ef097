#!/bin/bash
# The Perfection 1640SU model against a second independent backend, one
# the Epson issue never named: Debian's old `epson` backend (epson.c, the
# predecessor of epson2), unmodified, through libsgsim.so.  It uses what
# epson2 leaves alone: ESC B's halftones and dithers for lineart and ESC
# M's built-in colour corrections (CRT by default).  Every mode must scan
# and be byte-identical to the model's rendering of the window the trace
# shows.  Allowed: ESC q refused (no focus motor) and the READ that
# follows it, where epson reads the one-byte NAK as an information block
# header and asks for a length made of stale bytes (its own bug: the
# device has nothing to send, 5/2C/00).
. "$(dirname "$0")/lib.sh"

if ! ls /usr/lib/*/sane/libsane-epson.so.1 > /dev/null 2>&1; then
	skip "Debian's epson backend is not installed"
	finish
fi
echo epson > "$TMP/dll.conf"
export SGSIM_LOCKDIR=$TMP
lease m minor
node=$TMP/sg-epson
mknod "$node" c 21 "$m"
echo "$node" > "$TMP/epson.conf"
export SGSIM_DEVICES="$node=epson-perfection1640?trace=$TMP/trace"
ep() {
	LD_PRELOAD=$BUILD/libsgsim.so SANE_CONFIG_DIR=$TMP timeout 120 scanimage "$@"
}
ALLOW="nak=1b71 5/2c/00"

ep -L > "$TMP/list" 2>&1
check "epson finds the model as a Perfection1640" \
    grep -q "device \`epson:$node' is a Epson Perfection1640 flatbed scanner" "$TMP/list"

# what | the window it must set (from the trace) | epson's options ("?" a space)
while IFS='|' read -r what want opts; do
	read -ra words <<< "$opts"
	: > "$TMP/trace"
	ep -d "epson:$node" "${words[@]//\?/ }" -l 10 -t 20 -x 40 -y 30 --format=pnm \
	    > "$TMP/got.pnm" 2> "$TMP/err"
	check "$what: epson scans it" test $? -eq 0
	win=$(last_window "$TMP/trace")
	set_to() { local t; for t in $want; do [[ " $win " == *" $t "* ]] || return 1; done; }
	check "$what: the device was set to $want" set_to
	check "$what: the image is byte-identical to the model's rendering" \
	    rendered epson-perfection1640 "$TMP/got.pnm" $win
	# shellcheck disable=SC2086
	check "$what: nothing rejected but ESC q" "$BUILD/scsaned-sim" trace-check "$TMP/trace" $ALLOW
done <<'MODES'
lineart, halftone A (the default)|depth=1 halftone=0|--mode Lineart --resolution 300
lineart, no halftone|halftone=1|--mode Lineart --halftoning None --resolution 300
lineart, halftone B|halftone=16|--mode Lineart --halftoning Halftone?B?(Soft?Tone) --resolution 200
lineart, dither D (8x4)|halftone=176|--mode Lineart --halftoning Dither?D?(8x4?Net?Screen) --resolution 200
lineart, text enhancement|halftone=3|--mode Lineart --halftoning Text?Enhanced?Technology --resolution 150
gray 8|color=0 depth=8|--mode Gray --resolution 300
gray 16|depth=16|--mode Gray --depth 16 --resolution 150
gray, red dropout|color=16|--mode Gray --dropout Red --resolution 150
colour 8, CRT correction (the default)|corr=128|--mode Color --resolution 300
colour 16|depth=16|--mode Color --depth 16 --resolution 150
colour, ink-jet correction|corr=64|--mode Color --color-correction Ink-jet?printers --resolution 150
colour, no correction|corr=0|--mode Color --color-correction No?Correction --resolution 150
MODES
finish
