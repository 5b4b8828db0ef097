#!/bin/bash
# scripts/scsaned-export-tgt on a scanner host: it lists the local sg
# scanners, writes a tgt config that tgt-admin loads into a real tgtd
# (passthrough, initiator-address, CHAP), or creates the target live; the
# iscsi:// line it prints reaches the scanner.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
X=scripts/scsaned-export-tgt
lease PADDR addr
PORTAL=$PADDR:3261
lease TGT tgt

sys=$TMP/sys
mkdir -p "$sys/devices/1:0:6:0" "$sys/devices/1:0:2:0" "$sys/class/sg2" "$sys/class/sg9" "$TMP/dev"
printf '6\n' > "$sys/devices/1:0:6:0/type"
printf 'SCSANED \n' > "$sys/devices/1:0:6:0/vendor"
printf 'SCSI2 FLATBED   \n' > "$sys/devices/1:0:6:0/model"
printf '0\n' > "$sys/devices/1:0:2:0/type"
ln -s ../../devices/1:0:6:0 "$sys/class/sg2/device"
ln -s ../../devices/1:0:2:0 "$sys/class/sg9/device"
node=$TMP/dev/sg2
opts=(--sysfs "$sys/class" --dev "$TMP/dev")

"$X" list "${opts[@]}" > "$TMP/list"
check "list shows the scanner with its INQUIRY strings and H:C:T:L" \
    grep -qP "^$node\t1:0:6:0\tSCSANED SCSI2 FLATBED\tscanner\$" "$TMP/list"
check "list leaves out the disk" test "$(wc -l < "$TMP/list")" -eq 1

tgt_daemon "$TGT" "$PORTAL" "$node" "scsi2-flatbed"
check "a tgtd without targets runs" test $? -eq 0

"$X" config "$node" "${opts[@]}" --out "$TMP/conf.d" > /dev/null 2> "$TMP/noallow"
check "config refuses to write without --allow" test $? -ne 0
check "... and says why" grep -q "admits every initiator" "$TMP/noallow"
"$X" config "$node" "${opts[@]}" --out "$TMP/conf.d" --allow 127.0.0.1 \
    --chap scan:abcdefgh1234 --host "$PORTAL" --iqn iqn.2026-11.test.host:flatbed \
    > "$TMP/config.out"
check "config writes a file" test -s "$TMP/conf.d/scsaned-scsaned-scsi2-flatbed.conf"
f=$TMP/conf.d/scsaned-scsaned-scsi2-flatbed.conf
check "... a passthrough LUN" eval 'grep -q "bs-type sg" "$f" && grep -q "device-type pt" "$f"'
check "... bound to the initiator address" grep -q "initiator-address 127.0.0.1" "$f"
check "... with CHAP, readable by root only" \
    eval 'grep -q "incominguser scan abcdefgh1234" "$f" && [ "$(stat -c %a "$f")" = 600 ]'
"$X" config "$node" "${opts[@]}" --out "$TMP/conf.d" --allow 127.0.0.1 > /dev/null 2>&1
check "config never overwrites without --force" test $? -ne 0
"$X" config "$node" "${opts[@]}" --out "$TMP/conf.d" --allow 127.0.0.1 --chap 'a:short' \
    > /dev/null 2>&1
check "a short CHAP secret is refused" test $? -ne 0

tgt-admin -C "$TGT" -e -c "$f" > "$TMP/tgt-admin.log" 2>&1
check "tgt-admin loads the written file into tgtd" test $? -eq 0
uri=$(sed -n 's/^device [^ ]* //p' "$TMP/config.out")
check "config prints an iscsi:// line for scsaned.conf" \
    test "$uri" = "iscsi://scan%abcdefgh1234@$PORTAL/iqn.2026-11.test.host:flatbed/1"
iscsi-inq "$uri" > "$TMP/inq" 2>&1
check "the printed URI reaches the scanner" grep -q "Product:SCSI2 FLATBED" "$TMP/inq"

"$X" apply "$node" "${opts[@]}" --control-port "$TGT" --allow 127.0.0.1 --host "$PORTAL" \
    --iqn iqn.2026-11.test.host:live > "$TMP/apply.out" 2>&1
check "apply creates a second target live" grep -q "^target 2 " "$TMP/apply.out"
uri=$(sed -n 's/^device [^ ]* //p' "$TMP/apply.out")
iscsi-inq "$uri" > "$TMP/inq2" 2>&1
check "its iscsi:// line reaches the scanner too" grep -q "Product:SCSI2 FLATBED" "$TMP/inq2"
tgt_stop
finish
