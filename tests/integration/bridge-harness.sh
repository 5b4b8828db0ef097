# shellcheck shell=bash
# bridge-harness.sh - one Debian SANE backend twice over the same model:
# hosted by scsaned-backend behind scsaned (sim:, iscsi://), and on a
# local sg node under libsgsim.so, the reference a bridged scan must equal
# byte for byte.  Source it after lib.sh (and tgt-harness.sh for
# bridge_tgt).
#
#   bridge_need BACKEND            skip the test unless Debian ships it
#   bridge_setup BACKEND LINE...   the helper's config for BACKEND is
#       exactly LINE... ($SCSANED_BACKEND_CONFIG_DIR; never the shipped
#       file, whose `net autodiscovery` would broadcast off the host); the
#       local reference gets a SANE_CONFIG_DIR of its own
#   bridge_local_node VAR SPEC [PREFIX]   a local sg node of model SPEC,
#       its path in VAR, listed in the local config as PREFIX+path
#   local_scan ARGS...             scanimage for the local reference
#   bridge_tgt SPEC [SPEC2]        tgtd exporting SPEC as LUN 1 of $IQN
#       (its trace in $TMP/trace.remote) and SPEC2 as LUN 2 (trace.remote2)
#   bridge_serve LINE...           scsaned serving those device lines
#       (no access files, a lock_dir of the test's), its list in $TMP/list
#   bridge_listed "NAMES" DEV...   each DEV is listed as "a NAMES" (an ERE)
#   bridge_compare WHAT LOCALDEV "DEVS" "ALLOW" ARGS...   the same scan
#       from the local node and from each bridged device in DEVS (traced
#       to $TMP/trace.DEV), all equal, nothing rejected but ALLOW
#       (scsaned-sim trace-check's exceptions)
#   bridge_no_children             scsaned has no helper left

bridge_need() {
	ls /usr/lib/*/sane/libsane-"$1".so.1 > /dev/null 2>&1 && return 0
	skip "Debian's $1 backend is not installed"
	finish
}

bridge_setup() {
	BACKEND=$1
	shift
	mkdir -p "$TMP/bconf" "$TMP/local"
	printf '%s\n' "$@" > "$TMP/bconf/$BACKEND.conf"
	echo "$BACKEND" > "$TMP/local/dll.conf"
	: > "$TMP/local/$BACKEND.conf"
	export SCSANED_BACKEND_CONFIG_DIR=$TMP/bconf
	export SGSIM_LOCKDIR=$TMP
	LOCAL_DEVICES=
}

bridge_local_node() {
	local m path

	lease m minor
	path=$TMP/sg-local-$m
	mknod "$path" c 21 "$m" || return 1
	echo "${3:-}$path" >> "$TMP/local/$BACKEND.conf"
	LOCAL_DEVICES=${LOCAL_DEVICES:+$LOCAL_DEVICES,}$path=$2
	printf -v "$1" %s "$path"
}

local_scan() {
	SGSIM_DEVICES=$LOCAL_DEVICES LD_PRELOAD=$BUILD/libsgsim.so \
	    SANE_CONFIG_DIR=$TMP/local timeout 120 scanimage "$@"
}

# with_trace SPEC FILE: the model spec with its trace going to FILE.
with_trace() {
	[[ "$1" == *\?* ]] && echo "$1&trace=$2" || echo "$1?trace=$2"
}

bridge_tgt() {
	local spec m

	spec=$(with_trace "$1" "$TMP/trace.remote")
	if [ -n "${2:-}" ]; then
		# tgtd's libsgsim.so takes a list: the second node rides in the spec.
		lease m minor
		mknod "$TMP/sg-remote2" c 21 "$m" || return 1
		spec="$spec,$TMP/sg-remote2=$(with_trace "$2" "$TMP/trace.remote2")"
	fi
	tgt_start "$TGT" "$PORTAL" "$TMP/sg-remote" "$spec" "$IQN" || return 1
	[ -z "${2:-}" ] || tgt_ctl --lld iscsi --op new --mode logicalunit --tid 1 --lun 2 \
	    --bstype=sg --device-type=pt -b "$TMP/sg-remote2"
}

bridge_serve() {
	printf '%s\n' "$@" "hosts_file none" "users_file none" "lock_dir $TMP/locks" \
	    > "$TMP/scsaned.conf"
	start_server "$TMP/scsaned.conf"
	scan -L > "$TMP/list" 2>&1
}

bridge_listed() {
	local names=$1 dev

	shift
	for dev in "$@"; do
		check "$dev: listed with $BACKEND's own names" \
		    grep -Eq "device \`net:$ADDR:$dev' is a $names" "$TMP/list"
	done
}

bridge_compare() {
	local what=$1 ldev=$2 devs=$3 allow=$4 dev rc

	shift 4
	local_scan -d "$ldev" "$@" --format=pnm > "$TMP/local.pnm" 2> "$TMP/err"
	rc=$?
	check "$what: $BACKEND on a local sg node scans" eval '[ $rc -eq 0 ] && [ -s "$TMP/local.pnm" ]'
	for dev in $devs; do
		: > "$TMP/trace.$dev"
		scan -d "net:$ADDR:$dev" "$@" --format=pnm > "$TMP/$dev.pnm" 2> "$TMP/err"
		rc=$?
		check "$what: bridged over $dev, the scan succeeds" test $rc -eq 0
		check "$what: bridged over $dev, byte-identical to the local scan" \
		    same_image "$TMP/local.pnm" "$TMP/$dev.pnm"
		# shellcheck disable=SC2086 # the exceptions are words
		check "$what: bridged over $dev, no command rejected" \
		    "$BUILD/scsaned-sim" trace-check "$TMP/trace.$dev" $allow
	done
}

bridge_no_children() {
	wait_for 5 eval '[ -z "$(cat /proc/$SERVER_PID/task/*/children 2>/dev/null | tr -d " ")" ]'
}
