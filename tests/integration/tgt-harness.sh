# tgt-harness.sh - a private tgtd for tests, exporting a simulated scanner
# as an iSCSI passthrough LUN, the way a scanner host exports a real one.
# Source it from a test that has sourced tests/integration/lib.sh (for
# $TMP, $BUILD, PIDS and wait_for); every tgtd it starts is stopped by the
# test's exit trap.
#
#   tgt_start CTLPORT PORTAL NODE SPEC IQN [INITIATOR_ADDRESS]
#       (CTLPORT and the addresses from lib.sh's lease; the node's minor is leased here)
#       tgtd with its own control port and portal (PORTAL is ADDRESS:PORT;
#       tests use port 3261, so a system tgtd on *:3260 cannot collide); NODE, a
#       mknod'ed sg node, backed by libsgsim.so with model SPEC, becomes
#       LUN 1 of target IQN (tid 1), bound to INITIATOR_ADDRESS only
#       (default 127.0.0.1; never ALL)
#   tgt_daemon CTLPORT PORTAL NODE SPEC
#       only the tgtd (no target), for tests that create targets themselves
#   tgt_and_sg_server CTLPORT PORTAL IQN SPEC
#       one scanner of model SPEC twice, for comparing the transports:
#       exported by tgt_start (its trace in $TMP/trace.remote) and on a
#       local sg node (a leased minor) under libsgsim.so; then scsaned (lib.sh's
#       start_server) serves them as "remote" (iscsi://) and "local" (sg:)
#   scan_remote_and_local OPTS [ARGS...]
#       the same scan from both, checked alike (see below)
#   tgt_chap USER PASSWORD      require CHAP on tid 1
#   tgt_stop                    kill that tgtd (SIGKILL to its pid: tgtd
#                               ignores SIGTERM while it has targets)

# tgt_addresses: lease the test's server address ADDR, a PORTAL
# (ADDRESS:3261) for its tgtd, and that tgtd's control port TGT.
tgt_addresses() {
	lease ADDR addr
	lease PADDR addr
	PORTAL=$PADDR:3261
	lease TGT tgt
}

tgt_ctl() {
	tgtadm -C "$TGT_CTL" "$@"
}

tgt_up() {
	tgt_ctl --op show --mode sys > /dev/null 2>&1
}

tgt_daemon() {
	TGT_CTL=$1
	TGT_PORTAL=$2
	TGT_NODE=$3
	TGT_SPEC=$4
	if [ ! -e "$TGT_NODE" ]; then
		lease TGT_MINOR minor
		mknod "$TGT_NODE" c 21 "$TGT_MINOR" || return 1
	fi
	SGSIM_DEVICES="$TGT_NODE=$TGT_SPEC" SGSIM_LOCKDIR=$TMP \
	    LD_PRELOAD=$BUILD/libsgsim.so \
	    tgtd -f -C "$TGT_CTL" --iscsi "portal=$TGT_PORTAL" \
	    >> "$TMP/tgtd.$TGT_CTL.log" 2>&1 &
	TGT_PID=$!
	PIDS+=("$TGT_PID")
	wait_for 10 tgt_up
}

tgt_start() {
	TGT_IQN=$5
	TGT_ALLOW=${6:-127.0.0.1}
	tgt_daemon "$1" "$2" "$3" "$4" || return 1
	tgt_ctl --lld iscsi --op new --mode target --tid 1 -T "$TGT_IQN" &&
	    tgt_ctl --lld iscsi --op new --mode logicalunit --tid 1 --lun 1 \
		--bstype=sg --device-type=pt -b "$TGT_NODE" &&
	    tgt_ctl --lld iscsi --op bind --mode target --tid 1 -I "$TGT_ALLOW"
}

tgt_chap() {
	tgt_ctl --lld iscsi --op new --mode account --user "$1" --password "$2" &&
	    tgt_ctl --lld iscsi --op bind --mode account --tid 1 --user "$1"
}

tgt_stop() {
	kill -KILL "$TGT_PID" 2>/dev/null
	wait "$TGT_PID" 2>/dev/null
	return 0
}

tgt_and_sg_server() {
	local sep='?' minor

	[[ "$4" == *\?* ]] && sep='&'
	tgt_start "$1" "$2" "$TMP/sg-remote" "$4${sep}trace=$TMP/trace.remote" "$3" || return 1
	lease minor minor
	mknod "$TMP/sg-local" c 21 "$minor" || return 1
	cat > "$TMP/scsaned.conf" <<CONF
device remote iscsi://$2/$3/1
device local sg:$TMP/sg-local
hosts_file none
users_file none
CONF
	SGSIM_DEVICES="$TMP/sg-local=$4" SGSIM_LOCKDIR=$TMP \
	    LD_PRELOAD=$BUILD/libsgsim.so start_server "$TMP/scsaned.conf"
}

# scan_remote_and_local OPTS [SCANIMAGE ARGS...]: the same scan from the
# "remote" (iSCSI) and "local" (sg) devices of tgt_and_sg_server, into
# $TMP/remote.pnm and $TMP/local.pnm ($TMP/trace.remote holds the remote
# one's commands); checks both succeed, byte for byte alike, with no
# command rejected on the remote scanner.  OPTS names the checks.
scan_remote_and_local() {
	local opts=$1

	shift
	: > "$TMP/trace.remote"
	scan -d "net:$ADDR:remote" $opts "$@" --format=pnm > "$TMP/remote.pnm" 2> "$TMP/err"
	check "$opts: the scan over iSCSI succeeds" test $? -eq 0
	scan -d "net:$ADDR:local" $opts "$@" --format=pnm > "$TMP/local.pnm" 2> "$TMP/err"
	check "$opts: byte-identical to the local sg scan" \
	    eval 'test -s "$TMP/local.pnm" && cmp -s "$TMP/local.pnm" "$TMP/remote.pnm"'
	check "$opts: no command was rejected on the remote scanner" \
	    "$BUILD/scsaned-sim" trace-check "$TMP/trace.remote"
}
