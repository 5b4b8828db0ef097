#!/bin/bash
# Scans from Debian's scanimage through the net backend are byte-identical
# to what the simulator's chart says a perfect scan of the same window is,
# and the window the device received is the requested region to within a
# pixel.  Lineart, 8-bit gray, 8-bit colour, 16-bit colour; two
# resolutions; two regions.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed?trace=$TMP/trace
CONF
start_server "$TMP/scsaned.conf"

# within_one_pixel WINDOW RES TL_X TL_Y WIDTH HEIGHT (mm)
within_one_pixel() {
	local w=$1 res=$2
	awk -v x="$(window_field "$w" x)" -v y="$(window_field "$w" y)" \
	    -v ww="$(window_field "$w" w)" -v l="$(window_field "$w" l)" \
	    -v res="$res" -v tx="$3" -v ty="$4" -v sx="$5" -v sy="$6" 'BEGIN {
		px = res / 25.4; du = res / 1200;
		d[1] = x * du - tx * px;  d[2] = y * du - ty * px;
		d[3] = ww * du - sx * px; d[4] = l * du - sy * px;
		for (i = 1; i <= 4; i++) if (d[i] > 1 || d[i] < -1) exit 1;
		exit 0 }'
}

for mode in "Lineart" "Gray 8" "Color 8" "Color 16"; do
	set -- $mode
	m=$1
	depth=${2:-}
	for res in 75 150; do
		for region in "12.3 40 30 25" "0 0 20.5 9.7"; do
			set -- $region
			tag="$m${depth:+/$depth} ${res}dpi region $region"
			: > "$TMP/trace"
			if ! scan -d "net:$ADDR:fb" --mode "$m" ${depth:+--depth $depth} \
			    --resolution "$res" -l "$1" -t "$2" -x "$3" -y "$4" \
			    --format=pnm > "$TMP/got.pnm" 2> "$TMP/err"; then
				fail "$tag: scanimage failed: $(cat "$TMP/err")"
				continue
			fi
			win=$(last_window "$TMP/trace")
			check_exact "$tag: byte-identical to the rendered chart" \
			    "$TMP/trace" "$TMP/got.pnm"
			check "$tag: device window within one pixel of the request" \
			    within_one_pixel "$win" "$res" "$1" "$2" "$3" "$4"
			check "$tag: no unexpected CHECK CONDITION" \
			    "$BUILD/scsaned-sim" trace-check "$TMP/trace"
		done
	done
done
stop_server
finish
