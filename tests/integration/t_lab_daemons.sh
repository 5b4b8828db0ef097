#!/bin/bash
# run-tests: alone
# Two scsaned daemons on two hosts (network namespaces of their own on one
# bridge, each with its own host name), each serving a scanner: a client
# whose net.conf lists both sees both in scanimage -L and scans from each.
# Where avahi-daemon can run, each host runs its own (private /run, D-Bus,
# Avahi), both daemons announce _sane-port._tcp, and a third host browsing
# DNS-SD finds the two services under two names, each resolving to its
# own host and port.  (Debian 12's net backend does not list DNS-SD finds
# by itself here: it adds them by mDNS host name, which needs nss-mdns,
# and does not wait for its browser; see docs/lab.md.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab-harness.sh"
test_cleanup() {
	touch "$TMP/stop"
	lab_cleanup
}
if ! lab_net 2> /dev/null; then
	skip "cannot create a bridge and network namespaces here"
	finish
fi
lab_ns 1 && lab_ns 2 && lab_ns 3
check "three hosts on one bridge" test $? -eq 0
avahi=yes
for tool in avahi-daemon avahi-browse dbus-daemon; do
	command -v "$tool" > /dev/null || avahi="no ($tool is not installed)"
done

# inside.sh ROLE I: on host I, a private /run with D-Bus and, if it can,
# Avahi; then ROLE: "daemon" runs scsaned until $TMP/stop, "client"
# browses and lists.  It stops all it started, also on failure.
cat > "$TMP/inside.sh" <<'INSIDE'
set -u
role=$1 i=$2 pids=()
# A host name of its own, as a real host has: Avahi announces it.
if [ -z "${UTS_OWN:-}" ] && command -v unshare > /dev/null; then
	UTS_OWN=1 exec unshare --uts bash "$0" "$@"
fi
[ -n "${UTS_OWN:-}" ] && hostname "lab$LAB_N-h$i"
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; avahi-daemon -k 2>/dev/null' EXIT
trap 'exit 1' TERM INT
mdns=no
[ "$AVAHI" = yes ] && private_avahi && mdns=yes
echo "mdns=$mdns ${AVAHI_WHY:-}" > "$TMP/mdns.$i"
if [ "$role" = daemon ]; then
	SCSANED_DNSSD=$mdns "$BUILD/scsaned" -l -b "$ADDR_I" -c "$TMP/scsaned$i.conf" -d 3 \
	    2> "$TMP/server$i.log" &
	pids+=("$!")
	wait_for 120 test -e "$TMP/stop"
	exit 0
fi
# -t ends at Avahi's "all for now", which may come before the renamed
# second service is answered: browse again until both are resolved.
# avahi-browse resolves each service to any address of its host, A or
# AAAA (a row browsed over IPv4 may carry the host's fe80:: address), so
# count the hosts, and prefer a browse that also has both IPv4 addresses.
hosts_resolved() {
	[ "$(grep "^=;[^;]*;IPv4;" "$TMP/browse.out" | cut -d";" -f7 | sort -u | wc -l)" -ge 2 ]
}
both_ipv4() {
	grep -q "^=;.*;$ADDR_1;6566;" "$TMP/browse.out" &&
	    grep -q "^=;.*;$ADDR_2;6566;" "$TMP/browse.out"
}
two_resolved() {
	timeout 10 avahi-browse -rtp _sane-port._tcp > "$TMP/browse.out" 2>&1
	hosts_resolved && both_ipv4
}
[ "$mdns" = yes ] && { wait_for 30 two_resolved || hosts_resolved; }
mkdir -p "$TMP/dnssd-sane"
echo net > "$TMP/dnssd-sane/dll.conf"
: > "$TMP/dnssd-sane/net.conf"		# nothing named: DNS-SD only
SANE_CONFIG_DIR=$TMP/dnssd-sane timeout 60 scanimage -L > "$TMP/dnssd.list" 2>&1
INSIDE
export -f wait_for private_avahi

for i in 1 2; do
	cat > "$TMP/scsaned$i.conf" <<CONF
device fb$i sim:scsi2-flatbed?trace=$TMP/trace$i
hosts_file none
users_file none
lock_dir none
allow $LAB_GW
allow $(lab_addr 3)
CONF
	ip netns exec "$LAB_NS-h$i" env BUILD="$BUILD" TMP="$TMP" AVAHI="$avahi" LAB_N="$LAB_N" \
	    ADDR_I="$(lab_addr "$i")" bash "$TMP/inside.sh" daemon "$i" > "$TMP/inside$i.out" 2>&1 &
	PIDS+=("$!")
done
check "daemon 1 listens on host 1" wait_for 20 grep -qs "listening on $(lab_addr 1)" "$TMP/server1.log"
check "daemon 2 listens on host 2" wait_for 20 grep -qs "listening on $(lab_addr 2)" "$TMP/server2.log"

# One client, one net.conf naming both hosts (lib.sh's scan() reads $ADDR).
ADDR="$(lab_addr 1)
$(lab_addr 2)"
scan -L > "$TMP/list" 2>&1
check "scanimage -L lists daemon 1's scanner" grep -q "net:$(lab_addr 1):fb1'" "$TMP/list"
check "... and daemon 2's" grep -q "net:$(lab_addr 2):fb2'" "$TMP/list"
for i in 1 2; do
	scan -d "net:$(lab_addr "$i"):fb$i" --mode Color --resolution 75 -x 20 -y 15 \
	    --format=pnm > "$TMP/got$i.pnm" 2> "$TMP/err$i"
	check_exact "a scan from daemon $i is exact" "$TMP/trace$i" "$TMP/got$i.pnm"
done

if [ "$avahi" != yes ] || ! grep -q "mdns=yes" "$TMP/mdns.1" || ! grep -q "mdns=yes" "$TMP/mdns.2"; then
	skip "DNS-SD: avahi-daemon cannot run here: $avahi $(cat "$TMP/mdns.1" 2>/dev/null)"
	finish
fi
check "both daemons publish _sane-port._tcp" \
    eval 'wait_for 15 grep -q "DNS-SD: published" "$TMP/server1.log" &&
	wait_for 15 grep -q "DNS-SD: published" "$TMP/server2.log"'
ip netns exec "$LAB_NS-h3" env BUILD="$BUILD" TMP="$TMP" AVAHI=yes LAB_N="$LAB_N" \
    ADDR_1="$(lab_addr 1)" ADDR_2="$(lab_addr 2)" timeout 90 bash "$TMP/inside.sh" client 3 > "$TMP/inside3.out" 2>&1
# browsed I: a resolved service of scsaned's on host I, port 6566, at
# that host's IPv4 address or at an IPv6 link-local one (Avahi hands out
# either; see two_resolved).
browsed() {
	grep "^=;[^;]*;IPv4;scsaned[^;]*;_sane-port._tcp;local;lab$LAB_N-h$1\.local;" "$TMP/browse.out" |
	    grep -qE ";($(lab_addr "$1" | sed 's/\./\\./g')|fe80:[0-9a-f:]*);6566;"
}
check "a third host finds daemon 1 through DNS-SD" browsed 1
check "... and daemon 2" browsed 2
check "... under two service names" \
    test "$(grep "^=;[^;]*;IPv4;" "$TMP/browse.out" | cut -d";" -f4 | sort -u | wc -l)" -eq 2
grep "^=;[^;]*;IPv4;" "$TMP/browse.out" | cut -d";" -f4,7,8,9 | sort -u |
    sed 's/\\032/ /g; s/\\035/#/g; s/;/  /g; s/^/  DNS-SD: /'
echo "  the stock net backend with an empty net.conf listed: $(grep -c "^device" "$TMP/dnssd.list") devices"
finish
