#!/bin/bash
# discover sg finds scanner and processor sg nodes in sysfs (here a tree
# the test builds, with real mknod'ed nodes behind libsgsim.so); discover
# iscsi:// finds the scanner LUN behind a real tgtd portal.  Names come
# from the devices' identity and stay the same across restarts; a device
# the config names keeps that name and is not served twice.  A scanner
# cabled while the daemon runs is served by its next pass (rediscover).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
tgt_addresses
IQN=iqn.2026-11.org.scsaned.test:film-bench

# A sysfs as Linux lays it out: sgN/device -> the SCSI device H:C:T:L.
sys=$TMP/sys
mkdir -p "$sys/devices/2:0:3:0" "$sys/devices/2:0:4:0" "$sys/devices/2:0:5:0" \
    "$sys/class" "$TMP/dev"
printf '6\n' > "$sys/devices/2:0:3:0/type"
printf 'SCSANED \n' > "$sys/devices/2:0:3:0/vendor"
printf 'SCSI2 FLATBED   \n' > "$sys/devices/2:0:3:0/model"
printf '0\n' > "$sys/devices/2:0:4:0/type"		# a disk: never probed
printf '3\n' > "$sys/devices/2:0:5:0/type"		# a processor nobody answers for
for n in 3 4 5; do
	mkdir -p "$sys/class/sg$n"
	ln -s "../../devices/2:0:$n:0" "$sys/class/sg$n/device"
	mknod "$TMP/dev/sg$n" c 21 $((230 + n))
done
lease minor minor
mknod "$TMP/dev/sg6" c 21 "$minor"	# in sysfs only later
export SGSIM_DEVICES="$TMP/dev/sg3=scsi2-flatbed,$TMP/dev/sg6=coolscan-ls30"
export SGSIM_LOCKDIR=$TMP
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

tgt_start "$TGT" "$PORTAL" "$TMP/sg-disc" "scsi2-flatbed?trace=$TMP/trace" "$IQN"
check "tgtd exports a scanner to discover" test $? -eq 0

cat > "$TMP/scsaned.conf" <<CONF
discover sg sysfs=$sys/class dev=$TMP/dev
discover iscsi://$PORTAL
rediscover 1
CONF
LD_PRELOAD=$BUILD/libsgsim.so "$BUILD/scsaned" -c "$TMP/scsaned.conf" -L > "$TMP/L" 2> "$TMP/Lerr"
check "discover sg finds the scanner node, named from its identity" \
    grep -qP "^scsaned-scsi2-flatbed\tSCSANED\tSCSI2 FLATBED\tflatbed scanner\tsg:$TMP/dev/sg3\$" "$TMP/L"
check "discover iscsi finds the LUN behind the portal, named from the target" \
    grep -qP "^film-bench\tSCSANED\tSCSI2 FLATBED\tflatbed scanner\tiscsi://$PORTAL/$IQN/1\$" "$TMP/L"
check "disks and unanswered nodes are not served" test "$(wc -l < "$TMP/L")" -eq 2
LD_PRELOAD=$BUILD/libsgsim.so "$BUILD/scsaned" -c "$TMP/scsaned.conf" -L > "$TMP/L2" 2>/dev/null
check "the names are the same on the next start" cmp -s "$TMP/L" "$TMP/L2"

# A device the config names keeps its name and is not listed twice.
cat > "$TMP/named.conf" <<CONF
device bench iscsi://$PORTAL/$IQN/1
discover iscsi://$PORTAL
CONF
"$BUILD/scsaned" -c "$TMP/named.conf" -L > "$TMP/L3" 2>/dev/null
check "a configured device keeps its name" grep -q "^bench	" "$TMP/L3"
check "... and is not served twice" test "$(wc -l < "$TMP/L3")" -eq 1

LD_PRELOAD=$BUILD/libsgsim.so "$BUILD/scsaned" -l -b "$ADDR" -c "$TMP/scsaned.conf" -d 3 \
    2> "$SERVER_LOG" &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
check "server listens" wait_for 30 grep -qs "listening on $ADDR" "$SERVER_LOG"
scan -L > "$TMP/list" 2>&1
check "scanimage lists the discovered devices" \
    eval 'grep -q "net:$ADDR:film-bench'"'"'" "$TMP/list" && grep -q "net:$ADDR:scsaned-scsi2-flatbed'"'"'" "$TMP/list"'
scan -d "net:$ADDR:film-bench" --mode Color --resolution 75 -x 25 -y 25 --format=pnm \
    > "$TMP/got.pnm" 2> "$TMP/err"
check_exact "a discovered iSCSI scanner scans exactly" "$TMP/trace" "$TMP/got.pnm"
scan -d "net:$ADDR:scsaned-scsi2-flatbed" --resolution 75 -x 25 -y 25 --format=pnm \
    > "$TMP/sg.pnm" 2> "$TMP/sgerr"
check "a discovered sg scanner scans" test -s "$TMP/sg.pnm"

mkdir -p "$sys/devices/2:0:6:0" "$sys/class/sg6"
printf '6\n' > "$sys/devices/2:0:6:0/type"
printf 'Nikon   \n' > "$sys/devices/2:0:6:0/vendor"
printf 'COOLSCANIII     \n' > "$sys/devices/2:0:6:0/model"
ln -s "../../devices/2:0:6:0" "$sys/class/sg6/device"
check "a scanner cabled meanwhile is served by the next pass, without a restart" \
    wait_for 10 grep -q "device nikon-coolscaniii: Nikon LS-30 .* at sg:$TMP/dev/sg6, driver coolscan (discovered)" "$SERVER_LOG"
check "... a pass rediscover runs" grep -q "discovery: a pass, as every rediscover" "$SERVER_LOG"
scan -L > "$TMP/list2" 2>&1
check "... and listed" grep -q "net:$ADDR:nikon-coolscaniii'" "$TMP/list2"
stop_server
tgt_stop
finish
