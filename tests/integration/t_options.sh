#!/bin/bash
# scanimage --help shows the driver's options, and setting each option
# changes what the device receives (read from the simulator's trace).
. "$(dirname "$0")/lib.sh"
lease ADDR addr

cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed?trace=$TMP/trace
CONF
start_server "$TMP/scsaned.conf"

scan --help -d "net:$ADDR:fb" > "$TMP/help" 2>&1
for opt in "--mode Lineart|Gray|Color" "--depth 8|16" "--resolution 50..1200dpi" \
    "-l 0..215.9" "-t 0..296.9" "-x 0..215.9" "-y 0..296.9" "--preview" "--threshold 1..255"; do
	check "--help shows ${opt%% *}" grep -qF -- "$opt" "$TMP/help"
done

base="--mode Gray --depth 8 --resolution 100 -l 10 -t 10 -x 20 -y 10"
window_of() {	# the device window after a scan with the given options
	: > "$TMP/trace"
	scan -d "net:$ADDR:fb" "$@" --format=pnm > /dev/null 2>> "$TMP/scanerr" || return 1
	last_window "$TMP/trace"
}
ref=$(window_of $base)
check "reference scan worked" test -n "$ref"

# option-to-set  window-field  expected-value
while read -r opts field want; do
	got=$(window_of $base ${opts/:/ })
	check "$opts sets $field=$want at the device (got $(window_field "$got" "$field"))" \
	    test "$(window_field "$got" "$field")" = "$want"
	check "$opts differs from the reference" test "$got" != "$ref"
done <<'CASES'
--mode=Color comp 5
--mode=Lineart comp 0
--depth=16 bpp 16
--resolution=300 xres 300
--preview=yes xres 75
-l:20 x 945
-t:20 y 945
-x:30 w 1418
-y:30 l 1418
CASES
got=$(window_of --mode Lineart --threshold 200 --resolution 100 -x 10 -y 10)
check "--threshold 200 reaches the device" test "$(window_field "$got" threshold)" = 200
stop_server
finish
