/*
 * usim.c - the UMAX Astra 1220S, a one-pass colour SCSI flatbed (600 x
 * 1200 dpi, 12-bit CCD), as Debian's umax backend drives it: the long
 * vendor INQUIRY, SET WINDOW with UMAX's 0x53-byte descriptors (one, or
 * one per colour), SCAN with the quality-calibration bit, calibration by
 * driver (sense 9/80/02 with the shading geometry, READ and SEND of
 * shading data), SEND of gamma curves in download format 2, READ of the
 * image, OBJECT POSITION, GET DATA BUFFER STATUS and, on firmware V1.5,
 * the lamp commands.  Every CHECK CONDITION carries UMAX's 31-byte sense.
 *
 * Options: rev=V1.1|V1.3|V1.5 (firmware revision, V1.3 by default),
 * uta=1 (the transparency adapter is attached), lps=N (image READs take as
 * long as a carriage making N lines a second; 0, the default: at once).
 * Facts and their sources: hw-notes/umax-astra1220s.md.
 */
#include <stdlib.h>
#include <string.h>

#include "usim.h"

#define UMAX_OP_WRITE_BUFFER	0x3b
#define UMAX_OP_GET_LAMP	0x5e
#define UMAX_OP_SET_LAMP	0x5f

#define USIM_INQ_LEN	0x9e
#define USIM_VIDMEM	(512u * 1024)

/* ---- sense ------------------------------------------------------------- */

/* UMAX's layout: the standard 18 bytes, then its own up to byte 0x1e. */
static void
usim_widen(struct sim_io *io)
{
	if (io->status != 0x02)
		return;
	io->sense[7] = USIM_SENSE_LEN - 8;
	io->sense_len = USIM_SENSE_LEN;
}

static void
usim_check(struct sim_io *io, uint8_t key, uint8_t asc, uint8_t ascq)
{
	sim_check(io, key, asc, ascq);
	usim_widen(io);
}

/* ILLEGAL REQUEST ASC with the sense-key-specific field pointer. */
static void
usim_field(struct sim_io *io, uint8_t asc, int in_cdb, unsigned byte)
{
	usim_check(io, SCSI_SK_ILLEGAL_REQUEST, asc, 0x00);
	io->sense[15] = (uint8_t)(0x80 | (in_cdb ? 0x40 : 0));
	sim_put_be(io->sense + 16, 2, byte);
}

/* ---- INQUIRY ------------------------------------------------------------- */

static size_t
usim_inquiry_data(const struct usim *u, uint8_t *q)
{
	memset(q, 0, USIM_INQ_LEN);
	q[0x00] = SCSI_TYPE_SCANNER;
	q[0x01] = (uint8_t)(0x08 | (u->uta ? 0x02 : 0));  /* CBHS 0-255; UTA present */
	q[0x02] = 0x02;
	q[0x03] = 0x02;
	q[0x04] = USIM_INQ_LEN - 5;
	memcpy(q + 0x08, "UMAX    Astra 1220S     ", 24);
	memcpy(q + 0x20, u->rev, 4);
	q[0x24] = 0x03;		/* quality calibration, fast preview */
	q[0x60] = 0x7e;		/* 1-pass colour, lineart, halftone, gray, colour, UTA */
	q[0x61] = 0x0c;		/* reverse for bilevel and multilevel */
	q[0x62] = 0x01;		/* shading data uploadable */
	q[0x64] = 0xa3;		/* gamma download, format 2, gray and 3 lines */
	q[0x66] = 0x08;		/* gamma input: 12 bits */
	q[0x68] = 0x09;		/* output: 8 and 12 bits */
	q[0x69] = 0x08;		/* halftone matrix up to 8 x 8 */
	q[0x6a] = 0x08;
	q[0x6d] = 0x01;		/* R, G, B sequence, pixel ordering */
	sim_put_be(q + 0x6e, 4, USIM_VIDMEM);
	q[0x73] = USIM_OPT_RES / 100;
	q[0x74] = USIM_MAX_XRES / 100;
	q[0x75] = USIM_MAX_YRES / 100;
	sim_put_be(q + 0x76, 2, USIM_FB_W);
	sim_put_be(q + 0x78, 2, USIM_FB_L);
	sim_put_be(q + 0x7e, 2, 500);	/* UTA-3a area: 5 x 8 in */
	sim_put_be(q + 0x80, 2, 800);
	q[0x91] = 30;			/* lamp warm-up at most 60 s */
	sim_put_be(q + 0x92, 2, USIM_WDB_LEN);
	q[0x9a] = USIM_CAL_LINES;
	return USIM_INQ_LEN;
}

static void
usim_inquiry(const struct usim *u, struct sim_io *io)
{
	uint8_t q[USIM_INQ_LEN];

	/* umax sends page code 2 without EVPD; the firmware ignores it. */
	if (io->cdb[1] & 0x01) {
		usim_field(io, 0x24, 1, 1);
		return;
	}
	sim_data_in(io, q, usim_inquiry_data(u, q), io->cdb[4]);
}

/* ---- SET WINDOW ------------------------------------------------------------ */

static void
usim_parse(const uint8_t *d, unsigned ids, struct usim_window *w)
{
	memset(w, 0, sizeof(*w));
	w->xres = (uint16_t)sim_be(d + USIM_W_XRES, 2);
	w->yres = (uint16_t)sim_be(d + USIM_W_YRES, 2);
	w->x = sim_be(d + USIM_W_ULX, 4);
	w->y = sim_be(d + USIM_W_ULY, 4);
	w->w = sim_be(d + USIM_W_WIDTH, 4);
	w->l = sim_be(d + USIM_W_LENGTH, 4);
	w->threshold = d[USIM_W_THRESH];
	w->comp = d[USIM_W_COMP];
	w->bpp = d[USIM_W_BPP];
	w->rif = (d[USIM_W_RIF] & 0x80) != 0;
	w->gamma_sel = d[USIM_W_GAMMA];
	w->lsb_first = (d[USIM_W_FLAGS] & 0x80) != 0;
	w->ids = (uint8_t)ids;
}

/*
 * The vendor fields this unit checks, and the descriptor count for the
 * mode; the byte (within the parameter list) at fault, or 0 if all is well.
 */
static unsigned
usim_vendor_fields(const uint8_t *p, unsigned ids, int uta)
{
	const uint8_t *d;
	unsigned i;

	for (i = 0; i < ids; i++) {
		d = p + 8 + i * USIM_WDB_LEN;
		if (d[0] != (ids == 1 ? 0 : i + 1))
			return 8 + i * USIM_WDB_LEN;
		if (d[USIM_W_FLAGS] & 0x40)	/* DOR: not on this unit */
			return 8 + i * USIM_WDB_LEN + USIM_W_FLAGS;
		if (d[USIM_W_MODULE] != 0x11 && !(uta && d[USIM_W_MODULE] == 0xff))
			return 8 + i * USIM_WDB_LEN + USIM_W_MODULE;
		if (sim_be(d + USIM_W_XBASE, 2) != USIM_BASE)
			return 8 + i * USIM_WDB_LEN + USIM_W_XBASE;
		if (sim_be(d + USIM_W_YBASE, 2) != USIM_BASE)
			return 8 + i * USIM_WDB_LEN + USIM_W_YBASE;
	}
	d = p + 8;
	if ((d[USIM_W_COMP] == SCSI_COMP_RGB) != (ids == 3))
		return 8 + USIM_W_COMP;
	if (ids == 3 && (d[USIM_W_ORDER] & 0x1f) != 0x01)	/* pixel ordering only */
		return 8 + USIM_W_ORDER;
	return 0;
}

static void
usim_trace_window(struct sim_device *d, const struct usim_window *w)
{
	sim_trace(d, "window xres=%u yres=%u x=%u y=%u w=%u l=%u comp=%u bpp=%u "
	    "threshold=%u rif=%u hbt=%u curve=%u", w->xres, w->yres, w->x, w->y,
	    w->w, w->l, w->comp, w->bpp, w->threshold, w->rif, w->lsb_first,
	    w->gamma_sel);
}

/*
 * SET WINDOW: an 8-byte header whose bytes 6-7 hold the length of all
 * descriptors together (UMAX's reading of the field), then one descriptor
 * (gray, lineart, halftone) or three (colour, ids 1, 2, 3).
 */
static void
usim_set_window(struct sim_device *d, struct usim *u, struct sim_io *io)
{
	uint32_t tl = sim_be(io->cdb + 6, 3), total;
	struct usim_window w;
	unsigned ids, bad, field;
	const char *why;

	if (tl < 8 + USIM_WDB_LEN) {
		usim_field(io, 0x24, 1, 6);
		return;
	}
	if (sim_data_out(io, tl) < 0) {
		usim_widen(io);
		return;
	}
	total = sim_be(io->buf + 6, 2);
	ids = total / USIM_WDB_LEN;
	if (total % USIM_WDB_LEN != 0 || (ids != 1 && ids != 3) || tl != 8 + total) {
		usim_field(io, 0x26, 0, 6);
		return;
	}
	if ((bad = usim_vendor_fields(io->buf, ids, u->uta)) != 0) {
		usim_field(io, 0x26, 0, bad);
		return;
	}
	usim_parse(io->buf + 8, ids, &w);
	if ((why = usim_window_check(&w, u->uta, &field)) != NULL) {
		sim_trace(d, "window refused: %s", why);
		usim_field(io, 0x26, 0, 8 + field);
		return;
	}
	u->win = w;
	u->have_window = 1;
	u->scanning = 0;
	u->cal_wanted = u->cal_done = 0;
	usim_trace_window(d, &w);
}

/* ---- SCAN and calibration by driver ---------------------------------------- */

/* Ask the driver to calibrate: 9/80/02 with the shading geometry. */
static void
usim_want_calibration(struct sim_device *d, struct usim *u, struct sim_io *io)
{
	u->cal_wanted = 1;
	u->cal_bpl = usim_cal_bpl(&u->win);
	u->cal_pos = 0;
	usim_check(io, 0x09, 0x80, 0x02);
	io->sense[0x17] = 1;		/* the shading fields below are valid */
	sim_put_be(io->sense + 0x18, 4, (uint32_t)u->cal_bpl);
	sim_put_be(io->sense + 0x1c, 2, USIM_CAL_LINES);
	io->sense[0x1e] = 2;
	sim_trace(d, "calibrate bpl=%zu lines=%u", u->cal_bpl, USIM_CAL_LINES);
}

static void
usim_scan(struct sim_device *d, struct usim *u, struct sim_io *io)
{
	unsigned n = io->cdb[4], i;

	if (n < 1 || n > 3) {
		usim_field(io, 0x24, 1, 4);
		return;
	}
	if (sim_data_out(io, n) < 0) {
		usim_widen(io);
		return;
	}
	for (i = 0; i < n; i++) {
		if (io->buf[i] > 3) {
			usim_field(io, 0x26, 0, i);
			return;
		}
	}
	if (!u->have_window) {
		usim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x2c, 0x00);
		return;
	}
	if ((io->cdb[5] & 0x20) && !u->cal_done) {	/* quality calibration */
		usim_want_calibration(d, u, io);
		return;
	}
	if (usim_scan_start(u) < 0) {
		usim_check(io, SCSI_SK_HARDWARE_ERROR, 0x00, 0x00);
		return;
	}
	u->scanning = 1;
	sim_trace(d, "scan ppl=%u lines=%u bpl=%zu quality=%u preview=%u",
	    u->geo.ppl, u->geo.lines, u->geo.bpl, (io->cdb[5] >> 5) & 1,
	    (io->cdb[5] >> 7) & 1);
}

/* ---- READ ------------------------------------------------------------------ */

/* The white strip, as many lines as the sense said, as one stream. */
static void
usim_read_shading(struct usim *u, struct sim_io *io, size_t tl)
{
	uint64_t total = (uint64_t)u->cal_bpl * USIM_CAL_LINES;
	size_t n = total - u->cal_pos < tl ? (size_t)(total - u->cal_pos) : tl;
	size_t room = io->dir == SIM_DIR_IN && io->buf != NULL ? io->buflen : 0;

	usim_cal_line(&u->win, io->buf, n < room ? n : room, u->cal_pos);
	io->xfer = n < room ? n : room;
	u->cal_pos += n;
	if (n < tl) {
		sim_check_info(io, SCSI_SK_NO_SENSE, 0x60, (uint32_t)(tl - n));
		usim_widen(io);
	}
}

static void
usim_read(struct usim *u, struct sim_io *io)
{
	size_t tl = sim_be(io->cdb + 6, 3);
	uint64_t before;

	switch (io->cdb[2]) {
	case 0x00:
		if (!u->scanning) {
			usim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x2c, 0x00);
			return;
		}
		before = u->stream.pos;
		sim_stream_read(&u->stream, io, tl);
		sim_pace(u->stream.pos - before, u->geo.bpl, u->lps);
		usim_widen(io);
		if (u->stream.pos == u->stream.total)
			u->scanning = 0;
		return;
	case 0x80:
		if (!u->cal_wanted || u->cal_done) {
			usim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x2c, 0x00);
			return;
		}
		usim_read_shading(u, io, tl);
		return;
	default:		/* gain, gamma read-back, halftone: not on this unit */
		usim_field(io, 0x24, 1, 2);
		return;
	}
}

/* ---- SEND ------------------------------------------------------------------ */

/*
 * Gamma, download curve format 2: 6 header bytes (byte 0: 0x20 | colour
 * << 2 | lines; byte 2: input bits code, 8 = 12 bits; byte 4: output code,
 * 1 = 8 bits, 8 = 12 bits), then per line 4096 entries of 1 or 2 bytes,
 * high byte first.  One line is the gray curve; three are R, G, B.
 */
static void
usim_send_gamma(struct sim_device *d, struct usim *u, struct sim_io *io, size_t tl)
{
	const uint8_t *h = io->buf;
	unsigned lines, colour, out_bits, bytes, l, j, ramp[3];
	struct usim_gamma *g;
	const uint8_t *e;

	if (tl < 6) {
		usim_field(io, 0x26, 0, 0);
		return;
	}
	lines = h[0] & 0x03;
	colour = (h[0] >> 2) & 0x03;
	if ((h[0] & 0xf0) != 0x20 || (lines != 1 && lines != 3) || (lines == 3 && colour != 0)) {
		usim_field(io, 0x26, 0, 0);
		return;
	}
	if (h[2] != 0x08) {
		usim_field(io, 0x26, 0, 2);
		return;
	}
	if (h[4] != 0x01 && h[4] != 0x08) {
		usim_field(io, 0x26, 0, 4);
		return;
	}
	out_bits = h[4] == 0x01 ? 8 : 12;
	bytes = out_bits > 8 ? 2 : 1;
	if (tl != 6 + (size_t)lines * USIM_GAMMA_IN * bytes) {
		usim_field(io, 0x26, 0, 0);
		return;
	}
	for (l = 0; l < lines; l++) {
		g = &u->gamma[lines == 1 ? colour : l + 1];
		e = h + 6 + (size_t)l * USIM_GAMMA_IN * bytes;
		g->set = 1;
		g->out_bits = out_bits;
		for (j = 0; j < USIM_GAMMA_IN; j++)
			g->v[j] = (uint16_t)(bytes == 2 ? e[2 * j] << 8 | e[2 * j + 1] : e[j]);
		ramp[l] = (unsigned)usim_gamma_ramp(g);
	}
	if (lines == 3 && (ramp[1] != ramp[0] || ramp[2] != ramp[0]))
		ramp[0] = (unsigned)-1;
	sim_trace(d, "gamma lines=%u colour=%u out=%u ramp=%d", lines, colour, out_bits,
	    (int)ramp[0]);
}

static void
usim_send(struct sim_device *d, struct usim *u, struct sim_io *io)
{
	size_t tl = sim_be(io->cdb + 6, 3);
	uint8_t dtc = io->cdb[2];

	if (dtc != 0x03 && dtc != 0x80) {	/* halftone, gain: not on this unit */
		usim_field(io, 0x24, 1, 2);
		return;
	}
	if (sim_data_out(io, tl) < 0) {
		usim_widen(io);
		return;
	}
	if (dtc == 0x03) {
		usim_send_gamma(d, u, io, tl);
		return;
	}
	if (!u->cal_wanted || u->cal_done) {
		usim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x2c, 0x00);
		return;
	}
	if (tl != u->cal_bpl) {
		usim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x1a, 0x00);
		return;
	}
	u->cal_done = 1;
	sim_trace(d, "shading bytes=%zu", tl);
}

/* ---- the rest ----------------------------------------------------------------- */

static void
usim_object_position(struct usim *u, struct sim_io *io)
{
	switch (io->cdb[1] & 0x07) {
	case 0:		/* home: the carriage returns, any scan ends */
		u->scanning = 0;
		break;
	case 1:
		break;
	default:
		usim_field(io, 0x24, 1, 1);
		break;
	}
}

static void
usim_buffer_status(const struct usim *u, struct sim_io *io)
{
	uint64_t left = u->scanning ? u->stream.total - u->stream.pos : 0;
	uint8_t r[12];

	memset(r, 0, sizeof(r));
	sim_put_be(r, 3, 9);
	sim_put_be(r + 6, 3, USIM_VIDMEM);
	sim_put_be(r + 9, 3, (uint32_t)(left < USIM_VIDMEM ? left : USIM_VIDMEM));
	sim_data_in(io, r, sizeof(r), sim_be(io->cdb + 7, 2));
}

/* Lamp control: firmware V1.5 only (umax enables it for that revision). */
static void
usim_lamp(struct sim_device *d, struct usim *u, struct sim_io *io)
{
	uint8_t on;

	if (strcmp(u->rev, "V1.5") != 0) {
		usim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x20, 0x00);
		return;
	}
	if (io->cdb[0] == UMAX_OP_SET_LAMP) {
		u->lamp_on = (io->cdb[3] & 0x80) != 0;
		sim_trace(d, "lamp on=%d", u->lamp_on);
		return;
	}
	on = (uint8_t)u->lamp_on;
	sim_data_in(io, &on, 1, 1);
}

/* CDB length by opcode group: 6 for group 0, 10 for groups 1 and 2. */
static void
usim_command(struct sim_device *d, void *st, struct sim_io *io)
{
	struct usim *u = st;
	size_t need = sim_cdb_length_scsi2(io->cdb[0]);

	if (io->cdb[need - 1] & 0x03) {		/* link and flag: unsupported */
		usim_field(io, 0x24, 1, (unsigned)need - 1);
		return;
	}
	switch (io->cdb[0]) {
	case SCSI_OP_TEST_UNIT_READY:
	case SCSI_OP_RESERVE_UNIT:
	case SCSI_OP_RELEASE_UNIT:
		break;
	case SCSI_OP_INQUIRY:
		usim_inquiry(u, io);
		break;
	case SCSI_OP_SET_WINDOW:
		usim_set_window(d, u, io);
		break;
	case SCSI_OP_SCAN:
		usim_scan(d, u, io);
		break;
	case SCSI_OP_READ10:
		usim_read(u, io);
		break;
	case SCSI_OP_SEND10:
		usim_send(d, u, io);
		break;
	case SCSI_OP_OBJECT_POSITION:
		usim_object_position(u, io);
		break;
	case SCSI_OP_GET_DATA_BUFFER_STATUS:
		usim_buffer_status(u, io);
		break;
	case UMAX_OP_GET_LAMP:
	case UMAX_OP_SET_LAMP:
		usim_lamp(d, u, io);
		break;
	default:	/* GET WINDOW, MODE SELECT/SENSE, WRITE BUFFER, ... */
		usim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x20, 0x00);
		break;
	}
	if (io->status == 0x02 && io->sense_len < USIM_SENSE_LEN)
		usim_widen(io);		/* every refusal in UMAX's layout */
}

static void *
usim_create(void)
{
	struct usim *u = calloc(1, sizeof(*u));

	if (u == NULL)
		return NULL;
	memcpy(u->rev, "V1.3", 5);
	return u;
}

static int
usim_option(void *st, const char *key, const char *val)
{
	struct usim *u = st;
	unsigned long v;

	if (strcmp(key, "rev") == 0) {
		if (strcmp(val, "V1.1") != 0 && strcmp(val, "V1.3") != 0 &&
		    strcmp(val, "V1.5") != 0)
			return -1;
		memcpy(u->rev, val, 5);
		return 0;
	}
	if (strcmp(key, "lps") == 0) {
		if (sim_kv_uint(val, 1000000, &v) < 0)
			return -1;
		u->lps = (unsigned)v;
		return 0;
	}
	if (strcmp(key, "uta") == 0) {
		if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0)
			return -1;
		u->uta = val[0] == '1';
		return 0;
	}
	return -1;
}

static void
usim_destroy(void *st)
{
	struct usim *u = st;

	free(u->line);
	free(u);
}

const struct sim_model sim_model_umax_astra1220s = {
	.name = "umax-astra1220s",
	.create = usim_create,
	.option = usim_option,
	.cdb_length = sim_cdb_length_scsi2,
	.command = usim_command,
	.destroy = usim_destroy,
	.render = usim_render,
};
