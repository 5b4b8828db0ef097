/*
 * scsiutil.c - command, sense and readiness helpers shared by the SCSI
 * scanner drivers.
 */
#include <string.h>
#include <time.h>

#include "scsaned/log.h"
#include "scsaned/scsi_opcodes.h"
#include "scsiutil.h"

/* The first vendor-specific ASC: with a medium error, taken as a jam. */
#define ASC_VENDOR_JAM	0x80

SANE_Status
drv_open(const struct device *dev, struct scsi_target **t)
{
	char err[256];
	int rc;

	if ((rc = scsi_open(dev->uri, t, err, sizeof(err))) == 0)
		return SANE_STATUS_GOOD;
	log_err("%s: %s", dev->name, err);
	return rc == SCSI_OPEN_DENIED ? SANE_STATUS_ACCESS_DENIED :
	    rc == SCSI_OPEN_BUSY ? SANE_STATUS_DEVICE_BUSY : SANE_STATUS_IO_ERROR;
}

SANE_Status
drv_sense_status(const struct scsi_result *r)
{
	struct scsi_sense_data s;

	if (r->transport_error != SCSI_TERR_NONE)
		return SANE_STATUS_IO_ERROR;
	if (r->status == SCSI_STATUS_BUSY)
		return SANE_STATUS_DEVICE_BUSY;
	scsi_sense_decode(r->sense, r->sense_len, &s);
	if (!s.valid)
		return SANE_STATUS_IO_ERROR;
	if (s.asc == SCSI_ASC_NO_MEDIUM)
		return SANE_STATUS_NO_DOCS;
	switch (s.key) {
	case SCSI_SK_NOT_READY:
		return SANE_STATUS_DEVICE_BUSY;
	case SCSI_SK_MEDIUM_ERROR:
		return s.asc == SCSI_ASC_LOAD_EJECT_FAILED || s.asc == ASC_VENDOR_JAM ?
		    SANE_STATUS_JAMMED : SANE_STATUS_IO_ERROR;
	case SCSI_SK_ILLEGAL_REQUEST:
		return SANE_STATUS_INVAL;
	default:
		return SANE_STATUS_IO_ERROR;
	}
}

SANE_Status
drv_failed(const struct device *dev, const char *what, const struct scsi_result *res)
{
	char msg[200];

	log_warn("%s: %s: %s", dev->name, what, scsi_result_string(res, msg, sizeof(msg)));
	return drv_sense_status(res);
}

int
drv_execute(const struct device *dev, struct scsi_target *t, const uint8_t *cdb,
    size_t cdb_len, enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms,
    struct scsi_result *res)
{
	return scsi_execute(t, cdb, cdb_len, dir, buf, len,
	    dev->timeout_ms ? dev->timeout_ms : timeout_ms, res);
}

SANE_Status
drv_cmd(const struct device *dev, struct scsi_target *t, const char *what,
    const uint8_t *cdb, size_t cdb_len, enum scsi_dir dir, void *buf, size_t len,
    unsigned timeout_ms, struct scsi_result *res)
{
	struct scsi_result own;

	if (res == NULL)
		res = &own;
	if (drv_execute(dev, t, cdb, cdb_len, dir, buf, len, timeout_ms, res) == 0)
		return SANE_STATUS_GOOD;
	return drv_failed(dev, what, res);
}

void
drv_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

SANE_Status
drv_wait_ready(const struct device *dev, struct scsi_target *t, unsigned wait_ms,
    unsigned poll_ms)
{
	struct scsi_result res;
	struct scsi_sense_data sense;
	char msg[200];
	unsigned waited;
	int rc;

	for (waited = 0; waited <= wait_ms; waited += poll_ms) {
		rc = scsi_test_unit_ready(t, &res);
		if (rc == 0)
			return SANE_STATUS_GOOD;
		if (rc < 0)
			break;
		scsi_sense_decode(res.sense, res.sense_len, &sense);
		if (res.status != SCSI_STATUS_BUSY &&
		    !(sense.valid && (sense.key == SCSI_SK_NOT_READY ||
		    sense.key == SCSI_SK_UNIT_ATTENTION) && sense.asc != SCSI_ASC_NO_MEDIUM))
			break;
		if (waited == 0)
			log_info("%s: waiting for the device: %s", dev->name,
			    scsi_result_string(&res, msg, sizeof(msg)));
		drv_sleep_ms(poll_ms);
	}
	if (drv_sense_status(&res) == SANE_STATUS_NO_DOCS)
		log_err("%s: no film or document in the device: %s", dev->name,
		    scsi_result_string(&res, msg, sizeof(msg)));
	else
		log_err("%s: device not ready: %s", dev->name,
		    scsi_result_string(&res, msg, sizeof(msg)));
	return drv_sense_status(&res);
}

uint32_t
drv_be(const uint8_t *p, size_t n)
{
	uint32_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

void
drv_put_be(uint8_t *p, size_t n, uint32_t v)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

SANE_Int
drv_out_take(struct drv_out *o, SANE_Byte *buf, SANE_Int max)
{
	size_t n = o->len - o->pos;

	if (max <= 0)
		return 0;
	if (n > (size_t)max)
		n = (size_t)max;
	memcpy(buf, o->data + o->pos, n);
	o->pos += n;
	return (SANE_Int)n;
}

size_t
drv_lines_next(size_t per_read, uint64_t left, size_t dev_line, size_t out_line,
    SANE_Int max)
{
	size_t lines = per_read;

	if ((uint64_t)lines * dev_line > left)
		lines = (size_t)(left / dev_line);
	if (max > 0 && (size_t)max >= out_line && lines > (size_t)max / out_line)
		lines = (size_t)max / out_line;
	return lines;
}

void
drv_window_geometry(uint8_t *d, unsigned xres, unsigned yres, uint32_t x, uint32_t y,
    uint32_t w, uint32_t l)
{
	drv_put_be(d + 2, 2, xres);
	drv_put_be(d + 4, 2, yres);
	drv_put_be(d + 6, 4, x);
	drv_put_be(d + 10, 4, y);
	drv_put_be(d + 14, 4, w);
	drv_put_be(d + 18, 4, l);
}
