/*
 * esim.c - Epson Perfection 1640SU (GT-8700) on SCSI: ESC/I level B8.
 *
 * As the SCSI unit presents itself: a Processor device (type 3, INQUIRY
 * "EPSON   " "Perfection1640  " "1.04") that understands TEST UNIT READY,
 * INQUIRY, REQUEST SENSE and the processor-device SEND and RECEIVE, which
 * are WRITE(6) 0Ah and READ(6) 08h with a 24-bit length.  ESC/I travels
 * inside them: the host WRITEs a command (ESC + letter, FS + letter, or
 * one control byte), the device queues its answer (ACK 06h, NAK 15h, or
 * an information block STX, status, le16 length, payload) and the host
 * READs it.  A setter is ESC x (ACK), then its parameter block in the
 * next WRITE (ACK, or NAK if the block is the wrong length or a value the
 * device does not take).  ESC G starts a scan: block after block of
 * header (STX, status, le16 bytes a line, le16 lines) and lines, the
 * host ACKing each to get the next or CANcelling; 20h in the status marks
 * the last.  ESC F also reports FS commands (ext=0 turns them off, as
 * on a firmware without them): FS I, FS F, FS S, FS W (all parameters at
 * once) and FS G (fixed-size blocks each followed by a status byte).
 * The image is esim_image.c's; lps=N makes its READs take as long as a
 * carriage making N lines a second (0, the default: at once).
 *
 * Every NAK is traced as "check op=0a nak=PPCC[:detail]" with the
 * command's bytes, so trace-check sees it; a READ with nothing queued is
 * a CHECK CONDITION (5/2C/00, command sequence error) like any other.
 */
#include <stdlib.h>
#include <string.h>

#include "scsaned/scsi_opcodes.h"
#include "esim.h"

#define ESIM_OP_READ6	0x08
#define ESIM_OP_WRITE6	0x0a

/* The resolutions ESC I lists (the 1640 takes any in 50..3200). */
static const uint16_t esim_res[] = {
	50, 60, 72, 75, 80, 90, 100, 120, 133, 144, 150, 160, 175, 180, 200,
	216, 240, 266, 300, 320, 350, 360, 400, 480, 600, 720, 800, 900, 1200,
	1600, 3200,
};

static void
le16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
le32(uint8_t *p, uint32_t v)
{
	le16(p, v);
	le16(p + 2, v >> 16);
}

static uint32_t
get_le(const uint8_t *p, size_t n)
{
	uint32_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

/* ---- what the next READs deliver -------------------------------------- */

static void
reply_clear(struct esim *es)
{
	es->head_len = es->head_pos = 0;
	es->data_len = es->data_pos = 0;
	es->tail_len = es->tail_pos = 0;
}

static size_t
reply_left(const struct esim *es)
{
	return (es->head_len - es->head_pos) +
	    (size_t)(es->data_len - es->data_pos) + (es->tail_len - es->tail_pos);
}

static void
reply(struct sim_device *d, struct esim *es, const uint8_t *p, size_t n)
{
	if (reply_left(es) > 0)
		sim_trace(d, "check op=0a unread=%zu", reply_left(es));
	reply_clear(es);
	if (n > sizeof(es->head))
		n = sizeof(es->head);
	memcpy(es->head, p, n);
	es->head_len = n;
}

static void
reply_byte(struct sim_device *d, struct esim *es, uint8_t b)
{
	reply(d, es, &b, 1);
}

static void
nak(struct sim_device *d, struct esim *es, uint8_t prefix, uint8_t cmd,
    const char *why)
{
	sim_trace(d, "check op=0a nak=%02x%02x%s%s", prefix, cmd,
	    why[0] ? ":" : "", why);
	reply_byte(d, es, ESIM_NAK);
}

/* An information block: STX, status, le16 length, then the payload. */
static void
reply_info(struct sim_device *d, struct esim *es, uint8_t status,
    const uint8_t *payload, size_t n)
{
	uint8_t b[sizeof(es->head)];

	if (n > sizeof(b) - 4)
		n = sizeof(b) - 4;
	b[0] = ESIM_STX;
	b[1] = status;
	le16(b + 2, (uint32_t)n);
	if (n > 0)
		memcpy(b + 4, payload, n);
	reply(d, es, b, 4 + n);
}

/* ---- the scan -------------------------------------------------------- */

static void
scan_stop(struct esim *es)
{
	es->scanning = 0;
	es->awaiting_ack = 0;
	esim_scan_end(&es->scan);
}

/* Queue the next block of ESC G's or FS G's image. */
static void
scan_block(struct sim_device *d, struct esim *es)
{
	struct esim_scan *sc = &es->scan;
	uint32_t left = sc->win.l - sc->next_line, n;
	int last;

	n = left < sc->lines_per_block ? left : sc->lines_per_block;
	last = n == left;
	reply_clear(es);
	if (!sc->ext) {
		es->head[0] = ESIM_STX;
		/* Bits 2-3 name the first colour of a pixel: 01 green. */
		es->head[1] = (uint8_t)((last ? ESIM_ST_AREA_END : 0) |
		    (sc->win.color == 0x03 ? 0x04 : 0));
		if (es->lcount != 0) {
			le16(es->head + 2, (uint32_t)sc->bpl);
			le16(es->head + 4, n);
			es->head_len = 6;
		} else {
			le16(es->head + 2, (uint32_t)sc->bpl);
			es->head_len = 4;
		}
	} else {
		es->tail[0] = 0;	/* no error, no cancel request */
		es->tail_len = 1;
	}
	es->data_off = (uint64_t)sc->next_line * sc->bpl;
	es->data_len = (uint64_t)n * sc->bpl;
	sc->next_line += n;
	sim_trace(d, "block lines=%u last=%d", n, last);
}

static void
scan_start(struct sim_device *d, struct esim *es, int ext)
{
	char w[400];
	const char *why = esim_window_check(&es->win);
	uint8_t b[14] = { ESIM_STX };
	struct esim_scan *sc = &es->scan;
	uint32_t lines;

	if (why != NULL || esim_scan_start(sc, &es->win) < 0) {
		sim_trace(d, "check op=0a nak=%s:%s", ext ? "1c47" : "1b47",
		    why ? why : "memory");
		b[1] = ESIM_ST_FER | (ext ? 0 : ESIM_ST_AREA_END);
		reply(d, es, b, ext ? 14 : (es->lcount ? 6 : 4));
		return;
	}
	esim_window_format(&es->win, w, sizeof(w));
	sim_trace(d, "window %s", w);
	sc->ext = ext;
	/* One line a block without ESC d; FS G takes ESC d's count or 64K. */
	lines = es->lcount;
	if (lines == 0)
		lines = ext ? (uint32_t)(65536 / sc->bpl) : 1;
	sc->lines_per_block = lines ? lines : 1;
	es->scanning = 1;
	sim_trace(d, "scan bpl=%zu lines=%u block=%u mode=%s", sc->bpl, sc->win.l,
	    sc->lines_per_block, ext ? "fs" : "esc");
	if (ext) {
		lines = sc->lines_per_block;
		le32(b + 2, (uint32_t)(lines * sc->bpl));
		le32(b + 6, sc->win.l / lines);
		le32(b + 10, (uint32_t)(sc->win.l % lines * sc->bpl));
		if (sc->win.l < lines)		/* one short block only */
			le32(b + 2, 0);
		reply(d, es, b, sizeof(b));
		es->awaiting_ack = 0;
		/* The first block follows FS G's reply without an ACK. */
		es->scan.next_line = 0;
		return;
	}
	scan_block(d, es);
}

/* ---- ESC/I commands ---------------------------------------------------- */

/* How long the parameter block of ESC CMD is, 0 if it has none. */
static size_t
param_len(uint8_t cmd)
{
	switch (cmd) {
	case 'C': case 'D': case 'L': case 'Z': case 'B': case 'M': case 'g':
	case 'd': case 'K': case 'Q': case 's': case 't': case 'e': case 'N':
		return 1;
	case 'H':
		return 2;
	case 'R':
		return 4;
	case 'A':
		return 8;
	case 'm':
		return 9;
	case 'z':
		return 257;
	default:
		return 0;
	}
}

static void
identity(struct sim_device *d, struct esim *es)
{
	uint8_t p[2 + 3 * (sizeof(esim_res) / sizeof(esim_res[0])) + 5];
	size_t i, n = 2;

	p[0] = 'B';
	p[1] = '8';
	for (i = 0; i < sizeof(esim_res) / sizeof(esim_res[0]); i++) {
		p[n++] = 'R';
		le16(p + n, esim_res[i]);
		n += 2;
	}
	/* The bed in dots at the highest resolution listed. */
	p[n++] = 'A';
	le16(p + n, ESIM_BED_X * ESIM_MAX_DPI / 1200);
	le16(p + n + 2, ESIM_BED_Y * ESIM_MAX_DPI / 1200);
	n += 4;
	reply_info(d, es, 0, p, n);
}

static void
extended_status(struct sim_device *d, struct esim *es)
{
	uint8_t p[42];

	memset(p, 0, sizeof(p));
	p[0] = 0x40 | 0x01;	/* a flatbed, with a push button */
	le16(p + 12, ESIM_BED_X * ESIM_MAX_DPI / 1200);
	le16(p + 14, ESIM_BED_Y * ESIM_MAX_DPI / 1200);
	memcpy(p + 0x1a, "Perfection1640  ", 16);
	reply_info(d, es, 0, p, sizeof(p));
}

/* ESC S: the settings, each after its command letter. */
static void
condition(struct sim_device *d, struct esim *es)
{
	const struct esim_window *w = &es->win;
	uint8_t p[45];

	memset(p, 0, sizeof(p));
	p[0] = 'C'; p[1] = w->color;
	p[2] = 'R'; le16(p + 3, w->xres); le16(p + 5, w->yres);
	p[7] = 'A'; le16(p + 8, w->x); le16(p + 10, w->y);
	le16(p + 12, w->w); le16(p + 14, w->l);
	p[16] = 'D'; p[17] = w->depth;
	p[18] = 'B'; p[19] = w->halftone;
	p[20] = 'L'; p[21] = (uint8_t)w->bright;
	p[22] = 'Z'; p[23] = w->gamma;
	p[24] = 'H'; p[25] = es->zoom[0]; p[26] = es->zoom[1];
	p[27] = 'M'; p[28] = w->corr;
	p[29] = 'Q'; p[30] = es->sharp;
	p[31] = 'g'; p[32] = es->speed;
	p[33] = 'K'; p[34] = w->mirror;
	p[35] = 's'; p[36] = es->aas;
	p[37] = 't'; p[38] = w->threshold;
	p[39] = 'd'; p[40] = es->lcount;
	p[41] = 'e'; p[42] = es->option;
	p[43] = 'N'; p[44] = es->film;
	reply_info(d, es, 0, p, sizeof(p));
}

static void
reset(struct esim *es)
{
	esim_window_default(&es->win);
	es->sharp = es->speed = es->aas = es->film = es->option = 0;
	es->lcount = 0;
	es->zoom[0] = es->zoom[1] = 100;
}

static int
check_table(struct esim *es, const uint8_t *p)
{
	int c = p[0] == 'R' ? 0 : p[0] == 'G' ? 1 : p[0] == 'B' ? 2 : -1;
	int i;

	if (c < 0)
		return -1;
	memcpy(es->win.table[c], p + 1, 256);
	es->win.custom_tables = 0;
	for (c = 0; c < 3; c++)
		for (i = 0; i < 256; i++)
			if (es->win.table[c][i] != i)
				es->win.custom_tables = 1;
	return 0;
}

/* A setter's parameter block P; what is wrong with it, or NULL. */
static const char *
set_param(struct esim *es, uint8_t cmd, const uint8_t *p)
{
	struct esim_window *w = &es->win;
	uint8_t v = p[0];
	int i;

	switch (cmd) {
	case 'C':
		if (v != 0x00 && v != 0x10 && v != 0x20 && v != 0x30 &&
		    v != 0x03 && v != 0x13)
			return "mode";
		w->color = v;
		break;
	case 'D':
		/* A 14-bit A/D: 16-bit samples, no 12 or 14-bit packing. */
		if (v != 1 && v != 8 && v != 16)
			return v == 12 ? "0c" : v == 14 ? "0e" : "depth";
		w->depth = v;
		break;
	case 'L':
		if ((int8_t)v < -4 || (int8_t)v > 3)
			return "range";
		w->bright = (int8_t)v;
		break;
	case 'Z':
		if (v != 0x00 && v != 0x01 && v != 0x02 && v != 0x03 &&
		    v != 0x10 && v != 0x20)
			return "curve";
		w->gamma = v;
		break;
	case 'B':
		if (!esim_halftone_known(v))
			return "halftone";
		w->halftone = v;
		break;
	case 'M':
		if (!esim_correction_known(v))
			return "correction";
		w->corr = v;
		break;
	case 'g': es->speed = v; break;
	case 'd': es->lcount = v; break;
	case 'K':
		if (v > 1)
			return "mirror";
		w->mirror = v;
		break;
	case 'Q':
		if ((int8_t)v < -2 || (int8_t)v > 2)
			return "range";
		es->sharp = v;
		break;
	case 's':
		if (v > 1)
			return "aas";
		es->aas = v;
		break;
	case 't': w->threshold = v; break;
	case 'e':
		/* No option unit fitted: only "off" is accepted. */
		if (v != 0)
			return "no option";
		es->option = v;
		break;
	case 'N':
		if (v > 3)
			return "film";
		es->film = v;
		break;
	case 'H':
		es->zoom[0] = p[0];
		es->zoom[1] = p[1];
		break;
	case 'R':
		w->xres = get_le(p, 2);
		w->yres = get_le(p + 2, 2);
		if (w->xres < ESIM_MIN_DPI || w->xres > ESIM_MAX_DPI ||
		    w->yres < ESIM_MIN_DPI || w->yres > ESIM_MAX_DPI)
			return "resolution";
		break;
	case 'A':
		w->x = get_le(p, 2);
		w->y = get_le(p + 2, 2);
		w->w = get_le(p + 4, 2);
		w->l = get_le(p + 6, 2);
		if (w->w == 0 || w->l == 0)
			return "empty";
		break;
	case 'm':
		for (i = 0; i < 9; i++)
			w->cct[i] = p[i];
		break;
	case 'z':
		if (check_table(es, p) < 0)
			return "table";
		break;
	}
	return NULL;
}

static void
esc_command(struct sim_device *d, struct esim *es, uint8_t cmd)
{
	size_t n = param_len(cmd);

	if (n > 0) {
		es->want_prefix = ESIM_ESC;
		es->want_cmd = cmd;
		es->want_len = n;
		reply_byte(d, es, ESIM_ACK);
		return;
	}
	switch (cmd) {
	case 'I': identity(d, es); break;
	case 'F': reply_info(d, es, es->ext_commands ? ESIM_ST_EXT : 0, NULL, 0); break;
	case 'f': extended_status(d, es); break;
	case 'S': condition(d, es); break;
	case '!': {
		uint8_t none = 0;	/* the button is not pressed */

		reply_info(d, es, 0, &none, 1);
		break;
	}
	case '@':
		reset(es);
		reply_byte(d, es, ESIM_ACK);
		break;
	case 'G':
		scan_start(d, es, 0);
		break;
	default:
		/* ESC q, ESC p: the 1640 has no focus motor; and any other. */
		nak(d, es, ESIM_ESC, cmd, "");
		break;
	}
}

/* FS I: 80 bytes, no information block. */
static void
fs_identity(struct sim_device *d, struct esim *es)
{
	uint8_t p[80];

	memset(p, 0, sizeof(p));
	p[0] = 'B';
	p[1] = '8';
	le32(p + 4, 1600);		/* optical */
	le32(p + 8, ESIM_MIN_DPI);
	le32(p + 12, ESIM_MAX_DPI);
	le32(p + 16, ESIM_BED_X * 1600 / 1200);	/* widest line in pixels */
	le32(p + 20, ESIM_BED_X * 1600 / 1200);	/* the bed at optical */
	le32(p + 24, ESIM_BED_Y * 1600 / 1200);
	p[44] = 0x01;			/* push button */
	memcpy(p + 46, "Perfection1640  ", 16);
	p[67] = 16;			/* deepest samples */
	reply(d, es, p, sizeof(p));
}

/* FS W: the 64-byte block of every scanning parameter. */
static const char *
esim_fs_parameters(struct esim *es, const uint8_t *p)
{
	static const struct { uint8_t off, cmd; } one[] = {
		{ 24, 'C' }, { 25, 'D' }, { 26, 'e' }, { 27, 'g' }, { 28, 'd' },
		{ 29, 'Z' }, { 30, 'L' }, { 31, 'M' }, { 32, 'B' }, { 33, 't' },
		{ 34, 's' }, { 35, 'Q' }, { 36, 'K' }, { 37, 'N' },
	};
	struct esim_window *w = &es->win;
	const char *why;
	size_t i;

	w->xres = get_le(p, 4);
	w->yres = get_le(p + 4, 4);
	w->x = get_le(p + 8, 4);
	w->y = get_le(p + 12, 4);
	w->w = get_le(p + 16, 4);
	w->l = get_le(p + 20, 4);
	for (i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		/* Halftoning matters to bi-level only; FS W sends 0 otherwise. */
		if (one[i].cmd == 'B' && p[25] != 1)
			continue;
		if ((why = set_param(es, one[i].cmd, p + one[i].off)) != NULL)
			return why;
	}
	return esim_window_check(w);
}

static void
fs_command(struct sim_device *d, struct esim *es, uint8_t cmd)
{
	uint8_t p[64];

	if (!es->ext_commands) {
		nak(d, es, ESIM_FS, cmd, "");
		return;
	}
	memset(p, 0, sizeof(p));
	switch (cmd) {
	case 'I':
		fs_identity(d, es);
		break;
	case 'F':
		reply(d, es, p, 16);	/* ready, no ADF, no TPU */
		break;
	case 'S':
		le32(p, es->win.xres);
		le32(p + 4, es->win.yres);
		le32(p + 8, es->win.x);
		le32(p + 12, es->win.y);
		le32(p + 16, es->win.w);
		le32(p + 20, es->win.l);
		p[24] = es->win.color;
		p[25] = es->win.depth;
		p[28] = es->lcount;
		p[29] = es->win.gamma;
		reply(d, es, p, 64);
		break;
	case 'W':
		es->want_prefix = ESIM_FS;
		es->want_cmd = 'W';
		es->want_len = 64;
		reply_byte(d, es, ESIM_ACK);
		break;
	case 'G':
		scan_start(d, es, 1);
		break;
	default:
		nak(d, es, ESIM_FS, cmd, "");
		break;
	}
}

/* The parameter block of the setter that was ACKed last. */
static void
param_block(struct sim_device *d, struct esim *es, const uint8_t *p, size_t n)
{
	uint8_t prefix = es->want_prefix, cmd = es->want_cmd;
	size_t want = es->want_len;
	const char *why;

	es->want_len = 0;
	if (n != want) {
		nak(d, es, prefix, cmd, n < want ? "short" : "long");
		return;
	}
	why = prefix == ESIM_FS ? esim_fs_parameters(es, p) : set_param(es, cmd, p);
	if (why != NULL) {
		nak(d, es, prefix, cmd, why);
		return;
	}
	reply_byte(d, es, ESIM_ACK);
}

/* A WRITE during a scan: ACK for the next block, CAN to stop. */
static void
scan_control(struct sim_device *d, struct esim *es, const uint8_t *p, size_t n)
{
	if (n == 1 && p[0] == ESIM_CAN) {
		sim_trace(d, "cancel at line %u", es->scan.next_line);
		scan_stop(es);
		reply_byte(d, es, ESIM_ACK);
		return;
	}
	if (n == 1 && p[0] == ESIM_ACK && es->awaiting_ack && reply_left(es) == 0) {
		es->awaiting_ack = 0;
		scan_block(d, es);
		return;
	}
	/* Anything else waits until the scan ends or is cancelled. */
	nak(d, es, n > 0 ? p[0] : 0, n > 1 ? p[1] : 0, "scanning");
}

/* What the host sent, so a trace reads as the ESC/I conversation. */
static void
trace_bytes(struct sim_device *d, const uint8_t *p, size_t n)
{
	char hex[2 * 16 + 1];
	size_t i;

	for (i = 0; i < n && i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", p[i]);
	sim_trace(d, "esci %s%s len=%zu", hex, n > 16 ? ".." : "", n);
}

static void
esim_write(struct sim_device *d, struct esim *es, struct sim_io *io)
{
	size_t n = sim_be(io->cdb + 2, 3);
	const uint8_t *p = io->buf;

	if (sim_data_out(io, n) < 0 || n == 0)
		return;
	trace_bytes(d, p, n);
	if (es->scanning) {
		scan_control(d, es, p, n);
		return;
	}
	if (es->want_len > 0) {
		param_block(d, es, p, n);
		return;
	}
	if (n == 2 && p[0] == ESIM_ESC)
		esc_command(d, es, p[1]);
	else if (n == 2 && p[0] == ESIM_FS)
		fs_command(d, es, p[1]);
	else if (n == 1 && p[0] == ESIM_CAN)
		reply_byte(d, es, ESIM_ACK);	/* nothing to cancel */
	else
		nak(d, es, p[0], n > 1 ? p[1] : 0, n > 2 ? "long" : "");
}

static void
esim_read(struct sim_device *d, struct esim *es, struct sim_io *io)
{
	size_t tl = sim_be(io->cdb + 2, 3), room, done = 0, take;
	size_t left = reply_left(es);

	if (left == 0) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x2c, 0x00);
		return;
	}
	room = io->dir == SIM_DIR_IN && io->buf != NULL ? io->buflen : 0;
	if (tl > left)
		tl = left;
	if (tl > room)
		tl = room;
	take = es->head_len - es->head_pos < tl ? es->head_len - es->head_pos : tl;
	if (take > 0)
		memcpy(io->buf, es->head + es->head_pos, take);
	es->head_pos += take;
	done = take;
	take = es->data_len - es->data_pos < tl - done ?
	    (size_t)(es->data_len - es->data_pos) : tl - done;
	if (take > 0) {
		esim_scan_copy(&es->scan, es->data_off + es->data_pos, io->buf + done, take);
		sim_pace(take, es->scan.bpl, es->lps);
		es->data_pos += take;
		done += take;
	}
	take = es->tail_len - es->tail_pos < tl - done ? es->tail_len - es->tail_pos : tl - done;
	if (take > 0)
		memcpy(io->buf + done, es->tail + es->tail_pos, take);
	es->tail_pos += take;
	done += take;
	/*
	 * A READ longer than the answer ends when the answer does, with GOOD
	 * status and the rest as residue: the host asked 4 bytes of an
	 * information block and the device had a NAK to say.
	 */
	io->xfer = done;
	if (done < sim_be(io->cdb + 2, 3))
		sim_trace(d, "short read %zu of %u", done, sim_be(io->cdb + 2, 3));
	if (es->scanning && reply_left(es) == 0 && es->data_len > 0) {
		if (es->scan.next_line >= es->scan.win.l)
			scan_stop(es);
		else
			es->awaiting_ack = 1;
	} else if (es->scanning && es->scan.ext && reply_left(es) == 0 &&
	    es->data_len == 0) {
		/* FS G's reply is read: the first block is ready at once. */
		scan_block(d, es);
	}
}

static void
esim_inquiry(struct sim_io *io)
{
	uint8_t std[36] = { SCSI_TYPE_PROCESSOR, 0, 2, 2, 31 };

	if (io->cdb[1] & 1 || io->cdb[2] != 0) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x24, 0x00);
		return;
	}
	memcpy(std + 8, "EPSON   ", 8);
	memcpy(std + 16, "Perfection1640  ", 16);
	memcpy(std + 32, "1.04", 4);
	sim_data_in(io, std, sizeof(std), io->cdb[4]);
}

static size_t
esim_cdb_length(uint8_t op)
{
	switch (op) {
	case SCSI_OP_TEST_UNIT_READY:
	case SCSI_OP_REQUEST_SENSE:
	case SCSI_OP_INQUIRY:
	case ESIM_OP_READ6:
	case ESIM_OP_WRITE6:
		return 6;
	default:
		return 0;	/* the core answers 5/20/00 */
	}
}

static void
esim_command(struct sim_device *d, void *st, struct sim_io *io)
{
	struct esim *es = st;

	switch (io->cdb[0]) {
	case SCSI_OP_TEST_UNIT_READY:
		break;
	case SCSI_OP_INQUIRY:
		esim_inquiry(io);
		break;
	case ESIM_OP_WRITE6:
		esim_write(d, es, io);
		break;
	case ESIM_OP_READ6:
		esim_read(d, es, io);
		break;
	default:
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x20, 0x00);
		break;
	}
}

static void *
esim_create(void)
{
	struct esim *es = calloc(1, sizeof(*es));

	if (es == NULL)
		return NULL;
	reset(es);
	es->ext_commands = 1;
	es->scan.line_no = UINT32_MAX;
	return es;
}

static int
esim_option(void *st, const char *key, const char *val)
{
	struct esim *es = st;
	unsigned long v;

	if (strcmp(key, "lps") == 0) {
		if (sim_kv_uint(val, 1000000, &v) < 0)
			return -1;
		es->lps = (unsigned)v;
		return 0;
	}
	if (strcmp(key, "ext") != 0 || sim_kv_uint(val, 1, &v) < 0)
		return -1;
	es->ext_commands = (int)v;
	return 0;
}

static void
esim_destroy(void *st)
{
	struct esim *es = st;

	esim_scan_end(&es->scan);
	free(es);
}

const struct sim_model sim_model_epson_perfection1640 = {
	.name = "epson-perfection1640",
	.create = esim_create,
	.option = esim_option,
	.cdb_length = esim_cdb_length,
	.command = esim_command,
	.destroy = esim_destroy,
	.render = esim_render,
};
