/*
 * usim_image.c - what the Astra 1220S model delivers: the chart (chart.c)
 * sampled at the window's pitch through a 12-bit CCD, through the
 * downloaded gamma curve or the linear one, in the window's format; the
 * white strip during calibration by driver; and the expected image of a
 * window (scsaned-sim render).
 *
 * One sample: the chart's 16-bit value cut to the CCD's 12 bits; gray is
 * 0.30 R + 0.59 G + 0.11 B of those.  With the window's gamma byte 0 and
 * a curve downloaded for the channel, the sample indexes the curve and
 * the entry is sent as it came (1 byte for 8-bit windows, 2 for 12-bit);
 * otherwise 8-bit windows get the top 8 bits and 12-bit windows the
 * sample itself, right-aligned in 16 bits.  Two-byte samples go low
 * byte first when the window's HBT bit says so (umax asks for it on
 * little-endian hosts), else high byte first.  Lineart and halftone are
 * 1 bit, leftmost pixel in bit 7, 1 = black (RIF inverts), each line
 * truncated to whole bytes (padding type 3).  Colour is one pass, pixel
 * interleaved R, G, B.
 */
#include <stdlib.h>
#include <string.h>

#include "usim.h"

/*
 * Pixels the firmware delivers for SIZE (1/1200 inch) at RES dpi: whole
 * inches give RES each; the rest is sampled at BASE dpi and, of every
 * BASE samples, BASE - RES are dropped, evenly, the first drop after
 * BASE / (BASE - RES) samples.  umax computes the same count for the
 * bytes it expects; a count that differed would shift every line.
 */
uint32_t
usim_pixels(uint32_t size, unsigned res, unsigned base)
{
	uint64_t rest = (uint64_t)(size % USIM_BASE) * base / USIM_BASE;
	uint64_t drop = 0, d = base > res ? base - res : 0;

	if (d > 0)	/* drops at k * BASE / d (k = 1, 2, ...) up to REST */
		drop = ((rest + 1) * d - 1) / base;
	return (uint32_t)((size / USIM_BASE) * res + rest - drop);
}

/* The carriage steps at 1200, 600 or 300 lines per inch. */
unsigned
usim_ybase(unsigned yres)
{
	if (yres > USIM_OPT_RES)
		return USIM_MAX_YRES;
	return yres > USIM_OPT_RES / 2 ? USIM_OPT_RES : USIM_OPT_RES / 2;
}

static unsigned
bytes_per_sample(const struct usim_window *w)
{
	return w->bpp > 8 ? 2 : 1;
}

void
usim_geometry(const struct usim_window *w, struct usim_geometry *g)
{
	g->ppl = usim_pixels(w->w, w->xres, USIM_OPT_RES);
	g->lines = usim_pixels(w->l, w->yres, usim_ybase(w->yres));
	if (w->comp == SCSI_COMP_LINEART || w->comp == SCSI_COMP_HALFTONE) {
		g->ppl -= g->ppl % 8;
		g->bpl = g->ppl / 8;
	} else {
		g->bpl = (size_t)g->ppl * bytes_per_sample(w) * (w->comp == SCSI_COMP_RGB ? 3 : 1);
	}
}

/*
 * Why the firmware refuses W, or NULL; *FIELD is the descriptor byte at
 * fault.  Resolutions, the platen and the modes of this unit.
 */
const char *
usim_window_check(const struct usim_window *w, int uta, unsigned *field)
{
	struct usim_geometry g;
	uint32_t maxw = USIM_FB_W * (USIM_BASE / 100), maxl = USIM_FB_L * (USIM_BASE / 100);

	(void)uta;
	*field = USIM_W_XRES;
	if (w->xres == 0 || w->xres > USIM_MAX_XRES)
		return "x resolution out of range";
	*field = USIM_W_YRES;
	if (w->yres == 0 || w->yres > USIM_MAX_YRES)
		return "y resolution out of range";
	*field = USIM_W_COMP;
	if (w->comp != SCSI_COMP_LINEART && w->comp != SCSI_COMP_HALFTONE &&
	    w->comp != SCSI_COMP_GRAY && w->comp != SCSI_COMP_RGB)
		return "unsupported image composition";
	*field = USIM_W_BPP;
	if ((w->comp == SCSI_COMP_LINEART || w->comp == SCSI_COMP_HALFTONE) ? w->bpp != 1 :
	    (w->bpp != 8 && w->bpp != 12))
		return "bits per pixel";
	*field = USIM_W_WIDTH;
	if (w->w == 0 || w->x > maxw || w->w > maxw - w->x)
		return "window outside the platen";
	*field = USIM_W_LENGTH;
	if (w->l == 0 || w->y > maxl || w->l > maxl - w->y)
		return "window outside the platen";
	usim_geometry(w, &g);
	*field = USIM_W_WIDTH;
	if (g.ppl == 0 || g.lines == 0)
		return "window smaller than one pixel";
	return NULL;
}

/* ---- samples --------------------------------------------------------- */

static const uint8_t bayer[8][8] = {
	{  0, 32,  8, 40,  2, 34, 10, 42 }, { 48, 16, 56, 24, 50, 18, 58, 26 },
	{ 12, 44,  4, 36, 14, 46,  6, 38 }, { 60, 28, 52, 20, 62, 30, 54, 22 },
	{  3, 35, 11, 43,  1, 33,  9, 41 }, { 51, 19, 59, 27, 49, 17, 57, 25 },
	{ 15, 47,  7, 39, 13, 45,  5, 37 }, { 63, 31, 55, 23, 61, 29, 53, 21 },
};

/* The CCD's 12-bit R, G, B and gray at the chart position (X, Y). */
static void
ccd(uint32_t x, uint32_t y, uint16_t s[4])
{
	uint16_t rgb[3];

	sim_chart_rgb16(x, y, rgb);
	s[1] = rgb[0] >> 4;
	s[2] = rgb[1] >> 4;
	s[3] = rgb[2] >> 4;
	s[0] = (uint16_t)((77u * s[1] + 151u * s[2] + 28u * s[3]) >> 8);
}

/* Sample S of channel C (0 gray, 1-3 R G B) as the window's format has it. */
static uint16_t
out_value(const struct usim_window *w, const struct usim_gamma *gamma, unsigned c,
    uint16_t s)
{
	const struct usim_gamma *g = &gamma[c];

	if (w->gamma_sel == 0 && g->set && g->out_bits == (w->bpp > 8 ? 12u : 8u))
		return g->v[s];
	return w->bpp > 8 ? s : (uint16_t)(s >> 4);
}

static uint8_t *
usim_put(uint8_t *p, const struct usim_window *w, uint16_t v)
{
	if (w->bpp <= 8) {
		*p++ = (uint8_t)v;
	} else if (w->lsb_first) {
		*p++ = (uint8_t)v;
		*p++ = (uint8_t)(v >> 8);
	} else {
		*p++ = (uint8_t)(v >> 8);
		*p++ = (uint8_t)v;
	}
	return p;
}

/* Is the pixel at column I of line N black, in lineart or halftone? */
static int
black(const struct usim_window *w, uint32_t i, uint32_t n, uint16_t gray12)
{
	unsigned g8 = gray12 >> 4, t;

	if (w->comp == SCSI_COMP_LINEART)
		t = w->threshold;
	else
		t = bayer[n % 8][i % 8] * 4u + 2;
	return (g8 < t) != (w->rif != 0);
}

/* Line N of window W into OUT (G's bpl bytes). */
static void
make_line(const struct usim_window *w, const struct usim_gamma *gamma,
    const struct usim_geometry *g, uint32_t n, uint8_t *out)
{
	uint32_t y = w->y + (uint32_t)((uint64_t)n * USIM_BASE / w->yres), x, i;
	uint8_t *p = out;
	uint16_t s[4];
	unsigned c;

	memset(out, 0, g->bpl);
	for (i = 0; i < g->ppl; i++) {
		x = w->x + (uint32_t)((uint64_t)i * USIM_BASE / w->xres);
		ccd(x, y, s);
		if (w->comp == SCSI_COMP_LINEART || w->comp == SCSI_COMP_HALFTONE) {
			if (black(w, i, n, s[0]))
				out[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		} else if (w->comp == SCSI_COMP_GRAY) {
			p = usim_put(p, w, out_value(w, gamma, 0, s[0]));
		} else {
			for (c = 1; c <= 3; c++)
				p = usim_put(p, w, out_value(w, gamma, c, s[c]));
		}
	}
}

/* ---- calibration by driver --------------------------------------------- */

/*
 * Bytes of one shading line: every CCD pixel under the window's width
 * (at the optical resolution; three times for colour), 2 bytes each.
 */
size_t
usim_cal_bpl(const struct usim_window *w)
{
	size_t px = (size_t)((uint64_t)w->w * USIM_OPT_RES / USIM_BASE);

	return px * (w->comp == SCSI_COMP_RGB ? 3 : 1) * 2;
}

/* LEN bytes of the shading stream from byte POS: the white strip. */
void
usim_cal_line(const struct usim_window *w, uint8_t *buf, size_t len, uint64_t pos)
{
	size_t k;
	int low;

	for (k = 0; k < len; k++) {
		low = ((pos + k) % 2 == 0) == (w->lsb_first != 0);
		buf[k] = (uint8_t)(low ? USIM_WHITE & 0xff : USIM_WHITE >> 8);
	}
}

/* ---- gamma ------------------------------------------------------------- */

/*
 * If curve G is the ramp v(j) = j * M / 4096 for some M (umax's default
 * table is one, with M = 255), M; else -1.  The trace reports it so that
 * render can apply the same curve.
 */
int
usim_gamma_ramp(const struct usim_gamma *g)
{
	uint32_t m = g->v[USIM_GAMMA_IN - 1] + 1u, j;

	for (j = 0; j < USIM_GAMMA_IN; j++)
		if (g->v[j] != (uint16_t)((uint64_t)j * m / USIM_GAMMA_IN))
			return -1;
	return (int)m;
}

/* ---- the scan ---------------------------------------------------------- */

static const uint8_t *
line_at(void *arg, uint32_t n)
{
	struct usim *u = arg;

	make_line(&u->win, u->gamma, &u->geo, n, u->line);
	return u->line;
}

/* Start streaming the image of the current window: 0, or -1 (memory). */
int
usim_scan_start(struct usim *u)
{
	usim_geometry(&u->win, &u->geo);
	free(u->line);
	if ((u->line = malloc(u->geo.bpl)) == NULL)
		return -1;
	sim_stream_start(&u->stream, u->geo.bpl, u->geo.lines, line_at, u);
	return 0;
}

/* ---- the expected image ------------------------------------------------ */

struct render_req {
	struct usim_window w;
	long ramp;
};

static int
render_kv(void *arg, const char *key, const char *val)
{
	struct render_req *r = arg;
	unsigned long v;

	if (sim_kv_uint(val, 0xffffffffUL, &v) < 0)
		return -1;
	if (strcmp(key, "xres") == 0) r->w.xres = (uint16_t)(v > 0xffff ? 0 : v);
	else if (strcmp(key, "yres") == 0) r->w.yres = (uint16_t)(v > 0xffff ? 0 : v);
	else if (strcmp(key, "x") == 0) r->w.x = (uint32_t)v;
	else if (strcmp(key, "y") == 0) r->w.y = (uint32_t)v;
	else if (strcmp(key, "w") == 0) r->w.w = (uint32_t)v;
	else if (strcmp(key, "l") == 0) r->w.l = (uint32_t)v;
	else if (strcmp(key, "comp") == 0) r->w.comp = (uint8_t)(v > 0xff ? 0xff : v);
	else if (strcmp(key, "bpp") == 0) r->w.bpp = (uint8_t)(v > 0xff ? 0xff : v);
	else if (strcmp(key, "threshold") == 0) r->w.threshold = (uint8_t)(v > 0xff ? 0xff : v);
	else if (strcmp(key, "rif") == 0) r->w.rif = v != 0;
	else if (strcmp(key, "curve") == 0) r->w.gamma_sel = (uint8_t)(v > 0xff ? 0xff : v);
	else if (strcmp(key, "gamma") == 0 && v <= USIM_GAMMA_IN) r->ramp = (long)v;
	else if (strcmp(key, "hbt") != 0)
		return -1;	/* hbt: PNM is big-endian whatever the device sent */
	return 0;
}

static void
ramp_curves(struct usim_gamma *gamma, unsigned m, unsigned out_bits)
{
	uint32_t j;
	unsigned c;

	for (c = 0; c < 4; c++) {
		gamma[c].set = 1;
		gamma[c].out_bits = out_bits;
		for (j = 0; j < USIM_GAMMA_IN; j++)
			gamma[c].v[j] = (uint16_t)((uint64_t)j * m / USIM_GAMMA_IN);
	}
}

/*
 * What scanimage writes for a window (a trace's "window" line, plus
 * gamma=M when the trace shows umax downloaded the ramp to M; it applies
 * where the window's curve=0 selects the download, as on the device): PBM for
 * lineart and halftone, PGM or PPM, 12-bit samples in 16 bits
 * big-endian as scanimage turns them.
 */
int
usim_render(const char *window, FILE *out, char *err, size_t errlen)
{
	static struct usim_gamma gamma[4];
	struct render_req r;
	struct usim_geometry g;
	const char *why;
	unsigned field;
	uint8_t *line;
	uint32_t n;

	memset(&r, 0, sizeof(r));
	memset(gamma, 0, sizeof(gamma));
	r.w.gamma_sel = 0x0f;
	r.ramp = -1;
	if (sim_kv_parse(window, ' ', render_kv, &r) < 0) {
		snprintf(err, errlen, "bad window '%.200s'", window);
		return -1;
	}
	if ((why = usim_window_check(&r.w, 0, &field)) != NULL) {
		snprintf(err, errlen, "window rejected by the device: %s", why);
		return -1;
	}
	if (r.ramp >= 0)	/* used only where the window selects the download */
		ramp_curves(gamma, (unsigned)r.ramp, r.w.bpp > 8 ? 12 : 8);
	r.w.lsb_first = 0;
	usim_geometry(&r.w, &g);
	if ((line = malloc(g.bpl)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (r.w.comp == SCSI_COMP_LINEART || r.w.comp == SCSI_COMP_HALFTONE)
		fprintf(out, "P4\n%u %u\n", g.ppl, g.lines);
	else
		fprintf(out, "P%c\n%u %u\n%u\n", r.w.comp == SCSI_COMP_RGB ? '6' : '5',
		    g.ppl, g.lines, r.w.bpp > 8 ? 65535 : 255);
	for (n = 0; n < g.lines; n++) {
		make_line(&r.w, gamma, &g, n, line);
		fwrite(line, 1, g.bpl, out);
	}
	free(line);
	if (ferror(out)) {
		snprintf(err, errlen, "write error");
		return -1;
	}
	return 0;
}
