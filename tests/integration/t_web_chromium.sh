#!/bin/bash
# The web page in Debian's headless Chromium, driven by python3-selenium
# and chromium-driver: it lists the scanners, opens one from the keyboard,
# previews, takes a crop dragged with the mouse, scans while the progress
# bar moves, and downloads a PNG that is pixel for pixel the same crop
# scanned over SANE net.  Each step's screenshot is kept in
# $BUILD/artifacts/t_web_chromium (the README's pictures come from there).
. "$(dirname "$0")/lib.sh"
lease ADDR addr
for tool in /usr/bin/chromium /usr/bin/chromedriver pngtopnm; do
	command -v "$tool" > /dev/null || { skip "$tool is not installed"; finish; }
done
# Debian's python, which sees Debian's selenium (a pyenv python may not).
/usr/bin/python3 -c 'import selenium' 2> /dev/null ||
    { skip "python3-selenium is not installed"; finish; }
ART=$PWD/$BUILD/artifacts/$NAME
rm -rf "$ART"
mkdir -p "$ART"
# The flatbed at a carriage's pace, so that a scan lasts long enough for
# the page to show it moving: 150 lines a second.
web_conf "$TMP/scsaned.conf" "flatbed sim:scsi2-flatbed?lps=150" "ls2000 sim:coolscan-ls2000?holder=strip"
start_server "$TMP/scsaned.conf"
WEB=http://$ADDR:8090
check "the web page is served" wait_for 10 grep -qs "the web page at $WEB/" "$SERVER_LOG"

# In a process group of its own, so that Chromium and its driver go with
# it if the test is stopped.
test_cleanup() { [ -n "${PY:-}" ] && kill -- -"$PY" 2> /dev/null; }
setsid timeout 240 /usr/bin/python3 "$(dirname "$0")/web_chromium.py" \
    "$WEB" flatbed "$ART" 150 > "$TMP/py.out" 2> "$TMP/py.err" &
PY=$!
wait "$PY"
rc=$?
PY=
cat "$TMP/py.out"
if [ "$rc" -ne 0 ] && ! grep -q '^FAIL:' "$TMP/py.out"; then
	fail "the browser script exited $rc"
	tail -20 "$TMP/py.err"
fi
# shellcheck disable=SC1091
. "$ART/result.env" 2> /dev/null
if [ -n "${png:-}" ]; then
	pngtopnm "$png" > "$TMP/web.pnm" 2> /dev/null
	w=$(awk "BEGIN { print $br_x - $tl_x }") h=$(awk "BEGIN { print $br_y - $tl_y }")
	scan -d "net:$ADDR:flatbed" --mode Color --resolution 150 \
	    -l "$tl_x" -t "$tl_y" -x "$w" -y "$h" --format=pnm > "$TMP/net.pnm" 2> "$TMP/net.err"
	check "the downloaded PNG is the dragged crop over SANE net ($(pnm_size "$TMP/web.pnm" | cut -d' ' -f1,2))" \
	    same_image "$TMP/net.pnm" "$TMP/web.pnm"
else
	fail "no PNG was downloaded"
fi
check "screenshots of each step are kept" test -s "$ART/05-scanning.png" -a -s "$ART/06-done.png"
stop_server
finish
