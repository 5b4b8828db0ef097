#!/bin/bash
# Debian's coolscan3, unmodified, hosted by scsaned-backend: stock
# scanimage -> scsaned -> scsaned-backend (coolscan3) -> our scsi/ layer ->
# the LS-2000 model, once in process (sim:) and once through a real tgtd
# passthrough LUN over iSCSI.  coolscan3 finds it through its shipped
# `auto` line (scsi Nikon *).  Every scan must be byte-identical to
# coolscan3 scanning the same model on a local sg node (libsgsim.so), and
# the model must have rejected no command.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
. "$(dirname "$0")/bridge-harness.sh"
tgt_addresses
IQN=iqn.2026-12.org.scsaned.test:bridge-ls2000

bridge_need coolscan3
MODEL=coolscan-ls2000
bridge_setup coolscan3 auto
bridge_local_node node "$MODEL" scsi:
bridge_tgt "$MODEL"
check "tgtd exports the LS-2000 model as a passthrough LUN" test $? -eq 0
bridge_serve "device sim $(with_trace "sim:$MODEL" "$TMP/trace.sim") backend=coolscan3" \
    "device remote iscsi://$PORTAL/$IQN/1 backend=coolscan3"
bridge_listed "Nikon LS-2000 film scanner" sim remote

# resolution:x:y | depth, positive and negative film with AE.
for scan in 300:900:630 1350:902:630; do
	IFS=: read -r res x y <<< "$scan"
	for opts in "--depth 8" "--depth 12" "--depth 8 --negative=yes --ae-wb=yes"; do
		# shellcheck disable=SC2086 # options are words
		bridge_compare "$res dpi ${opts//--/}" "coolscan3:scsi:$node" "sim remote" "" \
		    --resolution "$res" $opts -l 90 -t 180 -x "$x" -y "$y"
	done
done
exp=$(grep '^scan ' "$TMP/trace.sim" | tail -1 | sed 's/.*exposure=//')
check "the last bridged scan is also the model's own rendering" \
    rendered "$MODEL" "$TMP/sim.pnm" $(grep '^window id=1 ' "$TMP/trace.sim" | tail -1 |
    sed 's/^window //') exposure=$exp
check "every helper was reaped: scsaned has no child left" bridge_no_children
stop_server
tgt_stop
finish
