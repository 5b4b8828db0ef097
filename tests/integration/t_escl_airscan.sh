#!/bin/bash
# eSCL with a real client: Debian's sane-airscan under stock scanimage,
# a manual device entry and discovery off, scans the simulated flatbed
# from scsaned's eSCL port in colour, gray and lineart; each PNG is pixel
# for pixel the same scan made over SANE net.  Then the job rules with
# curl: 201 with an absolute Location, a second job on a held scanner gets
# 503 with Retry-After, a SANE open meanwhile gets Device busy, DELETE
# frees the scanner within 2 s, and bad requests get a 4xx and a log line.
. "$(dirname "$0")/lib.sh"
lease ADDR addr
for tool in curl pngtopnm; do
	command -v "$tool" > /dev/null || { skip "$tool is not installed"; finish; }
done
[ -e /usr/lib/x86_64-linux-gnu/sane/libsane-airscan.so.1 ] ||
	{ skip "sane-airscan is not installed"; finish; }

cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed?trace=$TMP/trace
http $ADDR:8090
dnssd no
request_timeout 3
CONF
start_server "$TMP/scsaned.conf"
check "the eSCL port is announced in the log" \
    wait_for 10 grep -qs "fb: eSCL at http://$ADDR:8091/eSCL" "$SERVER_LOG"
ESCL=http://$ADDR:8091/eSCL

air_conf "scsaned fb" "$ESCL"
air -L > "$TMP/list" 2>&1
check "sane-airscan lists the scanner" grep -q "airscan:e0:scsaned fb" "$TMP/list"

# 50.8 x 25.4 mm is 600 x 300 in eSCL's 1/300 inch: no rounding either way.
# (sane-airscan 0.99.27 offers Color and Gray only: lineart is checked
# below with a BlackAndWhite1 ticket of our own.)
for mode in Color Gray; do
	air -d "airscan:e0:scsaned fb" --mode "$mode" --resolution 150 -x 50.8 -y 25.4 \
	    --format=png -o "$TMP/air-$mode.png" 2> "$TMP/air-$mode.err"
	check "sane-airscan scans in $mode" test -s "$TMP/air-$mode.png"
	pngtopnm "$TMP/air-$mode.png" > "$TMP/air-$mode.pnm" 2> /dev/null
	scan -d "net:$ADDR:fb" --mode "$mode" --resolution 150 -x 50.8 -y 25.4 \
	    --format=pnm > "$TMP/net-$mode.pnm" 2> /dev/null
	check "... pixel for pixel the SANE net scan ($(pnm_size "$TMP/air-$mode.pnm" | cut -d' ' -f1,2))" \
	    same_image "$TMP/net-$mode.pnm" "$TMP/air-$mode.pnm"
done

# The job rules, with curl.  A big scan fills the 1 MiB ring and waits for
# its reader, so it holds the scanner for as long as we like.
ticket() { escl_ticket "$1" "$2" image/png "${3:-2550}" "${4:-3500}"; }
post() {	# post MODE DPI -> headers in $TMP/post.h, status on stdout
	ticket "$1" "$2" | curl -s -o /dev/null -D "$TMP/post.h" -w '%{http_code}' \
	    -H 'Content-Type: text/xml' --data-binary @- "$ESCL/ScanJobs"
}
code=$(post RGB24 600)
check "POST ScanJobs answers 201 Created" test "$code" = 201
loc=$(sed -n 's/^Location: *\([^\r]*\).*/\1/ip' "$TMP/post.h")
check "... with an absolute Location ($loc)" grep -qE "^$ESCL/ScanJobs/[0-9a-f-]{36}$" <<< "$loc"
check "a second job on the held scanner gets 503" test "$(post RGB24 75)" = 503
check "... with Retry-After" grep -qi "^Retry-After:" "$TMP/post.h"
scan -d "net:$ADDR:fb" --resolution 75 -x 10 -y 10 --format=pnm > /dev/null 2> "$TMP/busy.err"
check "a SANE open meanwhile gets Device busy" grep -q "Device busy" "$TMP/busy.err"
curl -s "$ESCL/ScannerStatus" > "$TMP/status.xml"
check "ScannerStatus says Processing" grep -q "<pwg:State>Processing</pwg:State>" "$TMP/status.xml"
check "... and lists the job" grep -q "${loc#http://$ADDR:8091}" "$TMP/status.xml"
check "DELETE the job answers 200" \
    test "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$loc")" = 200
freed() { scan -d "net:$ADDR:fb" --resolution 75 -x 10 -y 10 --format=pnm > "$TMP/after.pnm" 2>/dev/null; }
check "... and the scanner is free within 2 s" wait_for 2 freed
check "NextDocument of the cancelled job: 410" \
    test "$(curl -s -o /dev/null -w '%{http_code}' "$loc/NextDocument")" = 410

# Lineart straight over eSCL, against SANE net's Lineart.
ticket BlackAndWhite1 150 600 300 | curl -s -D "$TMP/post.h" -o /dev/null \
    -H 'Content-Type: text/xml' --data-binary @- "$ESCL/ScanJobs"
loc=$(sed -n 's/^Location: *\([^\r]*\).*/\1/ip' "$TMP/post.h")
curl -s -o "$TMP/bw.png" "$loc/NextDocument"
pngtopnm "$TMP/bw.png" > "$TMP/air-Lineart.pnm" 2> /dev/null
scan -d "net:$ADDR:fb" --mode Lineart --resolution 150 -x 50.8 -y 25.4 \
    --format=pnm > "$TMP/net-Lineart.pnm" 2> /dev/null
check "a BlackAndWhite1 job is pixel for pixel SANE net's Lineart" \
    same_image "$TMP/net-Lineart.pnm" "$TMP/air-Lineart.pnm"

# A job read whole, then the platen's second document: none.
code=$(post Grayscale8 75)
loc=$(sed -n 's/^Location: *\([^\r]*\).*/\1/ip' "$TMP/post.h")
curl -s -o "$TMP/doc.png" "$loc/NextDocument"
check "NextDocument streams the PNG" test "$(head -c 4 "$TMP/doc.png" | tail -c 3)" = PNG
check "the second NextDocument is 404" \
    test "$(curl -s -o /dev/null -w '%{http_code}' "$loc/NextDocument")" = 404

# Bad input: each a 4xx, a log line, and the daemon serving on.
st() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
check "a ticket that is not XML: 400" \
    test "$(st -H 'Content-Type: text/xml' --data-binary '<scan:Scan' "$ESCL/ScanJobs")" = 400
head -c 70000 /dev/zero | tr '\0' 'a' > "$TMP/huge"
check "a 70 KB ticket: 413" \
    test "$(st -H 'Content-Type: text/xml' --data-binary @"$TMP/huge" "$ESCL/ScanJobs")" = 413
check "an unknown format: 400" test "$(ticket RGB24 75 | sed 's|image/png|image/x-foo|' |
    st -H 'Content-Type: text/xml' --data-binary @- "$ESCL/ScanJobs")" = 400
check "an absurd region: 409" test "$(ticket RGB24 75 | sed 's|<pwg:Width>2550|<pwg:Width>99999|' |
    st -H 'Content-Type: text/xml' --data-binary @- "$ESCL/ScanJobs")" = 409
check "a resolution not offered: 409" test "$(ticket RGB24 77 |
    st -H 'Content-Type: text/xml' --data-binary @- "$ESCL/ScanJobs")" = 409
check "an unknown job: 404" test "$(st "$ESCL/ScanJobs/nope/NextDocument")" = 404
check "path traversal on the web port: 400" \
    test "$(st --path-as-is "http://$ADDR:8090/../../etc/passwd")" = 400
check "... and logged" grep -q "a path that climbs out" "$SERVER_LOG"
# Slowloris: headers that never end are cut at request_timeout (3 s).
exec {slow}<> /dev/tcp/$ADDR/8091
printf 'GET /eSCL/ScannerStatus HTTP/1.1\r\nHost: x\r\nX-Slow: ' >&$slow
check "a slow client does not hold up others" \
    test "$(st "$ESCL/ScannerStatus")" = 200
# Closed by the server: cat sees the end well before its own limit.
check "... and is cut off after request_timeout" timeout 10 cat <&$slow
exec {slow}>&-
check "... with a log line" wait_for 5 grep -qs "no whole request in [0-9]* s: closed" "$SERVER_LOG"
stop_server
finish
