#!/bin/bash
# Over iSCSI the film scanner drivers (FS2710, FS4000US, Coolscan) keep
# the next READ queued at the target while the last one's lines go to the
# client (readahead.h).  The driver says per pass how many READs it took
# and how many of them it handed up with the next already queued: every
# one but the last, where the sg: scan of the same scanner (which does not
# queue) has none.  The target saw exactly those READs, within the unit's
# sizes, and the images are the film's, byte for byte (the Coolscan's:
# the sg scan's; t_coolscan covers its cancel).  A scan cancelled
# with a READ queued finishes that READ before anything else reaches the
# unit (the FS4000US's CANCEL comes after it), and the next scan is exact.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
tgt_addresses
IQN=iqn.2026-12.org.scsaned.test:readahead-canon

# passes DEV FROM: the driver's "image read in N READ(s) ..., M handed up
# with the next queued" lines for DEV from server log line FROM, as "N M".
passes() {
	tail -n +"$2" "$SERVER_LOG" | sed -n "s/.* $1: image read in \([0-9]*\) READ(s) .*, \([0-9]*\) handed up with the next queued$/\1 \2/p"
}

# queued_ahead DEV FROM TRACE: every pass handed all its READs but the last
# up with the next queued, one pass took at least three, and TRACE holds
# as many READs as the passes took together.
queued_ahead() {
	local p
	p=$(passes "$1" "$2")
	[ -n "$p" ] && awk -v reads="$(grep -c '^cdb 28 ' "$3")" '
	    $2 != $1 - 1 { bad = 1 } $1 >= 3 { long = 1 } { n += $1 }
	    END { exit !(!bad && long && n == reads) }' <<< "$p"
}

# none_ahead DEV FROM: DEV's passes (sg:, no queue) each READ alone.
none_ahead() {
	local p
	p=$(passes "$1" "$2")
	[ -n "$p" ] && awk '$2 != 0 { bad = 1 } END { exit bad }' <<< "$p"
}

# largest_read TRACE: the longest READ's length; read_byte1: CDB byte 1 of every READ.
largest_read() {
	awk '/^cdb 28 / { sub("len=", "", $NF); if ($NF + 0 > m) m = $NF + 0 } END { print m + 0 }' "$1"
}
read_byte1() {
	awk '/^cdb 28 / { print $3 }' "$1" | sort -u
}

# exact MODEL TRACE IMAGE EXTRAS...: IMAGE is the film's for the last scan
# in TRACE (the FS2710's window line, the FS4000US's scan line with the
# calibration it took).
exact() {
	local model=$1 trace=$2 image=$3 win
	shift 3
	if [ "$model" = canon-fs2710 ]; then
		win=$(last_window "$trace")
	else
		win="$(grep '^scan ' "$trace" | tail -1 | sed 's/^scan //') $(fs4000_calib_key "$trace")"
	fi
	[ -n "$win" ] && rendered "$model" "$image" $win "$@"
}

# first_after_reads TRACE: the opcode of the first command after the last READ.
first_after_reads() {
	awk '/^cdb/ { op = $2
		if (op == "28") { seen = 1; after = "" } else if (seen && after == "") after = op }
	    END { print after }' "$1"
}

# one_model NAME SPEC MODEL OPTS RENDER_EXTRAS: a scan over iSCSI and over
# sg of SPEC, checked as above.
one_model() {
	local name=$1 spec=$2 model=$3 opts=$4 extras=$5 from

	rm -f "$TMP/sg-remote" "$TMP/sg-local"
	tgt_and_sg_server "$TGT" "$PORTAL" "$IQN" "$spec"
	check "$name: tgtd exports it, scsaned serves it remote and local" test $? -eq 0
	from=$(( $(wc -l < "$SERVER_LOG") + 1 ))
	scan_remote_and_local "$opts"
	[ -z "$model" ] || check "$name: the image is the film's, exactly" \
	    exact "$model" "$TMP/trace.remote" "$TMP/remote.pnm" $extras
	check "$name: over iSCSI every READ but a pass's last was handed up with the next queued" \
	    queued_ahead remote "$from" "$TMP/trace.remote"
	check "$name: over sg (no queue) each READ went alone" none_ahead local "$from"
	stop_server
	tgt_stop
}

# cancel_model NAME SPEC OPTS AFTER_OPTS MODEL RENDER_EXTRAS: a slow scan
# over iSCSI cancelled mid-frame, then a small one, exact.
cancel_model() {
	local name=$1 spec=$2 opts=$3 after=$4 model=$5 extras=$6 long

	tgt_start "$TGT" "$PORTAL" "$TMP/sg-slow-$name" "$spec&trace=$TMP/trace.slow" "$IQN"
	check "$name: tgtd exports a slow one" test $? -eq 0
	cat > "$TMP/slow.conf" <<CONF
device slow iscsi://$PORTAL/$IQN/1
CONF
	start_server "$TMP/slow.conf"
	: > "$TMP/trace.slow"
	rm -f "$TMP/long.pnm"
	scan_bg "$TMP/long.pnm" -d "net:$ADDR:slow" $opts --format=pnm
	long=$BG
	check "$name: the slow scan streams" wait_for 60 bigger_than "$TMP/long.pnm" 300000
	kill -INT "$long"
	check "$name: scanimage ends after SIGINT" \
	    wait_for 30 eval '! kill -0 '"$long"' 2>/dev/null'
	check "$name: the server logged the scan as cancelled" \
	    wait_for 10 grep -q "slow for .*scan ended: Operation was cancelled" "$SERVER_LOG"
	check "$name: the server closed the device" wait_for 10 grep -q "closed slow$" "$SERVER_LOG"
	check "$name: the READ queued at the cancel was finished and dropped" \
	    grep -q "slow: 1 queued READ(s) dropped" "$SERVER_LOG"
	check "$name: ... and no command was rejected" \
	    "$BUILD/scsaned-sim" trace-check "$TMP/trace.slow"
	if [ "$model" = canon-fs4000us ]; then
		check "$name: CANCEL was the first command after the last READ" \
		    test "$(first_after_reads "$TMP/trace.slow")" = e4
	fi
	: > "$TMP/trace.slow"
	scan -d "net:$ADDR:slow" $after --format=pnm > "$TMP/after.pnm" 2> "$TMP/after.err"
	check "$name: the next scan works" test $? -eq 0
	check "$name: ... and is exact" exact "$model" "$TMP/trace.slow" "$TMP/after.pnm" $extras
	stop_server
	tgt_stop
}

# --- FS2710: READs of up to 256 KiB of whole lines, any length the unit takes. ---
one_model fs2710 canon-fs2710 canon-fs2710 "--depth 16 --resolution 1360 -l 2 -t 3 -x 14 -y 20" \
    depth=16
check "fs2710: no READ over 256 KiB" test "$(largest_read "$TMP/trace.remote")" -le 262144
check "fs2710: READs carry many lines" test "$(largest_read "$TMP/trace.remote")" -gt 131072

# --- FS4000US: READs (byte 1 10h) of whole lines within 64 KiB, as every host's. ---
one_model fs4000 "canon-fs4000us?holder=strip&lamp=300&timescale=200" canon-fs4000us \
    "--depth 16 --resolution 1000 --frame 3 -l 2 -t 3 -x 14 -y 20" holder=strip
check "fs4000: no READ over 64 KiB" test "$(largest_read "$TMP/trace.remote")" -le 65536
check "fs4000: READs carry many lines" test "$(largest_read "$TMP/trace.remote")" -gt 49152
check "fs4000: every READ with byte 1 10h" test "$(read_byte1 "$TMP/trace.remote")" = 10

# --- Coolscan LS-2000: READs of up to 256 KiB of whole lines. ---
one_model coolscan coolscan-ls2000?holder=strip "" \
    "--depth 16 --resolution 1350 --frame 2 -l 1 -t 2 -x 10 -y 20" ""
check "coolscan: no READ over 256 KiB" test "$(largest_read "$TMP/trace.remote")" -le 262144

# --- Cancel mid-frame with a READ queued; the unit is usable after. ---
cancel_model fs2710 "canon-fs2710?lps=200" "--depth 16 --resolution 1360" \
    "--depth 8 --resolution 340 -l 2 -t 3 -x 14 -y 10" canon-fs2710 depth=8
cancel_model fs4000 "canon-fs4000us?holder=strip&lamp=300&lps=100" \
    "--depth 16 --resolution 1000 --frame 2" "--depth 8 --resolution 500 --frame 2 -l 2 -t 3 -x 14 -y 10" \
    canon-fs4000us holder=strip
finish
