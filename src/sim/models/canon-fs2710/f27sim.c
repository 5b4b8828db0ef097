/*
 * f27sim.c - the Canon CanoScan 2710 (FS2710S; INQUIRY "CANON"
 * "IX-27025E"), a 2720 dpi 35 mm film scanner, as Debian's canon backend
 * drives it: SCSI-2 scanner commands with Canon's extended inquiry (page
 * F0), MODE SENSE page 03h (the measurement unit, 1/2720 inch), Canon's
 * scan-mode pages (GET SCAN MODE D5, DEFINE SCAN MODE D6: page 02h
 * transparency unit, page 20h scan control), GET FILM STATUS (E1),
 * EXECUTE AF/AE (E0), GET DATA STATUS (34h) and OBJECT POSITION (31h,
 * which ejects the film holder).  D5 and D6 are 6-byte CDBs.
 *
 * The unit always digitises 12 bits.  READ(10) returns pixel-interleaved
 * R, G, B, each a little-endian 16-bit word holding the 12-bit value in its
 * top bits; a window of width W and length L (in 1/2720 inch) at X x Y dpi
 * is floor(W * X / 2720) pixels by floor(L * Y / 2720) lines, the formula
 * the canon backend counts bytes with.  Lines are aligned (the unit
 * realigns its three CCD rows itself), in any READ length.  Window byte 42
 * bit 2 mirrors the lines; gamma, shadow, highlight and negative
 * inversion are the host's.
 *
 * One frame is in the holder at a time (the user slides the holder from
 * frame to frame); its picture is film.c's frame 0.  Ejecting takes the
 * holder out; the next TEST UNIT READY reports it gone (2/3A/00), and the
 * simulated user then pushes it back in, so a long-lived host keeps a
 * working device.
 *
 * Options: holder=none (no holder: NOT READY 2/3A/00 until ejected and
 * reinserted), film=positive|negative, lps=N (READ takes as long as N
 * lines a second).
 */
#include <stdlib.h>
#include <string.h>

#include "scsaned/scsi_opcodes.h"
#include "../../sim_int.h"

#define F27SIM_MUD	2720u	/* measurement units per inch */
#define F27SIM_X_RANGE	2592u	/* scan area in MUD units */
#define F27SIM_Y_RANGE	3888u
#define F27SIM_MIN_DPI	170u
#define F27SIM_WIN_LEN	72u	/* SET/GET WINDOW: 8-byte header + descriptor */
#define F27SIM_DESC_LEN	64u
#define F27SIM_BEST_FOCUS	137u
#define F27SIM_BUFFER	(1u << 20)	/* the unit's data buffer */

/* Descriptor offsets, from the start of the 72-byte block. */
#define W_ID		8
#define W_XRES		10
#define W_YRES		12
#define W_X		14
#define W_Y		18
#define W_WIDTH		22
#define W_LENGTH	26
#define W_COMP		33
#define W_BPP		34
#define W_FLAGS		50	/* bit 2 mirror, bit 0 AE */

struct f27sim_scan {
	int active;
	uint32_t xres, yres, x, y, pixels, lines;
	int mirror;
	struct sim_stream stream;
	uint8_t *line;
};

struct f27sim {
	int loaded;		/* holder in the unit */
	int ejected;		/* out, until a TEST UNIT READY has seen it */
	uint8_t focus;
	unsigned lps;
	uint8_t window[F27SIM_WIN_LEN];
	uint8_t page02[8], page20[16];	/* D6 pages as last defined */
	struct sim_film film;
	struct f27sim_scan scan;
};

/* What the unit's A/D makes of transmittance T (16 bits): 12 bits. */
static uint16_t
sample12(uint16_t t)
{
	return (uint16_t)(24u + (uint32_t)t * 4040u / 65535u);
}

/* Film position of pixel I of a window at X (MUD units), RES dpi. */
static uint32_t
film_pos(uint32_t x, uint32_t i, uint32_t res)
{
	return (uint32_t)(((uint64_t)x * res + (uint64_t)i * F27SIM_MUD) * SIM_FILM_UNITS /
	    ((uint64_t)F27SIM_MUD * res));
}

static void
film_setup(struct sim_film *film, int negative)
{
	/* A 24 x 36 mm frame across the unit's 2592 x 3888 area. */
	film->width = 24u * SIM_FILM_UNITS * 10u / 254u;
	film->height = 36u * SIM_FILM_UNITS * 10u / 254u;
	film->pitch = 2u * SIM_FILM_UNITS;
	film->frames = 1;
	film->negative = negative;
}

/* Line N of a scan: 6 bytes a pixel, R G B as little-endian value << 4. */
static void
make_line(const struct sim_film *film, const struct f27sim_scan *s, uint32_t n,
    uint8_t *out)
{
	uint32_t fy = film_pos(s->y, n, s->yres), i, c, px;
	uint16_t t[4], v;

	for (i = 0; i < s->pixels; i++) {
		px = s->mirror ? s->pixels - 1 - i : i;
		sim_film_sample(film, film_pos(s->x, px, s->xres), fy, t);
		for (c = 0; c < 3; c++) {
			v = (uint16_t)(sample12(t[c]) << 4);
			out[6 * i + 2 * c] = (uint8_t)(v & 0xff);
			out[6 * i + 2 * c + 1] = (uint8_t)(v >> 8);
		}
	}
}

static const uint8_t *
line_at(void *arg, uint32_t n)
{
	struct f27sim *fs = arg;

	make_line(&fs->film, &fs->scan, n, fs->scan.line);
	return fs->scan.line;
}

static void
f27sim_inquiry(struct sim_io *io)
{
	uint8_t std[36] = { SCSI_TYPE_SCANNER, 0, 2, 2, 31 };
	uint8_t f0[74];

	memcpy(std + 8, "CANON   ", 8);
	memcpy(std + 16, "IX-27025E       ", 16);
	memcpy(std + 32, "1.01", 4);
	if (!(io->cdb[1] & 1)) {
		if (io->cdb[2] != 0)
			sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		else
			sim_data_in(io, std, sizeof(std), io->cdb[4]);
		return;
	}
	if (io->cdb[2] != 0xf0) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	memset(f0, 0, sizeof(f0));
	f0[0] = SCSI_TYPE_SCANNER;
	f0[1] = 0xf0;
	f0[3] = sizeof(f0) - 4;
	sim_put_be(f0 + 5, 2, 340);		/* default x, y dpi */
	sim_put_be(f0 + 7, 2, 340);
	f0[9] = 0x11;
	sim_put_be(f0 + 10, 2, F27SIM_MUD);	/* maximum x, y dpi */
	sim_put_be(f0 + 12, 2, F27SIM_MUD);
	sim_put_be(f0 + 14, 2, F27SIM_MIN_DPI);	/* minimum */
	sim_put_be(f0 + 16, 2, F27SIM_MIN_DPI);
	sim_put_be(f0 + 20, 4, F27SIM_X_RANGE);
	sim_put_be(f0 + 24, 4, F27SIM_Y_RANGE);
	sim_data_in(io, f0, sizeof(f0), io->cdb[4]);
}

/* MODE SENSE(6), page 03h only: unit inch, 2720 units to it. */
static void
f27sim_mode_sense(struct sim_io *io)
{
	uint8_t m[12] = { 11, 0, 0, 0, SCSI_MODE_PAGE_MEASUREMENT, 6, 0, 0 };

	if ((io->cdb[2] & 0x3f) != SCSI_MODE_PAGE_MEASUREMENT) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	sim_put_be(m + 8, 2, F27SIM_MUD);
	sim_data_in(io, m, sizeof(m), io->cdb[4]);
}

/* GET SCAN MODE D5: a 4-byte header, then the page as last defined. */
static void
f27sim_get_scan_mode(struct f27sim *fs, struct sim_io *io)
{
	uint8_t r[20];
	size_t n;

	memset(r, 0, sizeof(r));
	if (io->cdb[2] == 0x02) {
		n = 4 + sizeof(fs->page02);
		memcpy(r + 4, fs->page02, sizeof(fs->page02));
	} else if (io->cdb[2] == 0x20) {
		n = 4 + sizeof(fs->page20);
		memcpy(r + 4, fs->page20, sizeof(fs->page20));
	} else {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	r[0] = (uint8_t)(n - 1);
	sim_data_in(io, r, n, io->cdb[4]);
}

/*
 * DEFINE SCAN MODE D6 (PF set): 4 reserved bytes, then page 02h (6 bytes:
 * 80 05 27 10, negative/positive, film type) or page 20h (14 bytes; byte
 * 11 the scanning speed 0-3, the rest reserved).
 */
static void
f27sim_define_scan_mode(struct sim_device *d, struct f27sim *fs, struct sim_io *io)
{
	size_t tl = io->cdb[4];
	const uint8_t *p = io->buf;

	if (!(io->cdb[1] & 0x10)) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	if (sim_data_out(io, tl) < 0)
		return;
	if (tl == 12 && p[4] == 0x02 && p[5] == 6 && p[10] <= 1) {
		memcpy(fs->page02, p + 4, sizeof(fs->page02));
		sim_trace(d, "scan mode page=02 np=%u film-type=%u", p[10], p[11]);
	} else if (tl == 20 && p[4] == 0x20 && p[5] == 14 && p[15] <= 3) {
		memcpy(fs->page20, p + 4, sizeof(fs->page20));
		sim_trace(d, "scan mode page=20 speed=%u", p[15]);
	} else {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_PARAM, 0);
	}
}

static int
window_ok(const uint8_t *w)
{
	uint32_t xres = sim_be(w + W_XRES, 2), yres = sim_be(w + W_YRES, 2);
	uint64_t x = sim_be(w + W_X, 4), y = sim_be(w + W_Y, 4);
	uint64_t wd = sim_be(w + W_WIDTH, 4), ln = sim_be(w + W_LENGTH, 4);

	if (sim_be(w + 6, 2) < F27SIM_DESC_LEN || w[W_ID] != 0)
		return 0;
	if (xres < F27SIM_MIN_DPI || xres > F27SIM_MUD || yres < F27SIM_MIN_DPI || yres > F27SIM_MUD)
		return 0;
	if (x + wd > F27SIM_X_RANGE || y + ln > F27SIM_Y_RANGE)
		return 0;
	if (wd * xres / F27SIM_MUD == 0 || ln * yres / F27SIM_MUD == 0)
		return 0;
	return w[W_COMP] == SCSI_COMP_RGB && w[W_BPP] == 12;
}

static void
f27sim_set_window(struct sim_device *d, struct f27sim *fs, struct sim_io *io)
{
	size_t tl = sim_be(io->cdb + 6, 3);
	const uint8_t *w = io->buf;

	if (sim_data_out(io, tl) < 0)
		return;
	if (tl < F27SIM_WIN_LEN || !window_ok(w)) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_PARAM, 0);
		return;
	}
	memcpy(fs->window, w, F27SIM_WIN_LEN);
	sim_trace(d, "window xres=%u yres=%u x=%u y=%u w=%u l=%u mirror=%u ae=%u film=%s",
	    sim_be(w + W_XRES, 2), sim_be(w + W_YRES, 2), sim_be(w + W_X, 4),
	    sim_be(w + W_Y, 4), sim_be(w + W_WIDTH, 4), sim_be(w + W_LENGTH, 4),
	    (w[W_FLAGS] >> 2) & 1, w[W_FLAGS] & 1,
	    fs->film.negative ? "negative" : "positive");
}

static void
f27sim_get_window(struct f27sim *fs, struct sim_io *io)
{
	uint8_t r[F27SIM_WIN_LEN];

	memcpy(r, fs->window, sizeof(r));
	sim_put_be(r, 2, sizeof(r) - 2);
	sim_put_be(r + 6, 2, F27SIM_DESC_LEN);
	sim_data_in(io, r, sizeof(r), sim_be(io->cdb + 6, 3));
}

static void
f27sim_scan(struct sim_device *d, struct f27sim *fs, struct sim_io *io)
{
	struct f27sim_scan *s = &fs->scan;
	const uint8_t *w = fs->window;
	size_t n = io->cdb[4];
	uint8_t *line;

	if (n == 0 || n > 1) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	if (sim_data_out(io, n) < 0)
		return;
	if (io->buf[0] != 0 || !window_ok(w)) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_PARAM, 0);
		return;
	}
	if (!fs->loaded) {
		sim_check(io, SCSI_SK_NOT_READY, SCSI_ASC_NO_MEDIUM, 0);
		return;
	}
	s->xres = sim_be(w + W_XRES, 2);
	s->yres = sim_be(w + W_YRES, 2);
	s->x = sim_be(w + W_X, 4);
	s->y = sim_be(w + W_Y, 4);
	s->pixels = sim_be(w + W_WIDTH, 4) * s->xres / F27SIM_MUD;
	s->lines = sim_be(w + W_LENGTH, 4) * s->yres / F27SIM_MUD;
	s->mirror = (w[W_FLAGS] >> 2) & 1;
	line = realloc(s->line, (size_t)s->pixels * 6);
	if (line == NULL) {
		sim_check(io, SCSI_SK_HARDWARE_ERROR, SCSI_ASC_INTERNAL_FAILURE, 0);
		return;
	}
	s->line = line;
	sim_stream_start(&s->stream, (size_t)s->pixels * 6, s->lines, line_at, fs);
	s->active = 1;
	sim_trace(d, "scan pixels=%u lines=%u bytes=%llu", s->pixels, s->lines,
	    (unsigned long long)s->stream.total);
}

/* GET DATA STATUS: what is left of the scan and how much is buffered. */
static void
f27sim_data_status(struct f27sim *fs, struct sim_io *io)
{
	const struct f27sim_scan *s = &fs->scan;
	uint8_t r[28];
	uint64_t rest;
	uint32_t held;

	if (!s->active) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_SEQUENCE_ERROR, 0);
		return;
	}
	rest = s->stream.total - s->stream.pos;
	held = rest < F27SIM_BUFFER ? (uint32_t)rest : F27SIM_BUFFER;
	memset(r, 0, sizeof(r));
	sim_put_be(r, 3, sizeof(r) - 3);
	sim_put_be(r + 9, 3, held < 0xffffff ? held : 0xffffff);
	sim_put_be(r + 12, 4, s->pixels);
	sim_put_be(r + 16, 4, s->lines);
	sim_put_be(r + 20, 4, rest > UINT32_MAX ? UINT32_MAX : (uint32_t)rest);
	sim_put_be(r + 24, 4, held);
	sim_data_in(io, r, sizeof(r), sim_be(io->cdb + 7, 2));
}

static void
f27sim_read(struct f27sim *fs, struct sim_io *io)
{
	struct f27sim_scan *s = &fs->scan;
	size_t tl = sim_be(io->cdb + 6, 3), n;

	if (io->cdb[2] != 0) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	if (!s->active) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_SEQUENCE_ERROR, 0);
		return;
	}
	n = sim_stream_read(&s->stream, io, tl);
	sim_pace(n, s->stream.line_len, fs->lps);
	if (s->stream.pos == s->stream.total)
		s->active = 0;
}

/* GET FILM STATUS E1: byte 0 the holder, byte 3 the focus position. */
static void
f27sim_film_status(struct f27sim *fs, struct sim_io *io)
{
	uint8_t r[4] = { (uint8_t)fs->loaded, 0, 0, fs->focus };

	sim_data_in(io, r, sizeof(r), sim_be(io->cdb + 7, 2));
}

/* EXECUTE AF/AE E0: byte 1 bit 0 autofocus, else focus to byte 4. */
static void
f27sim_afae(struct sim_device *d, struct f27sim *fs, struct sim_io *io)
{
	if (!fs->loaded) {
		sim_check(io, SCSI_SK_NOT_READY, SCSI_ASC_NO_MEDIUM, 0);
		return;
	}
	fs->focus = (io->cdb[1] & 1) ? F27SIM_BEST_FOCUS : io->cdb[4];
	sim_trace(d, "focus af=%u ae=%u value=%u", io->cdb[1] & 1, io->cdb[2] & 1,
	    fs->focus);
}

static void
f27sim_test_unit_ready(struct f27sim *fs, struct sim_io *io)
{
	if (fs->loaded)
		return;
	sim_check(io, SCSI_SK_NOT_READY, SCSI_ASC_NO_MEDIUM, 0);
	if (fs->ejected) {
		fs->ejected = 0;
		fs->loaded = 1;	/* the user puts it back */
	}
}

static size_t
cdb_length(uint8_t op)
{
	return op < 0x20 || op == CANON_OP_GET_SCAN_MODE ||
	    op == CANON_OP_DEFINE_SCAN_MODE ? 6 : 10;
}

static void
f27sim_command(struct sim_device *d, void *st, struct sim_io *io)
{
	struct f27sim *fs = st;

	switch (io->cdb[0]) {
	case SCSI_OP_TEST_UNIT_READY:
		f27sim_test_unit_ready(fs, io);
		break;
	case SCSI_OP_RESERVE_UNIT:
	case SCSI_OP_RELEASE_UNIT:
		break;
	case SCSI_OP_INQUIRY:
		f27sim_inquiry(io);
		break;
	case SCSI_OP_MODE_SENSE6:
		f27sim_mode_sense(io);
		break;
	case SCSI_OP_SET_WINDOW:
		f27sim_set_window(d, fs, io);
		break;
	case SCSI_OP_GET_WINDOW:
		f27sim_get_window(fs, io);
		break;
	case SCSI_OP_SCAN:
		f27sim_scan(d, fs, io);
		break;
	case SCSI_OP_GET_DATA_BUFFER_STATUS:
		f27sim_data_status(fs, io);
		break;
	case SCSI_OP_READ10:
		f27sim_read(fs, io);
		break;
	case SCSI_OP_OBJECT_POSITION:
		fs->scan.active = 0;
		if (fs->loaded) {
			fs->loaded = 0;
			fs->ejected = 1;
		}
		sim_trace(d, "eject");
		break;
	case CANON_OP_GET_SCAN_MODE:
		f27sim_get_scan_mode(fs, io);
		break;
	case CANON_OP_DEFINE_SCAN_MODE:
		f27sim_define_scan_mode(d, fs, io);
		break;
	case CANON_OP_EXECUTE_AFAE:
		f27sim_afae(d, fs, io);
		break;
	case CANON_OP_GET_FILM_STATUS:
		f27sim_film_status(fs, io);
		break;
	default:
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_OPCODE, 0);
		break;
	}
}

static void *
f27sim_create(void)
{
	static const uint8_t page02[8] = { 0x02, 6, 0x80, 0x05, 0x27, 0x10, 1, 0 };
	static const uint8_t page20[16] = { 0x20, 14 };
	struct f27sim *fs = calloc(1, sizeof(*fs));

	if (fs == NULL)
		return NULL;
	fs->loaded = 1;
	fs->focus = 128;
	memcpy(fs->page02, page02, sizeof(page02));
	memcpy(fs->page20, page20, sizeof(page20));
	/* Power-on window: the whole area at 340 dpi. */
	fs->window[7] = F27SIM_DESC_LEN;
	sim_put_be(fs->window + W_XRES, 2, 340);
	sim_put_be(fs->window + W_YRES, 2, 340);
	sim_put_be(fs->window + W_WIDTH, 4, F27SIM_X_RANGE);
	sim_put_be(fs->window + W_LENGTH, 4, F27SIM_Y_RANGE);
	fs->window[W_COMP] = SCSI_COMP_RGB;
	fs->window[W_BPP] = 12;
	film_setup(&fs->film, 0);
	return fs;
}

static int
f27sim_option(void *st, const char *key, const char *val)
{
	struct f27sim *fs = st;
	unsigned long v;

	if (strcmp(key, "holder") == 0) {
		if (strcmp(val, "none") != 0 && strcmp(val, "film") != 0)
			return -1;
		fs->loaded = strcmp(val, "film") == 0;
		return 0;
	}
	if (strcmp(key, "film") == 0) {
		if (sim_kv_film(val) < 0)
			return -1;
		film_setup(&fs->film, sim_kv_film(val));
		return 0;
	}
	if (sim_kv_uint(val, 1000000, &v) < 0 || strcmp(key, "lps") != 0)
		return -1;
	fs->lps = (unsigned)v;
	return 0;
}

static void
f27sim_destroy(void *st)
{
	struct f27sim *fs = st;

	free(fs->scan.line);
	free(fs);
}

struct render_req {
	struct f27sim_scan s;
	int negative;
	unsigned depth;		/* 0: the unit's words, as a raw scan keeps them */
};

static int
render_kv(void *arg, const char *key, const char *val)
{
	struct render_req *r = arg;
	unsigned long v;

	if (strcmp(key, "film") == 0) {
		r->negative = sim_kv_film(val);
		return r->negative < 0 ? -1 : 0;
	}
	if (strcmp(key, "depth") == 0) {
		r->depth = strcmp(val, "raw") == 0 ? 0 : (unsigned)atoi(val);
		return r->depth == 0 || r->depth == 8 || r->depth == 16 ? 0 : -1;
	}
	if (sim_kv_uint(val, 0xffffffUL, &v) < 0)
		return -1;
	if (strcmp(key, "xres") == 0) r->s.xres = (uint32_t)v;
	else if (strcmp(key, "yres") == 0) r->s.yres = (uint32_t)v;
	else if (strcmp(key, "x") == 0) r->s.x = (uint32_t)v;
	else if (strcmp(key, "y") == 0) r->s.y = (uint32_t)v;
	else if (strcmp(key, "w") == 0) r->s.pixels = (uint32_t)v;
	else if (strcmp(key, "l") == 0) r->s.lines = (uint32_t)v;
	else if (strcmp(key, "mirror") == 0) r->s.mirror = v != 0;
	else if (strcmp(key, "ae") != 0)
		return -1;
	return 0;
}

/*
 * The image of a window (the "window" line of a trace), RGB PNM: with
 * depth=raw (the default) the unit's words as they are (value << 4),
 * with depth=16 the 12 bits scaled to the full range, with depth=8 their
 * top 8 bits; 16-bit samples big-endian, as PNM has them.
 */
static int
f27sim_render(const char *window, FILE *out, char *err, size_t errlen)
{
	struct render_req r;
	struct sim_film film;
	uint8_t *line;
	uint32_t n, i;
	unsigned v;

	memset(&r, 0, sizeof(r));
	if (sim_kv_parse(window, ' ', render_kv, &r) < 0 || r.s.xres < F27SIM_MIN_DPI ||
	    r.s.yres < F27SIM_MIN_DPI || r.s.xres > F27SIM_MUD || r.s.yres > F27SIM_MUD) {
		snprintf(err, errlen, "bad window '%.200s'", window);
		return -1;
	}
	r.s.pixels = r.s.pixels * r.s.xres / F27SIM_MUD;
	r.s.lines = r.s.lines * r.s.yres / F27SIM_MUD;
	if (r.s.pixels == 0 || r.s.lines == 0 || (line = malloc((size_t)r.s.pixels * 6)) == NULL) {
		snprintf(err, errlen, "empty window");
		return -1;
	}
	film_setup(&film, r.negative);
	fprintf(out, "P6\n%u %u\n%u\n", r.s.pixels, r.s.lines, r.depth == 8 ? 255 : 65535);
	for (n = 0; n < r.s.lines; n++) {
		make_line(&film, &r.s, n, line);
		for (i = 0; i < r.s.pixels * 3; i++) {
			v = (unsigned)(line[2 * i] | line[2 * i + 1] << 8);
			if (r.depth == 8) {
				fputc((int)(v >> 8), out);
				continue;
			}
			if (r.depth == 16)
				v |= v >> 12;
			fputc((int)(v >> 8), out);
			fputc((int)(v & 0xff), out);
		}
	}
	free(line);
	return ferror(out) ? -1 : 0;
}

const struct sim_model sim_model_canon_fs2710 = {
	.name = "canon-fs2710",
	.create = f27sim_create,
	.option = f27sim_option,
	.cdb_length = cdb_length,
	.command = f27sim_command,
	.destroy = f27sim_destroy,
	.render = f27sim_render,
};
