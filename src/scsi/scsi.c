/*
 * scsi.c - transport selection and the few commands every driver needs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/scsi.h"
#include "scsaned/scsi_opcodes.h"



/* Transports by URI scheme. */
static const struct scsi_transport_ops *const transports[] = {
	&scsi_sim_transport,
	&scsi_sg_transport,
	&scsi_iscsi_transport,
};

static const struct scsi_transport_ops *
transport_of(const char *uri)
{
	size_t i;

	for (i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
		if (strncmp(uri, transports[i]->scheme, strlen(transports[i]->scheme)) == 0)
			return transports[i];
	return NULL;
}

int
scsi_open(const char *uri, struct scsi_target **out, char *err, size_t errlen)
{
	const struct scsi_transport_ops *ops = transport_of(uri);
	char shown[256];

	*out = NULL;
	if (ops != NULL)
		return ops->open(uri, out, err, errlen);
	snprintf(err, errlen, "unknown URI scheme in '%.200s' (known: sim:, sg:, iscsi://)",
	    scsi_uri_display(uri, shown, sizeof(shown)));
	return SCSI_OPEN_FAILED;
}

const char *
scsi_uri_display(const char *uri, char *out, size_t len)
{
	const char *auth = uri + 8, *at, *end, *pct;
	char *tp, *tmp;
	size_t n;

	if (strncmp(uri, "iscsi://", 8) != 0) {
		snprintf(out, len, "%s", uri);
		return out;
	}
	/* user%password@ : the first '@' ends the user part (libiscsi's rule). */
	end = auth + strcspn(auth, "/");
	at = memchr(auth, '@', (size_t)(end - auth));
	pct = at ? memchr(auth, '%', (size_t)(at - auth)) : NULL;
	if (pct != NULL)
		snprintf(out, len, "%.*s%%****%s", (int)(pct - uri), uri, at);
	else
		snprintf(out, len, "%s", uri);
	/* Mutual CHAP: target_password=... up to the next '&'. */
	if ((tp = strstr(out, "target_password=")) != NULL &&
	    (tmp = malloc(len)) != NULL) {
		tp += strlen("target_password=");
		n = strcspn(tp, "&");
		/* Rebuilt, not moved in place: "****" may be longer than the secret. */
		snprintf(tmp, len, "%.*s****%s", (int)(tp - out), out, tp + n);
		memcpy(out, tmp, len);
		free(tmp);
	}
	return out;
}

/* iscsi://[userinfo@]host[:port]/rest -> iscsi://host:port/rest */
void
scsi_uri_canonical(const char *uri, char *out, size_t len)
{
	const char *host = uri + 8, *slash, *at, *colon;

	if (strncmp(uri, "iscsi://", 8) != 0) {
		snprintf(out, len, "%s", uri);
		return;
	}
	slash = host + strcspn(host, "/");
	if ((at = memchr(host, '@', (size_t)(slash - host))) != NULL)
		host = at + 1;
	/* A port follows the last ':' after any "[v6]" bracket. */
	colon = memchr(host, ']', (size_t)(slash - host));
	colon = memchr(colon ? colon : host, ':', (size_t)(slash - (colon ? colon : host)));
	snprintf(out, len, "iscsi://%.*s%s%s", (int)(slash - host), host,
	    colon ? "" : ":3260", slash);
}

int
scsi_uri_shared(const char *uri)
{
	const struct scsi_transport_ops *ops = transport_of(uri);

	return ops == NULL || !ops->instance;
}

int
scsi_uri_exclusive(const char *what)
{
	const struct scsi_transport_ops *ops;

	/* A discover spec names its transport without the colon. */
	if (strcmp(what, "sg") == 0 || strncmp(what, "sg ", 3) == 0)
		what = scsi_sg_transport.scheme;
	ops = transport_of(what);
	return ops != NULL && ops->exclusive;
}

int
scsi_uri_same(const char *a, const char *b)
{
	char ca[300], cb[300];

	scsi_uri_canonical(a, ca, sizeof(ca));
	scsi_uri_canonical(b, cb, sizeof(cb));
	return strcmp(ca, cb) == 0;
}

void
scsi_close(struct scsi_target *t)
{
	if (t != NULL)
		t->ops->close(t);
}

static int
request_valid(const struct scsi_target *t, size_t cdb_len, enum scsi_dir dir,
    const void *buf, size_t len, struct scsi_result *res)
{
	memset(res, 0, sizeof(*res));
	if (t == NULL || cdb_len == 0 || cdb_len > 16 || (len > 0 && buf == NULL) ||
	    (dir == SCSI_DIR_NONE && len != 0)) {
		res->transport_error = SCSI_TERR_INVALID;
		return 0;
	}
	return 1;
}

/* The verdict on a transport's answer RC, with RES made consistent. */
static int
verdict(int rc, struct scsi_result *res)
{
	if (rc < 0 || res->transport_error != SCSI_TERR_NONE) {
		if (res->transport_error == SCSI_TERR_NONE)
			res->transport_error = SCSI_TERR_HOST;
		return -1;
	}
	return res->status == SCSI_STATUS_GOOD ? 0 : 1;
}

int
scsi_execute(struct scsi_target *t, const uint8_t *cdb, size_t cdb_len,
    enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms,
    struct scsi_result *res)
{
	int rc;

	if (!request_valid(t, cdb_len, dir, buf, len, res))
		return -1;
	rc = verdict(t->ops->execute(t, cdb, cdb_len, dir, buf, len, timeout_ms, res), res);
	if (res->residual > len)
		res->residual = len;
	return rc;
}

int
scsi_can_queue(const struct scsi_target *t)
{
	return t != NULL && t->ops->start != NULL && t->ops->finish != NULL;
}

struct scsi_cmd *
scsi_start(struct scsi_target *t, const uint8_t *cdb, size_t cdb_len,
    enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms,
    struct scsi_result *res)
{
	struct scsi_cmd *c;

	if (!request_valid(t, cdb_len, dir, buf, len, res))
		return NULL;
	if (!scsi_can_queue(t)) {
		res->transport_error = SCSI_TERR_INVALID;
		return NULL;
	}
	c = t->ops->start(t, cdb, cdb_len, dir, buf, len, timeout_ms, res);
	if (c == NULL && res->transport_error == SCSI_TERR_NONE)
		res->transport_error = SCSI_TERR_HOST;
	return c;
}

int
scsi_finish(struct scsi_target *t, struct scsi_cmd *c, struct scsi_result *res)
{
	memset(res, 0, sizeof(*res));
	/* The transport clamps the residual: only it knows C's length. */
	return verdict(t->ops->finish(t, c, res), res);
}

static void
trim_copy(char *dst, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : ' ';
	while (n > 0 && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

int
scsi_inquiry_parse(const uint8_t *buf, size_t len, struct scsi_inquiry *inq)
{
	memset(inq, 0, sizeof(*inq));
	if (len < 36)
		return -1;
	inq->peripheral_type = buf[0] & 0x1f;
	inq->qualifier = buf[0] >> 5;
	inq->version = buf[2] & 0x07;
	trim_copy(inq->vendor, buf + 8, 8);
	trim_copy(inq->product, buf + 16, 16);
	trim_copy(inq->revision, buf + 32, 4);
	return 0;
}

int
scsi_inquiry(struct scsi_target *t, struct scsi_inquiry *inq,
    struct scsi_result *res)
{
	uint8_t cdb[6] = { SCSI_OP_INQUIRY, 0, 0, 0, 36, 0 };
	uint8_t buf[36];
	int rc;

	memset(buf, 0, sizeof(buf));
	rc = scsi_execute(t, cdb, sizeof(cdb), SCSI_DIR_IN, buf, sizeof(buf),
	    5000, res);
	if (rc != 0)
		return rc;
	if (scsi_inquiry_parse(buf, sizeof(buf) - res->residual, inq) < 0)
		return 1;
	return 0;
}

int
scsi_inquiry_vpd(struct scsi_target *t, uint8_t page, uint8_t *buf, size_t len,
    size_t *got, struct scsi_result *res)
{
	uint8_t cdb[6] = { SCSI_OP_INQUIRY, 1, page, 0, 0, 0 };
	int rc;

	if (len > 255)
		len = 255;
	cdb[4] = (uint8_t)len;
	memset(buf, 0, len);
	rc = scsi_execute(t, cdb, sizeof(cdb), SCSI_DIR_IN, buf, len, 5000, res);
	*got = rc == 0 ? len - res->residual : 0;
	return rc;
}

int
scsi_test_unit_ready(struct scsi_target *t, struct scsi_result *res)
{
	uint8_t cdb[6] = { SCSI_OP_TEST_UNIT_READY, 0, 0, 0, 0, 0 };

	return scsi_execute(t, cdb, sizeof(cdb), SCSI_DIR_NONE, NULL, 0, 5000, res);
}

int
scsi_request_sense(struct scsi_target *t, struct scsi_result *res)
{
	uint8_t cdb[6] = { SCSI_OP_REQUEST_SENSE, 0, 0, 0, 18, 0 };
	uint8_t buf[18];
	int rc;

	memset(buf, 0, sizeof(buf));
	rc = scsi_execute(t, cdb, sizeof(cdb), SCSI_DIR_IN, buf, sizeof(buf),
	    5000, res);
	if (rc == 0) {
		memcpy(res->sense, buf, sizeof(buf) - res->residual);
		res->sense_len = sizeof(buf) - res->residual;
	}
	return rc;
}

const char *
scsi_type_name(uint8_t type)
{
	switch (type) {
	case 0x00: return "disk";
	case 0x01: return "tape";
	case 0x02: return "printer";
	case SCSI_TYPE_PROCESSOR: return "processor";
	case 0x05: return "cd/dvd";
	case SCSI_TYPE_SCANNER: return "scanner";
	default: return "other";
	}
}
