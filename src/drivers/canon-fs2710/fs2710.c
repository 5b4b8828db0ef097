/*
 * fs2710.c - drive the Canon CanoScan 2710 (FS2710S; INQUIRY "CANON"
 * "IX-27025E") over SCSI: Canon's extended inquiry (page F0) and MODE
 * SENSE page 03h for its resolutions, area and unit; SET/GET WINDOW of
 * the 72-byte block (12 bits, colour: the only way the unit scans);
 * Canon's scan-mode pages (DEFINE SCAN MODE D6, 6-byte CDB); focus with
 * EXECUTE AF/AE (E0) and GET FILM STATUS (E1); SCAN, GET DATA STATUS and
 * READ(10); OBJECT POSITION (31h) to eject.
 *
 * The unit sends whole aligned lines of R, G, B little-endian words with
 * the 12 bits at the top.  The driver makes 8-bit samples of their top 8
 * bits or scales the 12 bits to 16, in host order, inverting negatives
 * (the unit has no negative mode of its own).  It reads many lines per
 * READ and converts them straight into the caller's buffer; over iSCSI
 * the next READ is already queued while one is handed up (readahead.h):
 * the unit takes a READ of any length and ends each GOOD with all it
 * asked for, so the queue never asks past the frame the window holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/driver.h"
#include "scsaned/log.h"
#include "scsaned/scsi_opcodes.h"
#include "../optutil.h"
#include "../readahead.h"
#include "../scsiutil.h"
#include "fs2710.h"

#define TIMEOUT_MS	10000
#define FOCUS_MS	60000
#define READ_MS		120000
#define WIN_LEN		72
#define PAGE_F0_LEN	74

static SANE_Status
fs27_cmd(struct fs27 *s, const char *what, const uint8_t *cdb, size_t cdb_len,
    enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms, struct scsi_result *res)
{
	return drv_cmd(s->dev, s->t, what, cdb, cdb_len, dir, buf, len, timeout_ms, res);
}

/* Page F0 and page 03h; refuses a unit whose answers make no sense. */
SANE_Status
fs27_read_caps(struct fs27 *s)
{
	uint8_t inq[6] = { SCSI_OP_INQUIRY, 1, 0xf0, 0, PAGE_F0_LEN, 0 };
	uint8_t ms[6] = { SCSI_OP_MODE_SENSE6, 0, SCSI_MODE_PAGE_MEASUREMENT, 0, 12, 0 };
	uint8_t f0[PAGE_F0_LEN], m[12];
	struct fs27_caps *c = &s->caps;
	SANE_Status st;

	memset(f0, 0, sizeof(f0));
	memset(m, 0, sizeof(m));
	if ((st = fs27_cmd(s, "INQUIRY page F0", inq, 6, SCSI_DIR_IN, f0, sizeof(f0),
	    TIMEOUT_MS, NULL)) != SANE_STATUS_GOOD ||
	    (st = fs27_cmd(s, "MODE SENSE page 03", ms, 6, SCSI_DIR_IN, m, sizeof(m),
	    TIMEOUT_MS, NULL)) != SANE_STATUS_GOOD)
		return st;
	c->max_dpi = drv_be(f0 + 10, 2);
	c->min_dpi = drv_be(f0 + 14, 2);
	c->x_range = drv_be(f0 + 20, 4);
	c->y_range = drv_be(f0 + 24, 4);
	c->mud = (m[4] & 0x3f) == SCSI_MODE_PAGE_MEASUREMENT ? drv_be(m + 8, 2) : 0;
	if (f0[1] != 0xf0 || c->min_dpi == 0 || c->max_dpi < c->min_dpi ||
	    c->max_dpi > 12000 || c->mud == 0 || c->mud > 12000 ||
	    c->x_range == 0 || c->y_range == 0 || c->x_range > 64 * c->mud ||
	    c->y_range > 64 * c->mud) {
		log_err("%s: the scanner describes itself oddly: %u-%u dpi, %u units an "
		    "inch, area %u x %u", s->dev->name, c->min_dpi, c->max_dpi, c->mud,
		    c->x_range, c->y_range);
		return SANE_STATUS_IO_ERROR;
	}
	return SANE_STATUS_GOOD;
}

static SANE_Status
fs27_eject(struct fs27 *s)
{
	uint8_t cdb[10] = { SCSI_OP_OBJECT_POSITION };

	return fs27_cmd(s, "OBJECT POSITION (eject)", cdb, 10, SCSI_DIR_NONE, NULL, 0,
	    FOCUS_MS, NULL);
}

/* The area in the unit's measurement units; -1 if it is empty. */
static int
fs27_area(const struct fs27 *s, uint32_t *x, uint32_t *y, uint32_t *w, uint32_t *l)
{
	return opt_area(s->area, s->caps.mud, s->caps.x_range, s->caps.y_range, 1, x, y, w, l);
}

static SANE_Status
fs27_window(struct fs27 *s, unsigned res, uint32_t x, uint32_t y, uint32_t w, uint32_t l)
{
	uint8_t set[10] = { SCSI_OP_SET_WINDOW, 0, 0, 0, 0, 0, 0, 0, WIN_LEN };
	uint8_t get[10] = { SCSI_OP_GET_WINDOW, 1, 0, 0, 0, 0, 0, 0, WIN_LEN };
	uint8_t b[WIN_LEN], r[WIN_LEN];
	SANE_Status st;

	memset(b, 0, sizeof(b));
	memset(r, 0, sizeof(r));	/* a short answer then fails the comparison */
	b[7] = WIN_LEN - 8;
	drv_window_geometry(b + 8, res, res, x, y, w, l);
	b[30] = 128;			/* brightness, threshold, contrast: neutral */
	b[31] = 128;
	b[32] = 128;
	b[33] = SCSI_COMP_RGB;
	b[34] = 12;
	b[36] = 1;
	b[37] = 0x83;			/* reverse image format bit, padding type 3 */
	if ((st = fs27_cmd(s, "SET WINDOW", set, 10, SCSI_DIR_OUT, b, sizeof(b), TIMEOUT_MS,
	    NULL)) != SANE_STATUS_GOOD ||
	    (st = fs27_cmd(s, "GET WINDOW", get, 10, SCSI_DIR_IN, r, sizeof(r), TIMEOUT_MS,
	    NULL)) != SANE_STATUS_GOOD)
		return st;
	if (memcmp(r + 10, b + 10, 20) != 0) {
		log_err("%s: the scanner changed the window to %u x %u dpi, %u,%u %u x %u",
		    s->dev->name, drv_be(r + 10, 2), drv_be(r + 12, 2), drv_be(r + 14, 4),
		    drv_be(r + 18, 4), drv_be(r + 22, 4), drv_be(r + 26, 4));
		return SANE_STATUS_INVAL;
	}
	return SANE_STATUS_GOOD;
}

/* Page 02h: the film unit, positive; page 20h: scan control, automatic speed. */
static SANE_Status
fs27_scan_mode(struct fs27 *s)
{
	uint8_t c02[6] = { CANON_OP_DEFINE_SCAN_MODE, 0x10, 0, 0, 12, 0 };
	uint8_t c20[6] = { CANON_OP_DEFINE_SCAN_MODE, 0x10, 0, 0, 20, 0 };
	uint8_t p02[12] = { 0, 0, 0, 0, 0x02, 6, 0x80, 0x05, 0x27, 0x10, 1, 0 };
	uint8_t p20[20] = { 0, 0, 0, 0, 0x20, 14 };
	SANE_Status st;

	if ((st = fs27_cmd(s, "DEFINE SCAN MODE page 02", c02, 6, SCSI_DIR_OUT, p02,
	    sizeof(p02), TIMEOUT_MS, NULL)) != SANE_STATUS_GOOD)
		return st;
	return fs27_cmd(s, "DEFINE SCAN MODE page 20", c20, 6, SCSI_DIR_OUT, p20, sizeof(p20),
	    TIMEOUT_MS, NULL);
}

/* Autofocus, or the manual focus; the position the unit ends at is logged. */
static SANE_Status
fs27_focus(struct fs27 *s)
{
	uint8_t af[10] = { CANON_OP_EXECUTE_AFAE }, gfs[10] = { CANON_OP_GET_FILM_STATUS };
	uint8_t r[4] = { 0 };
	SANE_Status st;

	af[1] = s->autofocus ? 1 : 0;
	af[4] = (uint8_t)(s->autofocus ? 0 : s->focus);
	gfs[8] = sizeof(r);
	if ((st = fs27_cmd(s, "EXECUTE AF", af, 10, SCSI_DIR_NONE, NULL, 0, FOCUS_MS,
	    NULL)) != SANE_STATUS_GOOD ||
	    (st = fs27_cmd(s, "GET FILM STATUS", gfs, 10, SCSI_DIR_IN, r, sizeof(r),
	    TIMEOUT_MS, NULL)) != SANE_STATUS_GOOD)
		return st;
	log_info("%s: focus %s at %u", s->dev->name, s->autofocus ? "found" : "set", r[3]);
	return SANE_STATUS_GOOD;
}

static SANE_Status
fs27_scan(struct fs27 *s)
{
	uint8_t scan[6] = { SCSI_OP_SCAN, 0, 0, 0, 1, 0 }, id = 0, r[28];
	uint8_t gds[10] = { SCSI_OP_GET_DATA_BUFFER_STATUS, 0, 0, 0, 0, 0, 0, 0, 28 };
	SANE_Status st;

	memset(r, 0, sizeof(r));	/* a short answer then fails the check */
	if ((st = fs27_cmd(s, "SCAN", scan, 6, SCSI_DIR_OUT, &id, 1, FOCUS_MS, NULL)) !=
	    SANE_STATUS_GOOD ||
	    (st = fs27_cmd(s, "GET DATA STATUS", gds, 10, SCSI_DIR_IN, r, sizeof(r),
	    TIMEOUT_MS, NULL)) != SANE_STATUS_GOOD)
		return st;
	if (drv_be(r + 12, 4) != (uint32_t)s->params.pixels_per_line ||
	    drv_be(r + 16, 4) != (uint32_t)s->params.lines) {
		log_err("%s: the scanner will send %u x %u pixels, expected %d x %d",
		    s->dev->name, drv_be(r + 12, 4), drv_be(r + 16, 4),
		    s->params.pixels_per_line, s->params.lines);
		return SANE_STATUS_IO_ERROR;
	}
	return SANE_STATUS_GOOD;
}

/* The image size for the options as set: the unit's own arithmetic. */
static void
fs27_geometry(const struct fs27 *s, SANE_Parameters *p)
{
	unsigned res = fs27_effective_res(s);
	uint32_t x, y, w = 0, l = 0;
	int bps = fs27_effective_depth(s) == 16 ? 2 : 1;

	if (fs27_area(s, &x, &y, &w, &l) < 0)
		w = l = 0;
	p->format = SANE_FRAME_RGB;
	p->last_frame = SANE_TRUE;
	p->depth = fs27_effective_depth(s);
	p->pixels_per_line = (SANE_Int)((uint64_t)w * res / s->caps.mud);
	p->lines = (SANE_Int)((uint64_t)l * res / s->caps.mud);
	p->bytes_per_line = p->pixels_per_line * 3 * bps;
}

/* A line as the unit sends it: 6 bytes a pixel. */
static size_t
dev_line(const struct fs27 *s)
{
	return (size_t)s->params.pixels_per_line * 6;
}

static SANE_Status
fs27_start(void *h)
{
	struct fs27 *s = h;
	uint32_t x, y, w, l;
	SANE_Status st;

	if (s->scanning)
		return SANE_STATUS_DEVICE_BUSY;
	s->cancelled = 0;
	fs27_geometry(s, &s->params);
	if (fs27_area(s, &x, &y, &w, &l) < 0 || s->params.pixels_per_line == 0 ||
	    s->params.lines == 0 || dev_line(s) > DRV_XFER_MAX)
		return SANE_STATUS_INVAL;
	if (s->dbuf == NULL && ((s->dbuf = malloc(DRV_XFER_MAX)) == NULL ||
	    (s->obuf = malloc(DRV_XFER_MAX)) == NULL))
		return SANE_STATUS_NO_MEM;
	if ((st = drv_wait_ready(s->dev, s->t, TIMEOUT_MS, 500)) != SANE_STATUS_GOOD ||
	    (st = fs27_window(s, fs27_effective_res(s), x, y, w, l)) != SANE_STATUS_GOOD ||
	    (st = fs27_scan_mode(s)) != SANE_STATUS_GOOD ||
	    (!s->preview && (st = fs27_focus(s)) != SANE_STATUS_GOOD) ||
	    (st = fs27_scan(s)) != SANE_STATUS_GOOD)
		return st;
	if (drv_lines_begin(&s->rd, s->dev, s->t, s->dbuf, 0, dev_line(s),
	    (uint64_t)s->params.lines, READ_MS) < 0)
		return SANE_STATUS_NO_MEM;
	s->left = (uint64_t)dev_line(s) * (uint64_t)s->params.lines;
	drv_out_set(&s->out, NULL, 0);
	s->scanning = 1;
	return SANE_STATUS_GOOD;
}

/* LINES device lines from IN to SANE lines at OUT; returns the bytes made. */
static size_t
fs27_convert(const struct fs27 *s, const uint8_t *in, size_t lines, uint8_t *out)
{
	size_t n = lines * (size_t)s->params.pixels_per_line * 3, i;
	int neg = fs27_negative(s), deep = s->params.depth == 16;
	uint16_t v, w;

	for (i = 0; i < n; i++) {
		v = (uint16_t)((in[2 * i] | in[2 * i + 1] << 8) >> 4);
		if (neg)
			v = (uint16_t)(4095 - v);
		if (deep) {
			w = (uint16_t)(v << 4 | v >> 8);
			memcpy(out + 2 * i, &w, 2);	/* host order; OUT may be odd */
		} else {
			out[i] = (uint8_t)(v >> 4);
		}
	}
	return deep ? 2 * n : n;
}

/*
 * Whole lines, converted straight into the caller's buffer when it holds
 * at least one; a caller asking less than a line gets it through OBUF.
 */
static SANE_Status
fs27_read(void *h, SANE_Byte *buf, SANE_Int max, SANE_Int *len)
{
	struct fs27 *s = h;
	size_t out_line = (size_t)s->params.bytes_per_line, lines;
	const uint8_t *data;
	SANE_Status st;

	*len = 0;
	if (!s->scanning)
		return s->cancelled ? SANE_STATUS_CANCELLED : SANE_STATUS_EOF;
	if (drv_out_empty(&s->out)) {
		if (s->left == 0) {
			s->scanning = 0;
			return SANE_STATUS_EOF;
		}
		if ((st = drv_lines_get(&s->rd, out_line, max, &data, &lines)) !=
		    SANE_STATUS_GOOD) {
			s->scanning = 0;
			return st;
		}
		s->left -= (uint64_t)lines * dev_line(s);
		if (max > 0 && lines * out_line <= (size_t)max) {
			*len = (SANE_Int)fs27_convert(s, data, lines, buf);
			return SANE_STATUS_GOOD;
		}
		drv_out_set(&s->out, s->obuf, fs27_convert(s, data, lines, s->obuf));
	}
	*len = drv_out_take(&s->out, buf, max);
	return SANE_STATUS_GOOD;
}

/*
 * The unit has no abort: the next SCAN starts afresh, whatever was left.
 * A READ queued ahead still comes back first, so nothing overtakes it.
 */
static void
fs27_cancel(void *h)
{
	struct fs27 *s = h;

	drv_lines_drop(&s->rd);
	s->cancelled = s->scanning;
	s->scanning = 0;
	s->left = 0;
	drv_out_set(&s->out, NULL, 0);
}

static SANE_Status
fs27_parameters(void *h, SANE_Parameters *p)
{
	struct fs27 *s = h;

	if (s->scanning)
		*p = s->params;
	else
		fs27_geometry(s, p);
	return SANE_STATUS_GOOD;
}

static SANE_Status
fs27_open(struct device *dev, void **handle)
{
	uint8_t rsv[6] = { SCSI_OP_RESERVE_UNIT };
	struct fs27 *s;
	SANE_Status st;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return SANE_STATUS_NO_MEM;
	s->dev = dev;
	if ((st = drv_open(dev, &s->t)) != SANE_STATUS_GOOD) {
		free(s);
		return st;
	}
	if ((st = fs27_cmd(s, "RESERVE", rsv, 6, SCSI_DIR_NONE, NULL, 0, TIMEOUT_MS, NULL)) !=
	    SANE_STATUS_GOOD || (st = fs27_read_caps(s)) != SANE_STATUS_GOOD) {
		scsi_close(s->t);
		free(s);
		return st;
	}
	fs27_opts_init(s);
	*handle = s;
	return SANE_STATUS_GOOD;
}

static void
fs27_close(void *h)
{
	struct fs27 *s = h;
	uint8_t rel[6] = { SCSI_OP_RELEASE_UNIT };

	fs27_cancel(s);
	fs27_cmd(s, "RELEASE", rel, 6, SCSI_DIR_NONE, NULL, 0, TIMEOUT_MS, NULL);
	drv_lines_free(&s->rd);
	scsi_close(s->t);
	free(s->dbuf);
	free(s->obuf);
	free(s);
}

static const struct driver_model models[] = {
	{ "CANON", "IX-27025E", "Canon", "CanoScan 2710" },
	{ NULL, NULL, NULL, NULL },
};

/* The options are fs2710_opts.c's; its one button, eject, is pressed here. */
static SANE_Status
fs27_control(void *h, SANE_Int n, SANE_Action a, void *v, SANE_Int *info)
{
	struct fs27 *s = h;
	enum opt_next next;
	SANE_Status st = fs27_opts_control(s, n, a, v, info, &next);

	return next == OPT_BUTTON ? fs27_eject(s) : st;
}

static const struct device_ops fs27_ops = {
	.open = fs27_open,
	.close = fs27_close,
	.option = fs27_option,
	.control = fs27_control,
	.parameters = fs27_parameters,
	.start = fs27_start,
	.read = fs27_read,
	.cancel = fs27_cancel,
};

const struct driver driver_fs2710 = {
	.name = "fs2710",
	.type = "film scanner",
	.models = models,
	.ops = &fs27_ops,
};
