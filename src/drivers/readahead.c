/*
 * readahead.c - READs queued ahead of the one being handed up, for
 * transports that carry more than one command at a time.
 *
 * READ number k lands in buffer k % SCSI_QUEUE_MAX.  With at most
 * SCSI_QUEUE_MAX in flight, the buffer a new READ takes belonged to one
 * already finished, whose data the caller has been told is gone.
 */
#include <stdlib.h>
#include <string.h>

#include "scsaned/log.h"
#include "scsaned/scsi_opcodes.h"
#include "readahead.h"
#include "scsiutil.h"

int
drv_ra_init(struct drv_ra *ra, size_t size)
{
	int i;

	if (ra->buf_size >= size && ra->buf[0] != NULL)
		return 0;
	for (i = 0; i < SCSI_QUEUE_MAX; i++) {
		free(ra->buf[i]);
		if ((ra->buf[i] = malloc(size)) == NULL) {
			ra->buf_size = 0;
			return -1;
		}
	}
	ra->buf_size = size;
	return 0;
}

int
drv_ra_room(const struct drv_ra *ra)
{
	return ra->count < SCSI_QUEUE_MAX;
}

int
drv_ra_start(struct drv_ra *ra, const struct device *dev, struct scsi_target *t,
    const uint8_t *cdb, size_t cdb_len, size_t len, unsigned timeout_ms,
    struct scsi_result *res)
{
	int slot = (ra->head + ra->count) % SCSI_QUEUE_MAX;
	struct scsi_cmd *c;

	if (!drv_ra_room(ra) || len > ra->buf_size) {
		memset(res, 0, sizeof(*res));
		res->transport_error = SCSI_TERR_INVALID;
		return -1;
	}
	c = scsi_start(t, cdb, cdb_len, SCSI_DIR_IN, ra->buf[ra->seq % SCSI_QUEUE_MAX],
	    len, dev->timeout_ms ? dev->timeout_ms : timeout_ms, res);
	if (c == NULL)
		return -1;
	ra->q[slot].cmd = c;
	ra->q[slot].len = len;
	ra->count++;
	ra->seq++;
	return 0;
}

int
drv_ra_finish(struct drv_ra *ra, struct scsi_target *t, uint8_t **data,
    size_t *len, struct scsi_result *res)
{
	/* The oldest in flight was started count READs ago. */
	unsigned long seq = ra->seq - (unsigned long)ra->count;
	int slot = ra->head;

	if (ra->count == 0) {
		memset(res, 0, sizeof(*res));
		res->transport_error = SCSI_TERR_INVALID;
		return -1;
	}
	*data = ra->buf[seq % SCSI_QUEUE_MAX];
	*len = ra->q[slot].len;
	ra->head = (ra->head + 1) % SCSI_QUEUE_MAX;
	ra->count--;
	return scsi_finish(t, ra->q[slot].cmd, res);
}

int
drv_ra_drain(struct drv_ra *ra, struct scsi_target *t)
{
	struct scsi_result res;
	uint8_t *data;
	size_t len;
	int n = 0;

	for (; ra->count > 0; n++)
		drv_ra_finish(ra, t, &data, &len, &res);
	return n;
}

void
drv_ra_free(struct drv_ra *ra)
{
	int i;

	for (i = 0; i < SCSI_QUEUE_MAX; i++) {
		free(ra->buf[i]);
		ra->buf[i] = NULL;
	}
	ra->buf_size = 0;
}

int
drv_lines_begin(struct drv_lines *r, const struct device *dev, struct scsi_target *t,
    uint8_t *own, uint8_t byte1, size_t line, uint64_t lines, unsigned timeout_ms)
{
	r->dev = dev;
	r->t = t;
	r->own = own;
	r->byte1 = byte1;
	r->line = line;
	r->per_read = DRV_XFER_MAX / line;
	r->unasked = lines;
	r->reads = r->ahead = 0;
	r->timeout_ms = timeout_ms;
	r->queue = scsi_can_queue(t);
	if (r->queue && drv_ra_init(&r->ra, r->per_read * line) < 0)
		return -1;
	return 0;
}

void
drv_lines_limit(struct drv_lines *r, size_t max)
{
	if (r->per_read * r->line > max)
		r->per_read = max / r->line > 0 ? max / r->line : 1;
}

static void
lines_cdb(const struct drv_lines *r, uint8_t cdb[10], size_t lines)
{
	memset(cdb, 0, 10);
	cdb[0] = SCSI_OP_READ10;
	cdb[1] = r->byte1;
	drv_put_be(cdb + 6, 3, (uint32_t)(lines * r->line));
}

/* What READ's result means for an image that must arrive whole. */
static SANE_Status
lines_check(const struct drv_lines *r, int rc, const struct scsi_result *res, size_t n)
{
	if (rc != 0)
		return drv_failed(r->dev, "READ", res);
	if (res->residual != 0) {
		log_err("%s: READ delivered %zu of %zu bytes", r->dev->name,
		    n - res->residual, n);
		return SANE_STATUS_IO_ERROR;
	}
	return SANE_STATUS_GOOD;
}

/* One more READ handed up; after the image's last, what they were. */
static void
lines_count(struct drv_lines *r)
{
	r->reads++;
	if (r->ra.count > 0)
		r->ahead++;
	if (r->unasked == 0 && r->ra.count == 0)
		log_debug("%s: image read in %lu READ(s) of up to %zu lines of %zu bytes, "
		    "%lu handed up with the next queued", r->dev->name, r->reads, r->per_read,
		    r->line, r->ahead);
}

/* Keep READs for what the window still holds queued, then take the oldest. */
static SANE_Status
lines_queued(struct drv_lines *r, const uint8_t **data, size_t *lines)
{
	struct scsi_result res;
	uint8_t cdb[10], *got;
	size_t n, len;
	SANE_Status st;
	int rc;

	while (drv_ra_room(&r->ra) && r->unasked > 0) {
		n = r->unasked < r->per_read ? (size_t)r->unasked : r->per_read;
		lines_cdb(r, cdb, n);
		if (drv_ra_start(&r->ra, r->dev, r->t, cdb, sizeof(cdb), n * r->line,
		    r->timeout_ms, &res) != 0) {
			drv_lines_drop(r);
			return drv_failed(r->dev, "READ", &res);
		}
		r->unasked -= n;
	}
	rc = drv_ra_finish(&r->ra, r->t, &got, &len, &res);
	if ((st = lines_check(r, rc, &res, len)) != SANE_STATUS_GOOD) {
		drv_lines_drop(r);
		return st;
	}
	*data = got;
	*lines = len / r->line;
	lines_count(r);
	return SANE_STATUS_GOOD;
}

SANE_Status
drv_lines_get(struct drv_lines *r, size_t out_line, SANE_Int max, const uint8_t **data,
    size_t *lines)
{
	struct scsi_result res;
	uint8_t cdb[10];
	SANE_Status st;
	size_t n;
	int rc;

	if (r->queue && (r->ra.count > 0 || r->unasked > 0))
		return lines_queued(r, data, lines);
	n = drv_lines_next(r->per_read, r->unasked * r->line, r->line, out_line, max);
	if (n == 0)
		return SANE_STATUS_INVAL;
	lines_cdb(r, cdb, n);
	rc = drv_execute(r->dev, r->t, cdb, sizeof(cdb), SCSI_DIR_IN, r->own, n * r->line,
	    r->timeout_ms, &res);
	r->unasked -= n;
	*data = r->own;
	*lines = n;
	if ((st = lines_check(r, rc, &res, n * r->line)) == SANE_STATUS_GOOD)
		lines_count(r);
	return st;
}

int
drv_lines_drop(struct drv_lines *r)
{
	int n = drv_ra_drain(&r->ra, r->t);

	if (n > 0)
		log_debug("%s: %d queued READ(s) dropped", r->dev->name, n);
	return n;
}

void
drv_lines_free(struct drv_lines *r)
{
	drv_ra_free(&r->ra);
}
