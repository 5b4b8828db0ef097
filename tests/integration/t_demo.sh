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
finish
