#!/bin/bash
# The Nikon LS-2000 model checked against an independent implementation:
# Debian's own coolscan3 backend, unmodified, drives it through libsgsim.so
# as it would drive the real scanner.  It must list it, send the command
# stream the hardware gets, and scan images byte-identical to the model's
# own rendering, 8-bit and 12-bit.
. "$(dirname "$0")/lib.sh"

if ! ls /usr/lib/*/sane/libsane-coolscan3.so.1 > /dev/null 2>&1; then
	skip "Debian's coolscan3 backend is not installed"
	finish
fi
node=$TMP/sg-ls2000
mknod "$node" c 21 242 || { fail "mknod of an sg node"; finish; }
echo coolscan3 > "$TMP/dll.conf"
echo "scsi:$node" > "$TMP/coolscan3.conf"
export SGSIM_DEVICES="$node=coolscan-ls2000?trace=$TMP/trace" SGSIM_LOCKDIR=$TMP
cs3() {
	LD_PRELOAD=$BUILD/libsgsim.so SANE_CONFIG_DIR=$TMP timeout 120 scanimage "$@"
}

cs3 -L > "$TMP/list" 2>&1
check "coolscan3 finds the model as an LS-2000" \
    grep -q "device \`coolscan3:scsi:$node' is a Nikon LS-2000 film scanner" "$TMP/list"

for depth in 8 12; do
	: > "$TMP/trace"
	cs3 -d "coolscan3:scsi:$node" --resolution 300 --depth "$depth" -l 90 -t 180 \
	    -x 900 -y 630 --format=pnm > "$TMP/got.pnm" 2> "$TMP/err"
	check "$depth-bit: coolscan3 scans it" test $? -eq 0
	win=$(grep '^window id=1 ' "$TMP/trace" | tail -1 | sed 's/^window //')
	"$BUILD/scsaned-sim" render coolscan-ls2000 $win -o "$TMP/want.pnm"
	check "$depth-bit: the image is byte-identical to the model's rendering" \
	    eval '[ "$(pnm_size "$TMP/want.pnm")" = "$(pnm_size "$TMP/got.pnm")" ] &&
	    cmp -s <(pnm_data "$TMP/want.pnm") <(pnm_data "$TMP/got.pnm")'
	ops=$(grep '^cdb' "$TMP/trace" | awk '{ print $2 ($2 == "2a" || $2 == "25" || $2 == "24" ? ":" $4 $7 : "") }' | tr '\n' ' ')
	check "$depth-bit: frame boundaries sent (SEND 88)" eval '[[ "$ops" == *"2a:88"* ]]'
	check "$depth-bit: three LUTs sent (SEND 03)" \
	    test "$(grep -c '^cdb 2a 00 03 ' "$TMP/trace")" -eq 3
	check "$depth-bit: a window per channel, each read back" \
	    eval '[ "$(grep -c "^cdb 24 " "$TMP/trace")" -eq 3 ] && [ "$(grep -c "^cdb 25 " "$TMP/trace")" -eq 3 ]'
	check "$depth-bit: SCAN of windows 1, 2, 3" grep -q "^scan width=100 lines=70 planes=3" "$TMP/trace"
	check "$depth-bit: no unexpected CHECK CONDITION" "$BUILD/scsaned-sim" trace-check "$TMP/trace"
done

# The hardware's own sense: busy after EXECUTE, "re-issue" after SCAN.
node2=$TMP/sg-ls2000-busy
mknod "$node2" c 21 243
echo "scsi:$node2" > "$TMP/coolscan3.conf"
export SGSIM_DEVICES="$node2=coolscan-ls2000?busy=2&reissue=1&trace=$TMP/trace2"
cs3 -d "coolscan3:scsi:$node2" --resolution 300 -l 90 -t 180 -x 900 -y 630 --format=pnm \
    > "$TMP/got2.pnm" 2> "$TMP/err2"
check "busy and re-issue: coolscan3 still scans" test $? -eq 0
check "... it waited out NOT READY after EXECUTE" grep -q "^check op=00 sense=2/04/01" "$TMP/trace2"
check "... and sent SCAN again when asked to" test "$(grep -c '^cdb 1b ' "$TMP/trace2")" -eq 2
win=$(grep '^window id=1 ' "$TMP/trace2" | tail -1 | sed 's/^window //')
"$BUILD/scsaned-sim" render coolscan-ls2000 $win -o "$TMP/want2.pnm"
check "... and the image is still exact" cmp -s <(pnm_data "$TMP/want2.pnm") <(pnm_data "$TMP/got2.pnm")
check "... with no CHECK CONDITION but those two" \
    "$BUILD/scsaned-sim" trace-check "$TMP/trace2" 2/04/01 9/80/06
finish
