#!/bin/bash
# Debian's coolscan3, unmodified, hosted by scsaned-backend: stock
# scanimage -> scsaned -> scsaned-backend (coolscan3) -> our scsi/ layer ->
# the LS-2000 model, once in process (sim:) and once through a real tgtd
# passthrough LUN over iSCSI.  Every scan must be byte-identical to
# coolscan3 scanning the same model on a local sg node (libsgsim.so), and
# the model must have rejected no command.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
tgt_addresses
IQN=iqn.2026-12.org.scsaned.test:bridge-ls2000
export SGSIM_LOCKDIR=$TMP

if ! ls /usr/lib/*/sane/libsane-coolscan3.so.1 > /dev/null 2>&1; then
	skip "Debian's coolscan3 backend is not installed"
	finish
fi

# The reference: coolscan3 on a local sg node, as in t_coolscan3_crosscheck.
mkdir -p "$TMP/cs3"
echo coolscan3 > "$TMP/cs3/dll.conf"
lease m minor
mknod "$TMP/sg-local" c 21 "$m"
echo "scsi:$TMP/sg-local" > "$TMP/cs3/coolscan3.conf"
local_scan() {
	SGSIM_DEVICES="$TMP/sg-local=coolscan-ls2000?trace=$TMP/trace.local" \
	    LD_PRELOAD=$BUILD/libsgsim.so SANE_CONFIG_DIR=$TMP/cs3 timeout 120 \
	    scanimage -d "coolscan3:scsi:$TMP/sg-local" "$@"
}

tgt_start "$TGT" "$PORTAL" "$TMP/sg-remote" "coolscan-ls2000?trace=$TMP/trace.remote" "$IQN"
check "tgtd exports the LS-2000 model as a passthrough LUN" test $? -eq 0
cat > "$TMP/scsaned.conf" <<CONF
device sim sim:coolscan-ls2000?trace=$TMP/trace.sim backend=coolscan3
device remote iscsi://$PORTAL/$IQN/1 backend=coolscan3
hosts_file none
users_file none
lock_dir $TMP/locks
CONF
start_server "$TMP/scsaned.conf"
scan -L > "$TMP/list" 2>&1
for dev in sim remote; do
	check "$dev: listed with coolscan3's own names" \
	    grep -q "device \`net:$ADDR:$dev' is a Nikon LS-2000 film scanner" "$TMP/list"
done

same_pixels() {
	[ "$(pnm_size "$1")" = "$(pnm_size "$2")" ] && cmp -s <(pnm_data "$1") <(pnm_data "$2")
}

# resolution:x:y | depth, positive and negative film with AE.
for scan in 300:900:630 1350:902:630; do
	IFS=: read -r res x y <<< "$scan"
	for opts in "--depth 8" "--depth 12" "--depth 8 --negative=yes --ae-wb=yes"; do
		args=(--resolution "$res" $opts -l 90 -t 180 -x "$x" -y "$y" --format=pnm)
		what="$res dpi ${opts//--/}"
		local_scan "${args[@]}" > "$TMP/local.pnm" 2> "$TMP/err"
		check "$what: coolscan3 on a local sg node scans" eval 'test $? -eq 0 -a -s "$TMP/local.pnm"'
		for dev in sim remote; do
			: > "$TMP/trace.$dev"
			scan -d "net:$ADDR:$dev" "${args[@]}" > "$TMP/$dev.pnm" 2> "$TMP/err"
			check "$what: bridged over $dev, the scan succeeds" test $? -eq 0
			check "$what: bridged over $dev, byte-identical to the local scan" \
			    same_pixels "$TMP/local.pnm" "$TMP/$dev.pnm"
			check "$what: bridged over $dev, no command rejected" \
			    "$BUILD/scsaned-sim" trace-check "$TMP/trace.$dev"
		done
	done
done
win=$(grep '^window id=1 ' "$TMP/trace.sim" | tail -1 | sed 's/^window //')
exp=$(grep '^scan ' "$TMP/trace.sim" | tail -1 | sed 's/.*exposure=//')
"$BUILD/scsaned-sim" render coolscan-ls2000 $win exposure=$exp -o "$TMP/want.pnm"
check "the last bridged scan is also the model's own rendering" same_pixels "$TMP/want.pnm" "$TMP/sim.pnm"
check "every helper was reaped: scsaned has no child left" \
    wait_for 5 eval '[ -z "$(cat /proc/$SERVER_PID/task/*/children 2>/dev/null | tr -d " ")" ]'
stop_server
tgt_stop
finish
