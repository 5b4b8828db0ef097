/*
 * scsi/iscsi.c - the iscsi:// transport: a LUN behind an iSCSI target
 * (tgt exporting a passthrough scanner), through libiscsi's async API.
 *
 * URI: libiscsi's own, iscsi://[user[%password]@]host[:port]/target-iqn/lun
 * (with ?target_user=&target_password= for mutual CHAP, ?header_digest=),
 * so a user can try the same string with iscsi-inq.
 *
 * Choices that follow from libiscsi 1.19 and tgt (hw-notes/tgt-passthrough.md):
 *   - our own poll() loop, fd and events re-read every turn, and every
 *     command's state on the heap: the 1.19 sync API can leave PDUs
 *     pointing into dead stack frames after a failure;
 *   - automatic reconnect off: libiscsi would re-send an in-flight READ
 *     on the new session and the scanner would return the next block of
 *     the image.  A lost session fails the command and marks the target
 *     broken; the next open logs in again;
 *   - login with LUN -1, so a scanner answering NOT READY while its lamp
 *     warms up does not fail the login; the driver polls readiness;
 *   - data-in lands in the caller's buffer, so data that arrives with
 *     CHECK CONDITION (end of image: EOM/ILI) is kept; the raw sense is
 *     passed up;
 *   - a local timeout cannot abort the command at the target (tgt cannot
 *     abort passthrough commands), so it also marks the session broken;
 *   - tgt gives each passthrough command 30 s and then reports GOOD
 *     whatever happened: a data-in command that took that long and
 *     delivered nothing is taken for the timeout it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#include "scsaned/log.h"
#include "scsaned/scsi.h"
#include "iscsi_int.h"

#define LOGOUT_TIMEOUT_MS 2000
#define TGT_PASSTHROUGH_MS 30000	/* tgt's fixed limit per passthrough command */

struct iscsi_target {
	struct scsi_target head;	/* first: the scsi_target cast */
	struct iscsi_context *ctx;
	int lun;
	char display[256];		/* the URI without its password */
	struct login *login;		/* lives as long as the context */
	int broken;			/* session lost: reopen to recover */
	int queued;			/* commands started and not finished */
};

/* The connect callback may fire again much later, when the session dies. */
struct login {
	int done;
	int status;
	struct iscsi_target *t;
};

/*
 * One command in flight; freed by whoever finishes last: scsi_finish, or
 * the callback when the caller has given up on it.
 */
struct scsi_cmd {
	struct scsi_task *task;	/* NULL once the callback has freed it */
	int done;
	int abandoned;		/* the caller gave up; the callback frees */
	int status;
	enum scsi_dir dir;
	size_t len;
	unsigned timeout_ms;
	struct timespec sent;
	uint8_t sense[SCSI_SENSE_MAX];
	size_t sense_len;
	size_t residual;
};

/* ---- login ------------------------------------------------------------- */

static void
login_cb(struct iscsi_context *ctx, int status, void *data, void *priv)
{
	struct login *l = priv;

	(void)ctx;
	(void)data;
	if (l->done) {
		/* A second call: the established session has failed. */
		if (status != SCSI_STATUS_GOOD && l->t != NULL)
			l->t->broken = 1;
		return;
	}
	l->done = 1;
	l->status = status;
}

static int
it_open(const char *uri, struct scsi_target **out, char *err, size_t errlen)
{
	struct iscsi_target *t;
	struct iscsi_url *url;
	struct timespec deadline;
	const char *why;
	int rc, ret = SCSI_OPEN_FAILED;

	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->login = calloc(1, sizeof(*t->login))) == NULL ||
	    (t->ctx = iscsi_create_context(ISCSI_INITIATOR_IQN)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	scsi_uri_display(uri, t->display, sizeof(t->display));
	iscsi_quiet_or_verbose(t->ctx);
	/* Applies the target name, CHAP credentials and URL arguments. */
	if ((url = iscsi_parse_full_url(t->ctx, uri)) == NULL) {
		snprintf(err, errlen, "bad iSCSI URI: %s", iscsi_get_error(t->ctx));
		goto fail;
	}
	t->lun = url->lun;
	iscsi_set_session_type(t->ctx, ISCSI_SESSION_NORMAL);
	iscsi_set_noautoreconnect(t->ctx, 1);
	iscsi_set_tcp_keepalive(t->ctx, 30, 3, 10);
	t->login->t = t;
	rc = iscsi_full_connect_async(t->ctx, url->portal, -1, login_cb, t->login);
	iscsi_destroy_url(url);
	if (rc != 0) {
		snprintf(err, errlen, "%s", iscsi_get_error(t->ctx));
		goto fail;
	}
	iscsi_deadline_in(&deadline, ISCSI_LOGIN_TIMEOUT_MS);
	rc = iscsi_run_until(t->ctx, &t->login->done, &deadline);
	if (rc != 0 || t->login->status != SCSI_STATUS_GOOD) {
		why = rc > 0 ? "no answer within 10 s" : iscsi_get_error(t->ctx);
		snprintf(err, errlen, "login failed: %s", why);
		/* Login status class 02 (initiator error): 0201 auth, 0202 authz. */
		if (strstr(why, "(513)") != NULL || strstr(why, "(514)") != NULL)
			ret = SCSI_OPEN_DENIED;
		goto fail;
	}
	t->head.ops = &scsi_iscsi_transport;
	snprintf(t->head.uri, sizeof(t->head.uri), "%s", t->display);
	*out = &t->head;
	return 0;
fail:
	if (t != NULL) {
		if (t->ctx != NULL)
			iscsi_destroy_context(t->ctx);
		free(t->login);
		free(t);
	}
	return ret;
}

/* ---- commands ------------------------------------------------------------ */

static long
elapsed_ms(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static void
command_cb(struct iscsi_context *ctx, int status, void *data, void *priv)
{
	struct scsi_cmd *c = priv;
	struct scsi_task *task = c->task;
	size_t n;

	(void)ctx;
	(void)data;	/* the task, or NULL when libiscsi cancelled it */
	c->task = NULL;
	if (c->abandoned) {
		scsi_free_scsi_task(task);
		free(c);
		return;
	}
	c->status = status;
	/* Raw sense follows a 2-byte big-endian length in datain. */
	if (status == SCSI_STATUS_CHECK_CONDITION && task->datain.data != NULL &&
	    task->datain.size >= 2) {
		n = (size_t)task->datain.data[0] << 8 | task->datain.data[1];
		if (n > (size_t)task->datain.size - 2)
			n = (size_t)task->datain.size - 2;
		if (n > sizeof(c->sense))
			n = sizeof(c->sense);
		memcpy(c->sense, task->datain.data + 2, n);
		c->sense_len = n;
	}
	if (task->residual_status == SCSI_RESIDUAL_UNDERFLOW)
		c->residual = task->residual;
	scsi_free_scsi_task(task);
	c->done = 1;
}

/*
 * Give up on C, not yet done: libiscsi forgets it (the callback frees it),
 * so nothing lands in the caller's buffer after this.  The target may
 * still run it.
 */
static void
abandon(struct iscsi_target *t, struct scsi_cmd *c)
{
	c->abandoned = 1;
	if (iscsi_scsi_cancel_task(t->ctx, c->task) != 0) {
		/* Not queued any more: only destroying the context frees it. */
		log_debug("%s: a command was already gone from libiscsi's queues",
		    t->display);
	}
}

static struct scsi_cmd *
it_start(struct scsi_target *st, const uint8_t *cdb, size_t cdb_len,
    enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms,
    struct scsi_result *res)
{
	struct iscsi_target *t = (struct iscsi_target *)st;
	struct iscsi_data out = { .size = len, .data = buf };
	unsigned char cdbcopy[16];
	struct scsi_cmd *c;

	if (t->broken) {
		res->transport_error = SCSI_TERR_LINK;
		return NULL;
	}
	if (t->queued >= SCSI_QUEUE_MAX) {
		res->transport_error = SCSI_TERR_INVALID;
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		res->transport_error = SCSI_TERR_HOST;
		return NULL;
	}
	memcpy(cdbcopy, cdb, cdb_len);
	c->task = scsi_create_task((int)cdb_len, cdbcopy,
	    dir == SCSI_DIR_IN ? SCSI_XFER_READ : dir == SCSI_DIR_OUT ?
	    SCSI_XFER_WRITE : SCSI_XFER_NONE, (int)len);
	if (c->task == NULL || (dir == SCSI_DIR_IN && len > 0 &&
	    scsi_task_add_data_in_buffer(c->task, (int)len, buf) != 0)) {
		scsi_free_scsi_task(c->task);
		free(c);
		res->transport_error = SCSI_TERR_HOST;
		return NULL;
	}
	if (iscsi_scsi_command_async(t->ctx, t->lun, c->task, command_cb,
	    dir == SCSI_DIR_OUT && len > 0 ? &out : NULL, c) != 0) {
		log_warn("%s: cannot queue command: %s", t->display,
		    iscsi_get_error(t->ctx));
		scsi_free_scsi_task(c->task);
		free(c);
		t->broken = 1;
		res->transport_error = SCSI_TERR_LINK;
		return NULL;
	}
	c->dir = dir;
	c->len = len;
	c->timeout_ms = timeout_ms ? timeout_ms : 60000;
	clock_gettime(CLOCK_MONOTONIC, &c->sent);
	t->queued++;
	return c;
}

/*
 * The timeout counts from here, not from the start: a command queued
 * behind another waits for the device while that one runs, and the
 * caller finishes commands in the order it started them.
 */
static int
it_finish(struct scsi_target *st, struct scsi_cmd *c, struct scsi_result *res)
{
	struct iscsi_target *t = (struct iscsi_target *)st;
	struct timespec deadline;
	int rc;

	t->queued--;
	iscsi_deadline_in(&deadline, c->timeout_ms);
	rc = t->broken ? -1 : iscsi_run_until(t->ctx, &c->done, &deadline);
	if (rc != 0 && !c->done) {
		/*
		 * The target may still be running it and may answer later:
		 * this session can no longer be trusted with a scanner's state.
		 */
		if (!t->broken)
			log_warn("%s: %s", t->display, rc > 0 ? "command timed out" :
			    "connection lost");
		t->broken = 1;
		abandon(t, c);
		res->transport_error = rc > 0 ? SCSI_TERR_TIMEOUT : SCSI_TERR_LINK;
		return -1;
	}
	rc = c->status;
	if (rc == SCSI_STATUS_CANCELLED || rc == SCSI_STATUS_ERROR ||
	    rc == SCSI_STATUS_TIMEOUT) {
		t->broken = 1;
		res->transport_error = rc == SCSI_STATUS_TIMEOUT ? SCSI_TERR_TIMEOUT :
		    SCSI_TERR_LINK;
		free(c);
		return -1;
	}
	/*
	 * Timed from the start: tgt's clock for a queued command starts when
	 * the one before it ends at the scanner, before our finish() began.
	 */
	if (rc == SCSI_STATUS_GOOD && c->dir == SCSI_DIR_IN && c->len > 0 &&
	    c->residual >= c->len && elapsed_ms(&c->sent) >= TGT_PASSTHROUGH_MS) {
		log_warn("%s: GOOD with no data after %ld ms: the target's "
		    "passthrough timeout; the scanner has likely been reset",
		    t->display, elapsed_ms(&c->sent));
		t->broken = 1;
		res->transport_error = SCSI_TERR_TIMEOUT;
		free(c);
		return -1;
	}
	res->status = (uint8_t)rc;
	memcpy(res->sense, c->sense, c->sense_len);
	res->sense_len = c->sense_len;
	res->residual = c->residual < c->len ? c->residual : c->len;
	free(c);
	return 0;
}

static int
it_execute(struct scsi_target *st, const uint8_t *cdb, size_t cdb_len,
    enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms,
    struct scsi_result *res)
{
	struct scsi_cmd *c;

	if ((c = it_start(st, cdb, cdb_len, dir, buf, len, timeout_ms, res)) == NULL)
		return -1;
	return it_finish(st, c, res);
}

static void
logout_cb(struct iscsi_context *ctx, int status, void *data, void *priv)
{
	(void)ctx;
	(void)status;
	(void)data;
	*(int *)priv = 1;
}

static void
it_close(struct scsi_target *st)
{
	struct iscsi_target *t = (struct iscsi_target *)st;
	struct timespec deadline;
	int done = 0;

	/* A polite logout, briefly; the target copes if it never comes. */
	if (!t->broken && iscsi_logout_async(t->ctx, logout_cb, &done) == 0) {
		iscsi_deadline_in(&deadline, LOGOUT_TIMEOUT_MS);
		iscsi_run_until(t->ctx, &done, &deadline);
	}
	iscsi_destroy_context(t->ctx);
	free(t->login);
	free(t);
}

const struct scsi_transport_ops scsi_iscsi_transport = {
	.scheme = "iscsi://",
	.open = it_open,
	.execute = it_execute,
	.start = it_start,
	.finish = it_finish,
	.close = it_close,
};
