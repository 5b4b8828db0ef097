#!/bin/bash
# The Nikon Coolscan models against a second independent implementation,
# one no issue named: Debian's coolscan2 (coolscan3's predecessor, which
# sends MODE SELECT without a block descriptor and never reads a window
# back), unmodified, through libsgsim.so.  It must list each model by its
# INQUIRY strings (coolscan2 shows them padded, as the device sends
# them), send the hardware's command stream, and scan images
# byte-identical to the model's rendering, 8-bit and full depth, at two
# resolutions, with nothing rejected.
. "$(dirname "$0")/lib.sh"

if ! ls /usr/lib/*/sane/libsane-coolscan2.so.1 > /dev/null 2>&1; then
	skip "Debian's coolscan2 backend is not installed"
	finish
fi
echo coolscan2 > "$TMP/dll.conf"
export SGSIM_LOCKDIR=$TMP
cs2() {
	LD_PRELOAD=$BUILD/libsgsim.so SANE_CONFIG_DIR=$TMP timeout 120 scanimage "$@"
}


# model | what coolscan2 calls it | full depth | resolutions with the window (-x -y) at each
while IFS='|' read -r model name bits scans; do
	lease minor minor
	node=$TMP/sg-$model
	mknod "$node" c 21 $minor || { fail "mknod of an sg node"; continue; }
	echo "scsi:$node" > "$TMP/coolscan2.conf"
	export SGSIM_DEVICES="$node=coolscan-$model?trace=$TMP/trace"
	cs2 -L > "$TMP/list" 2>&1
	check "$model: coolscan2 finds it as a Nikon $name" \
	    grep -Eq "device \`coolscan2:scsi:$node' is a Nikon +$name +film scanner" "$TMP/list"
	for scan in $scans; do
		IFS=: read -r res x y px lines <<< "$scan"
		for depth in 8 "$bits"; do
			what="$model ${res} dpi $depth-bit"
			: > "$TMP/trace"
			cs2 -d "coolscan2:scsi:$node" --resolution "$res" --depth "$depth" \
			    -l 90 -t 180 -x "$x" -y "$y" --format=pnm > "$TMP/got.pnm" 2> "$TMP/err"
			check "$what: coolscan2 scans it" test $? -eq 0
			win=$(grep '^window id=1 ' "$TMP/trace" | tail -1 | sed 's/^window //')
			check "$what: the image is byte-identical to the model's rendering" \
			    rendered "coolscan-$model" "$TMP/got.pnm" $win
			check "$what: SCAN of windows 1, 2, 3 at $px x $lines" \
			    grep -q "^scan width=$px lines=$lines planes=3 " "$TMP/trace"
			check "$what: boundaries, three LUTs, a window per channel" eval '
			    grep -q "^cdb 2a 00 88 " "$TMP/trace" &&
			    [ "$(grep -c "^cdb 2a 00 03 " "$TMP/trace")" -eq 3 ] &&
			    [ "$(grep -c "^cdb 24 " "$TMP/trace")" -eq 3 ]'
			check "$what: no command rejected" "$BUILD/scsaned-sim" trace-check "$TMP/trace"
		done
	done
done <<'MODELS'
ls30|COOLSCANIII|10|300:900:630:100:70 900:900:630:300:210
ls2000|LS-2000|12|300:900:630:100:70 1350:902:630:451:315
ls4000|LS-4000 ED|14|500:800:560:100:70 1000:404:560:101:140
ls8000|LS-8000 ED|14|500:800:560:100:70 1000:404:560:101:140
MODELS

finish
