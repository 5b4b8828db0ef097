#!/bin/bash
# Discovery offers every LUN no driver of ours was written for to the SANE
# SCSI backends (backends yes|LIST), through their own config lines
# matched against the LUN's real INQUIRY.  A tgtd portal exports four
# scanners, one target each: the Perfection 1640 (a Processor no driver
# of ours takes), the Astra 1220S (a scanner our generic SCSI-2 driver
# would take, but umax was written for it), the LS-2000 (our Coolscan
# driver's, though coolscan3 would find it too) and the FS2710, which a
# device line gives to canon with backend=.  A fake sysfs adds a local
# Perfection on an sg node for `discover sg`.  Each is listed under the
# right driver or backend, by the names its backend reports, under a
# stable name ("BACKEND:identity"); the bridged ones scan exactly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
. "$(dirname "$0")/bridge-harness.sh"
tgt_addresses
BASE=iqn.2026-12.org.scsaned.test

for b in epson2 umax canon coolscan3 microtek2; do
	ls /usr/lib/*/sane/libsane-$b.so.1 > /dev/null 2>&1 && continue
	skip "Debian's $b backend is not installed"
	finish
done
# The backends asked, in dll.conf's order, each with the SCSI lines of its
# shipped config only (no network discovery off the host): microtek2's
# `scsi * * Scanner` and coolscan3's `auto` are asked before the right
# ones and must decline; `test` has no SCSI and is not even started.
mkdir -p "$TMP/bconf"
printf '%s\n' net test microtek2 coolscan3 canon epson2 umax > "$TMP/bconf/dll.conf"
for b in microtek2 coolscan3 canon epson2 umax; do
	grep -E '^(scsi|auto)' "/etc/sane.d/$b.conf" > "$TMP/bconf/$b.conf"
done
export SCSANED_BACKEND_CONFIG_DIR=$TMP/bconf
# The daemon's own libsane (backends yes) loads no backend: this test is
# about the LUNs it offers to the hosted ones.
mkdir -p "$TMP/own"
: > "$TMP/own/dll.conf"
export SANE_CONFIG_DIR=$TMP/own
export SGSIM_LOCKDIR=$TMP

# Four nodes behind one tgtd, one target each.
nodes=
n=0
for spec in epson-perfection1640:perfection1640 umax-astra1220s:astra1220s \
    coolscan-ls2000:ls2000 canon-fs2710:fs2710; do
	n=$((n + 1))
	lease m minor
	mknod "$TMP/sg-t$n" c 21 "$m"
	nodes=${nodes:+$nodes,}$TMP/sg-t$n=$(with_trace "${spec%%:*}" "$TMP/trace.${spec#*:}")
	targets+=("${spec#*:}")
done
tgt_daemon "$TGT" "$PORTAL" "$TMP/sg-t1" "${nodes#*=}"
check "tgtd runs" test $? -eq 0
for ((n = 1; n <= 4; n++)); do
	tgt_ctl --lld iscsi --op new --mode target --tid $n -T "$BASE:${targets[n - 1]}" &&
	    tgt_ctl --lld iscsi --op new --mode logicalunit --tid $n --lun 1 --bstype=sg \
		--device-type=pt -b "$TMP/sg-t$n" &&
	    tgt_ctl --lld iscsi --op bind --mode target --tid $n -I 127.0.0.1 ||
	    fail "tgtd target $n"
done

# A local Perfection 1640 on an sg node, in a sysfs as Linux lays it out.
sys=$TMP/sys
mkdir -p "$sys/devices/4:0:2:0" "$sys/class/sg7" "$TMP/dev"
printf '3\n' > "$sys/devices/4:0:2:0/type"
printf 'EPSON   \n' > "$sys/devices/4:0:2:0/vendor"
printf 'Perfection1640  \n' > "$sys/devices/4:0:2:0/model"
ln -s "../../devices/4:0:2:0" "$sys/class/sg7/device"
lease m minor
mknod "$TMP/dev/sg7" c 21 "$m"
export SGSIM_DEVICES="$TMP/dev/sg7=epson-perfection1640?trace=$TMP/trace.local"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

conf() {
	cat > "$TMP/scsaned.conf" <<CONF
device film iscsi://$PORTAL/$BASE:fs2710/1 backend=canon
discover iscsi://$PORTAL
discover sg sysfs=$sys/class dev=$TMP/dev
backends $1
hosts_file none
users_file none
lock_dir $TMP/locks
CONF
}
list() {
	LD_PRELOAD=$BUILD/libsgsim.so timeout 120 "$BUILD/scsaned" -c "$TMP/scsaned.conf" -L -d 3 \
	    2> "$TMP/L.err" | sort
}
row() { grep -qP "^$1\t$2\t$3\t$4\t$5\$" "$TMP/L"; }

conf yes
list > "$TMP/L"
check "the Perfection LUN is epson2's, by epson2's names" \
    row "epson2:perfection1640" Epson Perfection1640 "flatbed scanner" "iscsi://$PORTAL/$BASE:perfection1640/1"
check "the Astra LUN is umax's, not the generic driver's" \
    row "umax:astra1220s" "UMAX *" "Astra 1220S *" "flatbed scanner" "iscsi://$PORTAL/$BASE:astra1220s/1"
check "the LS-2000 LUN stays with our Coolscan driver" \
    row ls2000 Nikon LS-2000 "film scanner" "iscsi://$PORTAL/$BASE:ls2000/1"
check "... named as driven natively" grep -q "device ls2000: .* driver coolscan (discovered)" "$TMP/L.err"
check "the FS2710 LUN is canon's, as its device line says" \
    row film CANON "FS2710S" "film scanner" "iscsi://$PORTAL/$BASE:fs2710/1"
check "discover sg: the local Perfection node is epson2's" \
    row "epson2:epson-perfection1640" Epson Perfection1640 "flatbed scanner" "sg:$TMP/dev/sg7"
check "nothing else is listed" test "$(wc -l < "$TMP/L")" -eq 5
check "microtek2 and coolscan3 were asked first and declined" eval '
    grep -q "backend host: microtek2 does not find the LUN" "$TMP/L.err" &&
    grep -q "backend host: coolscan3 does not find the LUN" "$TMP/L.err"'
check "the test backend (no SCSI) declined unstarted" \
    grep -q "backend host: test does not find the LUN" "$TMP/L.err"
all_clean() {
	local t
	for t in perfection1640 astra1220s ls2000 fs2710 local; do
		"$BUILD/scsaned-sim" trace-check "$TMP/trace.$t" 9/80/02 2/3a/00 \
		    nak=1b44:0c nak=1b44:0e nak=1b71 || return 1
	done
}
check "no model rejected a command of the backends' discovery" all_clean
list > "$TMP/L2"
check "the names are the same on the next start" cmp -s "$TMP/L" "$TMP/L2"

# A LIST: only those backends are asked; the Astra goes back to the
# generic driver when umax is not among them, the Processor to nobody.
conf epson2
list > "$TMP/L"
check "backends epson2: the Perfection LUN is epson2's" \
    row "epson2:perfection1640" Epson Perfection1640 "flatbed scanner" "iscsi://$PORTAL/$BASE:perfection1640/1"
check "... the Astra falls back to our generic driver" \
    grep -qP "^astra1220s\tUMAX\t" "$TMP/L"
check "... and umax was never asked" eval '! grep -q "backend host: umax" "$TMP/L.err"'
conf no
list > "$TMP/L"
check "backends no: no backend is asked, the Processor LUNs are not served" eval '
    ! grep -q "find the LUN" "$TMP/L.err" && ! grep -q perfection "$TMP/L"'

# Served: the discovered bridged devices scan, exactly.
conf yes
LD_PRELOAD=$BUILD/libsgsim.so start_server "$TMP/scsaned.conf"
scan -L > "$TMP/list" 2>&1
check "the client lists the Perfection under epson2 by its names" \
    grep -q "device \`net:$ADDR:epson2:perfection1640' is a Epson Perfection1640 flatbed scanner" "$TMP/list"
for dev in epson2:perfection1640 umax:astra1220s epson2:epson-perfection1640; do
	case $dev in
	*:perfection1640) model=epson-perfection1640 t=perfection1640 ;;
	umax:*) model=umax-astra1220s t=astra1220s ;;
	*) model=epson-perfection1640 t=local ;;
	esac
	: > "$TMP/trace.$t"
	scan -d "net:$ADDR:$dev" --mode Gray --resolution 150 -l 10 -t 20 -x 30 -y 20 --format=pnm \
	    > "$TMP/got.pnm" 2> "$TMP/err"
	ramp=$(sed -n 's/^gamma .*ramp=//p' "$TMP/trace.$t" | tail -1)
	check "$dev scans, exactly the model's image" \
	    rendered "$model" "$TMP/got.pnm" $(last_window "$TMP/trace.$t") ${ramp:+gamma=$ramp}
done
stop_server
tgt_stop
finish
