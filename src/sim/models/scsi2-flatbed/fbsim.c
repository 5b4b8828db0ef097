/*
 * fbsim.c - a standards-following SCSI-2 flatbed scanner.
 *
 * Peripheral type 06h, 50-1200 dpi in 1 dpi steps, a 216 x 297 mm platen.
 * It implements the SCSI-2 scanner command set as the standard lays it out
 * (one window, id 0, with the 40-byte descriptor), rejects what a real
 * device rejects, and returns the image of the chart in chart.c:
 *
 *   composition 00h lineart  1 bit, MSB first, 1 = black (RIF flips it),
 *                            lines padded to a byte boundary;
 *   composition 02h gray     8 or 16 bits per pixel;
 *   composition 05h RGB      8 or 16 bits per sample, pixel interleaved;
 *   16-bit samples big-endian, as SCSI devices send them.
 *
 * A READ that asks for more than is left gets what is left and CHECK
 * CONDITION, NO SENSE with EOM and ILI, the information field holding the
 * residue: the end of image as the standard describes it.
 *
 * Device limits and capabilities are also reported in vendor VPD page F0h
 * (layout in hw-notes/scsi2-flatbed.md).
 *
 * Option lps=N makes READ take as long as a carriage moving N lines per
 * second would, for tests that need a scan to be in progress.
 *
 * Option sheet=N: the original ends after N lines of any scan, as a page
 * from a document feeder shorter than the window does.  The READ that
 * crosses its end gets what is left with EOM and ILI; every READ after it,
 * until the next SCAN, gets EOM and nothing: the medium has ended.
 */
#include <stdlib.h>
#include <string.h>

#include "scsaned/scsi_opcodes.h"
#include "../../sim_int.h"

#define FBSIM_MIN_RES	50
#define FBSIM_MAX_RES	1200
#define FBSIM_WIDTH_U	10204	/* 216 mm in 1/1200 inch */
#define FBSIM_LENGTH_U	14031	/* 297 mm in 1/1200 inch */
#define FBSIM_BUFFER	(256 * 1024)	/* reported buffer space */
#define FBSIM_DESC_LEN	40

struct fbsim_window {
	uint16_t xres, yres;
	uint32_t x, y, w, l;	/* in MUD units */
	uint8_t threshold;
	uint8_t comp;
	uint8_t bpp;
	uint8_t rif;
	uint16_t mud;		/* the unit the numbers above are in */
};

struct fbsim_geometry {
	uint32_t ppl, lines, bpl;
};

struct fbsim {
	uint16_t mud;		/* current measurement unit divisor */
	struct fbsim_window win;
	int scanning;
	struct fbsim_geometry geo;
	struct sim_stream stream;
	uint8_t *line;		/* the line under the read position */
	unsigned lps;		/* emulated lines per second, 0 = instant */
	uint32_t sheet;		/* lines of the original, 0 = the whole window */
	int sheet_ended;	/* READs get EOM until the next SCAN */
};

static void
fbsim_geometry(const struct fbsim_window *w, struct fbsim_geometry *g)
{
	g->ppl = (uint32_t)((uint64_t)w->w * w->xres / w->mud);
	g->lines = (uint32_t)((uint64_t)w->l * w->yres / w->mud);
	if (w->comp == SCSI_COMP_LINEART)
		g->bpl = (g->ppl + 7) / 8;
	else
		g->bpl = g->ppl * (w->bpp / 8) * (w->comp == SCSI_COMP_RGB ? 3 : 1);
}

/* Reason a window is unacceptable, or NULL. */
static const char *
fbsim_window_check(const struct fbsim_window *w)
{
	struct fbsim_geometry g;
	uint64_t maxx, maxy;

	if (w->mud == 0 || w->mud > 1200)
		return "bad measurement unit";
	if (w->xres < FBSIM_MIN_RES || w->xres > FBSIM_MAX_RES ||
	    w->yres < FBSIM_MIN_RES || w->yres > FBSIM_MAX_RES)
		return "resolution out of range";
	if (w->comp == SCSI_COMP_LINEART) {
		if (w->bpp != 1)
			return "lineart needs 1 bit per pixel";
	} else if (w->comp == SCSI_COMP_GRAY || w->comp == SCSI_COMP_RGB) {
		if (w->bpp != 8 && w->bpp != 16)
			return "bits per pixel must be 8 or 16";
	} else {
		return "unsupported image composition";
	}
	maxx = (uint64_t)FBSIM_WIDTH_U * w->mud / 1200;
	maxy = (uint64_t)FBSIM_LENGTH_U * w->mud / 1200;
	if (w->w == 0 || w->l == 0 || (uint64_t)w->x + w->w > maxx ||
	    (uint64_t)w->y + w->l > maxy)
		return "window outside the platen";
	fbsim_geometry(w, &g);
	if (g.ppl == 0 || g.lines == 0)
		return "window smaller than one pixel";
	return NULL;
}

static void
fbsim_default_window(struct fbsim_window *w, uint16_t mud)
{
	memset(w, 0, sizeof(*w));
	w->xres = w->yres = 300;
	w->mud = mud;
	w->w = (uint32_t)((uint64_t)FBSIM_WIDTH_U * mud / 1200);
	w->l = (uint32_t)((uint64_t)FBSIM_LENGTH_U * mud / 1200);
	w->comp = SCSI_COMP_GRAY;
	w->bpp = 8;
}

static void
put_sample(uint8_t *p, unsigned bpp, uint16_t v)
{
	if (bpp == 16) {
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
	} else {
		p[0] = (uint8_t)(v >> 8);
	}
}

/* Line N of the image of window W into OUT (geometry G). */
static void
fbsim_make_line(const struct fbsim_window *w, const struct fbsim_geometry *g,
    uint32_t n, uint8_t *out)
{
	uint64_t x0 = (uint64_t)w->x * 1200 / w->mud;
	uint32_t y = (uint32_t)((uint64_t)w->y * 1200 / w->mud +
	    (uint64_t)n * 1200 / w->yres);
	unsigned bytes = w->bpp / 8;
	uint16_t rgb[3], gray;
	uint32_t i, x;
	int black;

	memset(out, 0, g->bpl);
	for (i = 0; i < g->ppl; i++) {
		x = (uint32_t)(x0 + (uint64_t)i * 1200 / w->xres);
		sim_chart_rgb16(x, y, rgb);
		gray = (uint16_t)((77u * rgb[0] + 151u * rgb[1] + 28u * rgb[2]) >> 8);
		switch (w->comp) {
		case SCSI_COMP_LINEART:
			black = (gray >> 8) < (w->threshold ? w->threshold : 128);
			if (black != w->rif)
				out[i / 8] |= (uint8_t)(0x80 >> (i % 8));
			break;
		case SCSI_COMP_GRAY:
			put_sample(out + (size_t)i * bytes, w->bpp, gray);
			break;
		default:
			put_sample(out + (size_t)i * 3 * bytes, w->bpp, rgb[0]);
			put_sample(out + ((size_t)i * 3 + 1) * bytes, w->bpp, rgb[1]);
			put_sample(out + ((size_t)i * 3 + 2) * bytes, w->bpp, rgb[2]);
			break;
		}
	}
}

/* ---- commands ---------------------------------------------------------- */

static void
fbsim_inquiry(struct fbsim *fb, struct sim_io *io)
{
	uint8_t std[36] = {
		SCSI_TYPE_SCANNER, 0x00, 0x02, 0x02, 31, 0, 0, 0x00,
		'S', 'C', 'S', 'A', 'N', 'E', 'D', ' ',
		'S', 'C', 'S', 'I', '2', ' ', 'F', 'L',
		'A', 'T', 'B', 'E', 'D', ' ', ' ', ' ',
		'1', '.', '0', '0',
	};
	uint8_t pages[6] = { SCSI_TYPE_SCANNER, 0x00, 0, 2, 0x00, 0xf0 };
	uint8_t caps[32];
	uint8_t alloc = io->cdb[4];

	(void)fb;
	if (!(io->cdb[1] & 1)) {
		if (io->cdb[2] != 0) {
			sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
			return;
		}
		sim_data_in(io, std, sizeof(std), alloc);
		return;
	}
	switch (io->cdb[2]) {
	case 0x00:
		sim_data_in(io, pages, sizeof(pages), alloc);
		break;
	case 0xf0:
		memset(caps, 0, sizeof(caps));
		caps[0] = SCSI_TYPE_SCANNER;
		caps[1] = 0xf0;
		caps[3] = sizeof(caps) - 4;
		sim_put_be(caps + 4, 2, 300);		/* default x dpi */
		sim_put_be(caps + 6, 2, 300);		/* default y dpi */
		caps[8] = 0x11;				/* 1 dpi steps x, y */
		sim_put_be(caps + 10, 2, FBSIM_MAX_RES);
		sim_put_be(caps + 12, 2, FBSIM_MAX_RES);
		sim_put_be(caps + 14, 2, FBSIM_MIN_RES);
		sim_put_be(caps + 16, 2, FBSIM_MIN_RES);
		sim_put_be(caps + 18, 4, FBSIM_WIDTH_U);	/* in 1/1200 inch */
		sim_put_be(caps + 22, 4, FBSIM_LENGTH_U);
		caps[26] = 0x25;	/* compositions: bit n = code n (0, 2, 5) */
		caps[27] = 0x19;	/* depths: 1 (bit 0), 8 (bit 3), 16 (bit 4) */
		sim_data_in(io, caps, sizeof(caps), alloc);
		break;
	default:
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		break;
	}
}

static void
fbsim_mode_select(struct fbsim *fb, struct sim_io *io)
{
	size_t pll = io->cdb[4], pos, plen;
	const uint8_t *p = io->buf;
	uint16_t mud = fb->mud;

	if (io->cdb[1] & 0x01) {		/* SP: no saved pages */
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	if (pll == 0)
		return;
	if (io->dir != SIM_DIR_OUT || io->buflen < pll || pll < 4 ||
	    (p[3] % 8) != 0 || 4 + (size_t)p[3] > pll) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_PARAM_LIST_LENGTH, 0);
		return;
	}
	io->xfer = pll;
	for (pos = 4 + (size_t)p[3]; pos < pll; pos += 2 + plen) {
		plen = pll - pos >= 2 ? p[pos + 1] : 0;
		if (pll - pos < 2 || pll - pos - 2 < plen) {
			sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_PARAM_LIST_LENGTH, 0);
			return;
		}
		if ((p[pos] & 0x3f) != SCSI_MODE_PAGE_MEASUREMENT || plen != 6 ||
		    p[pos + 2] != 0 || sim_be(p + pos + 4, 2) == 0 ||
		    sim_be(p + pos + 4, 2) > 1200) {
			sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_PARAM, 0);
			return;
		}
		mud = (uint16_t)sim_be(p + pos + 4, 2);
	}
	fb->mud = mud;
}

static void
fbsim_mode_sense(struct fbsim *fb, struct sim_io *io)
{
	uint8_t page = io->cdb[2] & 0x3f, pc = io->cdb[2] >> 6;
	uint8_t r[12] = { 11, 0, 0, 0, SCSI_MODE_PAGE_MEASUREMENT, 6, 0, 0 };
	uint16_t mud = pc == 1 ? 0xffff : pc == 2 ? 1200 : fb->mud;

	if ((page != SCSI_MODE_PAGE_MEASUREMENT && page != 0x3f) || pc == 3) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	sim_put_be(r + 8, 2, mud);
	sim_data_in(io, r, sizeof(r), io->cdb[4]);
}

static void
fbsim_parse_desc(const uint8_t *d, uint16_t mud, struct fbsim_window *w)
{
	memset(w, 0, sizeof(*w));
	w->xres = (uint16_t)sim_be(d + 2, 2);
	w->yres = (uint16_t)sim_be(d + 4, 2);
	w->x = sim_be(d + 6, 4);
	w->y = sim_be(d + 10, 4);
	w->w = sim_be(d + 14, 4);
	w->l = sim_be(d + 18, 4);
	w->threshold = d[23];
	w->comp = d[25];
	w->bpp = d[26];
	w->rif = d[29] >> 7;
	w->mud = mud;
}

static void
fbsim_trace_window(struct sim_device *d, const struct fbsim_window *w)
{
	sim_trace(d, "window xres=%u yres=%u x=%u y=%u w=%u l=%u comp=%u "
	    "bpp=%u threshold=%u rif=%u mud=%u", w->xres, w->yres, w->x, w->y,
	    w->w, w->l, w->comp, w->bpp, w->threshold, w->rif, w->mud);
}

static void
fbsim_set_window(struct sim_device *d, struct fbsim *fb, struct sim_io *io)
{
	size_t tl = sim_be(io->cdb + 6, 3), dlen;
	const uint8_t *p = io->buf;
	struct fbsim_window w;
	const char *why;

	if (io->dir != SIM_DIR_OUT || tl < 8 || io->buflen < tl) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_PARAM_LIST_LENGTH, 0);
		return;
	}
	dlen = sim_be(p + 6, 2);
	if (dlen < FBSIM_DESC_LEN) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_PARAM, 0);
		return;
	}
	if (tl < 8 + dlen) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_PARAM_LIST_LENGTH, 0);
		return;
	}
	if (tl >= 8 + 2 * dlen) {		/* one window only */
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_SEQUENCE_ERROR, SCSI_ASCQ_TOO_MANY_WINDOWS);
		return;
	}
	io->xfer = tl;
	fbsim_parse_desc(p + 8, fb->mud, &w);
	if (p[8] != 0 || p[8 + 32] != 0)	/* window id, compression */
		why = "window id or compression";
	else
		why = fbsim_window_check(&w);
	if (why != NULL) {
		sim_trace(d, "reject window: %s", why);
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_PARAM, 0);
		return;
	}
	fb->win = w;
	fbsim_trace_window(d, &w);
}

static void
fbsim_get_window(struct fbsim *fb, struct sim_io *io)
{
	uint8_t r[8 + FBSIM_DESC_LEN];
	uint8_t *d = r + 8;
	const struct fbsim_window *w = &fb->win;

	if (io->cdb[5] != 0) {			/* only window 0 exists */
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	memset(r, 0, sizeof(r));
	sim_put_be(r, 2, sizeof(r) - 2);
	sim_put_be(r + 6, 2, FBSIM_DESC_LEN);
	sim_put_be(d + 2, 2, w->xres);
	sim_put_be(d + 4, 2, w->yres);
	sim_put_be(d + 6, 4, w->x);
	sim_put_be(d + 10, 4, w->y);
	sim_put_be(d + 14, 4, w->w);
	sim_put_be(d + 18, 4, w->l);
	d[23] = w->threshold;
	d[25] = w->comp;
	d[26] = w->bpp;
	d[29] = (uint8_t)(w->rif << 7 | 3);
	sim_data_in(io, r, sizeof(r), sim_be(io->cdb + 6, 3));
}

static const uint8_t *
fbsim_line_at(void *arg, uint32_t n)
{
	struct fbsim *fb = arg;

	fbsim_make_line(&fb->win, &fb->geo, n, fb->line);
	return fb->line;
}

static void
fbsim_scan(struct sim_device *d, struct fbsim *fb, struct sim_io *io)
{
	size_t tl = io->cdb[4], i;

	/* The window list may arrive as data-out, or data-in (a known SANE quirk). */
	if (io->dir == SIM_DIR_OUT) {
		if (io->buflen < tl) {
			sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_PARAM_LIST_LENGTH, 0);
			return;
		}
		for (i = 0; i < tl; i++) {
			if (io->buf[i] != 0) {
				sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_PARAM, 0);
				return;
			}
		}
		io->xfer = tl;
	} else if (io->dir == SIM_DIR_IN && tl > 0) {
		uint8_t ids[1] = { 0 };

		sim_data_in(io, ids, 1, tl);
	}
	/* The window was validated against the unit in force when it was set. */
	if (fbsim_window_check(&fb->win) != NULL) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_SEQUENCE_ERROR, 0);
		return;
	}
	fbsim_geometry(&fb->win, &fb->geo);
	free(fb->line);
	if ((fb->line = malloc(fb->geo.bpl)) == NULL) {
		sim_check(io, SCSI_SK_HARDWARE_ERROR, SCSI_ASC_NONE, 0);
		return;
	}
	sim_stream_start(&fb->stream, fb->geo.bpl, fb->sheet && fb->sheet < fb->geo.lines ?
	    fb->sheet : fb->geo.lines, fbsim_line_at, fb);
	fb->scanning = 1;
	fb->sheet_ended = 0;
	sim_trace(d, "scan ppl=%u lines=%u bpl=%u", fb->geo.ppl, fb->geo.lines,
	    fb->geo.bpl);
}

static void
fbsim_read(struct fbsim *fb, struct sim_io *io)
{
	size_t n;

	if (io->cdb[2] != 0x00 || sim_be(io->cdb + 4, 2) != 0) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	if (fb->sheet_ended) {
		sim_check_info(io, SCSI_SK_NO_SENSE, SCSI_SENSE_EOM | SCSI_SENSE_ILI, sim_be(io->cdb + 6, 3));
		return;
	}
	if (!fb->scanning) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_SEQUENCE_ERROR, 0);
		return;
	}
	n = sim_stream_read(&fb->stream, io, sim_be(io->cdb + 6, 3));
	sim_pace(n, fb->geo.bpl, fb->lps);	/* the carriage's travel */
	if (fb->stream.pos == fb->stream.total) {
		fb->scanning = 0;
		fb->sheet_ended = fb->stream.total < (uint64_t)fb->geo.bpl * fb->geo.lines;
	}
}

static void
fbsim_buffer_status(struct fbsim *fb, struct sim_io *io)
{
	uint8_t r[12];
	uint64_t left = fb->scanning ? fb->stream.total - fb->stream.pos : 0;

	memset(r, 0, sizeof(r));
	sim_put_be(r, 3, 9);
	sim_put_be(r + 6, 3, FBSIM_BUFFER);
	sim_put_be(r + 9, 3, (uint32_t)(left < FBSIM_BUFFER ? left : FBSIM_BUFFER));
	sim_data_in(io, r, sizeof(r), sim_be(io->cdb + 7, 2));
}

static void
fbsim_object_position(struct fbsim *fb, struct sim_io *io)
{
	switch (io->cdb[1] & 0x07) {
	case 0:		/* unload: the carriage returns home, any scan ends */
		fb->scanning = 0;
		fb->sheet_ended = 0;
		break;
	case 1:
	case 2:
		break;
	default:
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		break;
	}
}

/* CDB length by opcode group: 6 for group 0, 10 for groups 1 and 2. */
static void
fbsim_command(struct sim_device *d, void *st, struct sim_io *io)
{
	struct fbsim *fb = st;
	uint8_t op = io->cdb[0];
	size_t need = sim_cdb_length_scsi2(op);

	if (io->cdb[need - 1] & 0x03) {		/* link and flag: unsupported */
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	switch (op) {
	case SCSI_OP_TEST_UNIT_READY:
	case SCSI_OP_RESERVE_UNIT:
	case SCSI_OP_RELEASE_UNIT:
	case SCSI_OP_SEND_DIAGNOSTIC:
		break;
	case SCSI_OP_INQUIRY:
		fbsim_inquiry(fb, io);
		break;
	case SCSI_OP_MODE_SELECT6:
		fbsim_mode_select(fb, io);
		break;
	case SCSI_OP_MODE_SENSE6:
		fbsim_mode_sense(fb, io);
		break;
	case SCSI_OP_SET_WINDOW:
		fbsim_set_window(d, fb, io);
		break;
	case SCSI_OP_GET_WINDOW:
		fbsim_get_window(fb, io);
		break;
	case SCSI_OP_SCAN:
		fbsim_scan(d, fb, io);
		break;
	case SCSI_OP_READ10:
		fbsim_read(fb, io);
		break;
	case SCSI_OP_GET_DATA_BUFFER_STATUS:
		fbsim_buffer_status(fb, io);
		break;
	case SCSI_OP_OBJECT_POSITION:
		fbsim_object_position(fb, io);
		break;
	default:
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_OPCODE, 0);
		break;
	}
}

static void *
fbsim_create(void)
{
	struct fbsim *fb = calloc(1, sizeof(*fb));

	if (fb == NULL)
		return NULL;
	fb->mud = 1200;
	fbsim_default_window(&fb->win, fb->mud);
	return fb;
}

static int
fbsim_option(void *st, const char *key, const char *val)
{
	struct fbsim *fb = st;
	unsigned long v;

	if (strcmp(key, "lps") != 0 && strcmp(key, "sheet") != 0)
		return -1;
	if (sim_kv_uint(val, 1000000, &v) < 0)
		return -1;
	if (key[0] == 'l')
		fb->lps = (unsigned)v;
	else
		fb->sheet = (uint32_t)v;
	return 0;
}

static void
fbsim_destroy(void *st)
{
	struct fbsim *fb = st;

	free(fb->line);
	free(fb);
}

/* ---- rendering the expected image ------------------------------------- */

static int
render_kv(void *arg, const char *key, const char *val)
{
	struct fbsim_window *w = arg;
	unsigned long v;

	if (sim_kv_uint(val, 0xffffffffUL, &v) < 0)
		return -1;
	if (strcmp(key, "xres") == 0) w->xres = (uint16_t)v;
	else if (strcmp(key, "yres") == 0) w->yres = (uint16_t)v;
	else if (strcmp(key, "x") == 0) w->x = (uint32_t)v;
	else if (strcmp(key, "y") == 0) w->y = (uint32_t)v;
	else if (strcmp(key, "w") == 0) w->w = (uint32_t)v;
	else if (strcmp(key, "l") == 0) w->l = (uint32_t)v;
	else if (strcmp(key, "comp") == 0) w->comp = (uint8_t)v;
	else if (strcmp(key, "bpp") == 0) w->bpp = (uint8_t)v;
	else if (strcmp(key, "threshold") == 0) w->threshold = (uint8_t)v;
	else if (strcmp(key, "rif") == 0) w->rif = (uint8_t)(v != 0);
	else if (strcmp(key, "mud") == 0) w->mud = (uint16_t)v;
	else return -1;
	return 0;
}

static int
fbsim_render(const char *window, FILE *out, char *err, size_t errlen)
{
	struct fbsim_window w;
	struct fbsim_geometry g;
	const char *why;
	uint8_t *line;
	uint32_t n;

	fbsim_default_window(&w, 1200);
	if (sim_kv_parse(window, ' ', render_kv, &w) < 0) {
		snprintf(err, errlen, "bad window '%.200s'", window);
		return -1;
	}
	if ((why = fbsim_window_check(&w)) != NULL) {
		snprintf(err, errlen, "window rejected by the device: %s", why);
		return -1;
	}
	fbsim_geometry(&w, &g);
	if ((line = malloc(g.bpl)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (w.comp == SCSI_COMP_LINEART)
		fprintf(out, "P4\n%u %u\n", g.ppl, g.lines);
	else
		fprintf(out, "P%c\n%u %u\n%u\n", w.comp == SCSI_COMP_RGB ? '6' : '5',
		    g.ppl, g.lines, w.bpp == 16 ? 65535 : 255);
	/* PNM wants 16-bit samples big-endian: exactly what the device sends. */
	for (n = 0; n < g.lines; n++) {
		fbsim_make_line(&w, &g, n, line);
		fwrite(line, 1, g.bpl, out);
	}
	free(line);
	if (ferror(out)) {
		snprintf(err, errlen, "write error");
		return -1;
	}
	return 0;
}

const struct sim_model sim_model_scsi2_flatbed = {
	.name = "scsi2-flatbed",
	.create = fbsim_create,
	.option = fbsim_option,
	.cdb_length = sim_cdb_length_scsi2,
	.command = fbsim_command,
	.destroy = fbsim_destroy,
	.render = fbsim_render,
};
