#!/bin/bash
# Debian's canon backend, unmodified, hosted by scsaned-backend: stock
# scanimage -> scsaned -> scsaned-backend (canon) -> our scsi/ layer -> the
# CanoScan FS2710 model, in process (sim:) and through a real tgtd
# passthrough LUN over iSCSI.  canon finds it through its shipped config
# ("scsi CANON IX") matched against the LUN's INQUIRY, and opens it once
# per operation, so the LUN must stay reached across many opens.  Every
# scan is byte-identical to canon scanning the same model on a local sg
# node (libsgsim.so), with no command rejected.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
tgt_addresses
IQN=iqn.2026-12.org.scsaned.test:bridge-fs2710
export SGSIM_LOCKDIR=$TMP

if ! ls /usr/lib/*/sane/libsane-canon.so.1 > /dev/null 2>&1; then
	skip "Debian's canon backend is not installed"
	finish
fi

mkdir -p "$TMP/canon"
echo canon > "$TMP/canon/dll.conf"
lease m minor
mknod "$TMP/sg-local" c 21 "$m"
echo "$TMP/sg-local" > "$TMP/canon/canon.conf"
local_scan() {
	SGSIM_DEVICES="$TMP/sg-local=canon-fs2710" LD_PRELOAD=$BUILD/libsgsim.so \
	    SANE_CONFIG_DIR=$TMP/canon timeout 120 scanimage -d "canon:$TMP/sg-local" "$@"
}

tgt_start "$TGT" "$PORTAL" "$TMP/sg-remote" "canon-fs2710?trace=$TMP/trace.remote" "$IQN"
check "tgtd exports the FS2710 model as a passthrough LUN" test $? -eq 0
cat > "$TMP/scsaned.conf" <<CONF
device sim sim:canon-fs2710?trace=$TMP/trace.sim backend=canon
device remote iscsi://$PORTAL/$IQN/1 backend=canon
hosts_file none
users_file none
lock_dir $TMP/locks
CONF
start_server "$TMP/scsaned.conf"
scan -L > "$TMP/list" 2>&1
for dev in sim remote; do
	check "$dev: listed with canon's own names" \
	    grep -q "device \`net:$ADDR:$dev' is a CANON FS2710S film scanner" "$TMP/list"
done

same_pixels() {
	[ "$(pnm_size "$1")" = "$(pnm_size "$2")" ] && cmp -s <(pnm_data "$1") <(pnm_data "$2")
}

while IFS='|' read -r what opts; do
	# shellcheck disable=SC2086 # the scan's options are words
	local_scan $opts --format=pnm > "$TMP/local.pnm" 2> "$TMP/err"
	check "$what: canon on a local sg node scans" eval 'test $? -eq 0 -a -s "$TMP/local.pnm"'
	for dev in sim remote; do
		: > "$TMP/trace.$dev"
		# shellcheck disable=SC2086
		scan -d "net:$ADDR:$dev" $opts --format=pnm > "$TMP/$dev.pnm" 2> "$TMP/err"
		check "$what: bridged over $dev, the scan succeeds" test $? -eq 0
		check "$what: bridged over $dev, byte-identical to the local scan" \
		    same_pixels "$TMP/local.pnm" "$TMP/$dev.pnm"
		# canon ejects the holder after every scan; the model behind tgt
		# lives on, so its next TEST UNIT READY honestly answers "medium
		# not present" once (2/3A/00) before the holder is back, and canon
		# waits it out.  That is the device's state, not a rejection.
		check "$what: bridged over $dev, no command rejected" \
		    "$BUILD/scsaned-sim" trace-check "$TMP/trace.$dev" 2/3a/00
	done
done <<'MODES'
Raw 170 dpi|--mode Raw --resolution 170
Raw 680 dpi window|--mode Raw --resolution 680 -l 2 -t 3 -x 10 -y 12
Color 340 dpi mirrored|--mode Color --resolution 340 --mirror=yes -l 2 -t 3 -x 14 -y 20
Color 1360 dpi window|--mode Color --resolution 1360 -l 4 -t 5 -x 6 -y 4
MODES
check "every helper was reaped: scsaned has no child left" \
    wait_for 5 eval '[ -z "$(cat /proc/$SERVER_PID/task/*/children 2>/dev/null | tr -d " ")" ]'
stop_server
tgt_stop
finish
