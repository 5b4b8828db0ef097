/*
 * esim_image.c - what the Perfection 1640SU model sends for a scan: the
 * test chart (chart.c) sampled at the ESC R resolution over the ESC A
 * area, through the device's data path, in the layout ESC/I gives it;
 * and the expected image for a window (scsaned-sim render).
 *
 * The data path of one pixel: the chart's 16-bit RGB at the pixel's
 * position, cut to the 14 bits the 1640's A/D delivers; in colour the
 * ESC m matrix if ESC M asks for it; in monochrome the luminance or the
 * one channel ESC C's dropout names.  16-bit samples leave as they are,
 * little-endian (Intel order, as Epson sends them).  8-bit samples are
 * the top byte through the ESC Z curve (or the ESC z tables) and the
 * ESC L brightness.  Bi-level is that 8-bit value against ESC t (ESC B
 * 01h "none" and 03h, text enhancement, which the model treats alike) or
 * against a screen cell (ESC B's halftones A-C and dithers A-D), one bit
 * a pixel, most significant first, 1 = white.  ESC M's built-in
 * corrections (printers, CRT) are matrices like ESC m's.  Colour is pixel
 * sequence, R G B (ESC C 13h) or G R B (03h).  ESC K mirrors each line.
 * The curves, the brightness step, the screens and the built-in
 * matrices are the model's own: Epson does not publish the device's, and
 * scsaned-sim render uses the same ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esim.h"

void
esim_window_default(struct esim_window *w)
{
	int c, i;

	memset(w, 0, sizeof(*w));
	w->xres = w->yres = 400;
	w->w = 8 * 400 / 2;	/* half of the bed at 400 dpi */
	w->l = 11 * 400 / 2;
	w->color = 0x00;
	w->depth = 8;
	w->gamma = 0x01;
	w->halftone = 0x01;
	w->threshold = 0x80;
	w->cct[0] = w->cct[4] = w->cct[8] = 32;	/* unity, /32 */
	for (c = 0; c < 3; c++)
		for (i = 0; i < 256; i++)
			w->table[c][i] = (uint8_t)i;
}

/*
 * ESC B's ordered screens: thresholds 0-255, rows of WIDTH cells, four
 * rows.  Halftone and dither A-C share a cell each; dither D is 8 wide.
 */
struct screen {
	unsigned width;
	uint8_t cell[4][8];
};
static const struct screen screen_bayer = { 4, {
	{ 8, 136, 40, 168 }, { 200, 72, 232, 104 }, { 56, 184, 24, 152 }, { 248, 120, 216, 88 } } };
static const struct screen screen_spiral = { 4, {
	{ 168, 104, 120, 184 }, { 88, 8, 24, 136 }, { 72, 56, 40, 152 }, { 248, 232, 216, 200 } } };
static const struct screen screen_net = { 4, {
	{ 8, 72, 200, 136 }, { 104, 40, 168, 232 }, { 200, 136, 8, 72 }, { 168, 232, 104, 40 } } };
static const struct screen screen_net8 = { 8, {
	{ 8, 40, 72, 104, 248, 216, 184, 152 }, { 136, 168, 200, 232, 120, 88, 56, 24 },
	{ 248, 216, 184, 152, 8, 40, 72, 104 }, { 120, 88, 56, 24, 136, 168, 200, 232 } } };

/* ESC B's screen, or NULL for plain thresholding. */
static const struct screen *
screen(uint8_t halftone)
{
	switch (halftone) {
	case 0x00: case 0x80: return &screen_bayer;	/* halftone A, dither A */
	case 0x10: case 0x90: return &screen_spiral;	/* halftone B, dither B */
	case 0x20: case 0xa0: return &screen_net;	/* halftone C, dither C */
	case 0xb0: return &screen_net8;			/* dither D */
	default: return NULL;
	}
}

int
esim_halftone_known(uint8_t v)
{
	return v == 0x01 || v == 0x03 || screen(v) != NULL;
}

/* ESC M's built-in matrices, in ESC m's layout (G R B, signed magnitude /32). */
static const uint8_t *
builtin_cct(uint8_t corr)
{
	static const uint8_t dot[9] = { 40, 0x84, 0x84, 0x84, 40, 0x84, 0x84, 0x84, 40 };
	static const uint8_t thermal[9] = { 38, 0x83, 0x83, 0x83, 38, 0x83, 0x83, 0x83, 38 };
	static const uint8_t inkjet[9] = { 36, 0x82, 0x82, 0x82, 36, 0x82, 0x82, 0x82, 36 };
	static const uint8_t crt[9] = { 42, 0x85, 0x85, 0x85, 42, 0x85, 0x85, 0x85, 42 };

	switch (corr) {
	case 0x10: return dot;
	case 0x20: return thermal;
	case 0x40: return inkjet;
	case 0x80: return crt;
	default: return NULL;
	}
}

int
esim_correction_known(uint8_t v)
{
	return v == 0x00 || v == 0x01 || builtin_cct(v) != NULL;
}

static int
is_colour(uint8_t color)
{
	return color == 0x03 || color == 0x13;
}

/* Why the device would refuse to scan W, or NULL if it scans it. */
const char *
esim_window_check(const struct esim_window *w)
{
	if (w->xres < ESIM_MIN_DPI || w->xres > ESIM_MAX_DPI ||
	    w->yres < ESIM_MIN_DPI || w->yres > ESIM_MAX_DPI)
		return "resolution out of range";
	if (w->w == 0 || w->l == 0)
		return "empty area";
	if ((uint64_t)(w->x + (uint64_t)w->w) * 1200 > (uint64_t)ESIM_BED_X * w->xres ||
	    (uint64_t)(w->y + (uint64_t)w->l) * 1200 > (uint64_t)ESIM_BED_Y * w->yres)
		return "area beyond the flatbed";
	if (w->color != 0x00 && w->color != 0x10 && w->color != 0x20 &&
	    w->color != 0x30 && !is_colour(w->color))
		return "colour mode";
	if (w->depth != 1 && w->depth != 8 && w->depth != 16)
		return "depth";
	if (w->depth == 1 && is_colour(w->color))
		return "bi-level colour";
	return NULL;
}

size_t
esim_bytes_per_line(const struct esim_window *w)
{
	size_t n = w->w;

	if (w->depth == 1)
		return (n + 7) / 8;
	n *= w->depth / 8u;
	return is_colour(w->color) ? 3 * n : n;
}

static unsigned
isqrt(unsigned v)
{
	unsigned r = 0, b = 1u << 30;

	while (b > v)
		b >>= 2;
	while (b != 0) {
		if (v >= r + b) {
			v -= r + b;
			r = (r >> 1) + b;
		} else {
			r >>= 1;
		}
		b >>= 2;
	}
	return r;
}

/* The ESC Z curves, integer so render and model agree on every value. */
static unsigned
curve(uint8_t gamma, unsigned v)
{
	switch (gamma) {
	case 0x00:		/* high density printing: darker */
		return v * v / 255;
	case 0x02:		/* CRT, multi-level */
		return isqrt(v * 255);
	case 0x10:		/* low density printing: lighter */
		return (v + isqrt(v * 255)) / 2;
	case 0x20:		/* high contrast: an S curve */
		return v < 128 ? v * v / 128 : 255 - (255 - v) * (255 - v) / 127;
	default:		/* 01 bi-level CRT, 03 the ESC z tables */
		return v;
	}
}

static void
make_lut(struct esim_scan *sc)
{
	const struct esim_window *w = &sc->win;
	unsigned c, i;
	int v;

	for (c = 0; c < 3; c++)
		for (i = 0; i < 256; i++) {
			v = (int)curve(w->gamma, i);
			if (w->gamma == 0x03)
				v = w->table[c][i];
			v += w->bright * 16;
			sc->lut[c][i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
}

int
esim_scan_start(struct esim_scan *sc, const struct esim_window *w)
{
	if (esim_window_check(w) != NULL)
		return -1;
	sc->win = *w;
	sc->bpl = esim_bytes_per_line(w);
	free(sc->line);
	if ((sc->line = malloc(sc->bpl)) == NULL)
		return -1;
	sc->line_no = UINT32_MAX;
	sc->next_line = 0;
	make_lut(sc);
	return 0;
}

void
esim_scan_end(struct esim_scan *sc)
{
	free(sc->line);
	sc->line = NULL;
	sc->line_no = UINT32_MAX;
}

/* A signed-magnitude coefficient in 1/32. */
static int
coeff(uint8_t b)
{
	return (b & 0x80) ? -(int)(b & 0x7f) : (int)(b & 0x7f);
}

static uint16_t
clamp16(long v)
{
	return (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : v);
}

/* The pixel's three samples (R G B), or its gray in s[0], at 16 bits. */
static void
pixel(const struct esim_window *w, uint32_t i, uint32_t n, uint16_t s[3])
{
	uint32_t px = w->mirror ? w->x + w->w - 1 - i : w->x + i;
	uint32_t cx = (uint32_t)((uint64_t)px * 1200 / w->xres);
	uint32_t cy = (uint32_t)((uint64_t)(w->y + n) * 1200 / w->yres);
	uint16_t rgb[3];
	const uint8_t *m = w->cct;
	long r, g, b;

	sim_chart_rgb16(cx, cy, rgb);
	r = rgb[0] & 0xfffc;		/* a 14-bit A/D */
	g = rgb[1] & 0xfffc;
	b = rgb[2] & 0xfffc;
	if (!is_colour(w->color)) {
		switch (w->color) {
		case 0x10: s[0] = (uint16_t)r; break;
		case 0x20: s[0] = (uint16_t)g; break;
		case 0x30: s[0] = (uint16_t)b; break;
		default: s[0] = (uint16_t)((77 * r + 150 * g + 29 * b) >> 8); break;
		}
		return;
	}
	if (w->corr != 0 && (w->corr == 1 || (m = builtin_cct(w->corr)) != NULL)) {
		/* Epson's order is G R B, rows and columns alike. */
		s[1] = clamp16((coeff(m[0]) * g + coeff(m[1]) * r + coeff(m[2]) * b) / 32);
		s[0] = clamp16((coeff(m[3]) * g + coeff(m[4]) * r + coeff(m[5]) * b) / 32);
		s[2] = clamp16((coeff(m[6]) * g + coeff(m[7]) * r + coeff(m[8]) * b) / 32);
		return;
	}
	s[0] = (uint16_t)r;
	s[1] = (uint16_t)g;
	s[2] = (uint16_t)b;
}

static void
make_line(const struct esim_scan *sc, uint32_t n, uint8_t *out)
{
	const struct esim_window *w = &sc->win;
	static const unsigned rgb_order[3] = { 0, 1, 2 }, grb_order[3] = { 1, 0, 2 };
	const unsigned *order = w->color == 0x03 ? grb_order : rgb_order;
	unsigned planes = is_colour(w->color) ? 3 : 1, c, ch;
	uint16_t s[3];
	uint8_t *p = out;
	uint32_t i;

	const struct screen *scr = screen(w->halftone);

	if (w->depth == 1)
		memset(out, 0, sc->bpl);
	for (i = 0; i < w->w; i++) {
		pixel(w, i, n, s);
		if (w->depth == 1) {
			if (sc->lut[1][s[0] >> 8] >= (scr != NULL ?
			    scr->cell[n % 4][i % scr->width] : w->threshold))
				out[i / 8] |= (uint8_t)(0x80 >> (i % 8));
			continue;
		}
		for (c = 0; c < planes; c++) {
			ch = planes == 3 ? order[c] : 1;
			if (w->depth == 16) {
				*p++ = (uint8_t)s[planes == 3 ? ch : 0];
				*p++ = (uint8_t)(s[planes == 3 ? ch : 0] >> 8);
			} else {
				*p++ = sc->lut[ch][s[planes == 3 ? ch : 0] >> 8];
			}
		}
	}
}

/* N bytes of the image from byte OFF on, made a line at a time. */
void
esim_scan_copy(struct esim_scan *sc, uint64_t off, uint8_t *dst, size_t n)
{
	uint32_t line;
	size_t at, take;

	while (n > 0) {
		line = (uint32_t)(off / sc->bpl);
		at = (size_t)(off % sc->bpl);
		if (line != sc->line_no) {
			make_line(sc, line, sc->line);
			sc->line_no = line;
		}
		take = sc->bpl - at < n ? sc->bpl - at : n;
		memcpy(dst, sc->line + at, take);
		dst += take;
		off += take;
		n -= take;
	}
}

void
esim_window_format(const struct esim_window *w, char *buf, size_t len)
{
	snprintf(buf, len, "xres=%u yres=%u x=%u y=%u w=%u l=%u color=%u depth=%u "
	    "gamma=%u bright=%d threshold=%u halftone=%u mirror=%u corr=%u "
	    "cct=%02x%02x%02x%02x%02x%02x%02x%02x%02x tables=%s",
	    w->xres, w->yres, w->x, w->y, w->w, w->l, w->color, w->depth,
	    w->gamma, w->bright, w->threshold, w->halftone, w->mirror, w->corr,
	    w->cct[0], w->cct[1], w->cct[2], w->cct[3], w->cct[4], w->cct[5],
	    w->cct[6], w->cct[7], w->cct[8], w->custom_tables ? "custom" : "identity");
}

/* ---- rendering the expected image ------------------------------------- */

static int
hex9(const char *val, uint8_t out[9])
{
	unsigned i, v;

	if (strlen(val) != 18)
		return -1;
	for (i = 0; i < 9; i++) {
		if (sscanf(val + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

static int
render_kv(void *arg, const char *key, const char *val)
{
	struct esim_window *w = arg;
	unsigned long v;

	if (strcmp(key, "cct") == 0)
		return hex9(val, w->cct);
	if (strcmp(key, "tables") == 0)
		return strcmp(val, "identity") == 0 ? 0 : -1;	/* not in a trace line */
	if (strcmp(key, "bright") == 0) {
		if (sim_kv_uint(val[0] == '-' ? val + 1 : val, 4, &v) < 0)
			return -1;
		w->bright = (int8_t)(val[0] == '-' ? -(long)v : (long)v);
		return 0;
	}
	if (sim_kv_uint(val, 0xffffffffUL, &v) < 0)
		return -1;
	if (strcmp(key, "xres") == 0) w->xres = (uint32_t)v;
	else if (strcmp(key, "yres") == 0) w->yres = (uint32_t)v;
	else if (strcmp(key, "x") == 0) w->x = (uint32_t)v;
	else if (strcmp(key, "y") == 0) w->y = (uint32_t)v;
	else if (strcmp(key, "w") == 0) w->w = (uint32_t)v;
	else if (strcmp(key, "l") == 0) w->l = (uint32_t)v;
	else if (v > 255) return -1;
	else if (strcmp(key, "color") == 0) w->color = (uint8_t)v;
	else if (strcmp(key, "depth") == 0) w->depth = (uint8_t)v;
	else if (strcmp(key, "gamma") == 0) w->gamma = (uint8_t)v;
	else if (strcmp(key, "threshold") == 0) w->threshold = (uint8_t)v;
	else if (strcmp(key, "halftone") == 0 && esim_halftone_known((uint8_t)v))
		w->halftone = (uint8_t)v;
	else if (strcmp(key, "mirror") == 0) w->mirror = (uint8_t)(v != 0);
	else if (strcmp(key, "corr") == 0 && esim_correction_known((uint8_t)v))
		w->corr = (uint8_t)v;
	else return -1;
	return 0;
}

/*
 * PNM of what the device sends for WINDOW, as scanimage writes it: P4
 * with 1 = black (the device's bits inverted, as epson2 does), P5/P6 with
 * 16-bit samples big-endian.
 */
int
esim_render(const char *window, FILE *out, char *err, size_t errlen)
{
	struct esim_scan sc;
	const char *why;
	uint32_t n;
	size_t i;

	memset(&sc, 0, sizeof(sc));
	esim_window_default(&sc.win);
	if (sim_kv_parse(window, ' ', render_kv, &sc.win) < 0) {
		snprintf(err, errlen, "bad window '%.200s' (custom ESC z tables "
		    "cannot be rendered)", window);
		return -1;
	}
	if ((why = esim_window_check(&sc.win)) != NULL) {
		snprintf(err, errlen, "window rejected by the device: %s", why);
		return -1;
	}
	/* epson2 puts G R B pixels back in R G B order. */
	if (sc.win.color == 0x03)
		sc.win.color = 0x13;
	if (esim_scan_start(&sc, &sc.win) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (sc.win.depth == 1)
		fprintf(out, "P4\n%u %u\n", sc.win.w, sc.win.l);
	else
		fprintf(out, "P%c\n%u %u\n%u\n", is_colour(sc.win.color) ? '6' : '5',
		    sc.win.w, sc.win.l, sc.win.depth == 16 ? 65535 : 255);
	for (n = 0; n < sc.win.l; n++) {
		make_line(&sc, n, sc.line);
		for (i = 0; i < sc.bpl; i++) {
			if (sc.win.depth == 1)
				sc.line[i] = (uint8_t)~sc.line[i];
			else if (sc.win.depth == 16 && i % 2 == 0) {
				uint8_t t = sc.line[i];

				sc.line[i] = sc.line[i + 1];
				sc.line[i + 1] = t;
			}
		}
		fwrite(sc.line, 1, sc.bpl, out);
	}
	esim_scan_end(&sc);
	if (ferror(out)) {
		snprintf(err, errlen, "write error");
		return -1;
	}
	return 0;
}
