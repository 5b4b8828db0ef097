/*
 * iscsi_discover.c - the LUNs behind an iSCSI portal: SendTargets on a
 * discovery session, then REPORT LUNS through each target's LUN 0 (tgt's
 * controller LUN answers it) and every LUN >= 1 it lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <iscsi/iscsi.h>

#include "scsaned/log.h"
#include "scsaned/scsi.h"
#include "iscsi_int.h"

#define MAX_TARGETS	32
#define MAX_LUNS	64

int scsi_discover_iscsi(const char *portal_url, struct scsi_found *out, int max,
    char *err, size_t errlen);

struct sendtargets {
	int done;
	int status;
	int n;
	char why[160];		/* the first failure, as libiscsi told it */
	char target[MAX_TARGETS][224];
};

/*
 * libiscsi words a failed connect (no route, refused) only inside this
 * callback: by the time iscsi_service returns it has put a reconnect
 * message in its place.
 */
static void
step_cb(struct iscsi_context *ctx, int status, void *data, void *priv)
{
	struct sendtargets *st = priv;

	(void)data;
	st->status = status;
	st->done = 1;
	if (status != SCSI_STATUS_GOOD && st->why[0] == '\0')
		snprintf(st->why, sizeof(st->why), "%s", iscsi_get_error(ctx));
}

/* The list is only valid during the callback: copy the names out. */
static void
targets_cb(struct iscsi_context *ctx, int status, void *data, void *priv)
{
	struct sendtargets *st = priv;
	struct iscsi_discovery_address *a;

	(void)ctx;
	st->status = status;
	st->done = 1;
	if (status != SCSI_STATUS_GOOD)
		return;
	for (a = data; a != NULL && st->n < MAX_TARGETS; a = a->next)
		if (a->target_name != NULL && strlen(a->target_name) < sizeof(st->target[0]))
			strcpy(st->target[st->n++], a->target_name);
}

/*
 * Run one asynchronous step of the discovery session, each with its own
 * deadline: a host that does not answer costs one ISCSI_LOGIN_TIMEOUT_MS.
 */
static int
step(struct iscsi_context *ctx, struct sendtargets *st, int rc)
{
	struct timespec deadline;

	if (rc != 0)
		return -1;
	iscsi_deadline_in(&deadline, ISCSI_LOGIN_TIMEOUT_MS);
	rc = iscsi_run_until(ctx, &st->done, &deadline);
	if (rc > 0 && st->why[0] == '\0')
		snprintf(st->why, sizeof(st->why), "no answer within %d s",
		    ISCSI_LOGIN_TIMEOUT_MS / 1000);
	if (rc != 0 || st->status != SCSI_STATUS_GOOD)
		return -1;
	st->done = 0;
	return 0;
}

static int
send_targets(const char *portal_url, struct sendtargets *st, char *portal,
    size_t plen, char *err, size_t errlen)
{
	struct iscsi_context *ctx;
	struct iscsi_url *url;
	int rc = -1;

	if ((ctx = iscsi_create_context(ISCSI_INITIATOR_IQN)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	iscsi_quiet_or_verbose(ctx);
	/* Applies any CHAP credentials in the URL to the context. */
	if ((url = iscsi_parse_portal_url(ctx, portal_url)) == NULL) {
		snprintf(err, errlen, "bad iSCSI portal URL: %s", iscsi_get_error(ctx));
		goto out;
	}
	/* Keep the port in every URI we make, default or not. */
	snprintf(portal, plen, "%.240s%s", url->portal,
	    strrchr(url->portal, ':') != NULL &&
	    strrchr(url->portal, ':') > strrchr(url->portal, ']') ? "" : ":3260");
	iscsi_set_session_type(ctx, ISCSI_SESSION_DISCOVERY);
	if (step(ctx, st, iscsi_connect_async(ctx, url->portal, step_cb, st)) < 0 ||
	    step(ctx, st, iscsi_login_async(ctx, step_cb, st)) < 0 ||
	    step(ctx, st, iscsi_discovery_async(ctx, targets_cb, st)) < 0) {
		snprintf(err, errlen, "SendTargets on %s: %s", url->portal,
		    st->why[0] != '\0' ? st->why : iscsi_get_error(ctx));
		iscsi_destroy_url(url);
		goto out;
	}
	iscsi_destroy_url(url);
	step(ctx, st, iscsi_logout_async(ctx, step_cb, st));
	rc = 0;
out:
	iscsi_destroy_context(ctx);
	return rc;
}

/*
 * REPORT LUNS through LUN 0 of BASE (".../target/"); LUN numbers out, or
 * -1 when the target refused the login (CHAP: a wrong or missing secret).
 */
static int
report_luns(const char *base, int *luns, int max)
{
	uint8_t cdb[12] = { 0xa0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x08, 0, 0 };
	uint8_t buf[8 + 8 * MAX_LUNS];
	struct scsi_target *t;
	struct scsi_result res;
	char uri[330], err[256];
	size_t len, i;
	int n = 0;

	snprintf(uri, sizeof(uri), "%s0", base);
	if ((n = scsi_open(uri, &t, err, sizeof(err))) < 0) {
		log_debug("discovery: %s", err);
		return n == SCSI_OPEN_DENIED ? -1 : 0;
	}
	memset(buf, 0, sizeof(buf));
	if (scsi_execute(t, cdb, sizeof(cdb), SCSI_DIR_IN, buf, sizeof(buf), 10000,
	    &res) == 0) {
		len = (size_t)buf[0] << 24 | (size_t)buf[1] << 16 |
		    (size_t)buf[2] << 8 | buf[3];
		if (len > sizeof(buf) - 8 - res.residual)
			len = sizeof(buf) - 8 - res.residual;
		/* Peripheral and flat addressing: the LUN is in bytes 0-1. */
		for (i = 8; i + 8 <= 8 + len && n < max; i += 8)
			luns[n++] = (buf[i] & 0x3f) << 8 | buf[i + 1];
	}
	scsi_close(t);
	return n;
}

int
scsi_discover_iscsi(const char *portal_url, struct scsi_found *out, int max,
    char *err, size_t errlen)
{
	struct sendtargets *st;
	const char *at, *host = portal_url + 8;
	char portal[256], userinfo[256] = "", base[320], ident[320], *suffix;
	int luns[MAX_LUNS], nl, i, j, count = 0, denied = 0;

	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (send_targets(portal_url, st, portal, sizeof(portal), err, errlen) < 0) {
		free(st);
		return -1;
	}
	/* Every LUN URI carries the portal URL's credentials along. */
	if ((at = strchr(host, '@')) != NULL)
		snprintf(userinfo, sizeof(userinfo), "%.*s", (int)(at - host + 1), host);
	for (i = 0; i < st->n && count < max; i++) {
		snprintf(base, sizeof(base), "iscsi://%s%s/%s/", userinfo, portal,
		    st->target[i]);
		if ((nl = report_luns(base, luns, MAX_LUNS)) < 0 && denied++ == 0)
			snprintf(err, errlen, "target %.200s refused the login (CHAP "
			    "user or secret?)", st->target[i]);
		suffix = strrchr(st->target[i], ':');
		suffix = suffix ? suffix + 1 : st->target[i];
		for (j = 0; j < nl && count < max; j++) {
			if (luns[j] == 0)
				continue;	/* tgt's controller, never a scanner */
			if (strlen(base) > 240)
				break;	/* would not fit a device URI */
			snprintf(out[count].uri, sizeof(out[count].uri), "%.240s%d",
			    base, luns[j]);
			snprintf(ident, sizeof(ident), luns[j] == 1 ? "%s" : "%s %d",
			    suffix, luns[j]);
			scsi_name_from(ident, out[count].name, sizeof(out[count].name));
			snprintf(ident, sizeof(ident), "%s %s %d", portal, suffix, luns[j]);
			scsi_name_from(ident, out[count].alt, sizeof(out[count].alt));
			count++;
		}
	}
	if (denied > 1)
		snprintf(err + strlen(err), errlen - strlen(err), ", and %d more", denied - 1);
	free(st);
	return count;
}
