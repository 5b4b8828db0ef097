#!/bin/bash
# CHAP on the iSCSI transport: the right secret scans; a wrong one is a
# clear error and nothing hangs; a secret changed on the target side while
# scsaned runs makes the next open answer "Access to resource has been
# denied" (SANE_STATUS_ACCESS_DENIED), and never shows the password.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tgt-harness.sh"
tgt_addresses
IQN=iqn.2026-11.org.scsaned.test:chap

tgt_start "$TGT" "$PORTAL" "$TMP/sg-chap" "scsi2-flatbed?trace=$TMP/trace" "$IQN" &&
    tgt_chap alice 's3cret-pass1'
check "tgtd exports the scanner with CHAP" test $? -eq 0

cat > "$TMP/scsaned.conf" <<CONF
device good iscsi://alice%s3cret-pass1@$PORTAL/$IQN/1
device bad  iscsi://alice%wrong-pass@$PORTAL/$IQN/1
device none iscsi://$PORTAL/$IQN/1
device fromconf iscsi://$PORTAL/$IQN/1 chap=alice:s3cret-pass1
CONF
start_server "$TMP/scsaned.conf"
check "the right secret logs in" grep -q "device good: SCSANED SCSI2 FLATBED" "$SERVER_LOG"
check "a wrong secret is one clear message" \
    grep -q "device bad (iscsi://alice%\*\*\*\*@$PORTAL/$IQN/1): login failed: .*Authentication failure" "$SERVER_LOG"
check "no credentials at all is refused too" grep -q "device none (.*): login failed" "$SERVER_LOG"
check "CHAP from a config option logs in too" grep -q "device fromconf: SCSANED SCSI2 FLATBED" "$SERVER_LOG"
check "no password appears in the log" eval '! grep -q "s3cret\|wrong-pass" "$SERVER_LOG"'

scan -d "net:$ADDR:good" --mode Color --resolution 75 -x 30 -y 20 --format=pnm \
    > "$TMP/got.pnm" 2> "$TMP/err"
check "a scan with the right secret succeeds" test $? -eq 0
check_exact "... and is exact" "$TMP/trace" "$TMP/got.pnm"

# The target's secret changes while scsaned runs.
tgt_ctl --lld iscsi --op unbind --mode account --tid 1 --user alice &&
    tgt_ctl --lld iscsi --op delete --mode account --user alice &&
    tgt_chap alice 'n3w-secret-2'
check "the target's secret was changed" test $? -eq 0
scan -d "net:$ADDR:good" --resolution 75 -x 10 -y 10 --format=pnm > /dev/null 2> "$TMP/denied"
check "the next open fails" test $? -ne 0
check "... with Access to resource has been denied" \
    grep -q "Access to resource has been denied" "$TMP/denied"
scan -L > "$TMP/list" 2>&1
check "scsaned keeps serving" grep -q "net:$ADDR:good'" "$TMP/list"
stop_server
tgt_stop
finish
