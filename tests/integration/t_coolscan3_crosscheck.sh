#!/bin/bash
# The Nikon Coolscan models checked against an independent implementation:
# Debian's own coolscan3 backend, unmodified, drives each of them through
# libsgsim.so as it would drive the real scanner.  It must list it, send
# the command stream the hardware gets, and scan images byte-identical to
# the model's own rendering, 8-bit and full depth, at two resolutions.
# coolscan3 ignores command status on SCSI, so the trace must also show
# that nothing was rejected.
. "$(dirname "$0")/lib.sh"

if ! ls /usr/lib/*/sane/libsane-coolscan3.so.1 > /dev/null 2>&1; then
	skip "Debian's coolscan3 backend is not installed"
	finish
fi
echo coolscan3 > "$TMP/dll.conf"
export SGSIM_LOCKDIR=$TMP
cs3() {
	LD_PRELOAD=$BUILD/libsgsim.so SANE_CONFIG_DIR=$TMP timeout 120 scanimage "$@"
}


# model | what coolscan3 calls it | full depth | resolutions with the window (-x -y) at each
while IFS='|' read -r model name bits scans; do
	lease minor minor
	node=$TMP/sg-$model
	mknod "$node" c 21 $minor || { fail "mknod of an sg node"; continue; }
	echo "scsi:$node" > "$TMP/coolscan3.conf"
	export SGSIM_DEVICES="$node=coolscan-$model?trace=$TMP/trace"
	cs3 -L > "$TMP/list" 2>&1
	check "$model: coolscan3 finds it as a Nikon $name" \
	    grep -q "device \`coolscan3:scsi:$node' is a Nikon $name film scanner" "$TMP/list"
	for scan in $scans; do
		IFS=: read -r res x y px lines <<< "$scan"
		for depth in 8 "$bits"; do
			what="$model ${res} dpi $depth-bit"
			: > "$TMP/trace"
			cs3 -d "coolscan3:scsi:$node" --resolution "$res" --depth "$depth" \
			    -l 90 -t 180 -x "$x" -y "$y" --format=pnm > "$TMP/got.pnm" 2> "$TMP/err"
			check "$what: coolscan3 scans it" test $? -eq 0
			win=$(grep '^window id=1 ' "$TMP/trace" | tail -1 | sed 's/^window //')
			check "$what: the image is byte-identical to the model's rendering" \
			    rendered "coolscan-$model" "$TMP/got.pnm" $win
			check "$what: SCAN of windows 1, 2, 3 at $px x $lines" \
			    grep -q "^scan width=$px lines=$lines planes=3 " "$TMP/trace"
			check "$what: boundaries, three LUTs, a window per channel read back" eval '
			    grep -q "^cdb 2a 00 88 " "$TMP/trace" &&
			    [ "$(grep -c "^cdb 2a 00 03 " "$TMP/trace")" -eq 3 ] &&
			    [ "$(grep -c "^cdb 24 " "$TMP/trace")" -eq 3 ] &&
			    [ "$(grep -c "^cdb 25 " "$TMP/trace")" -eq 3 ]'
			check "$what: no command rejected" "$BUILD/scsaned-sim" trace-check "$TMP/trace"
		done
	done
done <<'MODELS'
ls30|COOLSCANIII|10|300:900:630:100:70 900:900:630:300:210
ls2000|LS-2000|12|300:900:630:100:70 1350:902:630:451:315
ls4000|LS-4000 ED|14|500:800:560:100:70 1000:404:560:101:140
ls8000|LS-8000 ED|14|500:800:560:100:70 1000:404:560:101:140
MODELS

# Negative film, with coolscan3's negative switch and AE with white
# balance: the exposure pass's result is used, and the image matches.
node3=$TMP/sg-ls2000-neg
lease m3 minor
mknod "$node3" c 21 "$m3"
echo "scsi:$node3" > "$TMP/coolscan3.conf"
export SGSIM_DEVICES="$node3=coolscan-ls2000?film=negative&holder=strip&trace=$TMP/trace3"
cs3 -d "coolscan3:scsi:$node3" --resolution 300 --negative=yes --ae-wb=yes --frame 3 \
    -l 90 -t 180 -x 900 -y 630 --format=pnm > "$TMP/got3.pnm" 2> "$TMP/err3"
check "negative, AE-WB, frame 3 of a strip: coolscan3 scans it" test $? -eq 0
check "... after an exposure pass with white balance" grep -q "^autoexposure " "$TMP/trace3"
win=$(grep '^window id=1 .* kind=1 ' "$TMP/trace3" | tail -1 | sed 's/^window //')
exp=$(grep '^scan ' "$TMP/trace3" | tail -1 | sed 's/.*exposure=//')
check "... the exposures it found are the ones scanned with" \
    test "$exp" = "$(sed -n 's/^autoexposure exposure=//p' "$TMP/trace3")"
check "... the window lies in the third frame" eval '[[ "$win" == *" y=$((180 + 2 * 4051)) "* ]]'
check "... and the image is exact" rendered coolscan-ls2000 "$TMP/got3.pnm" $win exposure=$exp
check "... with no command rejected" "$BUILD/scsaned-sim" trace-check "$TMP/trace3"

# The hardware's own sense: busy after EXECUTE, "re-issue" after SCAN.
node2=$TMP/sg-ls2000-busy
lease m2 minor
mknod "$node2" c 21 "$m2"
echo "scsi:$node2" > "$TMP/coolscan3.conf"
export SGSIM_DEVICES="$node2=coolscan-ls2000?busy=2&reissue=1&trace=$TMP/trace2"
cs3 -d "coolscan3:scsi:$node2" --resolution 300 -l 90 -t 180 -x 900 -y 630 --format=pnm \
    > "$TMP/got2.pnm" 2> "$TMP/err2"
check "busy and re-issue: coolscan3 still scans" test $? -eq 0
check "... it waited out NOT READY after EXECUTE" grep -q "^check op=00 sense=2/04/01" "$TMP/trace2"
check "... and sent SCAN again when asked to" test "$(grep -c '^cdb 1b ' "$TMP/trace2")" -eq 2
win=$(grep '^window id=1 ' "$TMP/trace2" | tail -1 | sed 's/^window //')
check "... and the image is still exact" rendered coolscan-ls2000 "$TMP/got2.pnm" $win
check "... with no CHECK CONDITION but those two" \
    "$BUILD/scsaned-sim" trace-check "$TMP/trace2" 2/04/01 9/80/06
finish
