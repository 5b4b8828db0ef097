#!/bin/bash
# make run's last step prints a scanimage command; that command, run as
# printed, produces an image.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

SCSANED_ADDR=$ADDR BUILD=$BUILD TMPDIR=$TMP scripts/run-demo > "$TMP/out" 2> "$TMP/log" &
PIDS+=("$!")
check "the demo prints a scanimage command" \
    wait_for 20 grep -q '^SANE_CONFIG_DIR=.* scanimage -d net:' "$TMP/out"
check "the demo server listens" wait_for 20 grep -q "listening on $ADDR" "$TMP/log"
cmd=$(grep '^SANE_CONFIG_DIR=.* scanimage -d net:' "$TMP/out" | head -n 1)
(cd "$TMP" && timeout 120 bash -c "$cmd") > "$TMP/cmd.log" 2>&1
check "the printed command succeeds" test $? -eq 0
check "it wrote a PNG image" eval 'head -c 8 "$TMP/scan.png" | od -An -tx1 | grep -q "89 50 4e 47"'
check "the PNG is a real scan, not a stub" eval '[ "$(stat -c %s "$TMP/scan.png")" -gt 10000 ]'

# The bridged demo device: the printed epson2 command, as printed, gives
# a 100 x 80 mm colour scan at 150 dpi: 472 lines of 584 pixels (epson2
# rounds a line down to a multiple of 8 pixels), 8-bit RGB.
ecmd=$(grep '^SANE_CONFIG_DIR=.* scanimage -d net:.*:epson ' "$TMP/out" | head -n 1)
check "the demo prints the bridged Epson's command" test -n "$ecmd"
(cd "$TMP" && timeout 120 bash -c "$ecmd") > "$TMP/ecmd.log" 2>&1
check "the Epson command succeeds" test $? -eq 0
check "the Epson is served by epson2 in a helper" \
    grep -q "device epson: Epson Perfection1640 (flatbed scanner) at sim:epson-perfection1640, driver hosted of backend epson2" "$TMP/log"
ihdr=$(od -An -tx1 -j 16 -N 10 "$TMP/epson.png" 2>/dev/null | tr -d ' \n')
check "the Epson PNG is 584 x 472, 8-bit RGB" test "$ihdr" = "00000248000001d80802"
finish
