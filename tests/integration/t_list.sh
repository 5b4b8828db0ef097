#!/bin/bash
# scanimage -L lists every configured device as net:ADDR:NAME; scsaned -L
# prints name, vendor, model, type and URI; a device that cannot be
# reached is reported once and left out without stopping the others.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

cat > "$TMP/scsaned.conf" <<CONF
# two simulated flatbeds and one that does not exist
device first  sim:scsi2-flatbed
device second sim:scsi2-flatbed?warmup=2
device ghost  sim:no-such-model
device stray  tape:/dev/st0
CONF

"$BUILD/scsaned" -c "$TMP/scsaned.conf" -L > "$TMP/L" 2> "$TMP/Lerr"
check "-L lists first with vendor, model, type and URI" \
    grep -qxP 'first\tSCSANED\tSCSI2 FLATBED\tflatbed scanner\tsim:scsi2-flatbed' "$TMP/L"
check "-L lists second" grep -q '^second	' "$TMP/L"
check "-L leaves out the unreachable device" test "$(wc -l < "$TMP/L")" -eq 2
check "a missing model gets one clear message" \
    grep -q "device ghost (sim:no-such-model): unknown simulator model 'no-such-model'" "$TMP/Lerr"
check "an unknown URI scheme gets one clear message" \
    grep -q "device stray (tape:/dev/st0): unknown URI scheme" "$TMP/Lerr"

start_server "$TMP/scsaned.conf"
scan -L > "$TMP/list" 2>&1
check "scanimage -L shows net:$ADDR:first" \
    grep -q "device \`net:$ADDR:first' is a SCSANED SCSI2 FLATBED flatbed scanner" "$TMP/list"
check "scanimage -L shows net:$ADDR:second" grep -q "net:$ADDR:second'" "$TMP/list"
check "scanimage -L shows nothing else" test "$(grep -c '^device' "$TMP/list")" -eq 2
stop_server

printf 'device ok sim:scsi2-flatbed\nbogus line here\n' > "$TMP/bad.conf"
"$BUILD/scsaned" -c "$TMP/bad.conf" -L > /dev/null 2> "$TMP/err"
rc=$?
check "a bad config line is an error" test "$rc" -ne 0
check "the error names file and line" grep -q "bad.conf:2: unknown keyword 'bogus'" "$TMP/err"
finish
