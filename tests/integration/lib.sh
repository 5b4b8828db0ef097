# lib.sh - shared helpers for integration tests.  Source it, then take a
# loopback address of the test's own with `lease ADDR addr` (the net
# backend always dials port 6566, so every server needs an address to
# itself).
#
# Every process started through these helpers is stopped on exit, also on
# failure.  Every wait is bounded.
set -u
BUILD=${BUILD:-build/gcc}
NAME=$(basename "$0" .sh)
# Test servers never announce themselves on the host's networks.
export SCSANED_DNSSD=no
TMP=$(mktemp -d)
PIDS=()
FAILED=0

# The allocator.  Every loopback address, sg minor and tgt control port a
# test uses comes from here, so any two tests, or two runs of one in two
# builds, can run at the same time.  A lease is a file KIND.N holding the
# test's pid, taken under one flock; a lease whose test has gone (killed
# before its cleanup) is taken again.
LEASES=${SCSANED_TEST_LEASES:-${TMPDIR:-/tmp}/scsaned-test-leases}
LEASED=()
# lease VAR KIND: set VAR to a free one of KIND: addr (127.0.0.N), minor
# (an sg minor for mknod c 21 N), tgt (a tgtd control port, tgtd -C N),
# net (a number 2-250 for the names and subnet of a namespace lab).
lease() {
	local var=$1 kind=$2 lo=2 hi n f fd pid
	case $kind in
	addr) hi=254 ;; minor) hi=255 ;; tgt) hi=999 ;; net) hi=250 ;;
	*) echo "lease: unknown kind $kind" >&2; exit 1 ;;
	esac
	mkdir -p "$LEASES"
	exec {fd}> "$LEASES/.lock"
	flock "$fd"
	for ((n = lo; n <= hi; n++)); do
		f=$LEASES/$kind.$n
		pid=$(cat "$f" 2>/dev/null)
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && continue
		echo $$ > "$f"
		LEASED+=("$f")
		break
	done
	exec {fd}>&-
	if [ "$n" -gt "$hi" ]; then
		echo "lease: no $kind free" >&2
		exit 1
	fi
	[ "$kind" = addr ] && n=127.0.0.$n
	printf -v "$var" '%s' "$n"
}

# SIGTERM, then SIGKILL for whatever is still there after 5 s (tgtd
# ignores SIGTERM while it has targets).
cleanup() {
	local p i
	# A test's own teardown (network namespaces and the like) runs first.
	if declare -F test_cleanup > /dev/null; then test_cleanup; fi
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do
		for ((i = 0; i < 100; i++)); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$TMP"
	[ "${#LEASED[@]}" -eq 0 ] || rm -f "${LEASED[@]}"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass() { echo "PASS: $NAME: $*"; }
# A test that cannot run here says so; it is counted as skipped, not passed.
skip() { echo "SKIP: $NAME: $*"; }
fail() { echo "FAIL: $NAME: $*"; FAILED=1; }

# check DESCRIPTION COMMAND...: pass if the command succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# wait_for SECONDS COMMAND...: poll until the command succeeds.
wait_for() {
	local limit=$(( $1 * 20 )) i
	shift
	for ((i = 0; i < limit; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# A SANE_CONFIG_DIR whose net backend talks to $ADDR only.
sane_dir() {
	mkdir -p "$TMP/sane"
	echo net > "$TMP/sane/dll.conf"
	echo "$ADDR" > "$TMP/sane/net.conf"
	echo "$TMP/sane"
}

# The scanimage of Debian's sane-utils, pointed at our server.
scan() {
	SANE_CONFIG_DIR=$(sane_dir) timeout 120 scanimage "$@"
}

# web_conf FILE DEVICE-LINE...: a config with those devices and the HTTP
# front on $ADDR:8090 serving the page from this tree, announcing nothing.
web_conf() {
	local f=$1
	shift
	printf 'device %s\n' "$@" > "$f"
	printf 'http %s:8090\nweb_root %s/src/www\ndnssd no\n' "$ADDR" "$PWD" >> "$f"
}

# private_avahi: for a shell inside a network namespace (export -f it with
# wait_for), a private /run with a system D-Bus and an avahi-daemon of its
# own, their pids added to the caller's pids array; 1 with the reason in
# AVAHI_WHY if this machine cannot run them.
private_avahi() {
	mount -t tmpfs tmpfs /run 2> /dev/null || { AVAHI_WHY="no private /run"; return 1; }
	mkdir -p /run/dbus /run/avahi-daemon
	dbus-daemon --system --fork --print-pid=3 3> /run/dbus.pid ||
	    { AVAHI_WHY="no dbus-daemon"; return 1; }
	pids+=("$(cat /run/dbus.pid)")
	wait_for 5 test -S /run/dbus/system_bus_socket &&
	    avahi-daemon --no-drop-root --no-chroot --no-rlimits -D 2> /run/avahi.err &&
	    wait_for 5 avahi-daemon -c 2> /dev/null && return 0
	AVAHI_WHY="avahi-daemon cannot start: $(head -1 /run/avahi.err 2> /dev/null)"
	return 1
}

# air_conf NAME URL: Debian's sane-airscan, alone in $TMP/air, knowing one
# eSCL scanner NAME at URL (.../eSCL) by hand, discovery off; `air ARGS`
# is scanimage with it, its device "airscan:e0:NAME".
air_conf() {
	mkdir -p "$TMP/air"
	echo airscan > "$TMP/air/dll.conf"
	printf '[devices]\n"%s" = %s/, eSCL\n[options]\ndiscovery = disable\nws-discovery = off\n' \
	    "$1" "$2" > "$TMP/air/airscan.conf"
}
air() {
	SANE_CONFIG_DIR=$TMP/air timeout 120 scanimage "$@"
}

# escl_ticket MODE DPI FORMAT WIDTH HEIGHT: an eSCL ScanSettings, as
# sane-airscan sends it, for the region from the origin in 1/300 inch.
escl_ticket() {
	cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<scan:ScanSettings xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm">
<pwg:Version>2.0</pwg:Version><scan:Intent>Photo</scan:Intent>
<pwg:ScanRegions><pwg:ScanRegion><pwg:XOffset>0</pwg:XOffset><pwg:YOffset>0</pwg:YOffset>
<pwg:Width>$4</pwg:Width><pwg:Height>$5</pwg:Height>
<pwg:ContentRegionUnits>escl:ThreeHundredthsOfInches</pwg:ContentRegionUnits></pwg:ScanRegion></pwg:ScanRegions>
<pwg:InputSource>Platen</pwg:InputSource><scan:ColorMode>$1</scan:ColorMode>
<scan:XResolution>$2</scan:XResolution><scan:YResolution>$2</scan:YResolution>
<pwg:DocumentFormat>$3</pwg:DocumentFormat>
</scan:ScanSettings>
XML
}

# start_server CONF [extra flags]: run scsaned on $ADDR, wait until it listens.
SERVER_LOG=$TMP/server.log
start_server() {
	local conf=$1
	shift
	# Emptied here, not only by the redirection: that happens in the child,
	# maybe after the wait below has read the last server's "listening on"
	# (seen under ASan: a scan then found nothing listening).
	: > "$SERVER_LOG"
	"$BUILD/scsaned" -l -b "$ADDR" -c "$conf" -d 3 "$@" 2> "$SERVER_LOG" &
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
	if ! wait_for 20 grep -qs "listening on $ADDR" "$SERVER_LOG"; then
		fail "server did not start"
		cat "$SERVER_LOG"
		exit 1
	fi
}

# stop_server: SIGTERM, then require a clean exit and no sanitizer report.
stop_server() {
	local rc
	kill -TERM "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID"
	rc=$?
	if [ "$rc" -eq 0 ] && ! grep -qE 'runtime error|Sanitizer' "$SERVER_LOG"; then
		pass "server exited cleanly"
	else
		fail "server exit status $rc or sanitizer report"
		# The report itself, which may sit far above the log's tail.
		grep -E -A30 'runtime error|Sanitizer' "$SERVER_LOG" | head -60
		tail -20 "$SERVER_LOG"
	fi
}

# The last window line of a simulator trace, without the word "window".
last_window() {
	grep '^window ' "$1" | tail -1 | sed 's/^window //'
}

# fs4000_calib_key TRACE: "calib=R,G,B" (the white reference's shutters) when
# the FS4000US trace has a stationary scan at a holder's clear spot (strip
# 34, slide 674), for scsaned-sim render; nothing for an uncalibrated scan.
fs4000_calib_key() {
	grep -E '^scan .* pos=(34|674) frame=12 ' "$1" | tail -1 |
	    grep -o ' shutter=[0-9,]*' | sed 's/ shutter=/calib=/'
}

# window_field WINDOW KEY: one value from a trace window line.
window_field() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# pnm_size FILE: "WIDTH HEIGHT DATABYTES" from a PNM header (P4, P5, P6).
pnm_size() {
	head -c 200 "$1" | tr -d '\0' | sed 's/#.*//' | tr -s ' \n' '  ' |
	    awk '{ t = $1; w = $2; h = $3; m = $4;
		if (t == "P4") b = int((w + 7) / 8) * h;
		else b = w * h * (t == "P6" ? 3 : 1) * (m > 255 ? 2 : 1);
		print w, h, b }'
}

# The pixel bytes of a PNM (everything after the header), to stdout.
pnm_data() {
	local n
	n=$(pnm_size "$1" | awk '{ print $3 }')
	[ -n "$n" ] && [ "$n" -gt 0 ] && tail -c "$n" "$1"
}

# same_image WANT GOT: two PNMs of the same size and the same pixel bytes.
same_image() {
	[ -s "$2" ] && [ "$(pnm_size "$1")" = "$(pnm_size "$2")" ] &&
	    cmp -s <(pnm_data "$1") <(pnm_data "$2")
}

# rendered MODEL GOT WINDOW [EXTRAS...]: GOT is byte for byte what the
# model gives for that window (`scsaned-sim render`, independent of every
# driver and backend).
rendered() {
	local model=$1 got=$2
	shift 2
	[ $# -gt 0 ] && "$BUILD/scsaned-sim" render "$model" "$@" -o "$TMP/want.pnm" &&
	    same_image "$TMP/want.pnm" "$got"
}

# check_exact DESCRIPTION TRACE IMAGE [MODEL]: IMAGE is what MODEL (the
# flatbed unless named) gives for the last window in TRACE.
check_exact() {
	check "$1" rendered "${4:-scsi2-flatbed}" "$3" $(last_window "$2")
}

# bigger_than FILE N: FILE holds more than N bytes (a scan is streaming).
bigger_than() {
	[ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -gt "$2" ]
}

# scan_bg OUT ARGS...: scanimage ARGS in the background, the image into
# OUT, its messages into OUT.err; its pid in $BG, stopped at exit with the
# rest.  Under job control, so that $! is scanimage itself and it keeps
# SIGINT (non-interactive bash starts background jobs with SIGINT ignored).
scan_bg() {
	local out=$1

	shift
	set -m
	SANE_CONFIG_DIR=$(sane_dir) scanimage "$@" > "$out" 2> "$out.err" &
	BG=$!
	set +m
	PIDS+=("$BG")
}

# slow_ok WHAT: the long checks (a 142 MB frame, tgt's 30 s timeout) run in
# the plain build only: scripts/run-check sets SLOW=no for the sanitizer
# builds, where they would prove nothing new at several times the cost.
slow_ok() {
	[ "${SLOW:-yes}" != no ] && return 0
	skip "$1: in the plain build only"
	return 1
}

finish() {
	exit "$FAILED"
}
