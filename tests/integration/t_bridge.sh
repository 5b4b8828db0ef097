#!/bin/bash
# The libsane bridge: with `backends yes` scsaned serves the system's SANE
# backends too.  scanimage through the net backend and scsaned scans
# Debian's `test` backend and gets exactly the bytes a local
# `scanimage -d test:0` gets with the same options.
. "$(dirname "$0")/lib.sh"
lease ADDR addr

if ! ls /usr/lib/*/sane/libsane-test.so.1 > /dev/null 2>&1; then
	skip "Debian's test backend is not installed"
	finish
fi
# The daemon's own libsane sees only the test backend.
mkdir -p "$TMP/backends"
echo test > "$TMP/backends/dll.conf"
cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed
backends yes
backends_ignore test:1
hosts_file none
users_file none
CONF
SANE_CONFIG_DIR=$TMP/backends start_server "$TMP/scsaned.conf"
check "the bridge loaded libsane" grep -q "backends: libsane .* loaded" "$SERVER_LOG"

scan -L > "$TMP/list" 2>&1
check "the test backend's device is listed under its SANE name" \
    grep -q "device \`net:$ADDR:test:0' is a Noname frontend-tester virtual device" "$TMP/list"
check "our own device is listed beside it" grep -q "net:$ADDR:fb'" "$TMP/list"
check "an ignored device is not" eval '! grep -q "net:$ADDR:test:1" "$TMP/list"'

n=0
while IFS='|' read -r mode depth picture extra; do
	n=$((n + 1))
	opts=(--mode "$mode" --depth "$depth" --test-picture "$picture" --resolution 75 -x 40 -y 30 --format=pnm $extra)
	SANE_CONFIG_DIR=$TMP/backends timeout 60 scanimage -d test:0 "${opts[@]}" \
	    > "$TMP/local.$n.pnm" 2> "$TMP/local.$n.err"
	scan -d "net:$ADDR:test:0" "${opts[@]}" > "$TMP/net.$n.pnm" 2> "$TMP/net.$n.err"
	check "$mode $depth-bit '$picture': the scan through scsaned succeeds" test $? -eq 0
	check "$mode $depth-bit '$picture': byte-identical to a local scan" \
	    eval 'test -s "$TMP/local.'$n'.pnm" && cmp -s "$TMP/local.'$n'.pnm" "$TMP/net.'$n'.pnm"'
done <<'CASES'
Color|8|Color pattern
Color|16|Grid
Gray|8|Grid
Gray|16|Color pattern
Gray|1|Color pattern
Color|8|Grid|--non-blocking=yes --select-fd=yes
CASES
check "a backend's select fd and non-blocking mode are used when offered" \
    grep -q "test:0 for .*: non-blocking reads, waiting on the driver's fd" "$SERVER_LOG"
stop_server
finish
