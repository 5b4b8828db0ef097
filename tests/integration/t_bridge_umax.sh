#!/bin/bash
# Debian's umax, unmodified, hosted by scsaned-backend: stock scanimage ->
# scsaned -> scsaned-backend (umax) -> our scsi/ layer -> the Astra 1220S
# model, in process (sim:) and through a real tgtd passthrough LUN over
# iSCSI.  umax finds the LUN through its shipped `scsi UMAX * Scanner`
# line matched against the LUN's INQUIRY, reads the long vendor INQUIRY,
# calibrates by driver, downloads its gamma and queues its image READs
# from a reader thread.  Every mode is byte-identical to umax scanning
# the same model on a local sg node; the only CHECK CONDITION is the
# device's own request for calibration by driver (9/80/02).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
. "$(dirname "$0")/bridge-harness.sh"
tgt_addresses
IQN=iqn.2026-12.org.scsaned.test:bridge-umax

bridge_need umax
MODEL=umax-astra1220s
bridge_setup umax "scsi UMAX * Scanner"
bridge_local_node node "$MODEL"
bridge_tgt "$MODEL"
check "tgtd exports the Astra 1220S model as a passthrough LUN" test $? -eq 0
bridge_serve "device sim $(with_trace "sim:$MODEL" "$TMP/trace.sim") backend=umax" \
    "device remote iscsi://$PORTAL/$IQN/1 backend=umax"
bridge_listed "UMAX +Astra 1220S +flatbed scanner" sim remote

for md in Lineart:1 Halftone:1 Gray:8 Gray:12 Color:8 Color:12; do
	IFS=: read -r mode depth <<< "$md"
	for scan in "150 10 20 50 40" "275 3.3 130 77.7 25.1"; do
		read -r res l t x y <<< "$scan"
		args=(--mode "$mode" --resolution "$res" -l "$l" -t "$t" -x "$x" -y "$y")
		[ "$depth" != 1 ] && args+=(--depth "$depth")
		bridge_compare "$mode $depth-bit $res dpi" "umax:$node" "sim remote" 9/80/02 "${args[@]}"
	done
done
check "calibration by driver over iSCSI: shading read and sent back" eval '
    grep -q "^calibrate bpl=" "$TMP/trace.remote" && grep -q "^shading bytes=" "$TMP/trace.remote"'
bridge_compare "Color 12-bit, built-in gamma" "umax:$node" "sim remote" 9/80/02 \
    --mode Color --depth 12 --resolution 300 --custom-gamma=no -l 10 -t 20 -x 30 -y 20
bridge_compare "Gray 8-bit without quality calibration" "umax:$node" "sim remote" 9/80/02 \
    --mode Gray --resolution 200 --quality-cal=no -l 5 -t 60 -x 40 -y 30
bridge_compare "Gray 8-bit 300 x 1200 dpi" "umax:$node" "sim remote" 9/80/02 \
    --mode Gray --resolution 300 --resolution-bind=no --y-resolution 1200 -l 5 -t 60 -x 20 -y 10
ramp=$(sed -n 's/^gamma .*ramp=//p' "$TMP/trace.sim" | tail -1)
check "the last bridged scan is also the model's own rendering" \
    rendered "$MODEL" "$TMP/sim.pnm" $(last_window "$TMP/trace.sim") ${ramp:+gamma=$ramp}
check "every helper was reaped: scsaned has no child left" bridge_no_children
stop_server
tgt_stop
finish
