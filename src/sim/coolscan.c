/*
 * coolscan.c - Nikon Coolscan film scanners, first the LS-2000.
 *
 * The command set as Nikon's SCSI film scanners speak it: INQUIRY with
 * vendor page C1 (resolutions, boundaries, frames, focus range, bits),
 * MODE SELECT with a block descriptor and page 03h (the unit is 1/maximum
 * dpi), SEND of frame boundaries (data type 88h) and per-channel LUTs
 * (03h), SET/GET WINDOW once per channel (window id 1 R, 2 G, 3 B, 9 IR)
 * with Nikon's vendor bytes, SCAN of a window-id list, READ(10) of
 * line-sequential planes, and the vendor commands E0 (set parameter),
 * E1 (get parameter), C1 (execute) and C0 (abort).
 *
 * Options: busy=N answers N TEST UNIT READYs after each EXECUTE with NOT
 * READY 2/04/01, as the mechanics take time; reissue=1 answers the first
 * SCAN with Nikon's vendor "re-issue" sense (9/80/06), as the hardware
 * does while it settles.  LUTs sent with SEND 03h are applied to the data.
 *
 * The image, until the film slide comes, is the chart of chart.c sampled
 * at the scanner's pitch: pixel i of a window at x offset X (in 1/2700
 * inch) sits at (X + i * pitch) * 1200 / 2700 in the chart's unit.
 * Samples are right-aligned: 8-bit is the top byte of the chart's value,
 * wider samples its top BITS bits, big-endian.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/scsi_opcodes.h"
#include "sim_int.h"

#define CS_OP_ABORT	0xc0
#define CS_OP_EXECUTE	0xc1
#define CS_OP_SET_PARAM	0xe0
#define CS_OP_GET_PARAM	0xe1
#define CS_DESC_LEN	50
#define CS_MAX_WINDOWS	4

struct cs_model {
	const char *product;	/* 16 characters, space padded */
	unsigned max_dpi, min_dpi;
	unsigned x_boundary, y_boundary;	/* in 1/max_dpi inch */
	unsigned frames;
	unsigned bits;		/* reported maximum bits per sample */
	int odd_pad;		/* 8-bit lines of odd width carry a pad byte */
};

static const struct cs_model ls2000 = {
	"LS-2000         ", 2700, 300, 3960, 5952, 1, 12, 0,
};

struct cs_window {
	int set;
	uint8_t desc[CS_DESC_LEN];
};

struct coolscan {
	const struct cs_model *m;
	struct cs_window win[CS_MAX_WINDOWS];	/* R, G, B, IR */
	uint32_t focus;
	uint8_t pending_op;	/* what the next EXECUTE does */
	unsigned busy_polls, busy_left;	/* NOT READY after EXECUTE */
	int reissue;		/* the next SCAN asks to be re-issued */
	uint16_t *lut[3];	/* per channel, 2^bits entries; NULL = identity */
	int scanning;
	unsigned nwin, planes[CS_MAX_WINDOWS];
	uint32_t width, lines, xdpi, ydpi, x0, y0, bps, samples;
	uint64_t pos, total;
	uint8_t *line;
	size_t line_len;
	uint32_t line_no;
};

static int
win_index(uint8_t id)
{
	switch (id) {
	case 1: return 0;
	case 2: return 1;
	case 3: return 2;
	case 9: return 3;
	default: return -1;
	}
}

static void
cs_inquiry(struct coolscan *cs, struct sim_io *io)
{
	uint8_t std[36] = { SCSI_TYPE_SCANNER, 0, 2, 2, 31 };
	uint8_t c1[100];
	const struct cs_model *m = cs->m;

	memcpy(std + 8, "Nikon   ", 8);
	memcpy(std + 16, m->product, 16);
	memcpy(std + 32, "1.30", 4);
	if (!(io->cdb[1] & 1)) {
		if (io->cdb[2] != 0) {
			sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x24, 0x00);
			return;
		}
		sim_data_in(io, std, sizeof(std), io->cdb[4]);
		return;
	}
	if (io->cdb[2] != 0xc1) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x24, 0x00);
		return;
	}
	memset(c1, 0, sizeof(c1));
	c1[0] = SCSI_TYPE_SCANNER;
	c1[1] = 0xc1;
	c1[3] = sizeof(c1) - 4;
	sim_put_be(c1 + 18, 2, m->max_dpi);	/* x optical, max, min */
	sim_put_be(c1 + 20, 2, m->max_dpi);
	sim_put_be(c1 + 22, 2, m->min_dpi);
	sim_put_be(c1 + 36, 4, m->x_boundary);
	sim_put_be(c1 + 40, 2, m->max_dpi);	/* y optical, max, min */
	sim_put_be(c1 + 42, 2, m->max_dpi);
	sim_put_be(c1 + 44, 2, m->min_dpi);
	sim_put_be(c1 + 58, 4, m->y_boundary);
	c1[75] = (uint8_t)m->frames;
	sim_put_be(c1 + 76, 2, 0);		/* focus range */
	sim_put_be(c1 + 78, 2, 1000);
	c1[82] = (uint8_t)m->bits;
	sim_data_in(io, c1, sizeof(c1), io->cdb[4]);
}

/* Data-out of exactly the CDB's transfer length, or a length error. */
static int
data_out(struct sim_io *io, size_t want)
{
	if (io->dir != SIM_DIR_OUT || io->buflen < want) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x1a, 0x00);
		return -1;
	}
	io->xfer = want;
	return 0;
}

static void
cs_set_window(struct sim_device *d, struct coolscan *cs, struct sim_io *io)
{
	size_t tl = sim_be(io->cdb + 6, 3);
	const uint8_t *p = io->buf;
	int w;

	if (data_out(io, tl) < 0)
		return;
	if (tl < 8 + CS_DESC_LEN || sim_be(p + 6, 2) < CS_DESC_LEN ||
	    (w = win_index(p[8])) < 0 || p[8 + 25] != SCSI_COMP_RGB ||
	    (p[8 + 26] != 8 && p[8 + 26] != cs->m->bits) || sim_be(p + 10, 2) == 0 ||
	    sim_be(p + 12, 2) == 0) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x26, 0x00);
		return;
	}
	memcpy(cs->win[w].desc, p + 8, CS_DESC_LEN);
	cs->win[w].set = 1;
	sim_trace(d, "window id=%u xres=%u yres=%u x=%u y=%u w=%u l=%u bpp=%u "
	    "positive=%u samples=%u", p[8], sim_be(p + 10, 2), sim_be(p + 12, 2),
	    sim_be(p + 14, 4), sim_be(p + 18, 4), sim_be(p + 22, 4), sim_be(p + 26, 4),
	    p[8 + 26], p[8 + 41] & 1, (p[8 + 40] >> 4) + 1);
}

static void
cs_get_window(struct coolscan *cs, struct sim_io *io)
{
	uint8_t r[8 + CS_DESC_LEN];
	int w = win_index(io->cdb[5]);

	if (w < 0 || !cs->win[w].set) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x24, 0x00);
		return;
	}
	memset(r, 0, sizeof(r));
	sim_put_be(r, 2, sizeof(r) - 2);
	sim_put_be(r + 6, 2, CS_DESC_LEN);
	memcpy(r + 8, cs->win[w].desc, CS_DESC_LEN);
	sim_data_in(io, r, sizeof(r), sim_be(io->cdb + 6, 3));
}

/* Geometry from the first window of the list; the others must agree. */
static void
cs_scan(struct sim_device *d, struct coolscan *cs, struct sim_io *io)
{
	size_t n = io->cdb[4], i;
	const uint8_t *desc;
	uint32_t pitch_x, pitch_y;
	int w;

	if (n == 0 || n > CS_MAX_WINDOWS || data_out(io, n) < 0) {
		if (io->status == 0)
			sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x24, 0x00);
		return;
	}
	for (i = 0; i < n; i++) {
		if ((w = win_index(io->buf[i])) < 0 || !cs->win[w].set) {
			sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x2c, 0x00);
			return;
		}
		cs->planes[i] = (unsigned)w;
	}
	cs->nwin = (unsigned)n;
	desc = cs->win[cs->planes[0]].desc;
	cs->xdpi = sim_be(desc + 2, 2);
	cs->ydpi = sim_be(desc + 4, 2);
	cs->x0 = sim_be(desc + 6, 4);
	cs->y0 = sim_be(desc + 10, 4);
	pitch_x = cs->m->max_dpi / cs->xdpi;
	pitch_y = cs->m->max_dpi / cs->ydpi;
	if (pitch_x == 0 || pitch_y == 0) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x26, 0x00);
		return;
	}
	cs->width = sim_be(desc + 14, 4) / pitch_x;
	cs->lines = sim_be(desc + 18, 4) / pitch_y;
	cs->bps = desc[26] > 8 ? 2 : 1;
	cs->samples = (desc[40] >> 4) + 1u;
	cs->line_len = (size_t)cs->nwin * cs->width * cs->bps * cs->samples;
	free(cs->line);
	if (cs->width == 0 || cs->lines == 0 || (cs->line = malloc(cs->line_len)) == NULL) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x26, 0x00);
		return;
	}
	cs->line_no = UINT32_MAX;
	cs->pos = 0;
	cs->total = (uint64_t)cs->line_len * cs->lines;
	cs->scanning = 1;
	sim_trace(d, "scan width=%u lines=%u planes=%u bytes=%u samples=%u", cs->width,
	    cs->lines, cs->nwin, cs->bps, cs->samples);
}

/* Line N: each pass holds every plane, left to right. */
static void
cs_make_line(struct coolscan *cs, uint32_t n)
{
	uint32_t pitch_x = cs->m->max_dpi / cs->xdpi, pitch_y = cs->m->max_dpi / cs->ydpi;
	uint32_t y = (uint32_t)((uint64_t)(cs->y0 + n * pitch_y) * 1200 / cs->m->max_dpi);
	unsigned bits = cs->bps == 2 ? cs->m->bits : 8, p, c, s;
	uint8_t *out = cs->line;
	uint16_t rgb[3], v;
	uint32_t i, x;

	for (s = 0; s < cs->samples; s++) {
		for (p = 0; p < cs->nwin; p++) {
			c = cs->planes[p];
			for (i = 0; i < cs->width; i++) {
				x = (uint32_t)((uint64_t)(cs->x0 + i * pitch_x) * 1200 /
				    cs->m->max_dpi);
				sim_chart_rgb16(x, y, rgb);
				/* IR: dust-free film for now, all transmitted. */
				v = c < 3 ? rgb[c] : 0xffff;
				/* The LUT maps the full-depth sample, then it is cut to size. */
				v = (uint16_t)(v >> (16 - cs->m->bits));
				if (c < 3 && cs->lut[c] != NULL)
					v = cs->lut[c][v];
				v = (uint16_t)(v >> (cs->m->bits - bits));
				if (cs->bps == 2) {
					*out++ = (uint8_t)(v >> 8);
					*out++ = (uint8_t)v;
				} else {
					*out++ = (uint8_t)v;
				}
			}
		}
	}
}

static void
cs_read(struct coolscan *cs, struct sim_io *io)
{
	size_t tl = sim_be(io->cdb + 6, 3), n, moved = 0, off, take;
	uint32_t line;

	if (io->cdb[2] != 0) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x24, 0x00);
		return;
	}
	if (!cs->scanning) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x2c, 0x00);
		return;
	}
	n = cs->total - cs->pos < tl ? (size_t)(cs->total - cs->pos) : tl;
	while (moved < n) {
		line = (uint32_t)(cs->pos / cs->line_len);
		off = (size_t)(cs->pos % cs->line_len);
		if (line != cs->line_no) {
			cs_make_line(cs, line);
			cs->line_no = line;
		}
		take = cs->line_len - off < n - moved ? cs->line_len - off : n - moved;
		if (io->dir == SIM_DIR_IN && moved + take <= io->buflen)
			memcpy(io->buf + moved, cs->line + off, take);
		moved += take;
		cs->pos += take;
	}
	io->xfer = moved <= io->buflen ? moved : io->buflen;
	if (cs->pos == cs->total)
		cs->scanning = 0;
	if (n < tl)
		sim_check_info(io, SCSI_SK_NO_SENSE, 0x60, (uint32_t)(tl - n));
}

static void
cs_vendor(struct coolscan *cs, struct sim_io *io)
{
	uint8_t r[13];

	switch (io->cdb[0]) {
	case CS_OP_SET_PARAM:
		/* D0 eject, D1 load, 80 reset, C1 focus position, A0 autofocus. */
		if (data_out(io, sim_be(io->cdb + 6, 3)) < 0)
			return;
		cs->pending_op = io->cdb[2];
		if (io->cdb[2] == 0xc1 && io->xfer >= 5)
			cs->focus = sim_be(io->buf + 1, 4);
		break;
	case CS_OP_GET_PARAM:
		memset(r, 0, sizeof(r));
		sim_put_be(r + 1, 4, cs->focus);
		sim_data_in(io, r, sizeof(r), sim_be(io->cdb + 6, 3));
		break;
	case CS_OP_EXECUTE:
		cs->pending_op = 0;
		cs->busy_left = cs->busy_polls;	/* the mechanics take a while */
		break;
	case CS_OP_ABORT:
		cs->scanning = 0;
		break;
	}
}

/* SEND: 88h frame boundaries (accepted), 03h a LUT for one channel. */
static void
cs_send(struct coolscan *cs, struct sim_io *io)
{
	size_t tl = sim_be(io->cdb + 6, 3), entries = (size_t)1 << cs->m->bits, i;
	int c = win_index(io->cdb[4]);

	if (io->cdb[2] != 0x88 && io->cdb[2] != 0x03) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x24, 0x00);
		return;
	}
	if (data_out(io, tl) < 0 || io->cdb[2] == 0x88)
		return;
	/* 2^bits big-endian 16-bit entries for channel R, G or B. */
	if (c < 0 || c > 2 || tl != entries * 2) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x26, 0x00);
		return;
	}
	if (cs->lut[c] == NULL && (cs->lut[c] = malloc(entries * 2)) == NULL) {
		sim_check(io, SCSI_SK_HARDWARE_ERROR, 0x00, 0x00);
		return;
	}
	for (i = 0; i < entries; i++) {
		cs->lut[c][i] = (uint16_t)sim_be(io->buf + 2 * i, 2);
		if (cs->lut[c][i] >= entries)
			cs->lut[c][i] = (uint16_t)(entries - 1);
	}
}

static size_t
cs_cdb_length(uint8_t op)
{
	return (op >> 5) == 0 || op == CS_OP_ABORT || op == CS_OP_EXECUTE ? 6 : 10;
}

static void
cs_command(struct sim_device *d, void *st, struct sim_io *io)
{
	struct coolscan *cs = st;
	uint8_t op = io->cdb[0];

	if (io->cdb_len < cs_cdb_length(op)) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x20, 0x00);
		return;
	}
	if (op == SCSI_OP_TEST_UNIT_READY && cs->busy_left > 0) {
		cs->busy_left--;
		sim_check(io, SCSI_SK_NOT_READY, 0x04, 0x01);
		return;
	}
	if (op == SCSI_OP_SCAN && cs->reissue) {
		cs->reissue = 0;
		/* Nikon's vendor sense: key 9, 80/06, "issue the command again". */
		sim_check(io, 0x9, 0x80, 0x06);
		return;
	}
	switch (op) {
	case SCSI_OP_TEST_UNIT_READY:
	case SCSI_OP_RESERVE_UNIT:
	case SCSI_OP_RELEASE_UNIT:
		break;
	case SCSI_OP_INQUIRY:
		cs_inquiry(cs, io);
		break;
	case SCSI_OP_MODE_SELECT6:
		data_out(io, io->cdb[4]);
		break;
	case SCSI_OP_SEND10:
		cs_send(cs, io);
		break;
	case SCSI_OP_SET_WINDOW:
		cs_set_window(d, cs, io);
		break;
	case SCSI_OP_GET_WINDOW:
		cs_get_window(cs, io);
		break;
	case SCSI_OP_SCAN:
		cs_scan(d, cs, io);
		break;
	case SCSI_OP_READ10:
		cs_read(cs, io);
		break;
	case CS_OP_SET_PARAM:
	case CS_OP_GET_PARAM:
	case CS_OP_EXECUTE:
	case CS_OP_ABORT:
		cs_vendor(cs, io);
		break;
	default:
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x20, 0x00);
		break;
	}
}

/* ---- the expected image -------------------------------------------------- */

static int
render_kv(void *arg, const char *key, const char *val)
{
	struct coolscan *cs = arg;
	char *end;
	unsigned long v = strtoul(val, &end, 10);

	if (*val == '\0' || *end != '\0' || v > 0xffffffUL)
		return -1;
	if (strcmp(key, "xres") == 0) cs->xdpi = (uint32_t)v;
	else if (strcmp(key, "yres") == 0) cs->ydpi = (uint32_t)v;
	else if (strcmp(key, "x") == 0) cs->x0 = (uint32_t)v;
	else if (strcmp(key, "y") == 0) cs->y0 = (uint32_t)v;
	else if (strcmp(key, "w") == 0) cs->width = (uint32_t)v;
	else if (strcmp(key, "l") == 0) cs->lines = (uint32_t)v;
	else if (strcmp(key, "bpp") == 0) cs->bps = v > 8 ? 2 : 1;
	else if (strcmp(key, "id") != 0 && strcmp(key, "positive") != 0 &&
	    strcmp(key, "samples") != 0)
		return -1;
	return 0;
}

/*
 * What a frontend gets for a window (a trace's "window" line): RGB pixel
 * interleaved; 8-bit samples as they are, wider ones shifted to the top
 * of 16 bits (as the SANE backends hand them over), big-endian for PNM.
 */
static int
cs_render(const char *window, FILE *out, char *err, size_t errlen)
{
	struct coolscan cs;
	uint32_t n, i, pitch_x, pitch_y;
	unsigned c, shift;
	uint8_t *p;

	memset(&cs, 0, sizeof(cs));
	cs.m = &ls2000;
	cs.bps = 1;
	if (sim_kv_parse(window, ' ', render_kv, &cs) < 0 || cs.xdpi == 0 ||
	    cs.ydpi == 0 || (pitch_x = ls2000.max_dpi / cs.xdpi) == 0 ||
	    (pitch_y = ls2000.max_dpi / cs.ydpi) == 0) {
		snprintf(err, errlen, "bad window '%.200s'", window);
		return -1;
	}
	cs.width /= pitch_x;
	cs.lines /= pitch_y;
	cs.nwin = 3;
	cs.planes[0] = 0;
	cs.planes[1] = 1;
	cs.planes[2] = 2;
	cs.samples = 1;
	cs.line_len = (size_t)3 * cs.width * cs.bps;
	if (cs.width == 0 || cs.lines == 0 || (cs.line = malloc(cs.line_len)) == NULL) {
		snprintf(err, errlen, "empty window");
		return -1;
	}
	shift = cs.bps == 2 ? 16 - ls2000.bits : 0;
	fprintf(out, "P6\n%u %u\n%u\n", cs.width, cs.lines, cs.bps == 2 ? 65535 : 255);
	for (n = 0; n < cs.lines; n++) {
		cs_make_line(&cs, n);
		for (i = 0; i < cs.width; i++) {
			for (c = 0; c < 3; c++) {
				p = cs.line + ((size_t)c * cs.width + i) * cs.bps;
				if (cs.bps == 2) {
					uint16_t v = (uint16_t)((p[0] << 8 | p[1]) << shift);

					fputc(v >> 8, out);
					fputc(v & 0xff, out);
				} else {
					fputc(p[0], out);
				}
			}
		}
	}
	free(cs.line);
	return ferror(out) ? -1 : 0;
}

static void *
cs_create_ls2000(void)
{
	struct coolscan *cs = calloc(1, sizeof(*cs));

	if (cs != NULL)
		cs->m = &ls2000;
	return cs;
}

static int
cs_option(void *st, const char *key, const char *val)
{
	struct coolscan *cs = st;
	char *end;
	unsigned long v = strtoul(val, &end, 10);

	if (*val == '\0' || *end != '\0' || v > 1000)
		return -1;
	if (strcmp(key, "busy") == 0)
		cs->busy_polls = (unsigned)v;
	else if (strcmp(key, "reissue") == 0)
		cs->reissue = v != 0;
	else
		return -1;
	return 0;
}

static void
cs_destroy(void *st)
{
	struct coolscan *cs = st;
	int c;

	for (c = 0; c < 3; c++)
		free(cs->lut[c]);
	free(cs->line);
	free(cs);
}

const struct sim_model sim_model_coolscan_ls2000 = {
	.name = "coolscan-ls2000",
	.create = cs_create_ls2000,
	.option = cs_option,
	.command = cs_command,
	.destroy = cs_destroy,
	.render = cs_render,
};
