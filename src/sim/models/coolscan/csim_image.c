/*
 * csim_image.c - what a Coolscan model delivers: the film sampled at
 * the window's pitch, exposed, inverted for negatives, through the LUTs,
 * cut to the sample size, in line-sequential planes; auto-exposure; and
 * the expected image for a window (scsaned-sim render).
 *
 * The data path of one sample, as the hardware does it: transmittance
 * (film.c) times exposure over the nominal exposure, clipped, cut to the
 * A/D's bits; inverted if the window says negative; mapped by the
 * channel's LUT; for 8-bit windows its top 8 bits.  Samples are
 * right-aligned and big-endian.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csim.h"

/* The exposure (10 ns units) at which transmittance maps 1:1 to samples. */
static const uint32_t nominal[CSIM_PLANES] = { 120000, 120000, 100000, 100000 };

void
csim_film_geometry(const struct csim_model *m, struct sim_film *film)
{
	uint32_t u = SIM_FILM_UNITS / m->max_dpi;

	/* coolscan3's frame pitch rule, 1.5 inch + 1 unit: 35 mm film. */
	film->pitch = (m->max_dpi * 3 / 2 + 1) * u;
	film->width = m->x_boundary * u;
	film->height = m->y_boundary * u;
}

static uint16_t
sample(const struct csim *cs, unsigned c, const uint16_t t[4])
{
	uint32_t maxv = (1u << cs->m->bits) - 1, v;
	uint64_t e;

	e = (uint64_t)t[c] * cs->exp[c] / nominal[c];
	v = (uint32_t)(e > 65535 ? 65535 : e) >> (16 - cs->m->bits);
	if (cs->negative)
		v = maxv - v;
	if (c < 3 && cs->lut[c] != NULL)
		v = cs->lut[c][v];
	if (cs->bps == 1)
		v >>= cs->m->bits - 8;
	return (uint16_t)v;
}

/*
 * Line N: every pass holds every plane of the list, left to right.  The
 * film is sampled once per pixel for all planes, and the passes of a
 * multi-sampled line are copies of the first (the film does not move).
 */
void
csim_make_line(struct csim *cs, uint32_t n)
{
	uint32_t u = SIM_FILM_UNITS / cs->m->max_dpi;
	uint32_t y = (cs->y0 + n * cs->pitch_y) * u, i, s, p;
	size_t plane = cs->pad + (size_t)cs->width * cs->bps, pass = plane * cs->nplanes;
	uint8_t *out;
	uint16_t t[4], v;

	memset(cs->line, 0, pass);
	for (i = 0; i < cs->width; i++) {
		sim_film_sample(&cs->film, (cs->x0 + i * cs->pitch_x) * u, y, t);
		for (p = 0; p < cs->nplanes; p++) {
			out = cs->line + p * plane + cs->pad + (size_t)i * cs->bps;
			v = sample(cs, cs->plane[p], t);
			if (cs->bps == 2)
				*out++ = (uint8_t)(v >> 8);
			*out = (uint8_t)v;
		}
	}
	for (s = 1; s < cs->samples; s++)
		memcpy(cs->line + s * pass, cs->line, pass);
}

static const uint8_t *
line_at(void *arg, uint32_t n)
{
	struct csim *cs = arg;

	csim_make_line(cs, n);
	return cs->line;
}

/*
 * Geometry and format of a scan from the first window of the list (the
 * others must agree).  0, or -1 if the window is unusable.
 */
int
csim_scan_setup(struct csim *cs)
{
	const uint8_t *d = cs->desc[cs->plane[0]];
	unsigned p, c;

	cs->pitch_x = cs->m->max_dpi / sim_be(d + CSIM_W_XRES, 2);
	cs->pitch_y = cs->m->max_dpi / sim_be(d + CSIM_W_YRES, 2);
	cs->x0 = sim_be(d + CSIM_W_X, 4);
	cs->y0 = sim_be(d + CSIM_W_Y, 4);
	cs->width = sim_be(d + CSIM_W_WIDTH, 4) / cs->pitch_x;
	cs->lines = sim_be(d + CSIM_W_HEIGHT, 4) / cs->pitch_y;
	cs->bps = d[CSIM_W_BPP] > 8 ? 2 : 1;
	cs->samples = (d[CSIM_W_SAMPLES] >> 4) + 1u;
	cs->negative = !(d[CSIM_W_FLAGS] & 1);
	cs->pad = cs->m->odd_pad && cs->bps == 1 && (cs->width & 1) ? 1 : 0;
	for (p = 0; p < cs->nplanes; p++) {
		c = cs->plane[p];
		cs->exp[c] = sim_be(cs->desc[c] + CSIM_W_EXPOSURE, 4);
		if (cs->exp[c] == 0 || c == 3)
			cs->exp[c] = nominal[c];
	}
	cs->line_len = (size_t)cs->samples * cs->nplanes * (cs->pad + (size_t)cs->width * cs->bps);
	free(cs->line);
	cs->line = NULL;
	if (cs->width == 0 || cs->lines == 0 || (cs->line = malloc(cs->line_len)) == NULL)
		return -1;
	sim_stream_start(&cs->stream, cs->line_len, cs->lines, line_at, cs);
	return 0;
}

/*
 * An auto-exposure pass over the window's area: the brightest
 * transmittance of each colour on a 32 x 32 grid is brought to 95 % of
 * full scale, all colours by one factor (AE) or each by its own (AE with
 * white balance), within a quarter and four times the nominal exposure.
 * The results are what GET WINDOW reports afterwards.
 */
void
csim_auto_exposure(struct csim *cs, int white_balance)
{
	uint32_t u = SIM_FILM_UNITS / cs->m->max_dpi, top[3] = { 1, 1, 1 }, all = 1;
	uint32_t i, j, c, x, y;
	uint64_t e;
	uint16_t t[4];

	for (j = 0; j < 32; j++) {
		for (i = 0; i < 32; i++) {
			x = (cs->x0 + i * cs->width * cs->pitch_x / 32) * u;
			y = (cs->y0 + j * cs->lines * cs->pitch_y / 32) * u;
			sim_film_sample(&cs->film, x, y, t);
			for (c = 0; c < 3; c++)
				top[c] = t[c] > top[c] ? t[c] : top[c];
		}
	}
	for (c = 0; c < 3; c++)
		all = top[c] > all ? top[c] : all;
	for (c = 0; c < 3; c++) {
		e = (uint64_t)nominal[c] * 62258 / (white_balance ? top[c] : all);
		if (e < nominal[c] / 4)
			e = nominal[c] / 4;
		if (e > (uint64_t)nominal[c] * 4)
			e = (uint64_t)nominal[c] * 4;
		cs->exposure[c] = (uint32_t)e;
		sim_put_be(cs->desc[c] + CSIM_W_EXPOSURE, 4, cs->exposure[c]);
	}
}

/* ---- the expected image -------------------------------------------------- */

struct render_req {
	struct csim cs;
	uint32_t xres, yres, w, l, bpp, exposure[3];
	int ir, full, positive;
};

static int
render_kv(void *arg, const char *key, const char *val)
{
	struct render_req *r = arg;
	unsigned long v;

	if (strcmp(key, "film") == 0) {
		r->cs.film.negative = sim_kv_film(val);
		return r->cs.film.negative < 0 ? -1 : 0;
	}
	if (strcmp(key, "exposure") == 0)
		return sscanf(val, "%u,%u,%u", &r->exposure[0], &r->exposure[1],
		    &r->exposure[2]) == 3 ? 0 : -1;
	if (sim_kv_uint(val, 0xffffffUL, &v) < 0)
		return -1;
	if (strcmp(key, "xres") == 0) r->xres = (uint32_t)v;
	else if (strcmp(key, "yres") == 0) r->yres = (uint32_t)v;
	else if (strcmp(key, "x") == 0) r->cs.x0 = (uint32_t)v;
	else if (strcmp(key, "y") == 0) r->cs.y0 = (uint32_t)v;
	else if (strcmp(key, "w") == 0) r->w = (uint32_t)v;
	else if (strcmp(key, "l") == 0) r->l = (uint32_t)v;
	else if (strcmp(key, "bpp") == 0) r->bpp = (uint32_t)v;
	else if (strcmp(key, "positive") == 0) r->positive = v != 0;
	else if (strcmp(key, "ir") == 0) r->ir = v != 0;
	else if (strcmp(key, "full") == 0) r->full = v != 0;
	else if (strcmp(key, "id") != 0 && strcmp(key, "samples") != 0 &&
	    strcmp(key, "kind") != 0)
		return -1;
	return 0;
}

/* A right-aligned BITS-wide sample as a frontend gets it, in 16 bits. */
static uint16_t
widen(uint16_t v, unsigned bits, int full)
{
	uint32_t w = (uint32_t)v << (16 - bits);

	if (full)
		w |= v >> (2 * bits - 16);
	return (uint16_t)w;
}

/*
 * What a frontend gets for a window (a trace's "window" line, plus
 * optional exposure=R,G,B, ir=1 for the infrared plane as gray, full=1
 * for 16-bit samples scaled to the full range rather than shifted):
 * pixel-interleaved RGB (or gray), 8-bit as it is, wider samples in 16
 * bits big-endian for PNM.
 */
int
csim_render(const struct csim_model *m, const char *window, FILE *out, char *err, size_t errlen)
{
	struct render_req r;
	struct csim *cs = &r.cs;
	uint32_t n, i, c, nc;
	uint8_t *p;
	uint16_t v;

	memset(&r, 0, sizeof(r));
	r.positive = 1;
	cs->m = m;
	cs->film.frames = m->strip_frames;
	if (sim_kv_parse(window, ' ', render_kv, &r) < 0 || r.xres == 0 || r.yres == 0 ||
	    r.xres > m->max_dpi || r.yres > m->max_dpi) {
		snprintf(err, errlen, "bad window '%.200s'", window);
		return -1;
	}
	csim_film_geometry(m, &cs->film);
	nc = r.ir ? 1 : 3;
	cs->nplanes = nc;
	for (c = 0; c < nc; c++)
		cs->plane[c] = r.ir ? 3 : c;
	for (c = 0; c < 3; c++) {
		sim_put_be(cs->desc[c] + CSIM_W_EXPOSURE, 4, r.exposure[c]);
		cs->desc[c][CSIM_W_FLAGS] = (uint8_t)r.positive;
	}
	cs->desc[3][CSIM_W_FLAGS] = (uint8_t)r.positive;
	p = cs->desc[cs->plane[0]];
	sim_put_be(p + CSIM_W_XRES, 2, r.xres);
	sim_put_be(p + CSIM_W_YRES, 2, r.yres);
	sim_put_be(p + CSIM_W_X, 4, cs->x0);
	sim_put_be(p + CSIM_W_Y, 4, cs->y0);
	sim_put_be(p + CSIM_W_WIDTH, 4, r.w);
	sim_put_be(p + CSIM_W_HEIGHT, 4, r.l);
	p[CSIM_W_BPP] = (uint8_t)r.bpp;
	if (csim_scan_setup(cs) < 0) {
		snprintf(err, errlen, "empty window");
		return -1;
	}
	cs->pad = 0;	/* frontends never see the pad byte */
	fprintf(out, "P%c\n%u %u\n%u\n", nc == 3 ? '6' : '5', cs->width, cs->lines,
	    cs->bps == 2 ? 65535 : 255);
	for (n = 0; n < cs->lines; n++) {
		csim_make_line(cs, n);
		for (i = 0; i < cs->width; i++) {
			for (c = 0; c < nc; c++) {
				p = cs->line + ((size_t)c * cs->width + i) * cs->bps;
				if (cs->bps == 1) {
					fputc(p[0], out);
					continue;
				}
				v = widen((uint16_t)(p[0] << 8 | p[1]), m->bits, r.full);
				fputc(v >> 8, out);
				fputc(v & 0xff, out);
			}
		}
	}
	free(cs->line);
	return ferror(out) ? -1 : 0;
}
