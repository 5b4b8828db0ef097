/*
 * csim.c - Nikon Coolscan film scanners: LS-30, LS-2000, LS-4000 ED
 * and LS-8000 ED, the command set.
 *
 * As Nikon's SCSI (and SBP-2) film scanners speak it: INQUIRY with vendor
 * page C1, listed in page 00h (resolutions, boundaries, frames, focus range, bits), MODE
 * SELECT with page 03h (the unit is 1/maximum dpi), SEND of frame
 * boundaries (data type 88h) and per-channel LUTs (03h), SET/GET WINDOW
 * once per channel (window id 1 R, 2 G, 3 B, 9 IR) with Nikon's vendor
 * bytes, SCAN of a window-id list (normal, or an auto-exposure pass that
 * delivers no data and leaves its result in GET WINDOW), READ(10) of
 * line-sequential planes, and the vendor commands E0 (set parameter:
 * load, eject, reset, focus position, autofocus), E1 (get parameter:
 * focus), C1 (execute) and C0 (abort).  The image is csim_image.c's.
 *
 * The models differ as the hardware does: the LS-30 reports 12 bits in
 * page C1 but its A/D gives 10 (its LUTs have 1024 entries) and it has no
 * multi-sampling; the LS-4000 and LS-8000 give 14 bits and pad 8-bit
 * planes of odd width with a leading byte.
 *
 * Options: holder=slide|strip|none (default slide: one frame; strip: the
 * model's strip feeder; none: NOT READY 2/3A/00 "medium not present"
 * until a holder is loaded), film=positive|negative, busy=N (N TEST UNIT
 * READYs answer 2/04/01 after each EXECUTE, as the mechanics take time),
 * reissue=1 (the first SCAN answers Nikon's vendor "re-issue" sense
 * 9/80/06, as the hardware does while it settles), lps=N (READ takes
 * as long as N lines a second, for slow-device tests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/scsi_opcodes.h"
#include "csim.h"

#define CSIM_FOCUS_MAX	1000
#define CSIM_FOCUS_HOME	500

/* Nikon's vendor sense: key 9, 80h/06h, "issue the command again". */
#define ASC_NIKON	0x80
#define ASCQ_REISSUE	0x06

/* SEND data types (CDB byte 2). */
#define SEND_BOUNDARIES	0x88
#define SEND_LUT	0x03

static const struct csim_model ls30 = {
	"COOLSCANIII     ", 2700, 300, 2592, 3888, 6, 12, 10, 1, 0,
};
static const struct csim_model ls2000 = {
	"LS-2000         ", 2700, 300, 2592, 3888, 6, 12, 12, 16, 0,
};
static const struct csim_model ls4000 = {
	"LS-4000 ED      ", 4000, 500, 3946, 5782, 6, 14, 14, 16, 1,
};
static const struct csim_model ls8000 = {
	"LS-8000 ED      ", 4000, 500, 3946, 5782, 6, 14, 14, 16, 1,
};

static int
win_index(uint8_t id)
{
	switch (id) {
	case CSIM_WIN_RED: return 0;
	case CSIM_WIN_GREEN: return 1;
	case CSIM_WIN_BLUE: return 2;
	case CSIM_WIN_IR: return 3;
	default: return -1;
	}
}

static int
film_present(const struct csim *cs)
{
	return cs->holder != CSIM_HOLDER_NONE && cs->loaded;
}

static void
csim_inquiry(struct csim *cs, struct sim_io *io)
{
	uint8_t std[36] = { SCSI_TYPE_SCANNER, 0, 2, 2, 31 };
	uint8_t c1[100];
	const struct csim_model *m = cs->m;

	memcpy(std + 8, "Nikon   ", 8);
	memcpy(std + 16, m->product, 16);
	memcpy(std + 32, "1.30", 4);
	if (!(io->cdb[1] & 1)) {
		if (io->cdb[2] != 0) {
			sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
			return;
		}
		sim_data_in(io, std, sizeof(std), io->cdb[4]);
		return;
	}
	if (io->cdb[2] == 0x00) {
		/* SPC: a device with VPD pages lists them in page 00h. */
		uint8_t list[6] = { SCSI_TYPE_SCANNER, 0x00, 0, 2, 0x00, NIKON_VPD_CAPABILITIES };

		sim_data_in(io, list, sizeof(list), io->cdb[4]);
		return;
	}
	if (io->cdb[2] != NIKON_VPD_CAPABILITIES) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	memset(c1, 0, sizeof(c1));
	c1[0] = SCSI_TYPE_SCANNER;
	c1[1] = NIKON_VPD_CAPABILITIES;
	c1[3] = sizeof(c1) - 4;
	sim_put_be(c1 + 18, 2, m->max_dpi);	/* x optical, max, min */
	sim_put_be(c1 + 20, 2, m->max_dpi);
	sim_put_be(c1 + 22, 2, m->min_dpi);
	sim_put_be(c1 + 36, 4, m->x_boundary);
	sim_put_be(c1 + 40, 2, m->max_dpi);	/* y optical, max, min */
	sim_put_be(c1 + 42, 2, m->max_dpi);
	sim_put_be(c1 + 44, 2, m->min_dpi);
	sim_put_be(c1 + 58, 4, m->y_boundary);
	c1[75] = (uint8_t)(cs->holder == CSIM_HOLDER_STRIP ? m->strip_frames : 1);
	sim_put_be(c1 + 76, 2, 0);		/* focus range */
	sim_put_be(c1 + 78, 2, CSIM_FOCUS_MAX);
	c1[82] = (uint8_t)m->reported_bits;
	sim_data_in(io, c1, sizeof(c1), io->cdb[4]);
}

/* Page 03h with a block descriptor (coolscan3) or without (coolscan2). */
static void
csim_mode_select(struct csim *cs, struct sim_io *io)
{
	size_t tl = io->cdb[4], at;
	const uint8_t *p = io->buf;

	if (sim_data_out(io, tl) < 0)
		return;
	at = tl >= 4 ? 4 + (size_t)p[3] : tl;
	if (at + 8 > tl || (p[at] & 0x3f) != 0x03 || p[at + 1] != 6 ||
	    sim_be(p + at + 4, 2) != cs->m->max_dpi)
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_PARAM, 0);
}

static int
window_ok(const struct csim *cs, const uint8_t *d)
{
	const struct csim_model *m = cs->m;
	uint32_t xres = sim_be(d + CSIM_W_XRES, 2), yres = sim_be(d + CSIM_W_YRES, 2);
	uint64_t right, bottom;
	unsigned samples = (d[CSIM_W_SAMPLES] >> 4) + 1u;

	if (xres < m->min_dpi / 2 || xres > m->max_dpi || yres < m->min_dpi / 2 ||
	    yres > m->max_dpi)
		return 0;
	right = (uint64_t)sim_be(d + CSIM_W_X, 4) + sim_be(d + CSIM_W_WIDTH, 4);
	bottom = (uint64_t)sim_be(d + CSIM_W_Y, 4) + sim_be(d + CSIM_W_HEIGHT, 4);
	if (right > m->x_boundary ||
	    bottom > (uint64_t)(m->max_dpi * 3 / 2 + 1) * m->strip_frames)
		return 0;
	if (d[CSIM_W_COMP] != SCSI_COMP_RGB || (d[CSIM_W_BPP] != 8 && d[CSIM_W_BPP] != m->bits))
		return 0;
	if (samples > m->max_samples)
		return 0;
	return d[CSIM_W_KIND] == CSIM_KIND_SCAN || d[CSIM_W_KIND] == CSIM_KIND_AE ||
	    d[CSIM_W_KIND] == CSIM_KIND_AE_WB;
}

static void
csim_set_window(struct sim_device *d, struct csim *cs, struct sim_io *io)
{
	size_t tl = sim_be(io->cdb + 6, 3);
	const uint8_t *p = io->buf, *w8 = io->buf + 8;
	int w;

	if (sim_data_out(io, tl) < 0)
		return;
	if (tl < 8 + CSIM_DESC_LEN || sim_be(p + 6, 2) < CSIM_DESC_LEN ||
	    (w = win_index(w8[0])) < 0 || !window_ok(cs, w8)) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_PARAM, 0);
		return;
	}
	memcpy(cs->desc[w], w8, CSIM_DESC_LEN);
	cs->set[w] = 1;
	sim_trace(d, "window id=%u xres=%u yres=%u x=%u y=%u w=%u l=%u bpp=%u "
	    "positive=%u samples=%u kind=%u film=%s", w8[0], sim_be(w8 + CSIM_W_XRES, 2),
	    sim_be(w8 + CSIM_W_YRES, 2), sim_be(w8 + CSIM_W_X, 4), sim_be(w8 + CSIM_W_Y, 4),
	    sim_be(w8 + CSIM_W_WIDTH, 4), sim_be(w8 + CSIM_W_HEIGHT, 4), w8[CSIM_W_BPP],
	    w8[CSIM_W_FLAGS] & 1, (w8[CSIM_W_SAMPLES] >> 4) + 1, w8[CSIM_W_KIND],
	    cs->film.negative ? "negative" : "positive");
}

static void
csim_get_window(struct csim *cs, struct sim_io *io)
{
	uint8_t r[8 + CSIM_DESC_LEN];
	int w = win_index(io->cdb[5]);

	if (w < 0 || !cs->set[w]) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	memset(r, 0, sizeof(r));
	sim_put_be(r, 2, sizeof(r) - 2);
	sim_put_be(r + 6, 2, CSIM_DESC_LEN);
	memcpy(r + 8, cs->desc[w], CSIM_DESC_LEN);
	sim_data_in(io, r, sizeof(r), sim_be(io->cdb + 6, 3));
}

static void
csim_scan(struct sim_device *d, struct csim *cs, struct sim_io *io)
{
	size_t n = io->cdb[4], i;
	uint8_t kind;
	int w;

	if (n == 0 || n > CSIM_PLANES) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	if (sim_data_out(io, n) < 0)
		return;
	if (!film_present(cs)) {
		sim_check(io, SCSI_SK_NOT_READY, SCSI_ASC_NO_MEDIUM, 0);
		return;
	}
	for (i = 0; i < n; i++) {
		if ((w = win_index(io->buf[i])) < 0 || !cs->set[w]) {
			sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_SEQUENCE_ERROR, 0);
			return;
		}
		cs->plane[i] = (unsigned)w;
	}
	cs->nplanes = (unsigned)n;
	cs->scanning = 0;
	kind = cs->desc[cs->plane[0]][CSIM_W_KIND];
	if (csim_scan_setup(cs) < 0) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_PARAM, 0);
		return;
	}
	if (kind != CSIM_KIND_SCAN) {
		/* An exposure pass: the result goes to the windows, no data. */
		csim_auto_exposure(cs, kind == CSIM_KIND_AE_WB);
		sim_trace(d, "autoexposure exposure=%u,%u,%u", cs->exposure[0],
		    cs->exposure[1], cs->exposure[2]);
		return;
	}
	cs->scanning = 1;
	sim_trace(d, "scan width=%u lines=%u planes=%u bytes=%u samples=%u "
	    "exposure=%u,%u,%u", cs->width, cs->lines, cs->nplanes, cs->bps,
	    cs->samples, cs->exp[0], cs->exp[1], cs->exp[2]);
}

static void
csim_read(struct csim *cs, struct sim_io *io)
{
	size_t n;

	if (io->cdb[2] != 0) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	if (!cs->scanning) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_SEQUENCE_ERROR, 0);
		return;
	}
	n = sim_stream_read(&cs->stream, io, sim_be(io->cdb + 6, 3));
	/* The film moves LPS lines a second past the sensor. */
	sim_pace(n, cs->line_len, cs->lps);
	if (cs->stream.pos == cs->stream.total)
		cs->scanning = 0;
}

/* What EXECUTE does with the operation the last E0 set. */
static void
csim_execute(struct sim_device *d, struct csim *cs)
{
	switch (cs->pending_op) {
	case NIKON_SET_EJECT:
		cs->loaded = 0;
		cs->scanning = 0;
		break;
	case NIKON_SET_LOAD:
		cs->loaded = 1;
		break;
	case NIKON_SET_RESET:
		cs->scanning = 0;
		cs->focus = CSIM_FOCUS_HOME;
		break;
	case NIKON_SET_AUTOFOCUS:
		if (film_present(cs))
			cs->focus = cs->best_focus;
		break;
	default:
		break;
	}
	sim_trace(d, "execute op=%02x focus=%u loaded=%d", cs->pending_op, cs->focus,
	    film_present(cs));
	cs->pending_op = 0;
	cs->busy_left = cs->busy_polls;	/* the mechanics take a while */
}

static void
csim_vendor(struct sim_device *d, struct csim *cs, struct sim_io *io)
{
	/* Only E0 and E1 are 10-byte CDBs with a transfer length. */
	size_t tl = io->cdb_len >= 10 ? sim_be(io->cdb + 6, 3) : 0;
	uint8_t r[13], op = io->cdb[2];
	uint32_t focus;

	switch (io->cdb[0]) {
	case NIKON_OP_SET_PARAM:
		if (op != NIKON_SET_EJECT && op != NIKON_SET_LOAD && op != NIKON_SET_RESET &&
		    op != NIKON_SET_FOCUS && op != NIKON_SET_AUTOFOCUS) {
			sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
			return;
		}
		/* coolscan3 declares 9 bytes for focus, coolscan2 13: both do. */
		if (tl > 13 || sim_data_out(io, tl) < 0)
			return;
		if (op == NIKON_SET_FOCUS) {
			if (tl < 5 || (focus = sim_be(io->buf + 1, 4)) > CSIM_FOCUS_MAX) {
				sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_PARAM, 0);
				return;
			}
			cs->focus = focus;
		}
		cs->pending_op = op;
		break;
	case NIKON_OP_GET_PARAM:
		memset(r, 0, sizeof(r));
		sim_put_be(r + 1, 4, cs->focus);
		sim_data_in(io, r, sizeof(r), tl);
		break;
	case NIKON_OP_EXECUTE:
		csim_execute(d, cs);
		break;
	case NIKON_OP_ABORT:
		cs->scanning = 0;
		sim_trace(d, "abort");
		break;
	}
}

/* SEND: frame boundaries, or a LUT for one channel. */
static void
csim_send(struct csim *cs, struct sim_io *io)
{
	size_t tl = sim_be(io->cdb + 6, 3), entries = (size_t)1 << cs->m->bits, i, n;
	int c = win_index(io->cdb[4]);

	if (io->cdb[2] != SEND_BOUNDARIES && io->cdb[2] != SEND_LUT) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	if (sim_data_out(io, tl) < 0)
		return;
	if (io->cdb[2] == SEND_BOUNDARIES) {
		/* <len:2> <frames> <frames>, then 16 bytes a frame. */
		n = tl >= 4 ? io->buf[2] : 0;
		if (tl < 4 || n == 0 || n > cs->m->strip_frames || tl != 4 + 16 * n)
			sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_PARAM, 0);
		return;
	}
	/* 2^bits big-endian 16-bit entries for channel R, G or B. */
	if (c < 0 || c > 2 || tl != entries * 2) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_PARAM, 0);
		return;
	}
	if (cs->lut[c] == NULL && (cs->lut[c] = malloc(entries * 2)) == NULL) {
		sim_check(io, SCSI_SK_HARDWARE_ERROR, SCSI_ASC_NONE, 0);
		return;
	}
	for (i = 0; i < entries; i++) {
		cs->lut[c][i] = (uint16_t)sim_be(io->buf + 2 * i, 2);
		if (cs->lut[c][i] >= entries)
			cs->lut[c][i] = (uint16_t)(entries - 1);
	}
}

static size_t
csim_cdb_length(uint8_t op)
{
	return (op >> 5) == 0 || op == NIKON_OP_ABORT || op == NIKON_OP_EXECUTE ? 6 : 10;
}

/* Sense a real Coolscan gives before it looks at the command itself. */
static int
csim_unit_attention(struct csim *cs, struct sim_io *io)
{
	uint8_t op = io->cdb[0];

	if (op == SCSI_OP_TEST_UNIT_READY && cs->busy_left > 0) {
		cs->busy_left--;
		sim_check(io, SCSI_SK_NOT_READY, SCSI_ASC_NOT_READY, SCSI_ASCQ_BECOMING_READY);
		return 1;
	}
	if (op == SCSI_OP_TEST_UNIT_READY && !film_present(cs)) {
		sim_check(io, SCSI_SK_NOT_READY, SCSI_ASC_NO_MEDIUM, 0);
		return 1;
	}
	if (op == SCSI_OP_SCAN && cs->reissue && film_present(cs)) {
		cs->reissue = 0;
		sim_check(io, SCSI_SK_VENDOR_SPECIFIC, ASC_NIKON, ASCQ_REISSUE);
		return 1;
	}
	return 0;
}

static void
csim_command(struct sim_device *d, void *st, struct sim_io *io)
{
	struct csim *cs = st;

	if (csim_unit_attention(cs, io))
		return;
	switch (io->cdb[0]) {
	case SCSI_OP_TEST_UNIT_READY:
	case SCSI_OP_RESERVE_UNIT:
	case SCSI_OP_RELEASE_UNIT:
		break;
	case SCSI_OP_INQUIRY:
		csim_inquiry(cs, io);
		break;
	case SCSI_OP_MODE_SELECT6:
		csim_mode_select(cs, io);
		break;
	case SCSI_OP_SEND10:
		csim_send(cs, io);
		break;
	case SCSI_OP_SET_WINDOW:
		csim_set_window(d, cs, io);
		break;
	case SCSI_OP_GET_WINDOW:
		csim_get_window(cs, io);
		break;
	case SCSI_OP_SCAN:
		csim_scan(d, cs, io);
		break;
	case SCSI_OP_READ10:
		csim_read(cs, io);
		break;
	case NIKON_OP_SET_PARAM:
	case NIKON_OP_GET_PARAM:
	case NIKON_OP_EXECUTE:
	case NIKON_OP_ABORT:
		csim_vendor(d, cs, io);
		break;
	default:
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_OPCODE, 0);
		break;
	}
}

static void *
csim_create(const struct csim_model *m)
{
	struct csim *cs = calloc(1, sizeof(*cs));

	if (cs == NULL)
		return NULL;
	cs->m = m;
	cs->holder = CSIM_HOLDER_SLIDE;
	cs->loaded = 1;
	cs->focus = CSIM_FOCUS_HOME;
	/* Somewhere the focus motor has to find, different per model. */
	cs->best_focus = 400 + m->max_dpi % 97;
	csim_film_geometry(m, &cs->film);
	cs->film.frames = 1;
	return cs;
}

static int
csim_option(void *st, const char *key, const char *val)
{
	struct csim *cs = st;
	unsigned long v;

	if (strcmp(key, "holder") == 0) {
		if (strcmp(val, "none") == 0)
			cs->holder = CSIM_HOLDER_NONE;
		else if (strcmp(val, "slide") == 0)
			cs->holder = CSIM_HOLDER_SLIDE;
		else if (strcmp(val, "strip") == 0)
			cs->holder = CSIM_HOLDER_STRIP;
		else
			return -1;
		cs->film.frames = cs->holder == CSIM_HOLDER_STRIP ? cs->m->strip_frames : 1;
		return 0;
	}
	if (strcmp(key, "film") == 0) {
		cs->film.negative = sim_kv_film(val);
		return cs->film.negative < 0 ? -1 : 0;
	}
	if (sim_kv_uint(val, 1000, &v) < 0)
		return -1;
	if (strcmp(key, "busy") == 0)
		cs->busy_polls = (unsigned)v;
	else if (strcmp(key, "reissue") == 0)
		cs->reissue = v != 0;
	else if (strcmp(key, "lps") == 0)
		cs->lps = (unsigned)v;
	else
		return -1;
	return 0;
}

static void
csim_destroy(void *st)
{
	struct csim *cs = st;
	int c;

	for (c = 0; c < 3; c++)
		free(cs->lut[c]);
	free(cs->line);
	free(cs);
}

/* One create and one render per model: the model table passes no argument. */
#define CSIM_MODEL(var, m)						\
	static void *create_##m(void) { return csim_create(&m); }		\
	static int render_##m(const char *w, FILE *o, char *e, size_t n) \
	{ return csim_render(&m, w, o, e, n); }				\
	const struct sim_model var = {					\
		.name = "coolscan-" #m, .create = create_##m,		\
		.option = csim_option, .cdb_length = csim_cdb_length,	\
		.command = csim_command,					\
		.destroy = csim_destroy, .render = render_##m,		\
	}

CSIM_MODEL(sim_model_coolscan_ls30, ls30);
CSIM_MODEL(sim_model_coolscan_ls2000, ls2000);
CSIM_MODEL(sim_model_coolscan_ls4000, ls4000);
CSIM_MODEL(sim_model_coolscan_ls8000, ls8000);
