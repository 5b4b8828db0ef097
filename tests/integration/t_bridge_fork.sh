#!/bin/bash
# A backend that forks its reader, as Debian's sharp does: the child goes
# on sending commands on the sanei fd it inherited (INQUIRY, queued two at
# a time) while the parent sends its own.  The helper gives every child
# a socket to its parent, which runs the child's commands on the one LUN,
# so it works over sim:, a real tgtd passthrough LUN and a local sg node
# alike; the image is four copies of the model's INQUIRY answer, and the
# model saw every command, nothing rejected.  (Debian's sharp itself
# needs a Sharp scanner, which no model here is.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
. "$(dirname "$0")/bridge-harness.sh"
tgt_addresses
IQN=iqn.2026-12.org.scsaned.test:bridge-fork
export SCSANED_BACKEND_DIR=$BUILD/tests/backends
export SGSIM_LOCKDIR=$TMP

if [ ! -e "$SCSANED_BACKEND_DIR/libsane-forker.so.1" ]; then
	fail "test backends not built (make tests)"
	finish
fi
MODEL=scsi2-flatbed
bridge_tgt "$MODEL"
check "tgtd exports the flatbed model as a passthrough LUN" test $? -eq 0
lease m minor
mknod "$TMP/sg-local" c 21 "$m"
export SGSIM_DEVICES="$TMP/sg-local=$(with_trace "$MODEL" "$TMP/trace.local")"
LD_PRELOAD=$BUILD/libsgsim.so bridge_serve \
    "device sim $(with_trace "sim:$MODEL" "$TMP/trace.sim") backend=forker" \
    "device remote iscsi://$PORTAL/$IQN/1 backend=forker" \
    "device local sg:$TMP/sg-local backend=forker" "scan_stall_timeout 8"

# The model's INQUIRY (36 bytes, the rest of the 96 zero), four times.
hex=$("$BUILD/scsaned-sim" cdb "$MODEL" 120000006000:in=96 | sed -n 's/^data //p')
line=$(printf '\\x%s' $hex)$(printf '\\x00%.0s' $(seq $((96 - $(wc -w <<< "$hex")))))
printf "$line$line$line$line" > "$TMP/want"
for dev in sim remote local; do
	: > "$TMP/trace.$dev"
	scan -d "net:$ADDR:$dev" --format=pnm > "$TMP/$dev.pnm" 2> "$TMP/err"
	rc=$?
	check "$dev: the forked reader's scan succeeds" test $rc -eq 0
	check "$dev: its image is the model's INQUIRY four times" \
	    cmp <(pnm_data "$TMP/$dev.pnm") "$TMP/want"
	check "$dev: the model answered the child's four INQUIRYs and the parent's TUR" eval '
	    [ "$(grep -c "^cdb 12 " "$TMP/trace.$dev")" -ge 4 ] &&
	    "$BUILD/scsaned-sim" trace-check "$TMP/trace.$dev"'
done
scan -d "net:$ADDR:sim" --format=pnm > "$TMP/again.pnm" 2> "$TMP/err"
check "a second scan forks a second reader and is the same" cmp -s "$TMP/sim.pnm" "$TMP/again.pnm"
check "every helper and its children were reaped" bridge_no_children
stop_server
tgt_stop
finish
