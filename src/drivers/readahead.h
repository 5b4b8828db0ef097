/*
 * readahead.h - keep the next READ of an image queued at the device while
 * the last one's data is handed up.  Over iSCSI each command otherwise
 * waits a network round trip during which the scanner and the target sit
 * idle; with the next READ already there, they never do.
 * Private to src/drivers/.
 *
 * Only on transports that queue (scsi_can_queue); a driver reads with
 * drv_execute elsewhere.  The driver builds its own READ CDBs and never
 * asks for more than the image holds: a READ past the end would reach a
 * scanner that has finished.
 */
#ifndef SCSANED_DRIVERS_READAHEAD_H
#define SCSANED_DRIVERS_READAHEAD_H

#include <stddef.h>
#include <stdint.h>

#include "scsaned/device.h"
#include "scsaned/scsi.h"

struct drv_ra {
	struct {
		struct scsi_cmd *cmd;
		size_t len;
	} q[SCSI_QUEUE_MAX];		/* oldest at head */
	int head, count;
	unsigned long seq;		/* READs started: picks the buffer */
	uint8_t *buf[SCSI_QUEUE_MAX];
	size_t buf_size;
};

/* Buffers for READs of up to SIZE bytes; 0, or -1 out of memory. */
int drv_ra_init(struct drv_ra *ra, size_t size);

/* 1 when another READ may be started. */
int drv_ra_room(const struct drv_ra *ra);

/*
 * Start a READ (CDB asking for LEN bytes, LEN <= the buffer size) on DEV's
 * target T with DEV's timeout or TIMEOUT_MS.  The data of the last
 * finished READ is invalid from here on.  0, or -1 with RES filled.
 */
int drv_ra_start(struct drv_ra *ra, const struct device *dev, struct scsi_target *t,
    const uint8_t *cdb, size_t cdb_len, size_t len, unsigned timeout_ms,
    struct scsi_result *res);

/*
 * Wait for the oldest READ: scsi_execute's return and RES, its data in
 * *DATA and the length asked for in *LEN.  -1 (SCSI_TERR_INVALID) when
 * nothing is queued.
 */
int drv_ra_finish(struct drv_ra *ra, struct scsi_target *t, uint8_t **data,
    size_t *len, struct scsi_result *res);

/*
 * Finish every READ still queued and drop its data: before any other
 * command, at cancel, at close.  Returns how many there were.
 */
int drv_ra_drain(struct drv_ra *ra, struct scsi_target *t);

/* Frees the buffers; drain the queue before. */
void drv_ra_free(struct drv_ra *ra);

#endif
