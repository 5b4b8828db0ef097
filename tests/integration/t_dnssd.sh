#!/bin/bash
# run-tests: alone
# DNS-SD: with avahi-daemon running, scsaned announces _sane-port._tcp as
# saned does (TXT protovers=...), seen by avahi-browse.  All of it inside
# a network namespace the test creates, with its own /run, D-Bus and
# avahi-daemon, joined to this host by a veth pair (Avahi does not work on
# loopback).  Skipped, with a message, where avahi-daemon cannot start.
. "$(dirname "$0")/lib.sh"
NS=scsaned-mdns-$$
H=scsm$$h
C=scsm$$c
NET=10.79.$(( $$ % 200 + 20 ))

test_cleanup() {
	ip link del "$H" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}

for tool in avahi-daemon avahi-browse dbus-daemon; do
	if ! command -v "$tool" > /dev/null; then
		skip "$tool is not installed"
		finish
	fi
done
if ! ip netns add "$NS" 2>/dev/null; then
	skip "cannot create network namespaces here"
	finish
fi
ip link add "$H" type veth peer name "$C" && ip link set "$C" netns "$NS" &&
    ip addr add "$NET.1/24" dev "$H" && ip link set "$H" up &&
    ip netns exec "$NS" ip addr add "$NET.2/24" dev "$C" &&
    ip netns exec "$NS" ip link set "$C" up && ip netns exec "$NS" ip link set lo up
check "the test network is up" test $? -eq 0

cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed
hosts_file none
users_file none
lock_dir none
CONF
# One shell in the namespace (given lib.sh's wait_for) owns a private /run
# with D-Bus and Avahi, runs scsaned, browses, and stops all it started,
# also on failure.
cat > "$TMP/inside.sh" <<'INSIDE'
set -u
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; avahi-daemon -k 2>/dev/null' EXIT
private_avahi || { echo "SKIP: $AVAHI_WHY"; exit 0; }
SCSANED_DNSSD=yes "$BUILD/scsaned" -l -b "$NET.2" -c "$TMP/scsaned.conf" -d 3 2> "$TMP/server.log" &
pids+=("$!")
wait_for 10 grep -q "DNS-SD: published" "$TMP/server.log"
timeout 20 avahi-browse -rtp _sane-port._tcp > "$TMP/browse.out" 2>&1
echo "browsed"
INSIDE
export -f wait_for private_avahi
ip netns exec "$NS" env BUILD="$BUILD" TMP="$TMP" NET="$NET" timeout 60 bash "$TMP/inside.sh" \
    > "$TMP/inside.out" 2>&1
if grep -q "^SKIP:" "$TMP/inside.out"; then
	skip "$(grep '^SKIP:' "$TMP/inside.out" | head -1)"
	finish
fi
check "scsaned says it published" grep -q "DNS-SD: published scsaned as _sane-port._tcp, port 6566" "$TMP/server.log"
check "avahi-browse sees _sane-port._tcp from scsaned on port 6566" \
    grep -q '^=;.*;scsaned;_sane-port._tcp;local;.*;6566;' "$TMP/browse.out"
check "... with saned's TXT record" grep -q '"protovers=1000003"' "$TMP/browse.out"
finish
