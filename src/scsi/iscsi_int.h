/*
 * iscsi_int.h - what the iSCSI transport and iSCSI discovery share.
 * Private to src/scsi/.
 */
#ifndef SCSANED_ISCSI_INT_H
#define SCSANED_ISCSI_INT_H

#include <time.h>

struct iscsi_context;

#define ISCSI_LOGIN_TIMEOUT_MS	10000
#define ISCSI_INITIATOR_IQN	"iqn.2026-11.org.scsaned:initiator"

/* libiscsi's log lines into ours, at our debug level. */
void iscsi_log_to_ours(int level, const char *msg);
void iscsi_quiet_or_verbose(struct iscsi_context *ctx);

void iscsi_deadline_in(struct timespec *d, unsigned ms);

/*
 * Service CTX until *DONE becomes true or DEADLINE passes: 0 when done,
 * 1 on timeout, -1 when the connection failed.  The fd and the events
 * are asked for anew each turn (libiscsi may change them).
 */
int iscsi_run_until(struct iscsi_context *ctx, const int *done,
    const struct timespec *deadline);

#endif
