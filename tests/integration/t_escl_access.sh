#!/bin/bash
# run-tests: alone
# Who may reach the HTTP front, and how it is found.  Basic auth from
# saned.users: a listed device's eSCL (capabilities, status, jobs) answers
# 401 with WWW-Authenticate: Basic without a password or with a wrong one
# (logged, the password never), 200 and a scan with the right one; a
# saned.users line naming the driver protects its devices over eSCL as
# over SANE; an unlisted device needs nothing.  IPv6: `http [::1]:PORT`
# serves the page and eSCL there, and sane-airscan and curl scan over it.
# The access list: from a network namespace, an allowed address gets 200
# and another is closed before a byte, and logged.  DNS-SD: in that
# namespace, with its own /run, D-Bus and avahi-daemon, avahi-browse finds
# one _uscan._tcp record per unprotected device (none for the protected
# one) on its eSCL port with the TXT keys clients read, over IPv4 and
# IPv6, and the same UUID after a restart.
. "$(dirname "$0")/lib.sh"
lease ADDR addr
for tool in curl pngtopnm; do
	command -v "$tool" > /dev/null || { skip "$tool is not installed"; finish; }
done
st() { curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$@"; }
# ticket MODE DPI FORMAT: a small eSCL scan ticket (1 x 1 inch).
ticket() { escl_ticket "$1" "$2" "$3" 300 300; }
# post URL MODE DPI FORMAT [CURL ARGS...]: POST a ticket; the status on
# stdout, the headers in $TMP/post.h (the job's Location: location).
post() {
	local url=$1 mode=$2 dpi=$3 fmt=$4
	shift 4
	ticket "$mode" "$dpi" "$fmt" | curl -s -o /dev/null -D "$TMP/post.h" -w '%{http_code}' \
	    --max-time 20 -H 'Content-Type: text/xml' --data-binary @- "$@" "$url/ScanJobs"
}
location() { sed -n 's/^Location: *\([^\r]*\).*/\1/ip' "$TMP/post.h"; }
# magic FILE HEX: FILE begins with those bytes.
magic() { [ "$(head -c $((${#2} / 2)) "$1" | od -An -tx1 | tr -d ' \n')" = "$2" ]; }
JPEG=ffd8ff
PNG=89504e47

# ---- 1. HTTP Basic auth from saned.users --------------------------------
printf '# saned.users\nalice:s3cret-Pw:fb\n' > "$TMP/saned.users"
web_conf "$TMP/scsaned.conf" "fb sim:scsi2-flatbed" "open sim:scsi2-flatbed"
echo "users_file $TMP/saned.users" >> "$TMP/scsaned.conf"
start_server "$TMP/scsaned.conf"
check "the protected device's eSCL port is announced in the log" \
    wait_for 10 grep -qs "fb: eSCL at http://$ADDR:8091/eSCL" "$SERVER_LOG"
check "... and the open device's" \
    wait_for 10 grep -qs "open: eSCL at http://$ADDR:8092/eSCL" "$SERVER_LOG"
FB=http://$ADDR:8091/eSCL
OPEN=http://$ADDR:8092/eSCL

curl -s -o /dev/null -D "$TMP/caps.h" --max-time 20 "$FB/ScannerCapabilities"
check "ScannerCapabilities without a password: 401" grep -q "^HTTP/1.1 401" "$TMP/caps.h"
check "... with WWW-Authenticate: Basic" grep -qi '^WWW-Authenticate: Basic realm=' "$TMP/caps.h"
check "ScannerStatus without a password: 401" test "$(st "$FB/ScannerStatus")" = 401
check "POST ScanJobs without a password: 401" test "$(post "$FB" RGB24 75 image/jpeg)" = 401
check "... with WWW-Authenticate: Basic" grep -qi '^WWW-Authenticate: Basic' "$TMP/post.h"
check "... logged" grep -q "http: [0-9.]*: fb: asked for a password" "$SERVER_LOG"
check "ScannerCapabilities with a wrong password: 401" \
    test "$(st -u alice:wrong-Pw "$FB/ScannerCapabilities")" = 401
check "POST ScanJobs with a wrong password: 401" \
    test "$(post "$FB" RGB24 75 image/jpeg -u alice:wrong-Pw)" = 401
check "POST ScanJobs as another user with alice's password: 401" \
    test "$(post "$FB" RGB24 75 image/jpeg -u mallory:s3cret-Pw)" = 401
check "... and logged" grep -q "http: [0-9.]*: fb: wrong user or password" "$SERVER_LOG"

curl -s -o "$TMP/caps.xml" -w '%{http_code}' --max-time 20 -u alice:s3cret-Pw \
    "$FB/ScannerCapabilities" > "$TMP/caps.code"
check "ScannerCapabilities with the right password: 200" test "$(cat "$TMP/caps.code")" = 200
check "... the capabilities" grep -q "<scan:ScannerCapabilities" "$TMP/caps.xml"
check "ScannerStatus with the right password: 200" \
    test "$(st -u alice:s3cret-Pw "$FB/ScannerStatus")" = 200
check "POST ScanJobs with the right password: 201" \
    test "$(post "$FB" RGB24 75 image/jpeg -u alice:s3cret-Pw)" = 201
loc=$(location)
check "... with an absolute Location ($loc)" grep -qE "^$FB/ScanJobs/[0-9a-f-]{36}$" <<< "$loc"
check "its NextDocument without a password: 401" test "$(st "$loc/NextDocument")" = 401
curl -s -o "$TMP/fb.jpg" -D "$TMP/doc.h" --max-time 60 -u alice:s3cret-Pw "$loc/NextDocument"
check "its NextDocument with the password: 200" grep -q "^HTTP/1.1 200" "$TMP/doc.h"
check "... a JPEG image" eval 'grep -qi "^Content-Type: image/jpeg" "$TMP/doc.h" && magic "$TMP/fb.jpg" $JPEG'
check "a PNG job with the password: 201" \
    test "$(post "$FB" Grayscale8 75 image/png -u alice:s3cret-Pw)" = 201
curl -s -o "$TMP/fb.png" --max-time 60 -u alice:s3cret-Pw "$(location)/NextDocument"
check "... its NextDocument is a 75 x 75 PNG" eval 'magic "$TMP/fb.png" $PNG &&
    pngtopnm "$TMP/fb.png" 2> /dev/null > "$TMP/fb.pnm" && test "$(pnm_size "$TMP/fb.pnm" | cut -d" " -f1,2)" = "75 75"'
check "the web API asks for it too: 401" test "$(st "http://$ADDR:8090/api/scanners/fb/options")" = 401

check "the open device's ScannerCapabilities needs no password: 200" \
    test "$(st "$OPEN/ScannerCapabilities")" = 200
check "... nor its scan: 201" test "$(post "$OPEN" RGB24 75 image/png)" = 201
curl -s -o "$TMP/open.png" -D "$TMP/doc.h" --max-time 60 "$(location)/NextDocument"
check "... NextDocument 200, a PNG" eval 'grep -q "^HTTP/1.1 200" "$TMP/doc.h" && magic "$TMP/open.png" $PNG'
check "no password appears in the log" eval '! grep -q "s3cret\|wrong-Pw" "$SERVER_LOG"'
# Announcing: DNS-SD is off here (dnssd no); part 4 browses for real.
check "DNS-SD is off outside the namespace: nothing published" \
    eval '! grep -q "DNS-SD: published" "$SERVER_LOG"'
stop_server

# A line naming the driver protects every device it drives, as over SANE.
printf 'bob:b0b-Pw:scsi2\n' > "$TMP/saned.users"
start_server "$TMP/scsaned.conf"
check "a saned.users line naming the driver: the open device's eSCL asks, 401" \
    test "$(st "$OPEN/ScannerCapabilities")" = 401
check "... its jobs too" test "$(post "$OPEN" RGB24 75 image/png)" = 401
check "... and bob's password opens it: 201" \
    test "$(post "$OPEN" RGB24 75 image/png -u bob:b0b-Pw)" = 201
curl -s -o "$TMP/drv.png" --max-time 60 -u bob:b0b-Pw "$(location)/NextDocument"
check "... and the scan is a PNG" magic "$TMP/drv.png" $PNG
curl -s --max-time 20 "http://$ADDR:8090/api/scanners" > "$TMP/drv.json"
check "... and the page lists every device as locked" eval \
    'grep -q "\"locked\":true" "$TMP/drv.json" && ! grep -q "\"locked\":false" "$TMP/drv.json"'
stop_server

# ---- 3. IPv6: http [::1]:PORT -------------------------------------------
# ::1 is shared by every test: a port of this test's own, from its address.
P6=$(( 20000 + ${ADDR##*.} * 10 ))
if ! ip -6 addr show dev lo 2> /dev/null | grep -q 'inet6 ::1/'; then
	skip "IPv6: no ::1 on lo"
else
	cat > "$TMP/v6.conf" <<CONF
device open sim:scsi2-flatbed
http [::1]:$P6
web_root $PWD/src/www
dnssd no
CONF
	start_server "$TMP/v6.conf"
	V6=http://[::1]:$((P6 + 1))/eSCL
	check "IPv6: the page and the eSCL port are announced on [::1]" eval \
	    'wait_for 10 grep -qs "the web page at http://\[::1\]:$P6/" "$SERVER_LOG" &&
	    grep -q "open: eSCL at http://\[::1\]:$((P6 + 1))/eSCL" "$SERVER_LOG"'
	check "IPv6: ScannerStatus over [::1]: 200" test "$(st -g "$V6/ScannerStatus")" = 200
	check "IPv6: the page's scanner list gives the eSCL URL with [::1]" eval \
	    'curl -sg --max-time 20 "http://[::1]:$P6/api/scanners" | grep -qF "\"escl\":\"$V6\""'
	check "IPv6: POST ScanJobs: 201" test "$(post "$V6" RGB24 75 image/jpeg -g)" = 201
	loc=$(location)
	check "... Location on [::1] ($loc)" grep -qE "^http://\[::1\]:$((P6 + 1))/eSCL/ScanJobs/[0-9a-f-]{36}$" <<< "$loc"
	curl -sg -o "$TMP/v6.jpg" -w '%{http_code}' --max-time 60 "$loc/NextDocument" > "$TMP/v6.code"
	check "... NextDocument 200, a JPEG" eval 'test "$(cat "$TMP/v6.code")" = 200 && magic "$TMP/v6.jpg" $JPEG'
	check "... served to ::1" grep -q "open for eSCL client ::1: job" "$SERVER_LOG"
	check "IPv6: nothing on the IPv4 address" test "$(st "http://$ADDR:$((P6 + 1))/eSCL/ScannerStatus")" = 000
	if [ -e /usr/lib/x86_64-linux-gnu/sane/libsane-airscan.so.1 ]; then
		air_conf "scsaned v6" "$V6"
		air -d "airscan:e0:scsaned v6" --mode Color \
		    --resolution 75 -x 25.4 -y 25.4 --format=png -o "$TMP/air6.png" 2> "$TMP/air6.err"
		pngtopnm "$TMP/air6.png" > "$TMP/air6.pnm" 2> /dev/null
		scan -d "net:$ADDR:open" --mode Color --resolution 75 -x 25.4 -y 25.4 \
		    --format=pnm > "$TMP/net6.pnm" 2> /dev/null
		check "IPv6: sane-airscan scans over [::1], pixel for pixel the SANE net scan" \
		    same_image "$TMP/net6.pnm" "$TMP/air6.pnm"
	else
		skip "IPv6: sane-airscan is not installed"
	fi
	stop_server
fi

# ---- a network namespace for 2 and 4 -------------------------------------
lease NETN net
NS=scsaned-escl$NETN
H=sesc${NETN}h
C=sesc${NETN}c
NET=10.89.$NETN
NET6=fd89:$NETN
test_cleanup() {
	ip link del "$H" 2> /dev/null
	ip netns del "$NS" 2> /dev/null
}
if ! ip netns add "$NS" 2> /dev/null; then
	skip "the access list and DNS-SD: cannot create network namespaces here"
	finish
fi
ip link add "$H" type veth peer name "$C" && ip link set "$C" netns "$NS" &&
    ip addr add "$NET.1/24" dev "$H" && ip link set "$H" up &&
    ip -6 addr add "$NET6::1/64" dev "$H" nodad &&
    ip netns exec "$NS" ip addr add "$NET.2/24" dev "$C" &&
    ip netns exec "$NS" ip addr add "$NET.3/24" dev "$C" &&
    ip netns exec "$NS" ip -6 addr add "$NET6::2/64" dev "$C" nodad &&
    ip netns exec "$NS" ip link set "$C" up && ip netns exec "$NS" ip link set lo up
check "the test network is up" test $? -eq 0
ns() { ip netns exec "$NS" "$@"; }

# ---- 2. The access list, before any HTTP ---------------------------------
cat > "$TMP/acl.conf" <<CONF
device open sim:scsi2-flatbed
hosts_file none
users_file none
allow $NET.2/32
http $NET.1:8090
web_root $PWD/src/www
dnssd no
CONF
ADDR_SAVED=$ADDR
ADDR=$NET.1
start_server "$TMP/acl.conf"
ADDR=$ADDR_SAVED
ACL=http://$NET.1:8091/eSCL
wait_for 10 grep -qs "open: eSCL at $ACL" "$SERVER_LOG"
check "ACL: an allowed address ($NET.2) gets ScannerStatus: 200" \
    test "$(ns curl -s -o /dev/null -w '%{http_code}' --max-time 20 --interface "$NET.2" "$ACL/ScannerStatus")" = 200
ticket RGB24 75 image/png | ns curl -s -o /dev/null -D "$TMP/post.h" -w '%{http_code}' \
    --max-time 20 --interface "$NET.2" -H 'Content-Type: text/xml' --data-binary @- \
    "$ACL/ScanJobs" > "$TMP/acl.code"
check "... and scans: 201" test "$(cat "$TMP/acl.code")" = 201
ns curl -s -o "$TMP/acl.png" --max-time 60 --interface "$NET.2" "$(location)/NextDocument"
check "... its NextDocument a PNG" magic "$TMP/acl.png" $PNG
for url in "$ACL/ScannerStatus" "http://$NET.1:8090/"; do
	ns curl -s -o "$TMP/refused.out" -w '%{http_code}' --max-time 10 --interface "$NET.3" \
	    "$url" > "$TMP/refused.code" 2> /dev/null
	rc=$?
	check "ACL: from $NET.3, $url: closed (curl $rc: 52 empty reply or 56 reset), no HTTP" \
	    eval 'test "$(cat "$TMP/refused.code")" = 000 && { [ $rc -eq 52 ] || [ $rc -eq 56 ]; }'
done
# A raw request, from .3 by the route's source address.
ns ip route replace "$NET.1/32" dev "$C" src "$NET.3"
ns bash -c "exec 3<>/dev/tcp/$NET.1/8091 &&
    printf 'GET /eSCL/ScannerStatus HTTP/1.1\r\nHost: x\r\n\r\n' >&3 && timeout 10 cat <&3" \
    > "$TMP/denied.out" 2> /dev/null
check "ACL: a raw request from $NET.3 is closed at once" test $? -ne 124
check "... without a single byte" test ! -s "$TMP/denied.out"
ns ip route del "$NET.1/32" dev "$C" 2> /dev/null
check "... and the log says who and why" \
    grep -q "http: refused $NET.3: not in the host list" "$SERVER_LOG"
check "... and the allowed client was served" grep -q "open for eSCL client $NET.2: job" "$SERVER_LOG"
stop_server

# ---- 4. DNS-SD: _uscan._tcp from the namespace's own avahi-daemon -------
for tool in avahi-daemon avahi-browse dbus-daemon; do
	if ! command -v "$tool" > /dev/null; then
		skip "DNS-SD: $tool is not installed"
		finish
	fi
done
printf 'alice:s3cret-Pw:locked\n' > "$TMP/ns.users"
cat > "$TMP/ns.conf" <<CONF
device fb sim:scsi2-flatbed
device ls2000 sim:coolscan-ls2000?holder=strip
device locked sim:scsi2-flatbed
hosts_file none
users_file $TMP/ns.users
lock_dir none
http 8090
web_root $PWD/src/www
dnssd yes
CONF
# One shell in the namespace (with a host name of its own) owns a private
# /run with D-Bus and Avahi, runs scsaned twice, browses after each start,
# and stops all it started, also on failure.
cat > "$TMP/inside.sh" <<'INSIDE'
set -u
if [ -z "${UTS_OWN:-}" ] && command -v unshare > /dev/null; then
	UTS_OWN=1 exec unshare --uts bash "$0" "$@"
fi
[ -n "${UTS_OWN:-}" ] && hostname "escl$NETN"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; avahi-daemon -k 2>/dev/null' EXIT
trap 'exit 1' TERM INT
private_avahi || { echo "SKIP: $AVAHI_WHY"; exit 0; }
# Both devices resolved on the veth over IPv4, and over IPv6 if it has it.
resolved() {
	local d
	timeout 5 avahi-browse -rpt _uscan._tcp > "$1" 2>&1
	for d in fb ls2000; do
		grep -q "^=;$C;IPv4;$d\\\\032\\\\040scsaned\\\\041;" "$1" || return 1
		if [ "$V6" = yes ]; then
			grep -q "^=;$C;IPv6;$d\\\\032\\\\040scsaned\\\\041;" "$1" || return 1
		fi
	done
}
# IPv6 rows are wanted when the link has an IPv6 address (Avahi's
# use-ipv6 is on by default).
V6=no
ip -6 addr show dev "$C" 2> /dev/null | grep -q inet6 && V6=yes
echo "v6=$V6" > "$TMP/ns-v6"
for run in 1 2; do
	log=$TMP/ns-server$run.log
	SCSANED_DNSSD=yes "$BUILD/scsaned" -l -b "$NET.2" -c "$TMP/ns.conf" -d 3 2> "$log" &
	spid=$!
	pids+=("$spid")
	wait_for 20 eval 'grep -q "DNS-SD: published fb (scsaned)" "$log" &&
	    grep -q "DNS-SD: published ls2000 (scsaned)" "$log"'
	# -t ends at Avahi's "all for now", maybe before every service is
	# resolved: browse again, six times at most (each browse bounded).
	for try in 1 2 3 4 5 6; do
		resolved "$TMP/browse$run.out" && break
		sleep 0.5
	done
	kill -TERM "$spid"
	wait "$spid"
	echo $? > "$TMP/ns-server$run.rc"
done
echo "browsed"
INSIDE
export -f wait_for private_avahi
ns env BUILD="$BUILD" TMP="$TMP" NET="$NET" NETN="$NETN" C="$C" timeout 80 bash "$TMP/inside.sh" \
    > "$TMP/inside.out" 2>&1
if grep -q "^SKIP:" "$TMP/inside.out"; then
	skip "DNS-SD: $(grep '^SKIP:' "$TMP/inside.out" | head -1)"
	finish
fi
check "DNS-SD: the namespace's run finished" grep -q "^browsed" "$TMP/inside.out"
grep -q "^browsed" "$TMP/inside.out" || sed 's/^/  inside: /' "$TMP/inside.out"
L1=$TMP/ns-server1.log
B1=$TMP/browse1.out
for r in 1 2; do
	check "DNS-SD: scsaned run $r exited cleanly" eval \
	    'test "$(cat "$TMP/ns-server$r.rc" 2>/dev/null)" = 0 &&
	    ! grep -qE "runtime error|Sanitizer" "$TMP/ns-server$r.log"'
	grep -E -A30 'runtime error|Sanitizer' "$TMP/ns-server$r.log" | head -40
done
# row FILE PROTO DEV: the resolved rows of DEV's service over PROTO on the
# veth (Avahi also lists its own services on lo, at 127.0.0.1).
row() { grep "^=;$C;$2;$3\\\\032\\\\040scsaned\\\\041;_uscan\\._tcp;local;" "$1"; }
# txt_val LINE KEY: KEY's value from a row's TXT field.
txt_val() { grep -o "\"$2=[^\"]*\"" <<< "$1" | head -1 | sed "s/^\"$2=//; s/\"\$//"; }
protos=IPv4
grep -q "v6=yes" "$TMP/ns-v6" 2>/dev/null && protos="IPv4 IPv6"
[ "$protos" = IPv4 ] && skip "DNS-SD over IPv6: the namespace's link has no IPv6 address"
for dev in fb ls2000; do
	port=$(sed -n "s|.*http: $dev: eSCL at http://localhost:\([0-9]*\)/eSCL (UUID \([0-9a-f-]*\)).*|\1|p" "$L1")
	uuid=$(sed -n "s|.*http: $dev: eSCL at http://localhost:[0-9]*/eSCL (UUID \([0-9a-f-]*\)).*|\1|p" "$L1")
	check "DNS-SD: $dev published (the log: port $port)" \
	    grep -q "DNS-SD: published $dev (scsaned) as _uscan._tcp, port $port" "$L1"
	for p in $protos; do
		rows=$(row "$B1" "$p" "$dev")
		check "DNS-SD $p: one $dev record on $C, on its eSCL port $port" eval \
		    'test "$(grep -c . <<< "$rows")" -eq 1 && test "$(cut -d";" -f9 <<< "$rows")" = "$port"'
		[ "$(grep -c . <<< "$rows")" -eq 1 ] || sed 's/^/  browse: /' "$B1"
		check "... at the namespace's address ($(cut -d";" -f8 <<< "$rows" | head -1))" \
		    grep -qxE "$NET\.[23]|$NET6::2|fe80:[0-9a-f:]*" <<< "$(cut -d";" -f8 <<< "$rows" | head -1)"
		line=$(head -1 <<< "$rows")
		check "... rs=eSCL" test "$(txt_val "$line" rs)" = eSCL
		check "... ty=$(txt_val "$line" ty)" test -n "$(txt_val "$line" ty)"
		check "... uuid= the logged one ($uuid)" test "$(txt_val "$line" uuid)" = "$uuid"
		check "... pdl= with image/jpeg and image/png ($(txt_val "$line" pdl))" eval \
		    'txt_val "$line" pdl | tr , "\n" | grep -qx image/jpeg &&
		    txt_val "$line" pdl | tr , "\n" | grep -qx image/png'
		check "... cs= with color ($(txt_val "$line" cs))" eval 'txt_val "$line" cs | tr , "\n" | grep -qx color'
		check "... is=platen" test "$(txt_val "$line" is)" = platen
		check "... representation= the page's icon" \
		    grep -qE '^http://[^/]+:8090/icon\.png$' <<< "$(txt_val "$line" representation)"
		check "... adminurl= the page at $dev ($(txt_val "$line" adminurl))" \
		    grep -qE "^http://[^/]+:8090/#$dev\$" <<< "$(txt_val "$line" adminurl)"
	done
	check "DNS-SD: $dev's UUID is the same after a restart" eval \
	    'test -n "$uuid" && test "$(txt_val "$(row "$TMP/browse2.out" IPv4 "$dev" | head -1)" uuid)" = "$uuid"'
	check "... and the log's too" grep -q "http: $dev: eSCL at .* (UUID $uuid)" "$TMP/ns-server2.log"
done
check "DNS-SD: the ls2000's ty is its model ($(txt_val "$(row "$B1" IPv4 ls2000 | head -1)" ty))" \
    eval 'txt_val "$(row "$B1" IPv4 ls2000 | head -1)" ty | grep -q "LS-2000"'
check "DNS-SD: the protected device has an eSCL port" grep -q "http: locked: eSCL at" "$L1"
check "... but no _uscan._tcp record" eval '! grep -q "locked" "$B1" "$TMP/browse2.out"'
check "... and is not published" eval '! grep -q "DNS-SD: published locked" "$L1"'
check "DNS-SD: exactly two _uscan._tcp services" \
    test "$(grep "^=;" "$B1" | cut -d";" -f4 | sort -u | wc -l)" -eq 2
grep "^=;" "$B1" | cut -d";" -f2,3,4,7,8,9 | sort -u | sed 's/\\032/ /g; s/\\040/(/g; s/\\041/)/g; s/;/  /g; s/^/  DNS-SD: /'
finish
