/*
 * fsim_image.c - what the FS4000US model delivers: the holder and the
 * film under the CCD, the analogue front end (gain, offset, shutter,
 * speed, lamp), and the line format of the real unit: 40 dark pixels,
 * then the window's pixels mirrored, RGB interleaved per pixel, with G and
 * B lagging R by k and 2k lines (the CCD rows are 8/4000 inch apart); and
 * the expected image a driver should make of a window (scsaned-sim render).
 *
 * Geometry.  Holder positions are the unit's MOVE POSITION numbers; one
 * is 300 film units (1/360 inch), one device unit (1/4000 inch) is 27.
 * A window line at device Y, with the holder at P, sees holder coordinate
 * P * 300 + Y * 27.  Frame f's picture (24 x 36 mm) begins BORDER_Y device
 * units after the holder position where the frame's scan starts, and
 * BORDER_X units in from the CCD's first pixel.  Around a slide's picture
 * is its mount (opaque); around a strip's is film.  The calibration spots
 * (a hole and a shutter in the holder) are where the hosts' numbers say.
 *
 * Front end, for each sample, in 16-bit counts:
 *   pre  = light * falloff(x) * pixel(x) * shutter * speed / E_c + dark(x) + offset
 *   post = pre * 609 / (609 - 8 * gain)            (clipped to 0..65535)
 * light is the film's transmittance times the lamp (a cold lamp gives 80 %
 * and reaches full light after 10 s; the IR lamp reaches the CCD at 1/8),
 * falloff the lens's 6 % at the ends of the line, pixel(x) and dark(x)
 * each CCD pixel's own sensitivity and dark level.  E_c makes Canon's own
 * default settings (gain 47/36/36, shutter 750/352/235, speed 2) read the
 * transmittance 1:1.  The sample is post >> 2 (14 bits), then byte 20 of
 * the scan mode and the window's bits per pixel choose how it is sent.
 * The response is monotonic in every control, so a host's calibration
 * search converges; it is a pure function, so any window can be rendered.
 */
#include <stdlib.h>
#include <string.h>

#include "scsaned/scsi_opcodes.h"
#include "fsim.h"

#define FILM_PER_HOLDER	300	/* film units per holder position */
#define FILM_PER_DEV	27	/* film units per 1/4000 inch */
#define BORDER_X	110	/* device units before the picture, across */
#define BORDER_Y	118	/* and along */
#define PIC_W		3780	/* 24 mm */
#define PIC_H		5669	/* 36 mm */
#define DARK		600	/* CCD dark level before the gain */
#define LEAK		2000	/* light on the masked pixels of a stationary line */

/* Exposure (shutter x speed) at which each CCD row reads 1:1 with Canon's gains. */
static const uint32_t ecal[3] = { 3921, 1336, 892 };

/* Each holder's frames, where their scans start, and its calibration spots. */
static const struct fsim_holder strip = {
	6, { 606, 1084, 1564, 2042, 2520, 3000 }, 34, 90,
};
static const struct fsim_holder slide = {
	4, { 554, 1332, 2110, 2888 }, 674, 798,
};

const struct fsim_holder *
fsim_holder(int type)
{
	return type == FSIM_HOLDER_STRIP ? &strip : type == FSIM_HOLDER_SLIDE ? &slide : NULL;
}

/* A cold lamp gives 80 % of its light and is full after 10 s. */
uint32_t
fsim_lamp_level(int on, uint64_t since, uint64_t now)
{
	uint64_t up = now - since;

	if (!on)
		return 0;
	return up >= 10000 ? 1024 : (uint32_t)(820 + 204 * up / 10000);
}

/* Page 20h as the unit powers on: Canon's own front end, speed 2. */
void
fsim_default_mode(uint8_t m[FSIM_MODE_LEN])
{
	static const uint16_t shutter[3] = { 750, 352, 235 };
	unsigned c;

	memset(m, 0, FSIM_MODE_LEN);
	m[0] = 0x25;
	m[4] = CANON_PAGE_SCAN_MODE;
	m[5] = 0x20;
	m[FSIM_M_SPEED] = 2;
	m[16] = 0x01;
	m[17] = 0x19;
	m[FSIM_M_GAIN] = 47;
	m[FSIM_M_GAIN + 1] = m[FSIM_M_GAIN + 2] = 36;
	for (c = 0; c < 3; c++)
		sim_put_be(m + FSIM_M_SHUTTER + 2 * c, 2, shutter[c]);
}

void
fsim_film_setup(struct fsim *fs)
{
	const struct fsim_holder *h = fsim_holder(fs->holder);

	fs->film.width = PIC_W * FILM_PER_DEV;
	fs->film.height = PIC_H * FILM_PER_DEV;
	fs->film.pitch = fs->film.height + 200 * FILM_PER_DEV;
	fs->film.frames = h != NULL ? h->frames : 0;
	fs->film.negative = fs->negative;
}

/* Transmittance R, G, B, IR at device X and holder coordinate HC. */
static void
film_at(const struct fsim *fs, int spot, int64_t x, int64_t hc, uint16_t t[4])
{
	const struct fsim_holder *h = fsim_holder(fs->holder);
	int64_t s, local, best = 0, fx;
	uint32_t f, bf = 0;
	int c;

	if (spot != 0 || h == NULL) {
		for (c = 0; c < 4; c++)
			t[c] = spot < 0 ? 0 : 65535;
		return;
	}
	for (f = 0; f < h->frames; f++) {
		s = (int64_t)h->start[f] * FILM_PER_HOLDER + BORDER_Y * FILM_PER_DEV;
		local = hc - s - (int64_t)fs->film.height / 2;
		if (local < 0)
			local = -local;
		if (f == 0 || local < best) {
			best = local;
			bf = f;
		}
	}
	local = hc - (int64_t)h->start[bf] * FILM_PER_HOLDER - BORDER_Y * FILM_PER_DEV;
	fx = (x - BORDER_X) * FILM_PER_DEV;
	if (local >= 0 && local < fs->film.height && fx >= 0 && fx < fs->film.width) {
		sim_film_sample(&fs->film, (uint32_t)fx, bf * fs->film.pitch + (uint32_t)local, t);
	} else if (fs->holder == FSIM_HOLDER_STRIP) {
		/* Film beside or between the pictures: base (or clear) film. */
		sim_film_sample(&fs->film, fs->film.width, bf * fs->film.pitch, t);
	} else {
		memset(t, 0, 4 * sizeof(t[0]));	/* the slide's mount */
	}
}

/* The lens's falloff at device X, in 1/2^20. */
static uint64_t
falloff(int64_t x)
{
	int64_t d = x - FSIM_X_RANGE / 2;

	return (uint64_t)(1048576 - 62915 * d * d / 4000000);
}

/*
 * Each CCD pixel's own sensitivity (within 1.6 % of the others, in
 * 1/2^20) and dark level (within 30 counts): the streaks along an
 * uncalibrated scan, which a host's shading calibration removes.
 */
static uint32_t
pixel_hash(int64_t x)
{
	uint32_t h = (uint32_t)x * 2654435761u;

	h ^= h >> 15;
	h *= 2246822519u;
	return h ^ h >> 13;
}

static uint64_t
pixel_sensitivity(int64_t x)
{
	return 1048576 - 16384 + (pixel_hash(x) & 32767);
}

static int64_t
pixel_dark(int64_t x)
{
	return DARK - 30 + (int64_t)((pixel_hash(x) >> 16) % 61);
}

/* The 14-bit sample of CCD row C (0-2) for transmittance T at device X. */
static uint32_t
sample14(const struct fsim_job *j, unsigned c, const uint16_t t[4], int64_t x)
{
	uint64_t light, sig, post;
	int64_t pre;
	uint32_t v;

	light = (uint64_t)t[c] * j->lamp_vis + (uint64_t)t[3] * j->lamp_ir / 8;
	sig = (light * falloff(x)) >> 20;
	sig = (sig * pixel_sensitivity(x)) >> 20;
	sig = sig * j->exposure[c] / ((uint64_t)ecal[c] * 1024);
	pre = (int64_t)sig + pixel_dark(x) + j->offset[c];
	if (pre < 0)
		pre = 0;
	post = (uint64_t)pre * 609 / (609 - 8u * j->gain[c]);
	if (post > 65535)
		post = 65535;
	v = (uint32_t)post >> 2;
	if (j->mods == 1 || j->mods == 2)
		v <<= j->mods;	/* the sum of 2 or 4 readings */
	if (v > 16383)
		v = 16383;
	if (j->format & FSIM_FMT_NO_MARGIN)
		v = v > 686 ? v - 686 : 0;
	return v;
}

/* Store one sample as the scan mode and bits per pixel say; its size. */
static size_t
put_sample(const struct fsim_job *j, uint8_t *p, uint32_t v)
{
	uint32_t w, cap;

	if (j->bps == 1) {
		/* The top byte, or without the shift the noisy low byte. */
		*p = (uint8_t)(j->format & FSIM_FMT_NO_SHIFT ? v >> 6 : v);
		return 1;
	}
	w = j->format & FSIM_FMT_NO_SHIFT ? v << 2 : v;
	if (j->format & FSIM_FMT_TIMES4) {
		cap = j->format & FSIM_FMT_NO_SHIFT ? 65532 : 16383;
		w = w * 4 > cap ? cap : w * 4;
	}
	if (j->format & FSIM_FMT_BIG_ENDIAN) {
		p[0] = (uint8_t)(w >> 8);
		p[1] = (uint8_t)w;
	} else {
		p[0] = (uint8_t)w;
		p[1] = (uint8_t)(w >> 8);
	}
	return 2;
}

/* Exposure, gain, offset, format and lamps from the scan mode and lamp state. */
static void
job_front_end(const struct fsim *fs, struct fsim_job *j, uint64_t now)
{
	const uint8_t *m = fs->mode;
	uint32_t speed = m[FSIM_M_SPEED] ? m[FSIM_M_SPEED] : 1, o, s;
	unsigned c;

	for (c = 0; c < 3; c++) {
		j->gain[c] = m[FSIM_M_GAIN + c];
		o = sim_be(m + FSIM_M_OFFSET + 2 * c, 2);
		j->offset[c] = o <= 255 ? (int32_t)o * 19 : -(int32_t)(o - 256) * 19;
		s = sim_be(m + FSIM_M_SHUTTER + 2 * c, 2);
		j->exposure[c] = (s ? s : 1) * speed;	/* a shut shutter still leaks */
	}
	j->format = m[FSIM_M_FORMAT];
	j->mods = m[FSIM_M_MODS];
	j->lamp_vis = fsim_lamp_level(fs->vis_on, fs->vis_since, now);
	j->lamp_ir = fsim_lamp_level(fs->ir_on, fs->ir_since, now);
}

void
fsim_job_free(struct fsim_job *j)
{
	free(j->line);
	free(j->rows);
	free(j->row_tag);
	memset(j, 0, sizeof(*j));
}

static const uint8_t *line_at(void *arg, uint32_t n);

int
fsim_job_setup(struct fsim *fs, const uint8_t *w, int thumbnail, uint64_t now)
{
	struct fsim_job *j = &fs->job;
	const struct fsim_holder *h = fsim_holder(fs->holder);
	uint32_t len = sim_be(w + FSIM_W_LENGTH, 4), i;
	unsigned mode = fs->frame_mode & 7;

	fsim_job_free(j);
	j->thumbnail = thumbnail;
	j->xres = sim_be(w + FSIM_W_XRES, 2) ? sim_be(w + FSIM_W_XRES, 2) : FSIM_X_RANGE;
	j->yres = sim_be(w + FSIM_W_YRES, 2) ? sim_be(w + FSIM_W_YRES, 2) : FSIM_X_RANGE;
	j->pitch_x = FSIM_X_RANGE / j->xres;
	j->pitch_y = FSIM_X_RANGE / j->yres;
	j->x0 = sim_be(w + FSIM_W_X, 4);
	j->y0 = thumbnail ? 0 : sim_be(w + FSIM_W_Y, 4);
	j->pixels = sim_be(w + FSIM_W_WIDTH, 4) * j->xres / FSIM_X_RANGE;
	/* A thumbnail's length counts lines at 160 dpi over the whole holder. */
	j->lines = thumbnail ? len * j->yres / 160 : len * j->yres / FSIM_X_RANGE;
	j->comp = w[FSIM_W_COMP];
	j->spp = j->comp == SCSI_COMP_RGB ? 3 : 1;
	j->bps = w[FSIM_W_BPP] == 8 ? 1 : 2;
	j->k = 8 * j->yres / FSIM_X_RANGE;
	job_front_end(fs, j, now);
	j->base = (int64_t)(thumbnail ? 36 : fs->holder_pos) * FILM_PER_HOLDER;
	if (!thumbnail && h != NULL) {
		if (abs((int)fs->holder_pos - (int)h->clear) <= 24)
			j->spot = 1;
		else if (abs((int)fs->holder_pos - (int)h->opaque) <= 24)
			j->spot = -1;
	}
	if (!thumbnail && mode >= 2) {
		j->stationary = 1;
		j->stat_y = mode == 2 ? FSIM_Y_RANGE - 1 : mode == 3 ? 0 : fs->carriage / 2;
	}
	j->reverse = !thumbnail && mode == FSIM_FRAME_REVERSE;
	if (j->pixels == 0 || j->lines == 0)
		return -1;
	j->bpl = (size_t)((j->format & FSIM_FMT_NO_MARGIN ? 0 : FSIM_MARGIN) + j->pixels) *
	    j->spp * j->bps;
	j->nrows = j->spp == 3 && !j->stationary ? 2 * j->k + 1 : 1;
	j->line = malloc(j->bpl);
	j->rows = malloc((size_t)j->nrows * j->pixels * 4 * sizeof(uint16_t));
	j->row_tag = malloc(j->nrows * sizeof(int64_t));
	if (j->line == NULL || j->rows == NULL || j->row_tag == NULL) {
		fsim_job_free(j);
		return -1;
	}
	for (i = 0; i < j->nrows; i++)
		j->row_tag[i] = INT64_MIN;
	sim_stream_start(&j->stream, j->bpl, j->lines, line_at, fs);
	return 0;
}

/* The film under image line M of the window, one t[4] per pixel. */
static const uint16_t *
image_row(const struct fsim *fs, struct fsim_job *j, int64_t m)
{
	uint32_t slot = (uint32_t)(((m % j->nrows) + j->nrows) % j->nrows), i;
	uint16_t *row = j->rows + (size_t)slot * j->pixels * 4;
	int64_t y, hc;

	if (j->row_tag[slot] == m)
		return row;
	y = j->stationary ? j->stat_y : (int64_t)j->y0 + m * (int64_t)j->pitch_y;
	hc = j->base + y * FILM_PER_DEV;
	for (i = 0; i < j->pixels; i++)
		film_at(fs, j->spot, (int64_t)j->x0 + (int64_t)i * j->pitch_x, hc, row + 4 * i);
	j->row_tag[slot] = m;
	return row;
}

/*
 * Raw line N.  Forward, CCD row c sees image line N - c*k; a reverse scan
 * delivers the lines last first and its rows lead the other way.
 */
static const uint8_t *
line_at(void *arg, uint32_t n)
{
	struct fsim *fs = arg;
	struct fsim_job *j = &fs->job;
	static const uint16_t dark[4] = { 0, 0, 0, 0 }, leak[4] = { LEAK, LEAK, LEAK, LEAK };
	uint8_t *p = j->line;
	const uint16_t *row[3];
	unsigned s, c, lag;
	uint32_t i, px;
	int64_t m;

	for (s = 0; s < j->spp; s++) {
		lag = j->spp == 3 ? (j->reverse ? 2 - s : s) * j->k : 0;
		m = j->reverse ? (int64_t)j->lines - 1 - n + lag : (int64_t)n - lag;
		row[s] = image_row(fs, j, m);
	}
	if (!(j->format & FSIM_FMT_NO_MARGIN)) {
		for (i = 0; i < FSIM_MARGIN; i++)
			for (s = 0; s < j->spp; s++)
				p += put_sample(j, p, sample14(j, j->spp == 3 ? s : 1,
				    j->stationary ? leak : dark, FSIM_X_RANGE / 2));
	}
	for (i = 0; i < j->pixels; i++) {
		px = j->pixels - 1 - i;	/* lines come mirrored */
		for (s = 0; s < j->spp; s++) {
			c = j->spp == 3 ? s : 1;
			p += put_sample(j, p, sample14(j, c, row[s] + 4 * px,
			    (int64_t)j->x0 + (int64_t)px * j->pitch_x));
		}
	}
	return j->line;
}

/*
 * AF/AE: the sums of the visible 14-bit samples in the AF area, on the line
 * under the carriage, 64 points; and the focus that would be best there.
 */
void
fsim_af_measure(struct fsim *fs, uint64_t now)
{
	struct fsim_job j;
	uint32_t step = (fs->af_last - fs->af_first) / 64u, x, c;
	uint16_t t[4];

	memset(&j, 0, sizeof(j));
	job_front_end(fs, &j, now);
	j.format = 0;
	j.mods = 0;
	memset(fs->af_sum, 0, sizeof(fs->af_sum));
	for (x = fs->af_first; x < fs->af_last; x += step ? step : 1) {
		film_at(fs, 0, x, (int64_t)fs->holder_pos * FILM_PER_HOLDER, t);
		for (c = 0; c < 3; c++)
			fs->af_sum[c] += sample14(&j, c, t, x);
	}
	/* Film curls differently in each frame: the sharp plane moves with it. */
	fs->best_focus[1] = (uint8_t)(120 + fs->holder_pos % 29);
	fs->best_focus[0] = (uint8_t)(fs->best_focus[1] + 1);
	fs->best_focus[2] = (uint8_t)(fs->best_focus[1] - 1);
}

/* ---- the expected image -------------------------------------------------- */

struct render_req {
	struct fsim fs;
	uint32_t xres, yres, x, y, w, l, bpp, comp, lines, k;
	uint32_t lamp[2];
	uint32_t base[3];	/* develop a negative against this film base */
	uint32_t cal_shutter[3];	/* white reference's shutters, at speed 2 */
	int ir, develop, calibrate;
};

static int
triple(const char *val, uint8_t *m, unsigned width, unsigned max)
{
	unsigned v[3], c;

	if (sscanf(val, "%u,%u,%u", &v[0], &v[1], &v[2]) != 3)
		return -1;
	for (c = 0; c < 3; c++) {
		if (v[c] > max)
			return -1;
		sim_put_be(m + width * c, width, v[c]);
	}
	return 0;
}

static int
render_kv(void *arg, const char *key, const char *val)
{
	struct render_req *r = arg;
	uint8_t *m = r->fs.mode;
	unsigned long v;

	if (strcmp(key, "holder") == 0) {
		r->fs.holder = strcmp(val, "strip") == 0 ? FSIM_HOLDER_STRIP :
		    strcmp(val, "slide") == 0 ? FSIM_HOLDER_SLIDE : -1;
		return r->fs.holder < 0 ? -1 : 0;
	}
	if (strcmp(key, "film") == 0) {
		r->fs.negative = sim_kv_film(val);
		return r->fs.negative < 0 ? -1 : 0;
	}
	if (strcmp(key, "gain") == 0)
		return triple(val, m + FSIM_M_GAIN, 1, 63);
	if (strcmp(key, "offset") == 0)
		return triple(val, m + FSIM_M_OFFSET, 2, 511);
	if (strcmp(key, "shutter") == 0)
		return triple(val, m + FSIM_M_SHUTTER, 2, 1000);
	if (strcmp(key, "calib") == 0) {
		r->calibrate = 1;
		return sscanf(val, "%u,%u,%u", &r->cal_shutter[0], &r->cal_shutter[1],
		    &r->cal_shutter[2]) == 3 && r->cal_shutter[0] <= 1000 &&
		    r->cal_shutter[1] <= 1000 && r->cal_shutter[2] <= 1000 ? 0 : -1;
	}
	if (strcmp(key, "base") == 0) {
		r->develop = 1;
		return sscanf(val, "%u,%u,%u", &r->base[0], &r->base[1], &r->base[2]) == 3 &&
		    r->base[0] < 16384 && r->base[1] < 16384 && r->base[2] < 16384 ? 0 : -1;
	}
	if (strcmp(key, "lamp") == 0)
		return sscanf(val, "%u,%u", &r->lamp[0], &r->lamp[1]) == 2 &&
		    r->lamp[0] <= 1024 && r->lamp[1] <= 1024 ? 0 : -1;
	if (sim_kv_uint(val, 0xffffffUL, &v) < 0)
		return -1;
	if (strcmp(key, "xres") == 0) r->xres = (uint32_t)v;
	else if (strcmp(key, "yres") == 0) r->yres = (uint32_t)v;
	else if (strcmp(key, "x") == 0) r->x = (uint32_t)v;
	else if (strcmp(key, "y") == 0) r->y = (uint32_t)v;
	else if (strcmp(key, "w") == 0) r->w = (uint32_t)v;
	else if (strcmp(key, "l") == 0) r->l = (uint32_t)v;
	else if (strcmp(key, "bpp") == 0) r->bpp = (uint32_t)v;
	else if (strcmp(key, "pos") == 0 && v <= FSIM_HOLDER_MAX) r->fs.holder_pos = (uint16_t)v;
	else if (strcmp(key, "speed") == 0 && v >= 1 && v <= 12) m[FSIM_M_SPEED] = (uint8_t)v;
	else if (strcmp(key, "ir") == 0) r->ir = v != 0;
	else if (strcmp(key, "comp") == 0) r->comp = (uint32_t)v;
	else if (strcmp(key, "lines") == 0) r->lines = (uint32_t)v;
	else if (strcmp(key, "k") == 0) r->k = (uint32_t)v;
	else if (strcmp(key, "frame") != 0 && strcmp(key, "bpl") != 0)
		return -1;
	return 0;
}

/*
 * A calibrating driver's per-pixel correction for the render's window: the
 * dark level (the holder's opaque spot at the scan's settings) and the
 * gain, in 16.16, that brings each pixel's white (the clear spot at the
 * calib= shutters, speed 2) minus dark to the brightest pixel's, at most 4.
 */
static int
render_calibration(const struct render_req *r, uint32_t px, uint32_t nc, uint32_t **dark,
    uint32_t **mul)
{
	static const uint16_t opaque[4] = { 0, 0, 0, 0 };
	static const uint16_t clear[4] = { 65535, 65535, 65535, 65535 };
	const struct fsim_job *j = &r->fs.job;
	struct fsim_job w = *j;
	uint32_t i, c, top[3] = { 0, 0, 0 }, *d, *m;
	int64_t x;
	uint64_t g;

	*dark = d = calloc((size_t)px * nc, sizeof(*d));
	*mul = m = calloc((size_t)px * nc, sizeof(*m));
	if (d == NULL || m == NULL)
		return -1;
	for (c = 0; c < 3; c++)
		w.exposure[c] = r->cal_shutter[c] * 2;
	for (i = 0; i < px; i++) {
		x = (int64_t)r->x + (int64_t)i * j->pitch_x;
		for (c = 0; c < nc; c++) {
			d[i * nc + c] = sample14(j, nc == 1 ? 1 : c, opaque, x);
			m[i * nc + c] = sample14(&w, nc == 1 ? 1 : c, clear, x);
			m[i * nc + c] = m[i * nc + c] > d[i * nc + c] ?
			    m[i * nc + c] - d[i * nc + c] : 0;
			if (m[i * nc + c] > top[c])
				top[c] = m[i * nc + c];
		}
	}
	for (i = 0; i < px * nc; i++) {
		g = m[i] > 0 ? ((uint64_t)top[i % nc] << 16) / m[i] : 4u << 16;
		m[i] = (uint32_t)(g > (4u << 16) ? 4u << 16 : g);
	}
	return 0;
}

/*
 * What a driver makes of a window at holder position POS (the "scan"
 * line of a trace, plus holder= and film=): margin stripped, colours
 * realigned, lines un-mirrored; l * yres / 4000 lines, or with lines= and
 * k= (the device's count and lag) the lines - 2k complete ones.  RGB, or
 * gray for comp=2 (or ir=1: the IR lamp alone).  8-bit as the unit's top
 * byte, 16-bit as the 14-bit value scaled to the full range, big-endian
 * for PNM.  Scan-mode keys gain=, offset=, shutter= (R,G,B) and speed=
 * default to the unit's power-on values; lamp=V,I (light levels, 1024
 * full) to a warm visible lamp.  base=R,G,B (14-bit) inverts a negative
 * against its film base: (base - v) / base of full scale, 0 above it.
 * calib=R,G,B corrects every sample as a calibrating driver does (dark
 * off, each pixel to the brightest one's gain), before any inversion.
 */
int
fsim_render(const char *window, FILE *out, char *err, size_t errlen)
{
	struct render_req r;
	struct fsim_job *j = &r.fs.job;
	uint32_t n, i, c, nc, v, px, lines, *dark = NULL, *mul = NULL;
	uint16_t t[4];
	int64_t hc;
	int rc;

	memset(&r, 0, sizeof(r));
	r.fs.holder = FSIM_HOLDER_SLIDE;
	fsim_default_mode(r.fs.mode);
	if (sim_kv_parse(window, ' ', render_kv, &r) < 0 || r.xres == 0 || r.yres == 0 ||
	    FSIM_X_RANGE % r.xres != 0 || FSIM_X_RANGE % r.yres != 0 ||
	    (r.bpp != 8 && r.bpp != 14 && r.bpp != 16)) {
		snprintf(err, errlen, "bad window '%.200s'", window);
		return -1;
	}
	fsim_film_setup(&r.fs);
	job_front_end(&r.fs, j, 0);	/* the lamps are set below */
	if (r.ir) {
		r.comp = SCSI_COMP_GRAY;
		r.lamp[1] = 1024;
	} else if (r.lamp[0] == 0 && r.lamp[1] == 0) {
		r.lamp[0] = 1024;	/* a warm lamp */
	}
	j->lamp_vis = r.lamp[0];
	j->lamp_ir = r.lamp[1];
	j->format = 0;
	j->mods = 0;
	j->pitch_x = FSIM_X_RANGE / r.xres;
	j->pitch_y = FSIM_X_RANGE / r.yres;
	px = r.w * r.xres / FSIM_X_RANGE;
	nc = r.comp == SCSI_COMP_GRAY ? 1 : 3;
	lines = r.l * r.yres / FSIM_X_RANGE;
	if (r.lines > 0)
		lines = nc == 3 ? (r.lines > 2 * r.k ? r.lines - 2 * r.k : 0) : r.lines;
	if (px == 0 || lines == 0) {
		snprintf(err, errlen, "empty window");
		return -1;
	}
	if (r.calibrate && render_calibration(&r, px, nc, &dark, &mul) < 0) {
		free(dark);
		free(mul);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	fprintf(out, "P%c\n%u %u\n%u\n", nc == 3 ? '6' : '5', px, lines,
	    r.bpp == 8 ? 255 : 65535);
	for (n = 0; n < lines; n++) {
		hc = ((int64_t)r.fs.holder_pos * FILM_PER_HOLDER) +
		    ((int64_t)r.y + (int64_t)n * j->pitch_y) * FILM_PER_DEV;
		for (i = 0; i < px; i++) {
			film_at(&r.fs, 0, (int64_t)r.x + (int64_t)i * j->pitch_x, hc, t);
			for (c = 0; c < nc; c++) {
				v = sample14(j, nc == 1 ? 1 : c, t, (int64_t)r.x + (int64_t)i * j->pitch_x);
				if (r.bpp == 8)
					v = v >> 6 << 6;	/* what an 8-bit scan keeps */
				if (r.calibrate) {
					v = v > dark[i * nc + c] ? v - dark[i * nc + c] : 0;
					v = (uint32_t)(((uint64_t)v * mul[i * nc + c]) >> 16);
					v = v > 16383 ? 16383 : v;
				}
				if (r.develop)
					v = v < r.base[c] ? (r.base[c] - v) * 16383 / r.base[c] : 0;
				if (r.bpp == 8) {
					fputc((int)(v >> 6), out);
					continue;
				}
				v = v << 2 | v >> 12;
				fputc((int)(v >> 8), out);
				fputc((int)(v & 0xff), out);
			}
		}
	}
	rc = ferror(out) ? -1 : 0;
	free(dark);
	free(mul);
	return rc;
}
