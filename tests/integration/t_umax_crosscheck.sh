#!/bin/bash
# The UMAX Astra 1220S model checked against an independent
# implementation: Debian's own umax backend, unmodified, drives it through
# libsgsim.so as it would drive the real scanner.  It must list it, go
# through its calibration by driver, and scan lineart, gray and colour at
# 8 and 12 bits, two resolutions and two areas, each image byte-identical
# to the model's own rendering of the window in the trace.  umax
# downloads its default gamma curve (a ramp from 12 bits to 0..254) for
# gray and colour, and the device maps every sample through it: the trace
# reports the ramp and render applies the same curve.  Nothing may be
# rejected; the one CHECK CONDITION allowed is the device's request for
# calibration by driver (9/80/02) after SCAN with quality calibration.
. "$(dirname "$0")/lib.sh"

if ! ls /usr/lib/*/sane/libsane-umax.so.1 > /dev/null 2>&1; then
	skip "Debian's umax backend is not installed"
	finish
fi
echo umax > "$TMP/dll.conf"
export SGSIM_LOCKDIR=$TMP
umax() {
	LD_PRELOAD=$BUILD/libsgsim.so SANE_CONFIG_DIR=$TMP timeout 120 scanimage "$@"
}
node=$TMP/sg-umax
lease m minor
mknod "$node" c 21 "$m" || { fail "mknod of an sg node"; finish; }
echo "$node" > "$TMP/umax.conf"
export SGSIM_DEVICES="$node=umax-astra1220s?trace=$TMP/trace"

umax -L > "$TMP/list" 2>&1
check "umax finds it as a UMAX Astra 1220S flatbed" \
    grep -Eq "device \`umax:$node' is a UMAX +Astra 1220S +flatbed scanner" "$TMP/list"

# scan DESCRIPTION SCANIMAGE-ARGS...: scan, then compare with the rendering
# of the trace's window (with the downloaded curve where it was used).
scan() {
	local what=$1 win ramp
	shift
	: > "$TMP/trace"
	umax -d "umax:$node" "$@" --format=pnm > "$TMP/got.pnm" 2> "$TMP/err"
	check "$what: umax scans it" test $? -eq 0
	win=$(last_window "$TMP/trace")
	ramp=$(sed -n 's/^gamma .*ramp=//p' "$TMP/trace" | tail -1)
	check "$what: the image is byte-identical to the model's rendering" \
	    rendered umax-astra1220s "$TMP/got.pnm" $win ${ramp:+gamma=$ramp}
	check "$what: no command rejected" \
	    "$BUILD/scsaned-sim" trace-check "$TMP/trace" 9/80/02
}

# mode:depth | resolution | area (-l -t -x -y in mm)
for md in Lineart:1 Gray:8 Gray:12 Color:8 Color:12; do
	IFS=: read -r mode depth <<< "$md"
	for res in 150 275; do
		for area in "10 20 50 40" "3.3 130 77.7 25.1"; do
			read -r l t x y <<< "$area"
			args=(--mode "$mode" --resolution "$res" -l "$l" -t "$t" -x "$x" -y "$y")
			[ "$depth" != 1 ] && args+=(--depth "$depth")
			scan "$mode $depth-bit $res dpi at $l,$t" "${args[@]}"
		done
	done
done
check "calibration by driver: shading read and sent back" eval '
    grep -q "^calibrate bpl=" "$TMP/trace" && grep -q "^shading bytes=" "$TMP/trace"'
check "colour is one SET WINDOW of three descriptors, the gamma three curves" eval '
    grep -q "^cdb 24 00 00 00 00 00 00 01 01 00 " "$TMP/trace" &&
    grep -q "^gamma lines=3 colour=0 out=12 ramp=255" "$TMP/trace"'

# The device's own curve (custom gamma off), no quality calibration, and
# 1200 lines per inch from the half-stepping carriage.
scan "Color 12-bit, built-in gamma" --mode Color --depth 12 --resolution 300 \
    --custom-gamma=no -l 10 -t 20 -x 30 -y 20
check "... the window selects the built-in curve" grep -q "^window .* curve=15$" "$TMP/trace"
scan "Gray 8-bit without quality calibration" --mode Gray --resolution 200 \
    --quality-cal=no -l 5 -t 60 -x 40 -y 30
check "... SCAN starts at once" eval '! grep -q "^calibrate " "$TMP/trace"'
scan "Gray 8-bit 300 x 1200 dpi" --mode Gray --resolution 300 --resolution-bind=no \
    --y-resolution 1200 -l 5 -t 60 -x 20 -y 10
scan "Halftone 300 dpi" --mode Halftone --resolution 300 -l 5 -t 60 -x 40 -y 30
finish
