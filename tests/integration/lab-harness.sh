# lab-harness.sh - a scanning lab: scanner hosts, each in a network
# namespace of its own with an address of its own, joined by veth pairs to
# one bridge in this namespace.  Every host runs a real tgtd exporting
# simulated scanners (libsgsim.so) the way a lab host exports real ones,
# with scripts/scsaned-export-tgt: one target per scanner, LUN 1, only
# scsaned's address let in.  The shim runs each node's commands in a
# thread of their own (SGSIM_ASYNC=1), as the kernel's sg driver does, so a
# paced scanner never holds up its tgtd's other LUNs.  Source it after
# lib.sh; call lab_cleanup
# from the test's test_cleanup.  The lab's number is leased (lib.sh), so
# its bridge, namespaces, links and subnet are the run's own.
#
#   lab_net                  make the bridge; LAB_GW is this namespace's
#                            address on it, the one scsaned dials from
#   lab_addr I               host I's address (nobody answers there
#                            until lab_host I)
#   lab_ns I                 only host I's namespace ($LAB_NS-hI), link
#                            and address, for a host that runs something else
#   lab_host I NAME=SPEC...  host I: its namespace, link, address and a
#                            tgtd exporting model SPEC as target
#                            iqn.2026-12.lab.hI:hI-NAME for each; clients
#                            see the scanner as hI-NAME, its trace is
#                            $TMP/trace.hI-NAME
#   lab_chap I USER SECRET   host I's targets want CHAP: discover them
#                            with iscsi://USER%SECRET@ADDRESS
#   lab_host_down I          host I's tgtd killed, its namespace gone
#   lab_scan_args NAME       scanimage options for a small scan of NAME
#   lab_exact NAME GOT       GOT is what NAME's model gives for the last
#                            window in its trace (scsaned-sim render)
#   lab_cleanup              the whole lab
LAB_HOSTS=()
declare -A LAB_SPEC LAB_TGT_PID LAB_CTL LAB_NTGT
LAB_EXPORT=$(dirname "${BASH_SOURCE[0]}")/../../scripts/scsaned-export-tgt

lab_net() {
	lease LAB_N net
	LAB_BR=slb$LAB_N
	LAB_IF=sl$LAB_N
	LAB_NS=scsaned-lab$LAB_N
	LAB_GW=10.88.$LAB_N.1
	# mDNS must cross it whether or not anyone answers IGMP.
	ip link add "$LAB_BR" type bridge mcast_snooping 0 &&
	    ip addr add "$LAB_GW/24" dev "$LAB_BR" &&
	    ip link set "$LAB_BR" up
}

lab_addr() {
	echo "10.88.$LAB_N.$((10 + $1))"
}

lab_tgt_up() {
	tgtadm -C "$1" --op show --mode sys > /dev/null 2>&1
}

lab_ns() {
	local i=$1 ns=$LAB_NS-h$1

	ip netns add "$ns" || return 1
	LAB_HOSTS+=("$i")
	ip link add "${LAB_IF}h$i" type veth peer name "${LAB_IF}p$i" &&
	    ip link set "${LAB_IF}p$i" netns "$ns" &&
	    ip link set "${LAB_IF}h$i" master "$LAB_BR" up &&
	    ip -n "$ns" addr add "$(lab_addr "$i")/24" dev "${LAB_IF}p$i" &&
	    ip -n "$ns" link set "${LAB_IF}p$i" up &&
	    ip -n "$ns" link set lo up
}

lab_host() {
	local i=$1 ns=$LAB_NS-h$1 addr ctl item name spec node minor sep devs=""
	shift
	addr=$(lab_addr "$i")
	lab_ns "$i" || return 1
	for item in "$@"; do
		name=h$i-${item%%=*}
		spec=${item#*=}
		LAB_SPEC[$name]=$spec
		node=$TMP/sg-$name
		lease minor minor
		mknod "$node" c 21 "$minor" || return 1
		sep='?'
		[[ "$spec" == *\?* ]] && sep='&'
		devs+="${devs:+,}$node=$spec${sep}trace=$TMP/trace.$name"
	done
	lease ctl tgt
	ip netns exec "$ns" env SGSIM_DEVICES="$devs" SGSIM_LOCKDIR="$TMP" SGSIM_ASYNC=1 \
	    LD_PRELOAD="$BUILD/libsgsim.so" \
	    tgtd -f -C "$ctl" --iscsi "portal=$addr:3260" >> "$TMP/tgtd.h$i.log" 2>&1 &
	LAB_TGT_PID[$i]=$!
	LAB_CTL[$i]=$ctl
	LAB_NTGT[$i]=$#
	PIDS+=("$!")
	wait_for 10 lab_tgt_up "$ctl" || return 1
	for item in "$@"; do
		name=h$i-${item%%=*}
		ip netns exec "$ns" "$LAB_EXPORT" apply "$TMP/sg-$name" --control-port "$ctl" \
		    --allow "$LAB_GW" --iqn "iqn.2026-12.lab.h$i:$name" --name "$name" \
		    --host "$addr" > /dev/null || return 1
	done
}

lab_chap() {
	local tid adm=(tgtadm -C "${LAB_CTL[$1]}" --lld iscsi)

	"${adm[@]}" --op new --mode account --user "$2" --password "$3" || return 1
	for ((tid = 1; tid <= LAB_NTGT[$1]; tid++)); do
		"${adm[@]}" --op bind --mode account --tid "$tid" --user "$2" || return 1
	done
}

lab_host_down() {
	local pid=${LAB_TGT_PID[$1]:-}

	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip link del "${LAB_IF}h$1" 2>/dev/null
	ip netns del "$LAB_NS-h$1" 2>/dev/null
	return 0
}

lab_cleanup() {
	local i
	for i in "${LAB_HOSTS[@]}"; do lab_host_down "$i"; done
	[ -n "${LAB_BR:-}" ] && ip link del "$LAB_BR" 2>/dev/null
	return 0
}

lab_scan_args() {
	case ${LAB_SPEC[$1]} in
	scsi2-flatbed*) echo "--mode Color --resolution 75 -x 20 -y 15" ;;
	coolscan-*) echo "--depth 8 --resolution 300 -l 1 -t 2 -x 10 -y 8" ;;
	canon-fs2710*) echo "--depth 8 --resolution 340 -l 2 -t 3 -x 14 -y 10" ;;
	canon-fs4000us*) echo "--depth 8 --resolution 500 --frame 2 -l 2 -t 3 -x 14 -y 10" ;;
	esac
}

lab_exact() {
	local spec=${LAB_SPEC[$1]} tr=$TMP/trace.$1 got=$2 win

	case $spec in
	scsi2-flatbed*)
		win=$(last_window "$tr")
		[ -n "$win" ] && rendered scsi2-flatbed "$got" $win ;;
	coolscan-*)
		win=$(grep "^window id=1 .* kind=1 " "$tr" | tail -1 | sed 's/^window //')
		[ -n "$win" ] && rendered "${spec%%\?*}" "$got" $win full=1 ;;
	canon-fs2710*)
		win=$(last_window "$tr")
		[ -n "$win" ] && rendered canon-fs2710 "$got" $win depth=8 ;;
	canon-fs4000us*)
		win=$(grep '^scan ' "$tr" | tail -1 | sed 's/^scan //')
		[ -n "$win" ] && rendered canon-fs4000us "$got" $win holder=strip \
		    $(fs4000_calib_key "$tr") ;;
	*) return 1 ;;
	esac
}
