#!/bin/bash
# run-tests: alone
# Access control between real hosts: a network namespace the test creates,
# joined to this host by a veth pair with private addresses.  A client
# from an allowed address scans; one from an address outside the list is
# closed before it gets a single byte, and the log says who and why; IPv6
# CIDR entries work.
. "$(dirname "$0")/lib.sh"
NS=scsaned-acl-$$
H=scsa$$h
C=scsa$$c
NET=10.77.$(( $$ % 200 + 20 ))
NET6=fd77:$(( $$ % 9000 + 100 ))

test_cleanup() {
	ip link del "$H" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}

if ! ip netns add "$NS" 2>/dev/null; then
	skip "cannot create network namespaces here"
	finish
fi
ip link add "$H" type veth peer name "$C" &&
    ip link set "$C" netns "$NS" &&
    ip addr add "$NET.1/24" dev "$H" &&
    ip -6 addr add "$NET6::1/64" dev "$H" nodad &&
    ip link set "$H" up &&
    ip netns exec "$NS" ip addr add "$NET.2/24" dev "$C" &&
    ip netns exec "$NS" ip addr add "$NET.3/24" dev "$C" &&
    ip netns exec "$NS" ip -6 addr add "$NET6::2/64" dev "$C" nodad &&
    ip netns exec "$NS" ip link set "$C" up &&
    ip netns exec "$NS" ip link set lo up
check "the test network is up" test $? -eq 0

cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed?trace=$TMP/trace
hosts_file none
allow $NET.2/32
allow [$NET6::]/64
CONF
ADDR=$NET.1
start_server "$TMP/scsaned.conf"
"$BUILD/scsaned" -l -b "$NET6::1" -c "$TMP/scsaned.conf" -d 3 2> "$TMP/server6.log" &
PIDS+=("$!")
check "an IPv6 server listens too" wait_for 20 grep -qs "listening on $NET6::1" "$TMP/server6.log"

# ns_scan HOST ARGS...: scanimage inside the namespace, talking to HOST.
ns_scan() {
	local host=$1
	shift
	mkdir -p "$TMP/ns-sane"
	echo net > "$TMP/ns-sane/dll.conf"
	echo "$host" > "$TMP/ns-sane/net.conf"
	ip netns exec "$NS" env SANE_CONFIG_DIR="$TMP/ns-sane" timeout 60 scanimage "$@"
}

ns_scan "$NET.1" -d "net:$NET.1:fb" --mode Color --resolution 75 -x 30 -y 20 \
    --format=pnm > "$TMP/got.pnm" 2> "$TMP/err"
check "an allowed address ($NET.2/32) scans" test $? -eq 0
check_exact "... exactly" "$TMP/trace" "$TMP/got.pnm"
check "the server saw the client's real address" grep -q "$NET.2: connected" "$SERVER_LOG"

# The same namespace, now reaching the server from .3.
ip netns exec "$NS" ip route replace "$NET.1/32" dev "$C" src "$NET.3"
ip netns exec "$NS" bash -c "exec 3<>/dev/tcp/$NET.1/6566 &&
    printf '\x00\x00\x00\x00\x01\x01\x00\x03\x00\x00\x00\x00' >&3 &&
    timeout 10 cat <&3" > "$TMP/denied.out" 2>/dev/null
check "an address outside the list is closed" test $? -ne 124
check "... without a single byte" test ! -s "$TMP/denied.out"
check "... and the log says who and why" \
    grep -q "$NET.3: refused: not in the host list" "$SERVER_LOG"
ns_scan "$NET.1" -L > "$TMP/list" 2>&1
check "scanimage from there sees no devices" eval '! grep -q "net:$NET.1:fb" "$TMP/list"'

ns_scan "$NET6::1" -L > "$TMP/list6" 2>&1
check "IPv6: an address in an allowed /64 lists the device" grep -q ":fb'" "$TMP/list6"
check "... as the IPv6 server saw it" grep -q "$NET6::2: connected" "$TMP/server6.log"
stop_server
finish
