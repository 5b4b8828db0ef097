#!/bin/bash
# Debian's epson2, unmodified, hosted by scsaned-backend: stock scanimage
# -> scsaned -> scsaned-backend (epson2) -> our scsi/ layer -> the
# Perfection 1640SU model, in process (sim:) and through a real tgtd
# passthrough LUN over iSCSI.  epson2 finds the LUN through a `scsi EPSON`
# line matched against its INQUIRY (a Processor).  Every mode, over the
# FS (extended) commands and over the ESC G block mode of a firmware
# without them, is byte-identical to epson2 scanning the same model on a
# local sg node; nothing is rejected but epson2's three probes the device
# refuses (ESC D 12 and 14 bits, ESC q).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
. "$(dirname "$0")/bridge-harness.sh"
tgt_addresses
IQN=iqn.2026-12.org.scsaned.test:bridge-epson

bridge_need epson2
PROBES="nak=1b44:0c nak=1b44:0e nak=1b71"
MODEL=epson-perfection1640
bridge_setup epson2 "scsi EPSON"
bridge_local_node fs "$MODEL"
bridge_local_node std "$MODEL?ext=0"
bridge_tgt "$MODEL" "$MODEL?ext=0"
check "tgtd exports the model twice (with and without FS commands)" test $? -eq 0
bridge_serve "device sim $(with_trace "sim:$MODEL" "$TMP/trace.sim") backend=epson2" \
    "device sim2 $(with_trace "sim:$MODEL?ext=0" "$TMP/trace.sim2") backend=epson2" \
    "device remote iscsi://$PORTAL/$IQN/1 backend=epson2" \
    "device remote2 iscsi://$PORTAL/$IQN/2 backend=epson2"
bridge_listed "Epson Perfection1640 flatbed scanner" sim sim2 remote remote2

# mode | epson2's options
while IFS='|' read -r mode opts; do
	for scan in "150|-l 10 -t 20 -x 50 -y 40" "400|-l 120 -t 140 -x 30 -y 65"; do
		IFS='|' read -r res area <<< "$scan"
		# shellcheck disable=SC2086 # options are words
		bridge_compare "FS G, $mode $res dpi" "epson2:$fs" "sim remote" "$PROBES" \
		    $opts --resolution "$res" $area
	done
	check "FS G, $mode: the bridged scans went over FS G" \
	    eval 'grep -q "^scan .* mode=fs" "$TMP/trace.sim" && grep -q "^scan .* mode=fs" "$TMP/trace.remote"'
done <<'MODES'
lineart|--mode Lineart --halftoning None
gray 8|--mode Gray --depth 8
gray 16|--mode Gray --depth 16
colour 8|--mode Color --depth 8
colour 16|--mode Color --depth 16
MODES

while IFS='|' read -r mode opts; do
	# shellcheck disable=SC2086
	bridge_compare "ESC G, $mode" "epson2:$std" "sim2 remote2" "$PROBES" \
	    $opts --resolution 300 -l 5 -t 100 -x 60 -y 50
	check "ESC G, $mode: the bridged scans went over ESC G" \
	    eval 'grep -q "^scan .* mode=esc" "$TMP/trace.sim2" && grep -q "^scan .* mode=esc" "$TMP/trace.remote2"'
done <<'MODES'
lineart|--mode Lineart --halftoning None
gray 8|--mode Gray
colour 8|--mode Color
MODES
check "the last bridged scan is also the model's own rendering" \
    rendered "$MODEL" "$TMP/sim2.pnm" $(last_window "$TMP/trace.sim2")
check "every helper was reaped: scsaned has no child left" bridge_no_children
stop_server
tgt_stop
finish
