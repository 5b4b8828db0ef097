/*
 * coolscan.c - drive Nikon's SCSI and FireWire Coolscans (LS-30, LS-2000,
 * LS-4000 ED, LS-8000 ED) with their own command set: page C1 for what the
 * device can do, MODE SELECT of the unit (1/maximum dpi), SEND of frame
 * boundaries, E0/C1 for focus and the film transport, a window per colour
 * (ids 1, 2, 3, and 9 for infrared), SCAN of the id list, READ(10) of
 * line-sequential planes.
 *
 * Choices worth knowing:
 *  - READs carry as many whole lines as fit in DRV_XFER_MAX, not one line per
 *    command: on iSCSI every command is a round trip, and there the next
 *    READ is already queued while one is handed up (readahead.h).
 *  - Auto-exposure is the scanner's own pass (window kind 20h/40h, SCAN
 *    with no data); its result is read back with GET WINDOW.
 *  - Negatives: the scanner inverts (window flag), which turns the orange
 *    film base into a coloured black.  Before the frame we scan the strip
 *    of bare film after it (the gap between frames) with the same
 *    exposure, and subtract that base per channel.
 *  - Infrared: SANE (as Debian builds it) has no RGBI frame, and an extra
 *    gray frame after an RGB one makes scanimage abort (it asserts that
 *    later frames are red, green or blue).  So infrared is its own scan:
 *    window 9 alone over the same area, a gray image.  Same window, same
 *    pixels: it registers with the colour scan of that area.
 *  - The "re-issue" sense (9/80/06) after SCAN is answered by sending SCAN
 *    again, a bounded number of times.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/driver.h"
#include "scsaned/log.h"
#include "scsaned/scsi_opcodes.h"
#include "../optutil.h"
#include "../scsiutil.h"
#include "coolscan.h"

#define TIMEOUT_MS	10000
#define MOTION_MS	120000	/* focus, load, eject: the mechanics */
#define READY_WAIT_MS	120000
#define READY_POLL_MS	100
#define REISSUE_MAX	5
#define DESC_LEN	50

/* Window ids: one window per plane. */
#define WIN_RED		1
#define WIN_GREEN	2
#define WIN_BLUE	3
#define WIN_IR		9

/* Nikon's window descriptor: offsets from the window id byte. */
#define D_XRES		2
#define D_WIDTH		14
#define D_LENGTH	18
#define D_COMP		25
#define D_BPP		26
#define D_SAMPLES	40	/* (multi-sampling passes - 1) << 4 */
#define D_FLAGS		41	/* 80h, and bit 0 for positive film */
#define D_KIND		42	/* what SCAN does with the window */
#define D_MODE		43
#define D_ORDER		44
#define D_FFH		45	/* FFh in every window Nikon's software sends */
#define D_EXPOSURE	46	/* 4 bytes, 10 ns units; 0 = the scanner's own */

#define FLAGS_ALWAYS	0x80
#define FLAGS_POSITIVE	0x01
#define KIND_SCAN	0x01	/* an image */
#define KIND_AE		0x20	/* auto-exposure, one exposure for all colours */
#define KIND_AE_WB	0x40	/* auto-exposure, white-balanced */
#define MODE_ONE_PASS	0x02
#define MODE_MULTI	0x10	/* multi-sampling */
#define ORDER_LINE_PLANES	0x02	/* line-sequential planes */

#define SEND_BOUNDARIES	0x88	/* SEND data type: the frames of the holder */

/* Nikon's vendor sense: key 9, 80h/06h, "send the command again". */
#define ASC_NIKON	0x80
#define ASCQ_REISSUE	0x06


static SANE_Status
cs_cmd(struct cs *s, const char *what, const uint8_t *cdb, size_t cdb_len,
    enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms, struct scsi_result *res)
{
	return drv_cmd(s->dev, s->t, what, cdb, cdb_len, dir, buf, len, timeout_ms, res);
}

static SANE_Status
cs_ready(struct cs *s)
{
	return drv_wait_ready(s->dev, s->t, READY_WAIT_MS, READY_POLL_MS);
}

/* E0 with OP and up to 8 bytes of parameter, then EXECUTE, then wait. */
static SANE_Status
cs_set_execute(struct cs *s, uint8_t op, const uint8_t *param, size_t plen)
{
	uint8_t e0[10] = { NIKON_OP_SET_PARAM, 0, op, 0, 0, 0, 0, 0, 9, 0 };
	uint8_t data[9] = { 0 }, c1[6] = { NIKON_OP_EXECUTE };
	SANE_Status st;

	if (plen > 0)	/* Eject and Load pass no parameter: NULL, 0 */
		memcpy(data + 1, param, plen < 8 ? plen : 8);
	if ((st = cs_ready(s)) != SANE_STATUS_GOOD ||
	    (st = cs_cmd(s, "SET PARAMETER", e0, 10, SCSI_DIR_OUT, data, sizeof(data),
	    TIMEOUT_MS, NULL)) != SANE_STATUS_GOOD ||
	    (st = cs_cmd(s, "EXECUTE", c1, 6, SCSI_DIR_NONE, NULL, 0, MOTION_MS,
	    NULL)) != SANE_STATUS_GOOD)
		return st;
	return cs_ready(s);
}

static SANE_Status
cs_button(struct cs *s, uint8_t op)
{
	SANE_Status st = cs_set_execute(s, op, NULL, 0);

	/* An eject leaves no film: that is the point, not an error. */
	if (op == NIKON_SET_EJECT && st == SANE_STATUS_NO_DOCS)
		st = SANE_STATUS_GOOD;
	log_info("%s: %s: %s", s->dev->name, op == NIKON_SET_LOAD ? "load" : op == NIKON_SET_EJECT ?
	    "eject" : "reset", device_status_string(st));
	return st;
}

static SANE_Status
cs_focus(struct cs *s)
{
	uint8_t p[8], e1[10] = { NIKON_OP_GET_PARAM, 0, NIKON_GET_FOCUS, 0, 0, 0, 0, 0, 13, 0 }, r[13];
	SANE_Status st;

	if (s->autofocus) {
		/* The point to focus on: the centre of the scan area. */
		drv_put_be(p, 4, s->win_x + s->win_w / 2);
		drv_put_be(p + 4, 4, s->win_y + s->win_l / 2);
		if ((st = cs_set_execute(s, NIKON_SET_AUTOFOCUS, p, 8)) != SANE_STATUS_GOOD)
			return st;
		if (cs_cmd(s, "GET PARAMETER", e1, 10, SCSI_DIR_IN, r, sizeof(r),
		    TIMEOUT_MS, NULL) == SANE_STATUS_GOOD)
			log_info("%s: autofocus found position %u", s->dev->name,
			    drv_be(r + 1, 4));
		return SANE_STATUS_GOOD;
	}
	drv_put_be(p, 4, (uint32_t)s->focus);
	return cs_set_execute(s, NIKON_SET_FOCUS, p, 4);
}

static SANE_Status
cs_send_boundaries(struct cs *s)
{
	uint32_t pitch = s->caps.max_dpi * 3 / 2 + 1;
	size_t len = 4 + 16 * (size_t)s->caps.frames;
	uint8_t cdb[10] = { SCSI_OP_SEND10, 0, SEND_BOUNDARIES, 0, 0, 0x03 }, data[4 + 16 * 255];
	unsigned f;

	drv_put_be(cdb + 6, 3, (uint32_t)len);
	drv_put_be(data, 2, (uint32_t)len);
	data[2] = data[3] = (uint8_t)s->caps.frames;
	for (f = 0; f < s->caps.frames; f++) {
		drv_put_be(data + 4 + 16 * f, 4, f * pitch);
		drv_put_be(data + 8 + 16 * f, 4, 0);
		drv_put_be(data + 12 + 16 * f, 4, f * pitch + s->caps.y_boundary - 1);
		drv_put_be(data + 16 + 16 * f, 4, s->caps.x_boundary - 1);
	}
	return cs_cmd(s, "SEND (frame boundaries)", cdb, 10, SCSI_DIR_OUT, data, len,
	    TIMEOUT_MS, NULL);
}

/* One window: ID over (X, Y, W, L) at the scan's resolution. */
static SANE_Status
cs_set_window(struct cs *s, uint8_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t l,
    unsigned bpp, uint8_t kind, uint32_t exposure)
{
	uint8_t cdb[10] = { SCSI_OP_SET_WINDOW, 0, 0, 0, 0, 0, 0, 0, 8 + DESC_LEN, 0 };
	uint8_t data[8 + DESC_LEN], *d = data + 8;
	unsigned res = cs_effective_res(s);

	if (s->caps.vendor_window_flag)
		cdb[9] = 0x80;
	memset(data, 0, sizeof(data));
	drv_put_be(data + 6, 2, DESC_LEN);
	d[0] = id;
	drv_window_geometry(d, res, res, x, y, w, l);
	d[D_COMP] = SCSI_COMP_RGB;
	d[D_BPP] = (uint8_t)bpp;
	d[D_SAMPLES] = (uint8_t)((s->preview ? 0 : s->samples - 1) << 4);
	d[D_FLAGS] = FLAGS_ALWAYS | (strcmp(s->film, "Negative") != 0 ? FLAGS_POSITIVE : 0);
	d[D_KIND] = kind;
	d[D_MODE] = s->samples > 1 && !s->preview ? MODE_MULTI : MODE_ONE_PASS;
	d[D_ORDER] = ORDER_LINE_PLANES;
	d[D_FFH] = 0xff;
	drv_put_be(d + D_EXPOSURE, 4, exposure);
	return cs_cmd(s, "SET WINDOW", cdb, 10, SCSI_DIR_OUT, data, sizeof(data),
	    TIMEOUT_MS, NULL);
}

static SANE_Status
cs_get_window(struct cs *s, uint8_t id, uint8_t *desc)
{
	uint8_t cdb[10] = { SCSI_OP_GET_WINDOW, 0x01, 0, 0, 0, id, 0, 0, 8 + DESC_LEN, 0 };
	uint8_t data[8 + DESC_LEN];
	struct scsi_result res;
	SANE_Status st;

	memset(data, 0, sizeof(data));
	st = cs_cmd(s, "GET WINDOW", cdb, 10, SCSI_DIR_IN, data, sizeof(data), TIMEOUT_MS, &res);
	if (st != SANE_STATUS_GOOD)
		return st;
	if (sizeof(data) - res.residual < 8 + DESC_LEN || drv_be(data + 6, 2) < DESC_LEN ||
	    data[8] != id) {
		log_err("%s: GET WINDOW %u returned a short or foreign descriptor",
		    s->dev->name, id);
		return SANE_STATUS_IO_ERROR;
	}
	memcpy(desc, data + 8, DESC_LEN);
	return SANE_STATUS_GOOD;
}

/* SCAN of IDS, sent again while the scanner asks for it (9/80/06). */
static SANE_Status
cs_scan_cmd(struct cs *s, const uint8_t *ids, size_t n)
{
	uint8_t cdb[6] = { SCSI_OP_SCAN, 0, 0, 0, (uint8_t)n, 0 };
	struct scsi_result res;
	struct scsi_sense_data sense;
	SANE_Status st;
	int i;

	for (i = 0; i < REISSUE_MAX; i++) {
		if ((st = cs_ready(s)) != SANE_STATUS_GOOD)
			return st;
		if (drv_execute(s->dev, s->t, cdb, 6, SCSI_DIR_OUT, (void *)ids, n, MOTION_MS,
		    &res) == 0)
			return SANE_STATUS_GOOD;
		scsi_sense_decode(res.sense, res.sense_len, &sense);
		if (!(sense.valid && sense.key == SCSI_SK_VENDOR_SPECIFIC &&
		    sense.asc == ASC_NIKON && sense.ascq == ASCQ_REISSUE))
			return drv_failed(s->dev, "SCAN", &res);
		log_debug("%s: the scanner asks for SCAN again", s->dev->name);
	}
	log_err("%s: SCAN: the scanner kept asking for it again", s->dev->name);
	return SANE_STATUS_IO_ERROR;
}

/*
 * The scan area the options ask for, within one frame, in 1/max_dpi inch
 * (Y from the frame's top).  0, or -1 if it is smaller than one pixel.
 */
static int
cs_area(const struct cs *s, uint32_t *x, uint32_t *y, uint32_t *w, uint32_t *l)
{
	uint32_t pitch = s->caps.max_dpi / cs_effective_res(s);

	return opt_area(s->area, s->caps.max_dpi, s->caps.x_boundary, s->caps.y_boundary,
	    pitch, x, y, w, l);
}

/* The window of the frame to scan now: the area moved to that frame. */
static SANE_Status
cs_frame_window(struct cs *s)
{
	unsigned frame = s->all_frames ? s->next_frame : (unsigned)s->frame;
	uint32_t y;

	if (frame < 1 || frame > s->caps.frames)
		return SANE_STATUS_NO_DOCS;
	if (cs_area(s, &s->win_x, &y, &s->win_w, &s->win_l) < 0)
		return SANE_STATUS_INVAL;
	s->frame_top = (frame - 1) * (s->caps.max_dpi * 3 / 2 + 1);
	s->win_y = s->frame_top + y;
	log_info("%s: frame %u of %u", s->dev->name, frame, s->caps.frames);
	return SANE_STATUS_GOOD;
}

static SANE_Status
cs_exposures(struct cs *s)
{
	static const uint8_t ids[3] = { WIN_RED, WIN_GREEN, WIN_BLUE };
	uint8_t desc[DESC_LEN], kind = strcmp(s->ae, "AE-WB") == 0 ? KIND_AE_WB : KIND_AE;
	SANE_Status st;
	unsigned c;

	for (c = 0; c < 3; c++)
		s->exp10ns[c] = (uint32_t)(SANE_UNFIX(s->exposure[c]) * 100 + 0.5);
	if (strcmp(s->ae, "None") == 0)
		return SANE_STATUS_GOOD;
	for (c = 0; c < 3; c++)
		if ((st = cs_set_window(s, ids[c], s->win_x, s->win_y, s->win_w, s->win_l, 8,
		    kind, s->exp10ns[c])) != SANE_STATUS_GOOD)
			return st;
	if ((st = cs_scan_cmd(s, ids, 3)) != SANE_STATUS_GOOD)
		return st;
	for (c = 0; c < 3; c++) {
		if ((st = cs_get_window(s, ids[c], desc)) != SANE_STATUS_GOOD)
			return st;
		if (drv_be(desc + D_EXPOSURE, 4) != 0)
			s->exp10ns[c] = drv_be(desc + D_EXPOSURE, 4);
	}
	log_info("%s: auto-exposure: red %.0f, green %.0f, blue %.0f us", s->dev->name,
	    s->exp10ns[0] / 100.0, s->exp10ns[1] / 100.0, s->exp10ns[2] / 100.0);
	return SANE_STATUS_GOOD;
}

/* Lay out pass P for IDS over W x L units; 0, or -1 if empty or too large. */
static int
cs_pass_setup(const struct cs *s, struct cs_pass *p, const uint8_t *ids, unsigned n,
    uint32_t w, uint32_t l)
{
	uint32_t pitch = s->caps.max_dpi / cs_effective_res(s);
	int depth = cs_effective_depth(s);

	memset(p, 0, sizeof(*p));
	p->nplanes = n;
	memcpy(p->ids, ids, n);
	p->width = w / pitch;
	p->lines = l / pitch;
	p->bps = depth == 16 ? 2 : 1;
	p->bits = depth == 16 ? s->caps.bits : 8;
	p->samples = s->preview ? 1 : (unsigned)s->samples;
	p->pad = s->caps.odd_pad && p->bps == 1 && (p->width & 1) ? 1 : 0;
	p->dev_line = (size_t)p->samples * n * (p->pad + (size_t)p->width * p->bps);
	return p->width > 0 && p->lines > 0 && p->dev_line <= DRV_XFER_MAX ? 0 : -1;
}

/*
 * The film base of a negative: the bare film between this frame and the
 * next, scanned across the same width at the same resolution and
 * exposure; the mean of each channel as the scanner inverts it, in the
 * depth of the scan.
 */
static SANE_Status
cs_measure_base(struct cs *s, struct cs_pass *main)
{
	static const uint8_t ids[3] = { WIN_RED, WIN_GREEN, WIN_BLUE };
	uint32_t pitch = s->caps.max_dpi * 3 / 2 + 1, gap = pitch - s->caps.y_boundary;
	uint32_t i, c;
	uint64_t sum[3] = { 0, 0, 0 }, count = 0;
	struct cs_pass p;
	const uint8_t *data;
	size_t done, n, l;
	SANE_Status st;

	if (cs_pass_setup(s, &p, ids, 3, s->win_w, gap) < 0) {
		log_warn("%s: no bare film to measure the base on; negative not corrected",
		    s->dev->name);
		return SANE_STATUS_GOOD;
	}
	p.samples = 1;
	p.dev_line = 3 * (p.pad + (size_t)p.width * p.bps);
	for (c = 0; c < 3; c++)
		if ((st = cs_set_window(s, ids[c], s->win_x, s->frame_top + s->caps.y_boundary,
		    s->win_w, gap, p.bps == 2 ? s->caps.bits : 8, KIND_SCAN,
		    s->exp10ns[c])) != SANE_STATUS_GOOD)
			return st;
	if ((st = cs_scan_cmd(s, ids, 3)) != SANE_STATUS_GOOD)
		return st;
	if (drv_lines_begin(&s->rd, s->dev, s->t, s->dbuf, 0, p.dev_line, p.lines,
	    MOTION_MS) < 0)
		return SANE_STATUS_NO_MEM;
	for (done = 0; done < p.lines; done += n) {
		if ((st = drv_lines_get(&s->rd, 0, 0, &data, &n)) != SANE_STATUS_GOOD)
			return st;
		for (l = 0; l < n; l++) {
			for (c = 0; c < 3; c++) {
				const uint8_t *q = data + l * p.dev_line +
				    c * (p.pad + (size_t)p.width * p.bps) + p.pad;

				for (i = 0; i < p.width; i++)
					sum[c] += p.bps == 2 ? drv_be(q + 2 * i, 2) : q[i];
			}
			count += p.width;
		}
	}
	for (c = 0; c < 3; c++)
		main->base[c] = (uint32_t)(sum[c] / count);
	main->negative = 1;
	log_info("%s: negative film base (inverted): %u %u %u of %u", s->dev->name,
	    main->base[0], main->base[1], main->base[2], (1u << main->bits) - 1);
	return SANE_STATUS_GOOD;
}

static void
cs_params(const struct cs_pass *p, SANE_Parameters *out, int last)
{
	out->format = p->nplanes == 3 ? SANE_FRAME_RGB : SANE_FRAME_GRAY;
	out->last_frame = last;
	out->depth = p->bps == 2 ? 16 : 8;
	out->pixels_per_line = (SANE_Int)p->width;
	out->lines = (SANE_Int)p->lines;
	out->bytes_per_line = (SANE_Int)(p->width * p->nplanes * p->bps);
}

/* Windows, SCAN and the read state for pass P (already laid out). */
static SANE_Status
cs_begin_pass(struct cs *s, struct cs_pass *p)
{
	unsigned c;
	SANE_Status st;
	uint8_t desc[DESC_LEN];

	for (c = 0; c < p->nplanes; c++)
		if ((st = cs_set_window(s, p->ids[c], s->win_x, s->win_y, s->win_w, s->win_l,
		    p->bps == 2 ? s->caps.bits : 8, KIND_SCAN,
		    p->ids[c] == WIN_IR ? 0 : s->exp10ns[c])) != SANE_STATUS_GOOD)
			return st;
	if ((st = cs_get_window(s, p->ids[0], desc)) != SANE_STATUS_GOOD)
		return st;
	if (drv_be(desc + D_XRES, 2) != cs_effective_res(s) ||
	    drv_be(desc + D_WIDTH, 4) != s->win_w || drv_be(desc + D_LENGTH, 4) != s->win_l) {
		log_err("%s: the scanner changed the window", s->dev->name);
		return SANE_STATUS_IO_ERROR;
	}
	if ((st = cs_scan_cmd(s, p->ids, p->nplanes)) != SANE_STATUS_GOOD)
		return st;
	s->left = (uint64_t)p->dev_line * p->lines;
	/* Every READ whole lines: the Coolscans always deliver what it asks. */
	if (drv_lines_begin(&s->rd, s->dev, s->t, s->dbuf, 0, p->dev_line, p->lines,
	    MOTION_MS) < 0)
		return SANE_STATUS_NO_MEM;
	drv_out_set(&s->out, NULL, 0);
	s->scanning = 1;
	log_debug("%s: scanning %ux%u, %u plane(s), %u bytes a sample, %u pass(es), "
	    "%zu lines a READ", s->dev->name, p->width, p->lines, p->nplanes, p->bps,
	    p->samples, s->rd.per_read);
	return SANE_STATUS_GOOD;
}

/* The windows a scan reads: R, G, B; or infrared alone. */
static unsigned
cs_planes(const struct cs *s, const uint8_t **ids)
{
	static const uint8_t rgb[3] = { WIN_RED, WIN_GREEN, WIN_BLUE }, ir[1] = { WIN_IR };

	if (s->infrared && !s->preview) {
		*ids = ir;
		return 1;
	}
	*ids = rgb;
	return 3;
}

static SANE_Status
cs_start_frame(struct cs *s)
{
	const uint8_t *ids;
	unsigned n = cs_planes(s, &ids);
	SANE_Status st;

	if ((st = cs_frame_window(s)) != SANE_STATUS_GOOD)
		return st;
	if (cs_pass_setup(s, &s->pass, ids, n, s->win_w, s->win_l) < 0) {
		log_err("%s: scan area too small or a line too long", s->dev->name);
		return SANE_STATUS_INVAL;
	}
	if ((st = cs_ready(s)) != SANE_STATUS_GOOD ||
	    (st = cs_send_boundaries(s)) != SANE_STATUS_GOOD ||
	    (st = cs_focus(s)) != SANE_STATUS_GOOD ||
	    (st = cs_exposures(s)) != SANE_STATUS_GOOD)
		return st;
	if (n == 3 && strcmp(s->film, "Negative") == 0 &&
	    (st = cs_measure_base(s, &s->pass)) != SANE_STATUS_GOOD)
		return st;
	if ((st = cs_begin_pass(s, &s->pass)) != SANE_STATUS_GOOD)
		return st;
	cs_params(&s->pass, &s->params, 1);
	return SANE_STATUS_GOOD;
}

static SANE_Status
cs_start(void *h)
{
	struct cs *s = h;
	SANE_Status st;

	if (s->scanning)
		return SANE_STATUS_DEVICE_BUSY;
	s->cancelled = 0;
	if (s->dbuf == NULL && ((s->dbuf = malloc(DRV_XFER_MAX)) == NULL ||
	    (s->obuf = malloc(DRV_XFER_MAX)) == NULL))
		return SANE_STATUS_NO_MEM;
	if (s->all_frames && s->next_frame == 0)
		s->next_frame = (unsigned)s->frame;
	st = cs_start_frame(s);
	if (s->all_frames && st == SANE_STATUS_NO_DOCS)
		s->next_frame = 0;	/* the batch is over; the next starts afresh */
	else if (s->all_frames)
		s->next_frame++;
	return st;
}

/*
 * Whole lines go straight from the device buffer into the caller's, the
 * conversion being the only copy; a caller asking less than a line gets
 * it through OBUF.
 */
static SANE_Status
cs_read(void *h, SANE_Byte *buf, SANE_Int max, SANE_Int *len)
{
	struct cs *s = h;
	size_t lines, out_line = (size_t)s->params.bytes_per_line;
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
		s->left -= (uint64_t)lines * s->pass.dev_line;
		if (max > 0 && lines * out_line <= (size_t)max) {
			cs_convert(&s->pass, data, lines, buf);
			*len = (SANE_Int)(lines * out_line);
			return SANE_STATUS_GOOD;
		}
		cs_convert(&s->pass, data, lines, s->obuf);
		drv_out_set(&s->out, s->obuf, lines * out_line);
	}
	*len = drv_out_take(&s->out, buf, max);
	return SANE_STATUS_GOOD;
}

/* Mid-scan: ABORT, so the scanner stops moving film and is ready again. */
static void
cs_cancel(void *h)
{
	struct cs *s = h;
	uint8_t cdb[6] = { NIKON_OP_ABORT };

	/* READs queued ahead come back first: nothing may pass them. */
	drv_lines_drop(&s->rd);
	if (s->scanning && s->rd.unasked > 0)
		cs_cmd(s, "ABORT", cdb, 6, SCSI_DIR_NONE, NULL, 0, TIMEOUT_MS, NULL);
	s->cancelled = s->scanning;
	s->scanning = 0;
	s->next_frame = 0;
	s->left = 0;
	drv_out_set(&s->out, NULL, 0);
}

static SANE_Status
cs_parameters(void *h, SANE_Parameters *p)
{
	struct cs *s = h;
	struct cs_pass pass;
	const uint8_t *ids;
	unsigned n = cs_planes(s, &ids);
	uint32_t x, y, w, l;

	if (s->scanning) {
		*p = s->params;
		return SANE_STATUS_GOOD;
	}
	memset(&pass, 0, sizeof(pass));
	if (cs_area(s, &x, &y, &w, &l) < 0 || cs_pass_setup(s, &pass, ids, n, w, l) < 0)
		memset(&pass, 0, sizeof(pass));
	pass.nplanes = n;
	cs_params(&pass, p, 1);
	return SANE_STATUS_GOOD;
}

static SANE_Status
cs_mode_select(struct cs *s)
{
	uint8_t cdb[6] = { SCSI_OP_MODE_SELECT6, 0x10, 0, 0, 20, 0 };
	uint8_t data[20] = { 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1, 0x03, 6 };

	drv_put_be(data + 16, 2, s->caps.max_dpi);
	return cs_cmd(s, "MODE SELECT", cdb, 6, SCSI_DIR_OUT, data, sizeof(data),
	    TIMEOUT_MS, NULL);
}

static SANE_Status
cs_open(struct device *dev, void **handle)
{
	struct scsi_inquiry inq;
	struct scsi_result res;
	uint8_t page[100];
	struct cs *s;
	size_t got;
	SANE_Status st;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return SANE_STATUS_NO_MEM;
	s->dev = dev;
	if ((st = drv_open(dev, &s->t)) != SANE_STATUS_GOOD) {
		free(s);
		return st;
	}
	/* No film is fine at open: the user may load it with the button. */
	if (scsi_inquiry(s->t, &inq, &res) != 0 ||
	    scsi_inquiry_vpd(s->t, NIKON_VPD_CAPABILITIES, page, sizeof(page), &got, &res) != 0 ||
	    cs_caps_parse(page, got, inq.product, &s->caps) < 0) {
		log_err("%s: no usable page C1 from the scanner", dev->name);
		st = SANE_STATUS_IO_ERROR;
		goto fail;
	}
	if ((st = cs_mode_select(s)) != SANE_STATUS_GOOD)
		goto fail;
	cs_opts_init(s);
	*handle = s;
	return SANE_STATUS_GOOD;
fail:
	scsi_close(s->t);
	free(s);
	return st;
}

static void
cs_close(void *h)
{
	struct cs *s = h;

	cs_cancel(s);
	drv_lines_free(&s->rd);
	scsi_close(s->t);
	free(s->dbuf);
	free(s->obuf);
	free(s);
}

static const struct driver_model models[] = {
	{ "Nikon", "COOLSCANIII", "Nikon", "LS-30" },
	{ "Nikon", "LS-2000", "Nikon", "LS-2000" },
	{ "Nikon", "LS-4000 ED", "Nikon", "LS-4000 ED" },
	{ "Nikon", "LS-8000 ED", "Nikon", "LS-8000 ED" },
	{ NULL, NULL, NULL, NULL },
};

/* The options are coolscan_opts.c's; a button moves film, so it is pressed here. */
static SANE_Status
cs_control(void *h, SANE_Int n, SANE_Action a, void *v, SANE_Int *info)
{
	struct cs *s = h;
	enum opt_next next;
	SANE_Status st = cs_opts_control(s, n, a, v, info, &next);

	if (next != OPT_BUTTON)
		return st;
	return cs_button(s, n == CS_OPT_LOAD ? NIKON_SET_LOAD : n == CS_OPT_EJECT ?
	    NIKON_SET_EJECT : NIKON_SET_RESET);
}

static const struct device_ops cs_ops = {
	.open = cs_open,
	.close = cs_close,
	.option = cs_option,
	.control = cs_control,
	.parameters = cs_parameters,
	.start = cs_start,
	.read = cs_read,
	.cancel = cs_cancel,
};

const struct driver driver_coolscan = {
	.name = "coolscan",
	.type = "film scanner",
	.models = models,
	.ops = &cs_ops,
};
