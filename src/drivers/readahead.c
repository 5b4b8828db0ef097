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

#include "readahead.h"

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
