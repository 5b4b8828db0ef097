/*
 * scsiutil.h - what every SCSI scanner driver does the same way: run a
 * command and log its failure, map sense to a SANE status, wait for the
 * device to be ready, big-endian fields.  Private to src/drivers/.
 */
#ifndef SCSANED_DRIVERS_SCSIUTIL_H
#define SCSANED_DRIVERS_SCSIUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sane/sane.h>

#include "scsaned/device.h"
#include "scsaned/scsi.h"

/* Bytes per READ at most, and the size of a driver's data buffers. */
#define DRV_XFER_MAX	DEVICE_XFER_MAX

/* Open DEV's transport; a failure is logged and mapped to a SANE status. */
SANE_Status drv_open(const struct device *dev, struct scsi_target **t);

/* The SANE status for a command that did not end GOOD. */
SANE_Status drv_sense_status(const struct scsi_result *r);

/* Log that WHAT failed on DEV with RES; the SANE status for it. */
SANE_Status drv_failed(const struct device *dev, const char *what,
    const struct scsi_result *res);

/*
 * Run one command on DEV's target T with DEV's configured timeout, or
 * TIMEOUT_MS where it has none: scsi_execute's result, nothing logged,
 * for callers that decide from the sense whether a failure is one.
 */
int drv_execute(const struct device *dev, struct scsi_target *t, const uint8_t *cdb,
    size_t cdb_len, enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms,
    struct scsi_result *res);

/*
 * drv_execute, and log a failure naming WHAT.  RES (may be
 * NULL) receives the result for callers that look at the sense.
 */
SANE_Status drv_cmd(const struct device *dev, struct scsi_target *t, const char *what,
    const uint8_t *cdb, size_t cdb_len, enum scsi_dir dir, void *buf, size_t len,
    unsigned timeout_ms, struct scsi_result *res);

/*
 * Poll TEST UNIT READY every POLL_MS, for at most WAIT_MS, while the
 * device is busy, becoming ready or reports a reset.  "Medium not
 * present" ends the wait at once (SANE_STATUS_NO_DOCS).
 */
SANE_Status drv_wait_ready(const struct device *dev, struct scsi_target *t,
    unsigned wait_ms, unsigned poll_ms);

void drv_sleep_ms(unsigned ms);
uint32_t drv_be(const uint8_t *p, size_t n);
void drv_put_be(uint8_t *p, size_t n, uint32_t v);

/*
 * Image data on its way up.  A driver converts whole lines straight into
 * the caller's buffer when it holds one; otherwise into a buffer of its
 * own, set here, which is then handed up in pieces as small as the caller
 * asks.  DATA is where the bytes are, not who owns them.
 */
struct drv_out {
	const uint8_t *data;
	size_t len, pos;
};

static inline int
drv_out_empty(const struct drv_out *o)
{
	return o->pos == o->len;
}

static inline void
drv_out_set(struct drv_out *o, const uint8_t *data, size_t len)
{
	o->data = data;
	o->len = len;
	o->pos = 0;
}

/* Copy at most MAX of what O still holds into BUF; how much it copied. */
SANE_Int drv_out_take(struct drv_out *o, SANE_Byte *buf, SANE_Int max);

/*
 * Lines for the next READ: at most PER_READ, no more than the LEFT bytes
 * of DEV_LINE-byte device lines, and, when the caller's MAX holds an
 * OUT_LINE-byte image line, no more than it holds (they go straight in).
 */
size_t drv_lines_next(size_t per_read, uint64_t left, size_t dev_line, size_t out_line,
    SANE_Int max);

/*
 * The geometry of a SCSI-2 window descriptor D (its byte 0 is the window
 * id): resolutions, upper left corner, width and length, every vendor's
 * descriptor starts with them.
 */
void drv_window_geometry(uint8_t *d, unsigned xres, unsigned yres, uint32_t x,
    uint32_t y, uint32_t w, uint32_t l);

#endif
