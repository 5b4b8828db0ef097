/*
 * fs4000_calib.c - shading calibration of the FS4000US, which the unit
 * leaves to the host.  As Canon's FilmGet does, the carriage stays still
 * (SET FRAME 12) and one CCD line is read over and over: at the holder's
 * opaque spot it gives each pixel's dark level, at its clear spot each
 * pixel's response to the bare lamp.  Every sample of the scan is then
 *
 *   out = (v - dark[i]) * G / (white[i] - dark[i]),   G = max over i of the divisor
 *
 * so black is 0 and every pixel has the gain of the brightest one: the
 * lens's falloff towards the ends of the line and the CCD pixels' own
 * differences (the streaks along an uncalibrated scan) are gone, and the
 * middle of the line keeps its level.
 *
 * The references are taken over the scan's own window at its resolution,
 * so reference pixel i is pixel i of every line, with the scan's gain and
 * offset (the dark level depends on them).  They cost two short scans and
 * a few holder moves per frame; the lamp drifts, so they are not reused.
 */
#include <stdlib.h>
#include <string.h>

#include "scsaned/log.h"
#include "fs4000.h"

#define MUL_ONE		65536u
#define MUL_MAX		(4 * MUL_ONE)	/* a pixel this dim is dead: do not amplify noise */

/* The holder's clear and opaque spots, as holder positions (FilmGet's). */
static const uint16_t strip_spots[2] = { 34, 90 };
static const uint16_t slide_spots[2] = { 674, 798 };

void
fs_cal_free(struct fs_cal *cal)
{
	free(cal->dark);
	free(cal->mul);
	memset(cal, 0, sizeof(*cal));
}

static int
cal_alloc(struct fs_cal *cal, size_t n)
{
	if (cal->n == n && cal->dark != NULL)
		return 0;
	fs_cal_free(cal);
	cal->dark = calloc(n, sizeof(cal->dark[0]));
	cal->mul = calloc(n, sizeof(cal->mul[0]));
	if (cal->dark == NULL || cal->mul == NULL) {
		fs_cal_free(cal);
		return -1;
	}
	cal->n = n;
	return 0;
}

/*
 * A stationary scan of FS_CAL_LINES lines at holder position POS with
 * front end F; the mean 14-bit sample of each pixel and colour into MEAN.
 */
static SANE_Status
cal_reference(struct fs *s, const struct fs_pass *cp, unsigned res, uint32_t x, uint32_t w,
    uint16_t pos, const struct fs_front *f, uint32_t *mean)
{
	size_t m = (size_t)cp->pixels * cp->spp, got, done, l;
	const uint8_t *data;
	uint32_t i, c;
	SANE_Status st, st2;

	if ((st = fs_move(s, FS_MOVE_CARRIAGE, FS_MOVE_HOME, 0)) != SANE_STATUS_GOOD ||
	    (st = fs_move(s, FS_MOVE_HOLDER, FS_MOVE_TO, pos)) != SANE_STATUS_GOOD ||
	    (st = fs_scan_mode(s, FS_FORMAT_WORDS, f)) != SANE_STATUS_GOOD ||
	    (st = fs_set_frame(s, FS_FRAME_STATIONARY)) != SANE_STATUS_GOOD)
		return st;
	memset(mean, 0, m * sizeof(*mean));
	if ((st = fs_window(s, res, x, 0, w, FS_CAL_LINES * (FS_DPI / res), cp->spp == 3,
	    16)) == SANE_STATUS_GOOD && (st = fs_scan(s, cp)) == SANE_STATUS_GOOD)
		st = fs_lines_begin(s, cp);
	/* Wide lines take more than one READ: the sums run across them. */
	for (done = 0; st == SANE_STATUS_GOOD && done < FS_CAL_LINES; done += got) {
		if ((st = drv_lines_get(&s->rd, 0, 0, &data, &got)) != SANE_STATUS_GOOD)
			break;
		for (l = 0; l < got; l++)
			for (i = 0; i < cp->pixels; i++)
				for (c = 0; c < cp->spp; c++)
					mean[(size_t)i * cp->spp + c] +=
					    fs_sample14(cp, data + l * cp->dev_line, i, c);
	}
	/* Back to normal scanning whatever happened: the next scan must move. */
	st2 = fs_set_frame(s, FS_FRAME_NORMAL);
	if (st != SANE_STATUS_GOOD || st2 != SANE_STATUS_GOOD)
		return st != SANE_STATUS_GOOD ? st : st2;
	for (l = 0; l < m; l++)
		mean[l] /= FS_CAL_LINES;
	return SANE_STATUS_GOOD;
}

/*
 * Dark levels and gains from the means; WHITE is turned into each pixel's
 * light (white - dark) on the way.  -1 if the clear spot showed no light.
 */
static int
cal_build(struct fs_cal *cal, unsigned spp, const uint32_t *dark, uint32_t *white)
{
	uint32_t top[3] = { 0, 0, 0 };
	uint64_t sum[3] = { 0, 0, 0 }, m;
	size_t i;
	unsigned c;

	for (i = 0; i < cal->n; i++) {
		c = (unsigned)(i % spp);
		white[i] = white[i] > dark[i] ? white[i] - dark[i] : 0;
		top[c] = white[i] > top[c] ? white[i] : top[c];
	}
	for (c = 0; c < spp; c++)
		if (top[c] == 0)
			return -1;
	for (i = 0; i < cal->n; i++) {
		c = (unsigned)(i % spp);
		m = white[i] > 0 ? ((uint64_t)top[c] << 16) / white[i] : MUL_MAX;
		cal->mul[i] = (uint32_t)(m > MUL_MAX ? MUL_MAX : m);
		cal->dark[i] = (uint16_t)(dark[i] > 16383 ? 16383 : dark[i]);
		sum[c] += cal->dark[i];
	}
	for (c = 0; c < 3; c++)
		cal->dark_mean[c] = (uint32_t)(sum[spp == 1 ? 0 : c] / (cal->n / spp));
	return 0;
}

SANE_Status
fs_calibrate(struct fs *s, const struct fs_pass *p, unsigned res, uint32_t x, uint32_t w,
    const struct fs_front *scan, const struct fs_front *white, uint16_t scan_pos)
{
	const uint16_t *spot = s->holder == HOLDER_STRIP ? strip_spots : slide_spots;
	struct fs_pass cp;
	uint32_t *mean;
	size_t n = (size_t)p->pixels * p->spp, i;
	uint32_t worst = MUL_ONE;
	SANE_Status st;

	memset(&cp, 0, sizeof(cp));
	cp.spp = p->spp;
	cp.bps = 2;
	cp.pixels = p->pixels;
	cp.raw_lines = FS_CAL_LINES;
	cp.dev_line = ((size_t)FS_MARGIN + cp.pixels) * cp.spp * cp.bps;
	if (cp.dev_line > FS_READ_MAX)
		return SANE_STATUS_INVAL;	/* wider than the unit's 4000 pixels */
	if (cal_alloc(&s->cal, n) < 0 || (mean = malloc(2 * n * sizeof(*mean))) == NULL)
		return SANE_STATUS_NO_MEM;
	if ((st = cal_reference(s, &cp, res, x, w, spot[1], scan, mean)) != SANE_STATUS_GOOD ||
	    (st = cal_reference(s, &cp, res, x, w, spot[0], white, mean + n)) !=
	    SANE_STATUS_GOOD ||
	    (st = fs_move(s, FS_MOVE_CARRIAGE, FS_MOVE_HOME, 0)) != SANE_STATUS_GOOD ||
	    (st = fs_move(s, FS_MOVE_HOLDER, FS_MOVE_TO, scan_pos)) != SANE_STATUS_GOOD) {
		free(mean);
		return st;
	}
	if (cal_build(&s->cal, cp.spp, mean, mean + n) < 0) {
		free(mean);
		log_err("%s: calibration: the holder's clear window shows no light "
		    "(lamp, or something covering it?)", s->dev->name);
		return SANE_STATUS_IO_ERROR;
	}
	free(mean);
	for (i = 0; i < n; i++)
		worst = s->cal.mul[i] > worst ? s->cal.mul[i] : worst;
	log_info("%s: calibrated: dark %u %u %u of 16383, the dimmest pixel lifted %u%%",
	    s->dev->name, s->cal.dark_mean[0], s->cal.dark_mean[1], s->cal.dark_mean[2],
	    (unsigned)(((uint64_t)worst - MUL_ONE) * 100 / MUL_ONE));
	return SANE_STATUS_GOOD;
}
