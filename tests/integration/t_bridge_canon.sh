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
. "$(dirname "$0")/bridge-harness.sh"
tgt_addresses
IQN=iqn.2026-12.org.scsaned.test:bridge-fs2710

bridge_need canon
MODEL=canon-fs2710
bridge_setup canon "scsi CANON IX"
bridge_local_node node "$MODEL"
bridge_tgt "$MODEL"
check "tgtd exports the FS2710 model as a passthrough LUN" test $? -eq 0
bridge_serve "device sim $(with_trace "sim:$MODEL" "$TMP/trace.sim") backend=canon" \
    "device remote iscsi://$PORTAL/$IQN/1 backend=canon"
bridge_listed "CANON FS2710S film scanner" sim remote

# canon ejects the holder after every scan; the model behind tgt lives on,
# so its next TEST UNIT READY honestly answers "medium not present" once
# (2/3A/00) before the holder is back, and canon waits it out.  That is
# the device's state, not a rejection.
while IFS='|' read -r what opts; do
	# shellcheck disable=SC2086 # options are words
	bridge_compare "$what" "canon:$node" "sim remote" 2/3a/00 $opts
done <<'MODES'
Raw 170 dpi|--mode Raw --resolution 170
Raw 680 dpi window|--mode Raw --resolution 680 -l 2 -t 3 -x 10 -y 12
Color 340 dpi mirrored|--mode Color --resolution 340 --mirror=yes -l 2 -t 3 -x 14 -y 20
Color 1360 dpi window|--mode Color --resolution 1360 -l 4 -t 5 -x 6 -y 4
MODES
check "every helper was reaped: scsaned has no child left" bridge_no_children
stop_server
tgt_stop
finish
