#!/bin/bash
# The web page's API, with curl: the page and its files, the scanner list
# with who holds each, options from the SANE descriptors (and set by name
# before they are listed), a scan of a crop streamed as PNG that is pixel
# for pixel the same crop over SANE net, its progress, a button press,
# and refusals for bad settings and formats.
. "$(dirname "$0")/lib.sh"
lease ADDR addr
for tool in curl pngtopnm; do
	command -v "$tool" > /dev/null || { skip "$tool is not installed"; finish; }
done
web_conf "$TMP/scsaned.conf" "fb sim:scsi2-flatbed" "ls2000 sim:coolscan-ls2000?holder=strip"
start_server "$TMP/scsaned.conf"
WEB=http://$ADDR:8090
check "the web page is announced" wait_for 10 grep -qs "the web page at $WEB/" "$SERVER_LOG"
st() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
check "GET / is the page" eval 'curl -s "$WEB/" | grep -q "<script src=\"app.js\">"'
check "GET /app.js" test "$(st "$WEB/app.js")" = 200
check "GET /icon.png is a PNG" eval 'curl -s "$WEB/icon.png" | head -c 4 | grep -q PNG'
check "an unknown file: 404" test "$(st "$WEB/secret.txt")" = 404

curl -s "$WEB/api/scanners" > "$TMP/list.json"
check "the list names both scanners" eval 'grep -q "\"name\":\"fb\"" "$TMP/list.json" &&
    grep -q "\"name\":\"ls2000\"" "$TMP/list.json"'
check "... idle, each with its eSCL URL" \
    grep -q "\"state\":\"idle\".*\"escl\":\"http://$ADDR:8091/eSCL\"" "$TMP/list.json"

curl -s "$WEB/api/scanners/fb/options?set.mode=Gray" > "$TMP/opts.json"
check "options come from the descriptors (mode's list)" \
    grep -q '"name":"mode".*"list":\["Lineart","Gray","Color"\]' "$TMP/opts.json"
check "... with the value set before listing" grep -q '"name":"mode"[^}]*"value":"Gray"' "$TMP/opts.json"
curl -s "$WEB/api/scanners/ls2000/options" > "$TMP/film.json"
check "the film scanner's frame option and Eject button are there" \
    eval 'grep -q "\"name\":\"frame\"" "$TMP/film.json" && grep -q "\"name\":\"eject\",[^}]*\"type\":\"button\"" "$TMP/film.json"'
check "pressing Eject works" test "$(st -X POST "$WEB/api/scanners/ls2000/button/eject")" = 200
check "a bad setting is reported, not applied" \
    eval 'curl -s "$WEB/api/scanners/fb/options?set.mode=Sepia" | grep -q "\"refused\":\"mode:"'

crop="set.mode=Color&set.resolution=100&set.tl-x=10&set.tl-y=20&set.br-x=60&set.br-y=45"
curl -s -X POST "$WEB/api/scanners/fb/scan?format=png&$crop" > "$TMP/job.json"
id=$(sed -n 's/.*"id":"\([0-9a-f-]*\)".*/\1/p' "$TMP/job.json")
check "a scan starts a job" test -n "$id"
curl -s -o "$TMP/web.png" "$WEB/api/jobs/$id/image"
pngtopnm "$TMP/web.png" > "$TMP/web.pnm" 2> /dev/null
scan -d "net:$ADDR:fb" --mode Color --resolution 100 -l 10 -t 20 -x 50 -y 25 \
    --format=pnm > "$TMP/net.pnm" 2> /dev/null
check "the PNG is pixel for pixel the crop over SANE net ($(pnm_size "$TMP/web.pnm" | cut -d' ' -f1,2))" \
    same_image "$TMP/net.pnm" "$TMP/web.pnm"
curl -s "$WEB/api/jobs/$id" > "$TMP/progress.json"
check "the job's progress: all its lines" \
    grep -qE '"state":"completed".*"height":([0-9]+),"lines":\1,' "$TMP/progress.json"
check "the image once fetched is gone (410)" test "$(st "$WEB/api/jobs/$id/image")" = 410
check "an unknown format: 400" test "$(st -X POST "$WEB/api/scanners/fb/scan?format=bmp")" = 400
check "an unknown scanner: 404" test "$(st "$WEB/api/scanners/nope/options")" = 404
check "an unknown job: 404" test "$(st "$WEB/api/jobs/nope")" = 404
stop_server
finish
