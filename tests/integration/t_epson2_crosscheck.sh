#!/bin/bash
# The Epson Perfection 1640SU model checked against an independent
# implementation: Debian's own epson2 backend, unmodified, drives it
# through libsgsim.so as it would drive the real scanner on a SCSI bus.
# It must list it, and scan lineart, gray and colour, 8 and 16 bits, at
# two resolutions and two areas, each image byte-identical to the model's
# own rendering of the window the trace shows; first with the FS
# (extended) commands, then with the standard ESC G block mode of a
# firmware without them.  No command may be rejected but the three
# epson2 probes the device really refuses: ESC D 12 and 14 bits (its
# samples are 8 or 16 bits) and ESC q (it has no focus motor).
. "$(dirname "$0")/lib.sh"

if ! ls /usr/lib/*/sane/libsane-epson2.so.1 > /dev/null 2>&1; then
	skip "Debian's epson2 backend is not installed"
	finish
fi
echo epson2 > "$TMP/dll.conf"
export SGSIM_LOCKDIR=$TMP
e2() {
	LD_PRELOAD=$BUILD/libsgsim.so SANE_CONFIG_DIR=$TMP timeout 120 scanimage "$@"
}
PROBES="nak=1b44:0c nak=1b44:0e nak=1b71"

# scan_one WHAT NODE ARGS...: scan, then compare with the rendering.
scan_one() {
	local what=$1 node=$2 win
	shift 2
	: > "$TMP/trace"
	e2 -d "epson2:$node" --format=pnm "$@" > "$TMP/got.pnm" 2> "$TMP/err"
	check "$what: epson2 scans it" test $? -eq 0
	win=$(last_window "$TMP/trace")
	check "$what: the image is byte-identical to the model's rendering" \
	    rendered epson-perfection1640 "$TMP/got.pnm" $win
	check "$what: no command rejected but epson2's probes" \
	    "$BUILD/scsaned-sim" trace-check "$TMP/trace" $PROBES
}

# epson2 asks for as many lines a block as fit sanei's 128 KiB request.
block_ok() {
	local bpl lines want
	bpl=$(sed -n 's/^scan bpl=\([0-9]*\) .*/\1/p' "$TMP/trace")
	lines=$(sed -n 's/^scan .* block=\([0-9]*\) .*/\1/p' "$TMP/trace")
	want=$((131072 / bpl))
	[ "$want" -gt 255 ] && want=255
	[ -n "$lines" ] && [ "$lines" -eq "$want" ]
}

node=$TMP/sg-ep
lease m minor
mknod "$node" c 21 "$m" || fail "mknod of an sg node"
echo "$node" > "$TMP/epson2.conf"
export SGSIM_DEVICES="$node=epson-perfection1640?trace=$TMP/trace"
e2 -L > "$TMP/list" 2>&1
check "epson2 finds it as a Perfection1640" \
    grep -q "device \`epson2:$node' is a Epson Perfection1640 flatbed scanner" "$TMP/list"
check "... after INQUIRY of a Processor and ESC I, ESC F, ESC f, FS I" eval '
    grep -q "^esci 1b49 " "$TMP/trace" && grep -q "^esci 1b46 " "$TMP/trace" &&
    grep -q "^esci 1b66 " "$TMP/trace" && grep -q "^esci 1c49 " "$TMP/trace"'
e2 -d "epson2:$node" -A > "$TMP/opts" 2>&1
check "... and offers 8 and 16 bits" grep -q -- '--depth 8|16bit' "$TMP/opts"

# mode | epson2's options for it
while IFS='|' read -r mode opts; do
	for res in 150 400; do
		for area in "-l 10 -t 20 -x 50 -y 40" "-l 120 -t 140 -x 30 -y 65"; do
			what="FS G, $mode $res dpi at ${area// /}"
			# shellcheck disable=SC2086
			scan_one "$what" "$node" $opts --resolution "$res" $area
			check "$what: FS W and FS G, ${res} dpi, blocks as epson2 sized them" eval '
			    grep -q "^esci 1c57 " "$TMP/trace" &&
			    grep -q "^scan .* mode=fs" "$TMP/trace" &&
			    grep -q "^window xres=$res yres=$res " "$TMP/trace" && block_ok'
		done
	done
done <<'MODES'
lineart|--mode Lineart --halftoning None
gray 8|--mode Gray --depth 8
gray 16|--mode Gray --depth 16
colour 8|--mode Color --depth 8
colour 16|--mode Color --depth 16
MODES

# A firmware without FS commands: ESC G, each block after an ACK.
node2=$TMP/sg-ep-std
lease m2 minor
mknod "$node2" c 21 "$m2" || fail "mknod of an sg node"
echo "$node2" > "$TMP/epson2.conf"
export SGSIM_DEVICES="$node2=epson-perfection1640?ext=0&trace=$TMP/trace"
while IFS='|' read -r mode opts; do
	what="ESC G, $mode"
	# shellcheck disable=SC2086
	scan_one "$what" "$node2" $opts --resolution 300 -l 5 -t 100 -x 60 -y 50
	check "$what: ESC G in blocks of ESC d lines, one ACK between each two" eval '
	    grep -q "^esci 1b47 " "$TMP/trace" && ! grep -q "^esci 1c" "$TMP/trace" &&
	    grep -q "^scan .* mode=esc" "$TMP/trace" && block_ok &&
	    [ "$(grep -c "^esci 06 " "$TMP/trace")" -eq $(($(grep -c "^block " "$TMP/trace") - 1)) ]'
done <<'MODES'
lineart|--mode Lineart --halftoning None
gray 8|--mode Gray
colour 8|--mode Color
MODES
finish
