/*
 * scsi2.c - drive any scanner that follows the ANSI SCSI-2 scanner command
 * set: measurement units by MODE SELECT page 03h, one window (id 0) with
 * the standard 40-byte descriptor, SCAN, READ(10) of data type 00h.
 *
 * The window is read back with GET WINDOW after SET WINDOW, and the
 * parameters reported to the client come from what the device accepted,
 * so a device that rounds a resolution or an edge is still described
 * exactly.  READs ask for as many whole lines as fit in DRV_XFER_MAX.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/driver.h"
#include "scsaned/log.h"
#include "scsaned/scsi_opcodes.h"
#include "scsi2.h"
#include "../scsiutil.h"

#define TIMEOUT_MS	10000
#define SCAN_TIMEOUT_MS	60000
#define READY_WAIT_MS	60000
#define READY_POLL_MS	50

/* ---- talking to the device ----------------------------------------------- */

static SANE_Status
s2_cmd(struct s2 *s, const char *what, const uint8_t *cdb, size_t cdb_len,
    enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms)
{
	return drv_cmd(s->dev, s->t, what, cdb, cdb_len, dir, buf, len, timeout_ms, NULL);
}

static SANE_Status
s2_wait_ready(struct s2 *s)
{
	return drv_wait_ready(s->dev, s->t, READY_WAIT_MS, READY_POLL_MS);
}

/* READs the image no longer needs (it ended early, or the scan failed). */
static void
s2_read_drop(struct s2 *s)
{
	int n;

	if ((n = drv_ra_drain(&s->ra, s->t)) > 0)
		log_debug("%s: %d queued READ(s) dropped", s->dev->name, n);
}

void
s2_caps_defaults(struct s2_caps *c)
{
	c->min_res = 75;
	c->max_res = 300;
	c->width_u = 10200;	/* 8.5 x 11 inch, what every flatbed covers */
	c->length_u = 13200;
	c->comps = 1u << SCSI_COMP_LINEART | 1u << SCSI_COMP_GRAY;
	c->depths = 1u << 0 | 1u << 3;
}

int
s2_caps_parse(const uint8_t *page, size_t got, struct s2_caps *c)
{
	uint32_t w, l;

	if (got < 28 || page[1] != 0xf0)
		return 0;
	if (drv_be(page + 14, 2) == 0 || drv_be(page + 10, 2) < drv_be(page + 14, 2) ||
	    drv_be(page + 18, 4) == 0 || drv_be(page + 22, 4) == 0)
		return 0;	/* nonsense: keep the defaults */
	w = drv_be(page + 18, 4);
	l = drv_be(page + 22, 4);
	c->min_res = (SANE_Int)drv_be(page + 14, 2);
	c->max_res = (SANE_Int)drv_be(page + 10, 2);
	c->width_u = (SANE_Int)(w > 0x7fffff ? 0x7fffff : w);
	c->length_u = (SANE_Int)(l > 0x7fffff ? 0x7fffff : l);
	c->comps = page[26] & (1u << SCSI_COMP_LINEART | 1u << SCSI_COMP_GRAY |
	    1u << SCSI_COMP_RGB);
	c->depths = page[27] & (1u << 0 | 1u << 3 | 1u << 4);
	if (c->comps == 0)
		c->comps = 1u << SCSI_COMP_GRAY;
	if (!(c->depths & (1u << 3 | 1u << 4)))
		c->depths |= 1u << 3;
	return 1;
}

/* Capabilities from VPD page F0h; conservative defaults without it. */
static void
s2_read_caps(struct scsi_target *t, struct s2_caps *c)
{
	struct scsi_result res;
	uint8_t page[32];
	size_t got;

	s2_caps_defaults(c);
	if (scsi_inquiry_vpd(t, 0xf0, page, sizeof(page), &got, &res) == 0)
		s2_caps_parse(page, got, c);
}

static SANE_Status
s2_set_units(struct s2 *s)
{
	uint8_t cdb[6] = { SCSI_OP_MODE_SELECT6, 0x10, 0, 0, 12, 0 };
	uint8_t data[12] = { 0, 0, 0, 0, SCSI_MODE_PAGE_MEASUREMENT, 6, 0, 0 };

	drv_put_be(data + 8, 2, 1200);	/* BMU inch, MUD 1200 */
	return s2_cmd(s, "MODE SELECT", cdb, sizeof(cdb), SCSI_DIR_OUT, data,
	    sizeof(data), TIMEOUT_MS);
}

static SANE_Status
s2_set_window(struct s2 *s, const struct s2_window *w)
{
	uint8_t cdb[10] = { SCSI_OP_SET_WINDOW };
	uint8_t data[8 + 40];
	uint8_t *d = data + 8;

	memset(data, 0, sizeof(data));
	drv_put_be(cdb + 6, 3, sizeof(data));
	drv_put_be(data + 6, 2, 40);
	drv_window_geometry(d, (unsigned)w->xres, (unsigned)w->yres, (uint32_t)w->x,
	    (uint32_t)w->y, (uint32_t)w->w, (uint32_t)w->l);
	d[23] = w->threshold;
	d[25] = w->comp;
	d[26] = w->bpp;
	d[29] = 0x01;		/* RIF 0 (1 = black), pad lines with zeros */
	return s2_cmd(s, "SET WINDOW", cdb, sizeof(cdb), SCSI_DIR_OUT, data,
	    sizeof(data), TIMEOUT_MS);
}

/* Read back the window the device will actually scan. */
static SANE_Status
s2_get_window(struct s2 *s, struct s2_window *w)
{
	uint8_t cdb[10] = { SCSI_OP_GET_WINDOW, 0x01 };
	uint8_t data[8 + 40];
	SANE_Status st;

	memset(data, 0, sizeof(data));
	drv_put_be(cdb + 6, 3, sizeof(data));
	st = s2_cmd(s, "GET WINDOW", cdb, sizeof(cdb), SCSI_DIR_IN, data,
	    sizeof(data), TIMEOUT_MS);
	if (st != SANE_STATUS_GOOD)
		return st;
	if (s2_window_parse(data, sizeof(data), w) < 0) {
		log_err("%s: GET WINDOW returned a short descriptor", s->dev->name);
		return SANE_STATUS_IO_ERROR;
	}
	return SANE_STATUS_GOOD;
}

int
s2_window_parse(const uint8_t *data, size_t len, struct s2_window *w)
{
	const uint8_t *d = data + 8;

	if (len < 8 + 40 || drv_be(data + 6, 2) < 40 || drv_be(data, 2) < 6 + 40)
		return -1;
	w->xres = (SANE_Int)drv_be(d + 2, 2);
	w->yres = (SANE_Int)drv_be(d + 4, 2);
	w->x = (SANE_Int)(drv_be(d + 6, 4) & 0x7fffffff);
	w->y = (SANE_Int)(drv_be(d + 10, 4) & 0x7fffffff);
	w->w = (SANE_Int)(drv_be(d + 14, 4) & 0x7fffffff);
	w->l = (SANE_Int)(drv_be(d + 18, 4) & 0x7fffffff);
	w->threshold = d[23];
	w->comp = d[25];
	w->bpp = d[26];
	return 0;
}

/*
 * The device's window must be one we can convert: what we asked for in
 * kind, not empty, and small enough that no size computed from it
 * overflows (a device's reply is input like any other).
 */
int
s2_window_usable(const struct s2_window *want, const struct s2_window *got)
{
	int64_t ppl, lines;

	if (got->comp != want->comp || got->bpp != want->bpp)
		return 0;
	/* Only what we convert: lineart at 1 bit, gray or RGB at 8 or 16. */
	if (got->comp == SCSI_COMP_LINEART ? got->bpp != 1 :
	    (got->comp != SCSI_COMP_GRAY && got->comp != SCSI_COMP_RGB) ||
	    (got->bpp != 8 && got->bpp != 16))
		return 0;
	if (got->xres <= 0 || got->yres <= 0 || got->w <= 0 || got->l <= 0)
		return 0;
	ppl = (int64_t)got->w * got->xres / 1200;
	lines = (int64_t)got->l * got->yres / 1200;
	return ppl > 0 && lines > 0 && ppl <= (1 << 24) && lines <= (1 << 24);
}

/* ---- the device_ops ------------------------------------------------------ */

static SANE_Status
s2_open(struct device *dev, void **handle)
{
	struct s2 *s;
	SANE_Status st;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return SANE_STATUS_NO_MEM;
	s->dev = dev;
	if ((st = drv_open(dev, &s->t)) != SANE_STATUS_GOOD) {
		free(s);
		return st;
	}
	if ((st = s2_wait_ready(s)) != SANE_STATUS_GOOD) {
		scsi_close(s->t);
		free(s);
		return st;
	}
	s2_read_caps(s->t, &s->caps);
	s2_opts_init(s);
	*handle = s;
	return SANE_STATUS_GOOD;
}

/* Stop an unfinished scan: OBJECT POSITION unload homes the carriage. */
static void
s2_cancel(void *h)
{
	struct s2 *s = h;
	uint8_t cdb[10] = { SCSI_OP_OBJECT_POSITION };

	/* READs queued ahead come back first: nothing may pass them. */
	s2_read_drop(s);
	if (s->scanning && s->left > 0)
		s2_cmd(s, "OBJECT POSITION", cdb, sizeof(cdb), SCSI_DIR_NONE,
		    NULL, 0, SCAN_TIMEOUT_MS);
	s->cancelled = s->scanning;
	s->scanning = 0;
	s->left = 0;
	drv_out_set(&s->out, NULL, 0);
}

static void
s2_close(void *h)
{
	struct s2 *s = h;

	s2_cancel(s);
	drv_ra_free(&s->ra);
	scsi_close(s->t);
	free(s->buf);
	free(s);
}

static SANE_Status
s2_parameters(void *h, SANE_Parameters *p)
{
	struct s2 *s = h;
	struct s2_window w;

	if (s->scanning) {
		*p = s->params;
		return SANE_STATUS_GOOD;
	}
	s2_window_from_opts(s, &w);
	s2_params_from_window(&w, p);
	return SANE_STATUS_GOOD;
}

static SANE_Status
s2_start(void *h)
{
	struct s2 *s = h;
	uint8_t cdb[6] = { SCSI_OP_SCAN, 0, 0, 0, 1, 0 };
	uint8_t ids[1] = { 0 };
	struct s2_window want, got;
	SANE_Status st;
	size_t lines;

	if (s->scanning)
		return SANE_STATUS_DEVICE_BUSY;
	s->cancelled = 0;
	s2_window_from_opts(s, &want);
	if ((st = s2_wait_ready(s)) != SANE_STATUS_GOOD ||
	    (st = s2_set_units(s)) != SANE_STATUS_GOOD ||
	    (st = s2_set_window(s, &want)) != SANE_STATUS_GOOD ||
	    (st = s2_get_window(s, &got)) != SANE_STATUS_GOOD)
		return st;
	if (!s2_window_usable(&want, &got)) {
		log_err("%s: the device changed the window beyond use", s->dev->name);
		return SANE_STATUS_IO_ERROR;
	}
	s2_params_from_window(&got, &s->params);
	if (s->buf == NULL && (s->buf = malloc(DRV_XFER_MAX)) == NULL)
		return SANE_STATUS_NO_MEM;
	st = s2_cmd(s, "SCAN", cdb, sizeof(cdb), SCSI_DIR_OUT, ids, sizeof(ids),
	    SCAN_TIMEOUT_MS);
	if (st != SANE_STATUS_GOOD)
		return st;
	lines = DRV_XFER_MAX / (size_t)s->params.bytes_per_line;
	s->xfer_max = (lines ? lines : 1) * (size_t)s->params.bytes_per_line;
	if (s->xfer_max > DRV_XFER_MAX)
		s->xfer_max = DRV_XFER_MAX;	/* a line longer than a READ */
	s->left = (uint64_t)s->params.bytes_per_line * (uint64_t)s->params.lines;
	s->unasked = s->left;
	s->reads = s->ahead = 0;
	drv_out_set(&s->out, NULL, 0);
	s->queue = scsi_can_queue(s->t) && drv_ra_init(&s->ra, s->xfer_max) == 0;
	s->scanning = 1;
	log_debug("%s: scanning %dx%d at %d dpi, %d bits, %llu bytes",
	    s->dev->name, s->params.pixels_per_line, s->params.lines, got.xres,
	    got.bpp, (unsigned long long)s->left);
	return SANE_STATUS_GOOD;
}

/* SANE wants 16-bit samples in host order; SCSI devices send big-endian. */
static void
to_host_order(uint8_t *p, size_t n)
{
#if __BYTE_ORDER == __LITTLE_ENDIAN
	uint8_t t;
	size_t i;

	for (i = 0; i + 1 < n; i += 2) {
		t = p[i];
		p[i] = p[i + 1];
		p[i + 1] = t;
	}
#else
	(void)p;
	(void)n;
#endif
}

static void
s2_read_cdb(uint8_t cdb[10], size_t n)
{
	memset(cdb, 0, 10);
	cdb[0] = SCSI_OP_READ10;
	drv_put_be(cdb + 6, 3, (uint32_t)n);
}

/*
 * What a READ of N bytes into DST delivered, from its verdict RC and RES:
 * *got bytes, or the status that ends the scan.
 */
static SANE_Status
s2_read_done(struct s2 *s, int rc, const struct scsi_result *res, uint8_t *dst,
    size_t n, size_t *got)
{
	struct scsi_sense_data sense;
	char msg[200];

	*got = n - res->residual;
	if (rc == 1) {
		scsi_sense_decode(res->sense, res->sense_len, &sense);
		/* End of image before the bytes we expected: keep what came. */
		if (!sense.valid || sense.key != SCSI_SK_NO_SENSE ||
		    !(sense.eom || sense.ili)) {
			log_err("%s: READ: %s", s->dev->name,
			    scsi_result_string(res, msg, sizeof(msg)));
			return drv_sense_status(res);
		}
		if (sense.info_valid && sense.info <= n)
			*got = n - sense.info;
		log_warn("%s: image ended %llu bytes early", s->dev->name,
		    (unsigned long long)(s->left - *got));
		s->left = *got;
		s->unasked = 0;
	} else if (rc < 0) {
		log_err("%s: READ: %s", s->dev->name,
		    scsi_result_string(res, msg, sizeof(msg)));
		return SANE_STATUS_IO_ERROR;
	}
	if (*got > s->left)
		*got = (size_t)s->left;
	s->left -= *got;
	if (s->params.depth == 16)
		to_host_order(dst, *got);
	return SANE_STATUS_GOOD;
}

/* One READ(10) of N bytes into DST; *got is what the device delivered. */
static SANE_Status
s2_read_device(struct s2 *s, uint8_t *dst, size_t n, size_t *got)
{
	uint8_t cdb[10];
	struct scsi_result res;
	int rc;

	s2_read_cdb(cdb, n);
	rc = drv_execute(s->dev, s->t, cdb, sizeof(cdb), SCSI_DIR_IN, dst, n, SCAN_TIMEOUT_MS,
	    &res);
	return s2_read_done(s, rc, &res, dst, n, got);
}

/*
 * On a transport that queues: keep READs for what the image still holds
 * queued at the device, then take the oldest one's data into s->out.
 */
static SANE_Status
s2_fill(struct s2 *s)
{
	uint8_t cdb[10], *data;
	struct scsi_result res;
	size_t n, got;
	SANE_Status st;
	char msg[200];
	int rc;

	while (drv_ra_room(&s->ra) && s->unasked > 0) {
		n = s->unasked < s->xfer_max ? (size_t)s->unasked : s->xfer_max;
		s2_read_cdb(cdb, n);
		if (drv_ra_start(&s->ra, s->dev, s->t, cdb, sizeof(cdb), n,
		    SCAN_TIMEOUT_MS, &res) != 0) {
			log_err("%s: READ: %s", s->dev->name,
			    scsi_result_string(&res, msg, sizeof(msg)));
			s2_read_drop(s);
			return SANE_STATUS_IO_ERROR;
		}
		s->unasked -= n;
	}
	rc = drv_ra_finish(&s->ra, s->t, &data, &n, &res);
	s->reads++;
	if (s->ra.count > 0)
		s->ahead++;
	if ((st = s2_read_done(s, rc, &res, data, n, &got)) != SANE_STATUS_GOOD ||
	    s->left == 0) {
		/* What bench-latency reports as the READs kept in flight. */
		if (st == SANE_STATUS_GOOD)
			log_debug("%s: image read in %lu READ(s) of up to %zu bytes, "
			    "%lu handed up with the next queued", s->dev->name, s->reads,
			    s->xfer_max, s->ahead);
		s2_read_drop(s);
		if (st != SANE_STATUS_GOOD)
			return st;
	}
	/* A short READ without end of image: the device still owes the rest. */
	if (got < n) {
		s->unasked += n - got;
		if (s->unasked > s->left)
			s->unasked = s->left;
	}
	drv_out_set(&s->out, data, got);
	return SANE_STATUS_GOOD;
}

static SANE_Status
s2_read(void *h, SANE_Byte *buf, SANE_Int max, SANE_Int *len)
{
	struct s2 *s = h;
	size_t n, bpl, got;
	SANE_Status st;

	*len = 0;
	if (!s->scanning)
		return s->cancelled ? SANE_STATUS_CANCELLED : SANE_STATUS_EOF;
	if (max <= 0)
		return SANE_STATUS_GOOD;
	if (!drv_out_empty(&s->out)) {
		*len = drv_out_take(&s->out, buf, max);
		return SANE_STATUS_GOOD;
	}
	if (s->left == 0) {
		s->scanning = 0;
		return SANE_STATUS_EOF;
	}
	if (s->queue) {
		if ((st = s2_fill(s)) != SANE_STATUS_GOOD)
			return st;
		return s2_read(s, buf, max, len);
	}
	bpl = (size_t)s->params.bytes_per_line;
	n = s->left < s->xfer_max ? (size_t)s->left : s->xfer_max;
	if ((size_t)max >= bpl) {
		/* Whole lines straight into the caller's buffer: no copy. */
		if ((size_t)max < n)
			n = (size_t)max / bpl * bpl;
		st = s2_read_device(s, buf, n, &got);
		*len = (SANE_Int)got;
		return st;
	}
	/* A caller asking for less than a line reads through our buffer. */
	st = s2_read_device(s, s->buf, n, &got);
	if (st != SANE_STATUS_GOOD)
		return st;
	drv_out_set(&s->out, s->buf, got);
	return s2_read(s, buf, max, len);
}

static const struct device_ops s2_ops = {
	.open = s2_open,
	.close = s2_close,
	.option = s2_option,
	.control = s2_control,
	.parameters = s2_parameters,
	.start = s2_start,
	.read = s2_read,
	.cancel = s2_cancel,
};

const struct driver driver_scsi2 = {
	.name = "scsi2",
	.type = "flatbed scanner",
	.models = NULL,
	.ops = &s2_ops,
};
