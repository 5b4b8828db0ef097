#!/bin/bash
# A Nikon LS-2000 on a remote host's SCSI card, exported by a real tgtd as
# a passthrough LUN and scanned through scsaned over iSCSI, gives the same
# bytes as the same scanner on a local sg node.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
tgt_addresses
IQN=iqn.2026-11.org.scsaned.test:ls2000

tgt_and_sg_server "$TGT" "$PORTAL" "$IQN" "coolscan-ls2000?holder=strip"
check "tgtd exports the simulated LS-2000, scsaned serves it remote and local" test $? -eq 0
scan -L > "$TMP/list" 2>&1
check "the remote scanner is a Nikon LS-2000 over iSCSI" \
    grep -q "device \`net:$ADDR:remote' is a Nikon LS-2000 film scanner" "$TMP/list"
for opts in "--depth 8 --resolution 900" "--depth 16 --resolution 1350 --frame 2" \
    "--depth 16 --resolution 300 --film-type Negative"; do
	scan_remote_and_local "$opts" -l 1 -t 2 -x 10 -y 8
done
stop_server
tgt_stop
finish
