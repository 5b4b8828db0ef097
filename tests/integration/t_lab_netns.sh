#!/bin/bash
# run-tests: alone
# A scanning lab at small scale: three scanner hosts, each in a network
# namespace of its own with an address of its own and a real tgtd
# exporting three simulated scanners of mixed models.  scsaned finds them
# from one discover line per host, all at once.  The third host is down
# when scsaned starts (nothing answers at its address): it costs the
# start-up at most one connect timeout and the other hosts nothing; when
# it comes up it is served without a restart.  Then all nine scanners
# scan at the same time, each image exactly its model's.  The second host
# wants CHAP, given on its discover line.  A device line naming a scanner
# of the third host is served under its own name once that host is up,
# and discovery does not serve that scanner a second time.  The pass that
# finds the third host is the one a client's list starts (rediscover is
# longer than the test).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lab-harness.sh"
CONNECT_TIMEOUT=10	# src/scsi/iscsi_int.h, ISCSI_LOGIN_TIMEOUT_MS
test_cleanup() {
	lab_cleanup
}

if ! lab_net 2> /dev/null; then
	skip "cannot create a bridge and network namespaces here"
	finish
fi
lease ADDR addr
H1=(flatbed=scsi2-flatbed "ls2000=coolscan-ls2000?holder=strip" fs2710=canon-fs2710)
H2=("fs4000=canon-fs4000us?holder=strip&lamp=300&timescale=200" flatbed=scsi2-flatbed
    ls30=coolscan-ls30)
H3=(fs2710=canon-fs2710 ls30=coolscan-ls30 flatbed=scsi2-flatbed)
SECRET=Secret-Of-Host2
lab_host 1 "${H1[@]}" && lab_host 2 "${H2[@]}" && lab_chap 2 lab2 "$SECRET"
check "two hosts in namespaces of their own export three scanners each" test $? -eq 0

cat > "$TMP/scsaned.conf" <<CONF
device late-ls30 iscsi://$(lab_addr 3)/iqn.2026-12.lab.h3:h3-ls30/1
discover iscsi://$(lab_addr 1)
discover iscsi://$(lab_addr 3)
discover iscsi://lab2%$SECRET@$(lab_addr 2)
rediscover 600
hosts_file none
users_file none
lock_dir $TMP/locks
CONF
start_server "$TMP/scsaned.conf"

# at PATTERN: the time of the server's first log line matching PATTERN, in s.
at() {
	grep -m1 -E "$1" "$SERVER_LOG" | awk '{ split($1, t, ":"); printf "%.3f\n", t[1] * 3600 + t[2] * 60 + t[3] }'
}
t0=$(at 'discovery: 1 device line and 3 discover lines at once')
t1=$(at "discover iscsi://$(lab_addr 1): 3 found, 3 new")
t2=$(at "discover iscsi://lab2%\\*\\*\\*\\*@$(lab_addr 2): 3 found, 3 new")
t3=$(at "discover iscsi://$(lab_addr 3): ")
tl=$(at "listening on $ADDR")
# true EXPR: an awk condition on numbers.
true_() {
	awk "BEGIN { exit !($1) }"
}
# since T: seconds from the start of discovery to T.
since() {
	awk -v a="$1" -v b="$t0" 'BEGIN { printf "%.2f", a - b }'
}
echo "start-up: host 1 done at +$(since "$t1") s, host 2 at +$(since "$t2") s," \
    "the dead host given up at +$(since "$t3") s, listening at +$(since "$tl") s"
check "both live hosts are discovered" test -n "$t1" -a -n "$t2"
check "... before the dead host is given up on (they do not wait for it)" \
    eval '[ -n "$t3" ] && true_ "$t1 < $t3 && $t2 < $t3"'
check "the dead host delays the start-up by at most one connect timeout" \
    eval '[ -n "$tl" ] && true_ "$tl - $t0 <= $CONNECT_TIMEOUT + 1"'

listed() {	# listed NAME...: scanimage -L shows every NAME
	local n
	scan -L > "$TMP/list" 2>&1
	for n in "$@"; do grep -q "net:$ADDR:$n'" "$TMP/list" || return 1; done
}
check "the CHAP secret is in no log line" eval '! grep -q "$SECRET" "$SERVER_LOG"'
printf 'discover iscsi://lab2%%Not-The-Secret@%s\nhosts_file none\n' "$(lab_addr 2)" > "$TMP/wrong.conf"
"$BUILD/scsaned" -c "$TMP/wrong.conf" -L > "$TMP/wrong.L" 2> "$TMP/wrong.err"
check "a wrong CHAP secret: nothing served from that host, and the log says why" \
    eval '[ ! -s "$TMP/wrong.L" ] &&
	grep -q "target iqn.2026-12.lab.h2:h2-.* refused the login (CHAP user or secret?), and 2 more" "$TMP/wrong.err"'
check "scanimage lists the six scanners of the live hosts, named by target" \
    listed h1-flatbed h1-ls2000 h1-fs2710 h2-fs4000 h2-flatbed h2-ls30
check "... and nothing else" test "$(grep -c "net:$ADDR:" "$TMP/list")" -eq 6

lab_host 3 "${H3[@]}"
check "the third host comes up" test $? -eq 0
# A list starts a pass once the last began 10 s ago: the start-up's did.
check "... and is listed without a restart" wait_for 20 listed h3-fs2710 late-ls30 h3-flatbed
check "... found by the pass a client's list started" \
    eval 'grep -q "discovery: a pass, for a client.s list" "$SERVER_LOG" &&
	grep -q "discover iscsi://$(lab_addr 3): 3 found, 2 new" "$SERVER_LOG"'
check "the device line's scanner is served once, under its own name" \
    eval '! grep -q "net:$ADDR:h3-ls30'"'"'" "$TMP/list" &&
	grep -q "device late-ls30: Nikon LS-30 .* at iscsi://$(lab_addr 3)" "$SERVER_LOG"'
check "nine devices in all" test "$(grep -c "net:$ADDR:" "$TMP/list")" -eq 9
check "the same daemon serves it" kill -0 "$SERVER_PID"

names=(h1-flatbed h1-ls2000 h1-fs2710 h2-fs4000 h2-flatbed h2-ls30 h3-fs2710 late-ls30 h3-flatbed)
LAB_SPEC[late-ls30]=${LAB_SPEC[h3-ls30]}
ln -sf "$TMP/trace.h3-ls30" "$TMP/trace.late-ls30"
declare -A bg
for n in "${names[@]}"; do
	scan_bg "$TMP/$n.pnm" -d "net:$ADDR:$n" $(lab_scan_args "$n") --format=pnm
	bg[$n]=$BG
done
ok=1
for n in "${names[@]}"; do
	wait "${bg[$n]}" || { ok=0; echo "$n: $(cat "$TMP/$n.pnm.err")"; }
done
check "nine scans on three hosts at the same time all succeed" test "$ok" = 1
for n in "${names[@]}"; do
	check "$n (${LAB_SPEC[$n]%%\?*}): the image is exactly the model's" lab_exact "$n" "$TMP/$n.pnm"
	check "$n: no command rejected" "$BUILD/scsaned-sim" trace-check "$TMP/trace.$n"
done
stop_server
finish
