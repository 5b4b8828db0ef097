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
#include <sane/sane.h>

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

/*
 * An image read as READ(10)s of whole lines, for devices that deliver
 * every byte a READ asks for and answer a READ past the image's end with
 * an error (the film scanners): a short READ is an error here.  Where the
 * transport queues, up to SCSI_QUEUE_MAX READs of up to PER_READ lines
 * each stay in flight, never past the LINES the window holds; elsewhere
 * one READ at a time goes into the driver's own buffer, no larger than the
 * caller can take.
 */
struct drv_lines {
	struct drv_ra ra;
	const struct device *dev;
	struct scsi_target *t;
	uint8_t *own;		/* the driver's buffer of DRV_XFER_MAX bytes */
	size_t line;		/* bytes a device line */
	size_t per_read;	/* lines a READ at most */
	uint64_t unasked;	/* lines no READ has asked for yet */
	unsigned long reads;	/* READs handed up this image */
	unsigned long ahead;	/* ... of them with the next one already queued */
	unsigned timeout_ms;
	uint8_t byte1;		/* READ(10) CDB byte 1 (the FS4000US wants 10h) */
	int queue;		/* READs go ahead on this transport */
};

/*
 * Begin reading LINES lines of LINE bytes (LINE <= the READ maximum, OWN
 * that large) after SCAN.  0, or -1 out of memory.
 */
int drv_lines_begin(struct drv_lines *r, const struct device *dev,
    struct scsi_target *t, uint8_t *own, uint8_t byte1, size_t line,
    uint64_t lines, unsigned timeout_ms);

/*
 * For a device whose READs must stay below the transfer maximum: at most
 * MAX bytes a READ from here on, yet always one whole line.
 */
void drv_lines_limit(struct drv_lines *r, size_t max);

/*
 * The next lines of the image: *DATA and *LINES, valid until the next call
 * or drop.  One READ at a time asks no more lines than the caller's MAX
 * bytes hold as OUT_LINE-byte image lines (MAX 0: no limit); queued READs
 * were asked before the caller's room was known, so the caller checks.
 * Failures are logged and the queue dropped.  Nothing left: INVAL.  The
 * last lines' call logs at debug level how many READs the image took and
 * how many of them were handed up with the next one queued behind.
 */
SANE_Status drv_lines_get(struct drv_lines *r, size_t out_line, SANE_Int max,
    const uint8_t **data, size_t *lines);

/*
 * Finish and drop every READ in flight (cancel, close, an error): how many.
 * Afterwards r->unasked > 0 says the device is still inside the image.
 */
int drv_lines_drop(struct drv_lines *r);

void drv_lines_free(struct drv_lines *r);

#endif
