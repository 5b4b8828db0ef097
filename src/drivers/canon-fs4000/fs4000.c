/*
 * fs4000.c - drive the Canon CanoScan FS4000US (INQUIRY "CANON"
 * "IX-40015G") over SCSI with its own command set: Canon's scan mode
 * (D5/D6, 6-byte CDBs), film status (E1), holder and carriage moves (E6),
 * lamps (E7/EA), AF (E0), motion mode (E8), SET WINDOW of the 72-byte
 * block with its quirks, SCAN, GET DATA STATUS and READ with byte 1 = 10h
 * (each one a function of fs4000_cmd.c; this file says when to send it).
 *
 * The unit leaves everything to the host, so this driver does what
 * Canon's FilmGet does:
 *  - it times the lamp's warm-up itself from GET LAMP (15 s; the unit
 *    gives no NOT READY), and says so in the log;
 *  - it homes the carriage before AF and before the holder moves home,
 *    puts the holder on the frame's AF position, autofocuses (or sets the
 *    manual focus), then puts it on the frame's scan position;
 *  - it undoes the line format: strips the 40-pixel margin, un-mirrors,
 *    realigns green and blue (k and 2k lines late) with a ring of 2k + 1
 *    lines, and scales 14 bits to 16.  The window is made 2k lines longer
 *    where the frame allows, so the image has the lines asked for;
 *  - exposure is Canon's own settings scaled per channel (percent), the
 *    shutter first and then a slower speed; auto-exposure is a quick
 *    250 dpi pass whose brightest samples set that scale;
 *  - negatives are inverted here against the film base, the brightest
 *    part of a 250 dpi pass over the whole frame width (the film beside
 *    the pictures), so the orange mask becomes black;
 *  - infrared is its own scan, as in the Coolscan driver: the IR lamp,
 *    the same window, one gray sample a pixel, forward so it registers
 *    line for line with the colour scan of that window;
 *  - over iSCSI the next READ of a scan or prepass is already queued at
 *    the target while the last one's lines are handed up (readahead.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/driver.h"
#include "scsaned/log.h"
#include "../optutil.h"
#include "../scsiutil.h"
#include "fs4000.h"

#define PREPASS_DPI	250
#define AE_TARGET	15500	/* 14-bit: the brightest samples just under white */

/* Canon's own settings for each lamp: gain, offset, shutter, speed. */
static const struct fs_front front_visible = {
	{ 47, 36, 36 }, { 281, 264, 261 }, { 750, 352, 235 }, 2,
};
static const struct fs_front front_ir = {
	{ 62, 62, 62 }, { 280, 277, 278 }, { 1000, 1000, 1000 }, 2,
};
#define SHUTTER_MAX	890	/* above this the CCD's black level gets noisy */
static const uint8_t speeds[] = { 2, 3, 4, 5, 6, 8, 10, 12 };

/* Holder positions (FilmGet's): where each frame's AF and scan start. */
static const uint16_t strip_af[FS_STRIP_FRAMES] = { 358, 836, 1316, 1794, 2272, 2750 };
static const uint16_t strip_scan[FS_STRIP_FRAMES] = { 606, 1084, 1564, 2042, 2520, 3000 };
static const uint16_t slide_af[FS_SLIDE_FRAMES] = { 292, 1072, 1850, 2628 };
static const uint16_t slide_scan[FS_SLIDE_FRAMES] = { 554, 1332, 2110, 2888 };

/* Lay out a pass of SPP samples over W x L units at RES; -1 if empty. */
static int
fs_pass_setup(struct fs_pass *p, unsigned spp, unsigned res, int depth, uint32_t w,
    uint32_t raw_l)
{
	uint32_t pitch = FS_DPI / res;

	memset(p, 0, sizeof(*p));
	p->spp = spp;
	p->bps = depth == 16 ? 2 : 1;
	p->pixels = w / pitch;
	p->raw_lines = raw_l / pitch;
	p->k = spp == 3 ? 8 * res / FS_DPI : 0;
	p->lines = p->raw_lines > 2 * p->k ? p->raw_lines - 2 * p->k : 0;
	p->dev_line = ((size_t)FS_MARGIN + p->pixels) * spp * p->bps;
	p->out_line = (size_t)p->pixels * spp * p->bps;
	return p->pixels > 0 && p->lines > 0 && p->dev_line <= FS_READ_MAX ? 0 : -1;
}

/* The scan area in device units, within one frame; -1 if empty. */
static int
fs_area(const struct fs *s, uint32_t *x, uint32_t *y, uint32_t *w, uint32_t *l)
{
	return opt_area(s->area, FS_DPI, FS_WIDTH, FS_LENGTH, 1, x, y, w, l);
}

/* Raw window length: the area plus the 2k lines the colour lag eats, if they fit. */
static uint32_t
fs_raw_length(unsigned res, unsigned spp, uint32_t y, uint32_t l)
{
	uint32_t pitch = FS_DPI / res, k = spp == 3 ? 8 * res / FS_DPI : 0;
	uint32_t want = (l / pitch + 2 * k) * pitch;

	return y + want <= FS_LENGTH ? want : FS_LENGTH - y;
}

/* Shutters and speed for exposure PCT (percent of Canon's) per channel. */
static void
fs_exposure(struct fs *s, const double pct[3])
{
	double e[3], top = 0;
	unsigned c, i;

	for (c = 0; c < 3; c++) {
		e[c] = front_visible.shutter[c] * (double)front_visible.speed * pct[c] / 100.0;
		top = e[c] > top ? e[c] : top;
	}
	for (i = 0; i + 1 < sizeof(speeds) && top / speeds[i] > SHUTTER_MAX; i++)
		;
	s->speed = speeds[i];
	for (c = 0; c < 3; c++) {
		e[c] = e[c] / s->speed + 0.5;
		s->shutter[c] = (uint16_t)(e[c] < 1 ? 1 : e[c] > 1000 ? 1000 : e[c]);
	}
}

/* The visible front end at the exposure chosen for this frame. */
static void
fs_front_visible(const struct fs *s, struct fs_front *f)
{
	*f = front_visible;
	memcpy(f->shutter, s->shutter, sizeof(f->shutter));
	f->speed = s->speed;
}

/*
 * A quick 250 dpi 14-bit pass over W x L at X, Y with the current
 * exposure: the brightest sample of each colour, 5 % of the area's edges
 * left out.  For auto-exposure and for a negative's film base.
 */
static SANE_Status
fs_prepass(struct fs *s, uint32_t x, uint32_t y, uint32_t w, uint32_t l, uint32_t top[3])
{
	struct fs_pass p;
	struct fs_front f;
	uint32_t n, i, c, v, m0, m1, p0, p1, done = 0;
	const uint8_t *data;
	size_t lines;
	SANE_Status st;

	if (fs_pass_setup(&p, 3, PREPASS_DPI, 16, w, l) < 0)
		return SANE_STATUS_INVAL;
	memset(top, 0, 3 * sizeof(top[0]));
	fs_front_visible(s, &f);
	if ((st = fs_scan_mode(s, FS_FORMAT_WORDS, &f)) !=
	    SANE_STATUS_GOOD || (st = fs_set_frame(s, FS_FRAME_NORMAL)) != SANE_STATUS_GOOD ||
	    (st = fs_window(s, PREPASS_DPI, x, y, w, l, 1, 16)) != SANE_STATUS_GOOD ||
	    (st = fs_scan(s, &p)) != SANE_STATUS_GOOD ||
	    (st = fs_lines_begin(s, &p)) != SANE_STATUS_GOOD)
		return st;
	p0 = p.pixels / 20;
	p1 = p.pixels - p0;
	m0 = p.raw_lines / 20 + 2 * p.k;
	m1 = p.raw_lines - p.raw_lines / 20;
	while (done < p.raw_lines) {
		if ((st = drv_lines_get(&s->rd, 0, 0, &data, &lines)) != SANE_STATUS_GOOD)
			return st;
		for (n = 0; n < lines; n++, done++) {
			if (done < m0 || done >= m1)
				continue;
			for (i = p0; i < p1; i++) {
				for (c = 0; c < 3; c++) {
					const uint8_t *q = data + n * p.dev_line +
					    ((FS_MARGIN + i) * 3 + c) * 2;

					v = (uint32_t)(q[0] | q[1] << 8) >> 2;
					top[c] = v > top[c] ? v : top[c];
				}
			}
		}
	}
	return SANE_STATUS_GOOD;
}

/* Exposure from the options, or measured: every colour scaled alike for slides. */
static SANE_Status
fs_exposures(struct fs *s, uint32_t x, uint32_t y, uint32_t w, uint32_t l, int negative)
{
	double pct[3], f, fmin = 0;
	uint32_t top[3];
	unsigned c;
	SANE_Status st;

	for (c = 0; c < 3; c++)
		pct[c] = SANE_UNFIX(s->exposure[c]);
	if (s->ae && !s->preview) {
		for (c = 0; c < 3; c++)
			pct[c] = 100;
		fs_exposure(s, pct);
		/* A negative's brightest part is its base, beside the pictures. */
		if ((st = negative ? fs_prepass(s, 0, y, FS_WIDTH, l, top) :
		    fs_prepass(s, x, y, w, l, top)) != SANE_STATUS_GOOD)
			return st;
		for (c = 0; c < 3; c++) {
			f = top[c] > 0 ? (double)AE_TARGET / top[c] : 4.0;
			f = f > 4.0 ? 4.0 : f < 0.25 ? 0.25 : f;
			pct[c] = 100 * f;
			fmin = c == 0 || f < fmin ? f : fmin;
		}
		if (!negative)
			for (c = 0; c < 3; c++)
				pct[c] = 100 * fmin;
		log_info("%s: auto-exposure: red %.0f%%, green %.0f%%, blue %.0f%%",
		    s->dev->name, pct[0], pct[1], pct[2]);
	}
	fs_exposure(s, pct);
	return SANE_STATUS_GOOD;
}

/* The holder position where FRAME's scan starts. */
static uint16_t
fs_scan_pos(const struct fs *s, unsigned frame)
{
	return (s->holder == HOLDER_STRIP ? strip_scan : slide_scan)[frame - 1];
}

/* Focus on the frame (or set the manual focus), then put it on its scan position. */
static SANE_Status
fs_position(struct fs *s, unsigned frame)
{
	const uint16_t *af = s->holder == HOLDER_STRIP ? strip_af : slide_af;
	uint16_t first = s->holder == HOLDER_STRIP ? 263 : 500;
	uint16_t last = s->holder == HOLDER_STRIP ? 3738 : 3500;
	uint8_t r[FS_STATUS_LEN];
	SANE_Status st;

	if ((st = fs_move(s, FS_MOVE_CARRIAGE, FS_MOVE_HOME, 0)) != SANE_STATUS_GOOD)
		return st;
	if (s->autofocus && !s->preview) {
		if ((st = fs_move(s, FS_MOVE_HOLDER, FS_MOVE_TO, af[frame - 1])) != SANE_STATUS_GOOD ||
		    (st = fs_move(s, FS_MOVE_CARRIAGE, FS_MOVE_HOME, 0)) != SANE_STATUS_GOOD ||
		    (st = fs_afae(s, FS_AF_AUTO, 0, first, last)) != SANE_STATUS_GOOD ||
		    (st = fs_film_status(s, r)) != SANE_STATUS_GOOD)
			return st;
		s->found_focus = r[FS_STATUS_FOCUS];
		log_info("%s: frame %u: autofocus at %u", s->dev->name, frame, s->found_focus);
	} else {
		s->found_focus = (uint8_t)(s->preview ? 128 : s->focus);
		if ((st = fs_afae(s, FS_AF_SET, s->found_focus, 0, 0)) != SANE_STATUS_GOOD)
			return st;
	}
	return fs_move(s, FS_MOVE_HOLDER, FS_MOVE_TO, fs_scan_pos(s, frame));
}

/* The film base of a negative at the exposure of the scan. */
static SANE_Status
fs_film_base(struct fs *s, uint32_t y, uint32_t l)
{
	SANE_Status st;

	unsigned c;

	if ((st = fs_prepass(s, 0, y, FS_WIDTH, l, s->pass.base)) != SANE_STATUS_GOOD)
		return st;
	/* Calibrated samples have the dark taken off; so must the base. */
	for (c = 0; s->pass.cal != NULL && c < 3; c++)
		s->pass.base[c] = s->pass.base[c] > s->cal.dark_mean[c] ?
		    s->pass.base[c] - s->cal.dark_mean[c] : 0;
	s->pass.negative = 1;
	log_info("%s: negative film base %u %u %u of 16383", s->dev->name, s->pass.base[0],
	    s->pass.base[1], s->pass.base[2]);
	return SANE_STATUS_GOOD;
}

/*
 * The pass's front end: Canon's visible settings at the frame's exposure,
 * or the IR lamp focused a little further (FilmGet: 31 steps); then, if
 * calibration is on, the shading references taken with it.
 */
static SANE_Status
fs_prepare(struct fs *s, unsigned frame, unsigned res, uint32_t x, uint32_t w,
    struct fs_front *f)
{
	const struct fs_front *own = s->pass.spp == 1 ? &front_ir : &front_visible;
	struct fs_front white;
	uint8_t irfocus;
	unsigned c;
	SANE_Status st;

	if (s->pass.spp == 1) {
		irfocus = (uint8_t)(s->found_focus > 106 ? s->found_focus - 31 : 75);
		if ((st = fs_lamp(s, 1)) != SANE_STATUS_GOOD ||
		    (st = fs_afae(s, FS_AF_SET, irfocus, 0, 0)) != SANE_STATUS_GOOD)
			return st;
		*f = front_ir;
	} else {
		fs_front_visible(s, f);
	}
	if (!s->calibration)
		return SANE_STATUS_GOOD;
	/*
	 * White at half the lamp's own exposure: clear film then reads about
	 * half scale whatever the scan's exposure, far from clipping, and
	 * only each pixel's ratio to the others is kept.
	 */
	white = *f;
	for (c = 0; c < 3; c++)
		white.shutter[c] = own->shutter[c] / 2;
	white.speed = own->speed;
	if ((st = fs_calibrate(s, &s->pass, res, x, w, f, &white, fs_scan_pos(s, frame))) !=
	    SANE_STATUS_GOOD)
		return st;
	s->pass.cal = &s->cal;
	return SANE_STATUS_GOOD;
}

static SANE_Status
fs_start_frame(struct fs *s, unsigned frame)
{
	unsigned res = fs_effective_res(s), spp = s->infrared && !s->preview ? 1 : 3;
	int depth = fs_effective_depth(s), negative = strcmp(s->film, "Negative") == 0;
	uint32_t x, y, w, l, raw_l;
	uint8_t r[FS_STATUS_LEN];
	struct fs_front f;
	SANE_Status st;

	if ((st = fs_film_status(s, r)) != SANE_STATUS_GOOD)
		return st;
	if (s->holder == HOLDER_NONE) {
		log_err("%s: no film holder in the scanner", s->dev->name);
		return SANE_STATUS_NO_DOCS;
	}
	if (frame > (unsigned)s->frames) {
		if (s->all_frames)
			return SANE_STATUS_NO_DOCS;	/* the batch is done */
		log_err("%s: frame %u, but the %s holder has %d", s->dev->name, frame,
		    s->holder == HOLDER_STRIP ? "strip" : "slide", s->frames);
		return SANE_STATUS_INVAL;
	}
	if (fs_area(s, &x, &y, &w, &l) < 0)
		return SANE_STATUS_INVAL;
	raw_l = fs_raw_length(res, spp, y, l);
	if (fs_pass_setup(&s->pass, spp, res, depth, w, raw_l) < 0) {
		log_err("%s: scan area too small", s->dev->name);
		return SANE_STATUS_INVAL;
	}
	if ((st = fs_lamp(s, 0)) != SANE_STATUS_GOOD ||
	    (st = fs_position(s, frame)) != SANE_STATUS_GOOD ||
	    (st = fs_exposures(s, x, y, w, l, negative)) != SANE_STATUS_GOOD ||
	    (st = fs_prepare(s, frame, res, x, w, &f)) != SANE_STATUS_GOOD)
		return st;
	if (negative && spp == 3 && (st = fs_film_base(s, y, l)) != SANE_STATUS_GOOD)
		return st;
	if ((st = fs_scan_mode(s, depth == 16 ? FS_FORMAT_WORDS : FS_FORMAT_BYTES, &f)) !=
	    SANE_STATUS_GOOD ||
	    (st = fs_set_frame(s, FS_FRAME_NORMAL)) != SANE_STATUS_GOOD ||
	    (st = fs_window(s, res, x, y, w, raw_l, spp == 3, depth == 16 ? 16 : 8)) !=
	    SANE_STATUS_GOOD || (st = fs_scan(s, &s->pass)) != SANE_STATUS_GOOD ||
	    (st = fs_lines_begin(s, &s->pass)) != SANE_STATUS_GOOD)
		return st;
	fs_ring_free(&s->ring);
	if (fs_ring_init(&s->ring, &s->pass) < 0)
		return SANE_STATUS_NO_MEM;
	s->left = (uint64_t)s->pass.dev_line * s->pass.raw_lines;
	drv_out_set(&s->out, NULL, 0);
	s->scanning = 1;
	s->params.format = spp == 3 ? SANE_FRAME_RGB : SANE_FRAME_GRAY;
	s->params.last_frame = SANE_TRUE;
	s->params.depth = depth;
	s->params.pixels_per_line = (SANE_Int)s->pass.pixels;
	s->params.lines = (SANE_Int)s->pass.lines;
	s->params.bytes_per_line = (SANE_Int)s->pass.out_line;
	log_info("%s: frame %u: %u dpi, %ux%u, %d-bit %s, shutters %u/%u/%u speed %u",
	    s->dev->name, frame, res, s->pass.pixels, s->pass.lines, depth,
	    spp == 3 ? "colour" : "infrared", s->shutter[0], s->shutter[1], s->shutter[2],
	    s->speed);
	return SANE_STATUS_GOOD;
}

static SANE_Status
fs_start(void *h)
{
	struct fs *s = h;
	unsigned frame;
	SANE_Status st;

	if (s->scanning)
		return SANE_STATUS_DEVICE_BUSY;
	s->cancelled = 0;
	if (s->dbuf == NULL && ((s->dbuf = malloc(DRV_XFER_MAX)) == NULL ||
	    (s->obuf = malloc(DRV_XFER_MAX)) == NULL))
		return SANE_STATUS_NO_MEM;
	if (s->all_frames && s->next_frame == 0)
		s->next_frame = (unsigned)s->frame;
	frame = s->all_frames ? s->next_frame : (unsigned)s->frame;
	st = fs_start_frame(s, frame);
	if (s->all_frames && st == SANE_STATUS_NO_DOCS)
		s->next_frame = 0;	/* the batch is over; the next starts afresh */
	else if (s->all_frames)
		s->next_frame++;
	return st;
}

/*
 * Device lines in, SANE lines out, the ring holding the lag.  Whole lines
 * go straight into the caller's buffer (a device line completes at most
 * one); a caller asking less than a line gets it through OBUF.
 */
static SANE_Status
fs_read(void *h, SANE_Byte *buf, SANE_Int max, SANE_Int *len)
{
	struct fs *s = h;
	const struct fs_pass *p = &s->pass;
	const uint8_t *data;
	size_t n, lines, i;
	uint8_t *out;
	int direct;
	SANE_Status st;

	*len = 0;
	if (!s->scanning)
		return s->cancelled ? SANE_STATUS_CANCELLED : SANE_STATUS_EOF;
	while (drv_out_empty(&s->out)) {
		if (s->left == 0) {
			s->scanning = 0;
			return SANE_STATUS_EOF;
		}
		if ((st = drv_lines_get(&s->rd, p->out_line, max, &data, &lines)) !=
		    SANE_STATUS_GOOD) {
			s->scanning = 0;
			return st;
		}
		s->left -= (uint64_t)lines * p->dev_line;
		/* A READ queued ahead may bring more lines than the caller holds. */
		direct = max > 0 && lines * p->out_line <= (size_t)max;
		out = direct ? buf : s->obuf;
		/* The ring may hold lines back until the colours line up. */
		for (n = i = 0; i < lines; i++)
			n += (size_t)fs_ring_push(&s->ring, data + i * p->dev_line, out + n) *
			    p->out_line;
		if (direct && n > 0) {
			*len = (SANE_Int)n;
			return SANE_STATUS_GOOD;
		}
		drv_out_set(&s->out, s->obuf, direct ? 0 : n);
	}
	*len = drv_out_take(&s->out, buf, max);
	return SANE_STATUS_GOOD;
}

/*
 * Mid-scan: CANCEL, and bring the carriage home for the next scan.  The
 * READs queued ahead come back first, so nothing overtakes them; once the
 * last line was asked for, the unit has finished and needs neither.
 */
static void
fs_cancel(void *h)
{
	struct fs *s = h;

	drv_lines_drop(&s->rd);
	if (s->scanning && s->rd.unasked > 0) {
		fs_cancel_unit(s);
		fs_move(s, FS_MOVE_CARRIAGE, FS_MOVE_HOME, 0);
	}
	s->cancelled = s->scanning;
	s->scanning = 0;
	s->next_frame = 0;
	s->left = 0;
	drv_out_set(&s->out, NULL, 0);
}

static SANE_Status
fs_parameters(void *h, SANE_Parameters *p)
{
	struct fs *s = h;
	struct fs_pass pass;
	unsigned res = fs_effective_res(s), spp = s->infrared && !s->preview ? 1 : 3;
	uint32_t x, y, w, l;

	if (s->scanning) {
		*p = s->params;
		return SANE_STATUS_GOOD;
	}
	memset(&pass, 0, sizeof(pass));
	if (fs_area(s, &x, &y, &w, &l) < 0 ||
	    fs_pass_setup(&pass, spp, res, fs_effective_depth(s), w,
	    fs_raw_length(res, spp, y, l)) < 0)
		memset(&pass, 0, sizeof(pass));
	p->format = spp == 3 ? SANE_FRAME_RGB : SANE_FRAME_GRAY;
	p->last_frame = SANE_TRUE;
	p->depth = fs_effective_depth(s);
	p->pixels_per_line = (SANE_Int)pass.pixels;
	p->lines = (SANE_Int)pass.lines;
	p->bytes_per_line = (SANE_Int)pass.out_line;
	return SANE_STATUS_GOOD;
}

static SANE_Status
fs_open(struct device *dev, void **handle)
{
	struct fs *s;
	SANE_Status st;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return SANE_STATUS_NO_MEM;
	s->dev = dev;
	if ((st = drv_open(dev, &s->t)) != SANE_STATUS_GOOD) {
		free(s);
		return st;
	}
	/* As FilmGet starts: whatever the unit was doing is cancelled first. */
	if ((st = fs_settle(s)) != SANE_STATUS_GOOD ||
	    (st = fs_cancel_unit(s)) != SANE_STATUS_GOOD ||
	    (st = fs_reserve(s, 1)) != SANE_STATUS_GOOD ||
	    (st = fs_led(s, 1)) != SANE_STATUS_GOOD) {
		scsi_close(s->t);
		free(s);
		return st;
	}
	fs_opts_init(s);
	*handle = s;
	return SANE_STATUS_GOOD;
}

/* Lamps off (they age), LED off, carriage home, the unit released. */
static void
fs_close(void *h)
{
	struct fs *s = h;

	fs_cancel(s);
	fs_set_lamp(s, 0, 0);
	fs_led(s, 0);
	fs_reserve(s, 0);
	drv_lines_free(&s->rd);
	scsi_close(s->t);
	fs_ring_free(&s->ring);
	fs_cal_free(&s->cal);
	free(s->dbuf);
	free(s->obuf);
	free(s);
}

static const struct driver_model models[] = {
	{ "CANON", "IX-40015G", "Canon", "CanoScan FS4000US" },
	{ NULL, NULL, NULL, NULL },
};

/* The options are fs4000_opts.c's; its one button, eject, is pressed here. */
static SANE_Status
fs_control(void *h, SANE_Int n, SANE_Action a, void *v, SANE_Int *info)
{
	struct fs *s = h;
	enum opt_next next;
	SANE_Status st = fs_opts_control(s, n, a, v, info, &next);

	return next == OPT_BUTTON ? fs_eject(s) : st;
}

static const struct device_ops fs_ops = {
	.open = fs_open,
	.close = fs_close,
	.option = fs_option,
	.control = fs_control,
	.parameters = fs_parameters,
	.start = fs_start,
	.read = fs_read,
	.cancel = fs_cancel,
};

const struct driver driver_fs4000 = {
	.name = "fs4000",
	.type = "film scanner",
	.models = models,
	.ops = &fs_ops,
};
