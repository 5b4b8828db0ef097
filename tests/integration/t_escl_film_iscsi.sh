#!/bin/bash
# A Nikon LS-2000 exported by a real tgtd as an iSCSI passthrough LUN,
# served over eSCL and the web page: sane-airscan scans it at 8 bits, and
# direct eSCL requests and the page get 16 bits a channel in PNG and TIFF.
# Each image is pixel for pixel the same scan over SANE net.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
for tool in curl pngtopnm tifftopnm; do
	command -v "$tool" > /dev/null || { skip "$tool is not installed"; finish; }
done
[ -e /usr/lib/x86_64-linux-gnu/sane/libsane-airscan.so.1 ] ||
	{ skip "sane-airscan is not installed"; finish; }
tgt_addresses
IQN=iqn.2026-12.org.scsaned.test:ls2000
tgt_start "$TGT" "$PORTAL" "$TMP/sg-remote" "coolscan-ls2000?holder=strip" "$IQN"
check "tgtd exports the simulated LS-2000" test $? -eq 0
web_conf "$TMP/scsaned.conf" "film iscsi://$PORTAL/$IQN/1"
start_server "$TMP/scsaned.conf"
check "its eSCL port is announced" \
    wait_for 10 grep -qs "film: eSCL at http://$ADDR:8091/eSCL" "$SERVER_LOG"
ESCL=http://$ADDR:8091/eSCL

# SANE net's scan of the same window, as the reference.
net() {	# net DEPTH OUT [scanimage args]
	local depth=$1 out=$2
	shift 2
	scan -d "net:$ADDR:film" --depth "$depth" --resolution 300 -l 0 -t 0 \
	    -x 10.16 -y 6.773 "$@" --format=pnm > "$out" 2> "$out.err"
}
net 8 "$TMP/net8.pnm"
net 16 "$TMP/net16.pnm"
check "SANE net scans it at 8 and 16 bits ($(pnm_size "$TMP/net16.pnm"))" \
    eval 'bigger_than "$TMP/net8.pnm" 1000 && bigger_than "$TMP/net16.pnm" 2000'

air_conf film "$ESCL"
air -d "airscan:e0:film" --mode Color \
    --resolution 300 -x 10.16 -y 6.773 --format=png -o "$TMP/air.png" 2> "$TMP/air.err"
pngtopnm "$TMP/air.png" > "$TMP/air.pnm" 2> /dev/null
check "sane-airscan's 8-bit scan over iSCSI is SANE net's ($(pnm_size "$TMP/air.pnm" | cut -d' ' -f1,2))" \
    same_image "$TMP/net8.pnm" "$TMP/air.pnm"

# 120 x 80 in 1/300 in is 10.16 x 6.773 mm: the window of the scans above.
ticket() { escl_ticket "$1" 300 "$2" 120 80; }	# ticket COLORMODE FORMAT
escl_scan() {	# escl_scan COLORMODE FORMAT OUT
	local loc
	ticket "$1" "$2" | curl -s -D "$TMP/post.h" -o /dev/null \
	    -H 'Content-Type: text/xml' --data-binary @- "$ESCL/ScanJobs"
	loc=$(sed -n 's/^Location: *\([^\r]*\).*/\1/ip' "$TMP/post.h")
	[ -n "$loc" ] && curl -s -D "$3.h" -o "$3" "$loc/NextDocument"
}
to_pnm() {	# to_pnm FILE: netpbm's reading of a PNG or TIFF, 16 bits kept
	case "$1" in
	*.png) pngtopnm "$1" ;;
	*.tif) tifftopnm -byrow "$1" ;;	# -byrow: all 16 bits, not 8
	esac 2> /dev/null > "$1.pnm"
}
for f in png:image/png tif:image/tiff; do
	ext=${f%%:*} mime=${f#*:}
	escl_scan RGB48 "$mime" "$TMP/e48.$ext"
	check "an RGB48 $mime job answers $mime" grep -qi "^Content-Type: $mime" "$TMP/e48.$ext.h"
	to_pnm "$TMP/e48.$ext"
	check "... 16 bits a channel, pixel for pixel SANE net's 16-bit scan" \
	    eval 'head -c 20 "$TMP/e48.$ext.pnm" | grep -q 65535 && same_image "$TMP/net16.pnm" "$TMP/e48.$ext.pnm"'
done
escl_scan RGB24 image/tiff "$TMP/e24.tif"
to_pnm "$TMP/e24.tif"
check "an RGB24 TIFF job is SANE net's 8-bit scan" same_image "$TMP/net8.pnm" "$TMP/e24.tif.pnm"

# The web page's API: a 16-bit TIFF of frame 2, by the options' own names.
WEB=http://$ADDR:8090
q="set.depth=16&set.frame=2&set.resolution=300&set.tl-x=0&set.tl-y=0&set.br-x=10.16&set.br-y=6.773"
img=$(curl -s -X POST "$WEB/api/scanners/film/scan?format=tiff&$q" |
    sed -n 's/.*"image":"\([^"]*\)".*/\1/p')
check "the page's API starts a 16-bit TIFF job" test -n "$img"
curl -s -o "$TMP/web.tif" "$WEB$img"
to_pnm "$TMP/web.tif"
net 16 "$TMP/net16f2.pnm" --frame 2
check "... frame 2 at 16 bits, pixel for pixel SANE net's" \
    eval '! same_image "$TMP/net16.pnm" "$TMP/net16f2.pnm" && same_image "$TMP/net16f2.pnm" "$TMP/web.tif.pnm"'
stop_server
tgt_stop
finish
