/*
 * fsim.c - the Canon CanoScan FS4000US (INQUIRY "CANON" "IX-40015G"),
 * its command set as the public reverse-engineering work records it:
 * SCSI-2 scanner commands plus Canon's vendor commands for the scan mode
 * (D5/D6), AF/AE (E0), film status (E1), cancel (E4), the holder and
 * carriage (E6), the lamps (E7/EA), the motion mode (E8), thumbnails
 * (F0/F1/D8) and the LED (F3).  D5, D6 and D8 are 6-byte CDBs (cdb_length).
 *
 * The host does everything a flatbed would do itself: it times the lamp's
 * warm-up from GET LAMP, homes the carriage before AF and before moving
 * the holder home, positions the holder on each frame, and calibrates
 * with stationary scans (SET FRAME 12) at the holder's clear and opaque
 * spots.  The unit refuses what the hosts' notes say it refuses (window
 * byte 54 not 02/12/22/32, bytes 48/49 not zero, scan-mode fields out of
 * range, a relative carriage move from home, SET FRAME bit 4), with
 * SCSI-2 sense codes where the notes record none.  Holder insertion and
 * removal are reported once, as key 9, ASC 80h, ASCQ 1Ch/1Dh.
 *
 * Options: holder=slide|strip|none (default slide, 4 frames; strip has 6),
 * film=positive|negative, inserted=1 (the holder was just pushed in: the
 * first command reports it), lamp=N (the lamp has been on N seconds at
 * power-on), timescale=N (the unit's clock runs N times real time, so a
 * test need not wait out the warm-up), lps=N (lines a second at speed 2,
 * for slow-device tests; 0, the default, is instant).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scsaned/scsi_opcodes.h"
#include "fsim.h"

#define HOLDER_HOME	100

/* MOVE POSITION: CDB byte 1 says what moves, byte 2 how. */
#define MOVE_CARRIAGE	0
#define MOVE_HOLDER	1
#define MOVE_HOME	0
#define MOVE_OUT	1	/* the holder out: eject */
#define MOVE_FORWARD	2	/* by the distance given */
#define MOVE_BACK	3
#define MOVE_TO		4	/* to the position given */

/* EXECUTE AF/AE modes. */
#define AF_NONE		0
#define AF_AUTO		1
#define AF_SET		2

/* Canon's holder news: key 9, ASC 80h, the ASCQ saying which. */
#define ASC_HOLDER	0x80
#define ASCQ_HOLDER_IN	0x1c
#define ASCQ_HOLDER_OUT	0x1d

/* The 130-byte extended inquiry (page F0) the unit returns. */
static const uint8_t page_f0[130] = {
	0x06, 0xf0, 0x02, 0x00, 0x45, 0x0f, 0xa0, 0x0f, 0xa0, 0x11, 0x0f, 0xa0, 0x0f, 0xa0, 0x00, 0x3c,
	0x00, 0x3c, 0x1f, 0xff, 0x00, 0x00, 0x0f, 0xa0, 0x00, 0x00, 0x17, 0x10, 0x08, 0x00, 0x00, 0x00,
	0x0f, 0xa0, 0x00, 0x00, 0x17, 0x10, 0x40, 0x01, 0x01, 0x68, 0x08, 0x08, 0x08, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, 0x0e, 0x04, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x10, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x0f, 0xa0, 0x00, 0xa0, 0x00, 0x01,
	0x00, 0x50, 0x0f, 0xa0, 0x00, 0xa0, 0x00, 0x50, 0x00, 0x50, 0x00, 0x00, 0x0f, 0xa0, 0x00, 0x00,
	0x05, 0xc8, 0x02, 0x26, 0x26, 0x26, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xd6, 0x01, 0x9b,
	0x00, 0xdf, 0x02, 0x3f, 0x3f, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xe8, 0x03, 0xe8,
	0x03, 0xe8,
};

/* GET SCAN MODE page 02: always the same, meaning unknown. */
static const uint8_t page_02[12] = {
	0x0b, 0x00, 0x00, 0x00, 0x02, 0x06, 0x80, 0x05, 0x27, 0x10, 0x00, 0x00,
};

static uint64_t
real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The unit's clock in ms since power-on, TIMESCALE times real time. */
static uint64_t
fsim_now_ms(const struct fsim *fs)
{
	return fs->clock_base + (real_ms() - fs->power_on) * fs->timescale;
}

static void
bad_cdb(struct sim_io *io)
{
	sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB, 0);
}

static void
bad_param(struct sim_io *io)
{
	sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_PARAM, 0);
}

static void
fsim_inquiry(struct sim_io *io)
{
	uint8_t std[36] = { SCSI_TYPE_SCANNER, 0, 2, 2, 31 };
	uint8_t p00[6] = { SCSI_TYPE_SCANNER, 0, 0, 2, 0x00, CANON_VPD_EXTENDED };

	memcpy(std + 8, "CANON   IX-40015G       1.07", 28);
	if (!(io->cdb[1] & 1)) {
		if (io->cdb[2] != 0)
			bad_cdb(io);
		else
			sim_data_in(io, std, sizeof(std), io->cdb[4]);
	} else if (io->cdb[2] == CANON_VPD_EXTENDED) {
		sim_data_in(io, page_f0, sizeof(page_f0), io->cdb[4]);
	} else if (io->cdb[2] == 0x00) {
		sim_data_in(io, p00, sizeof(p00), io->cdb[4]);
	} else {
		bad_cdb(io);
	}
}

/* Page 03h as VueScan sends it: the unit is 1/4000 inch, and stays so. */
static void
fsim_mode_select(struct sim_io *io)
{
	size_t tl = io->cdb[4], at;
	const uint8_t *p = io->buf;

	if (sim_data_out(io, tl) < 0)
		return;
	at = tl >= 4 ? 4 + (size_t)p[3] : tl;
	if (at + 8 > tl || (p[at] & 0x3f) != SCSI_MODE_PAGE_MEASUREMENT ||
	    p[at + 1] != 6 || p[at + 2] != 0 || sim_be(p + at + 4, 2) != FSIM_X_RANGE)
		bad_param(io);
}

static void
fsim_mode_sense(struct sim_io *io)
{
	uint8_t r[12] = { 0x0b, 0, 0, 0, SCSI_MODE_PAGE_MEASUREMENT, 6, 0, 0, 0x0f, 0xa0 };

	if ((io->cdb[2] & 0x3f) != SCSI_MODE_PAGE_MEASUREMENT)
		bad_cdb(io);
	else
		sim_data_in(io, r, sizeof(r), io->cdb[4]);
}

static int
res_ok(uint32_t res)
{
	return res == 0 || (res >= 60 && res <= FSIM_X_RANGE && FSIM_X_RANGE % res == 0);
}

static int
window_ok(const uint8_t *w)
{
	uint64_t right = (uint64_t)sim_be(w + FSIM_W_X, 4) + sim_be(w + FSIM_W_WIDTH, 4);
	uint64_t bottom = (uint64_t)sim_be(w + FSIM_W_Y, 4) + sim_be(w + FSIM_W_LENGTH, 4);
	uint8_t b54 = w[54];

	if (sim_be(w + 6, 2) != 64 || w[8] != 0)
		return 0;
	if (!res_ok(sim_be(w + FSIM_W_XRES, 2)) || !res_ok(sim_be(w + FSIM_W_YRES, 2)))
		return 0;
	if (sim_be(w + FSIM_W_WIDTH, 4) == 0 || sim_be(w + FSIM_W_LENGTH, 4) == 0 ||
	    right > FSIM_X_RANGE || bottom > FSIM_Y_RANGE)
		return 0;
	if (w[FSIM_W_COMP] != SCSI_COMP_RGB && w[FSIM_W_COMP] != SCSI_COMP_GRAY)
		return 0;
	if (w[FSIM_W_BPP] != 8 && w[FSIM_W_BPP] != 14 && w[FSIM_W_BPP] != 16)
		return 0;
	if ((w[FSIM_W_PAD] & 7) != 0 && (w[FSIM_W_PAD] & 7) != 3)
		return 0;
	/* Saunderson: 48/49 must be zero and 54 one of these, or it refuses. */
	return w[48] == 0 && w[49] == 0 && (b54 == 0x02 || b54 == 0x12 ||
	    b54 == 0x22 || b54 == 0x32);
}

/* SET WINDOW (24h) or SET THUMBNAIL WINDOW (F0h) into BLOCK. */
static void
fsim_set_window(struct sim_device *d, struct sim_io *io, uint8_t *block)
{
	size_t tl = sim_be(io->cdb + 6, 3);
	const uint8_t *w = io->buf;

	if (tl != FSIM_WIN_LEN) {
		bad_cdb(io);
		return;
	}
	if (sim_data_out(io, tl) < 0)
		return;
	if (!window_ok(w)) {
		bad_param(io);
		return;
	}
	memcpy(block, w, FSIM_WIN_LEN);
	sim_trace(d, "window %s xres=%u yres=%u x=%u y=%u w=%u l=%u comp=%u bpp=%u",
	    io->cdb[0] == CANON_OP_SET_THUMB_WINDOW ? "thumbnail" : "main",
	    sim_be(w + FSIM_W_XRES, 2), sim_be(w + FSIM_W_YRES, 2), sim_be(w + FSIM_W_X, 4),
	    sim_be(w + FSIM_W_Y, 4), sim_be(w + FSIM_W_WIDTH, 4), sim_be(w + FSIM_W_LENGTH, 4),
	    w[FSIM_W_COMP], w[FSIM_W_BPP]);
}

static void
fsim_get_window(struct sim_io *io, const uint8_t *block)
{
	uint8_t r[FSIM_WIN_LEN];

	if (io->cdb[5] != 0) {
		bad_cdb(io);
		return;
	}
	memcpy(r, block, sizeof(r));
	r[0] = 0;
	r[1] = FSIM_WIN_LEN - 2;
	r[48] = r[49] = 0x64;	/* what the unit returns, and refuses back */
	r[54] = 0x02;
	sim_data_in(io, r, sizeof(r), sim_be(io->cdb + 6, 3));
}

static void
trace_scan(struct sim_device *d, const struct fsim *fs, const char *what)
{
	const struct fsim_job *j = &fs->job;
	const uint8_t *m = fs->mode, *w = j->thumbnail ? fs->thumb : fs->window;

	sim_trace(d, "%s xres=%u yres=%u x=%u y=%u w=%u l=%u comp=%u bpp=%u pos=%u "
	    "frame=%u gain=%u,%u,%u offset=%u,%u,%u shutter=%u,%u,%u speed=%u "
	    "lines=%u bpl=%zu k=%u lamp=%u,%u", what, j->xres, j->yres, j->x0, j->y0,
	    sim_be(w + FSIM_W_WIDTH, 4), sim_be(w + FSIM_W_LENGTH, 4), j->comp, w[FSIM_W_BPP],
	    fs->holder_pos,
	    fs->frame_mode, m[FSIM_M_GAIN], m[FSIM_M_GAIN + 1], m[FSIM_M_GAIN + 2],
	    sim_be(m + FSIM_M_OFFSET, 2), sim_be(m + FSIM_M_OFFSET + 2, 2),
	    sim_be(m + FSIM_M_OFFSET + 4, 2), sim_be(m + FSIM_M_SHUTTER, 2),
	    sim_be(m + FSIM_M_SHUTTER + 2, 2), sim_be(m + FSIM_M_SHUTTER + 4, 2),
	    m[FSIM_M_SPEED], j->lines, j->bpl, j->k, j->lamp_vis, j->lamp_ir);
}

/* SCAN (1Bh) or SCAN FOR THUMBNAIL (D8h): one window id byte, 00. */
static void
fsim_scan(struct sim_device *d, struct fsim *fs, struct sim_io *io, int thumbnail)
{
	if (io->cdb[4] != 1) {
		bad_cdb(io);
		return;
	}
	if (sim_data_out(io, 1) < 0)
		return;
	if (io->buf[0] != 0) {
		bad_param(io);
		return;
	}
	if (fs->holder == FSIM_HOLDER_NONE) {
		sim_check(io, SCSI_SK_NOT_READY, SCSI_ASC_NO_MEDIUM, 0);
		return;
	}
	if (fsim_job_setup(fs, thumbnail ? fs->thumb : fs->window, thumbnail,
	    fsim_now_ms(fs)) < 0) {
		bad_param(io);
		return;
	}
	fs->job.active = 1;
	trace_scan(d, fs, thumbnail ? "thumbnail" : "scan");
}

static void
fsim_data_status(const struct fsim *fs, struct sim_io *io)
{
	uint8_t r[28];
	const struct fsim_job *j = &fs->job;

	memset(r, 0, sizeof(r));
	sim_put_be(r + 8, 4, (uint32_t)j->stream.total);
	sim_put_be(r + 12, 4, (uint32_t)j->bpl);
	sim_put_be(r + 16, 4, j->lines);
	sim_put_be(r + 20, 4, (uint32_t)j->stream.total);
	sim_data_in(io, r, sizeof(r), sim_be(io->cdb + 7, 2));
}

/* The carriage after a scan: home, unless SET FRAME said stay. */
static void
scan_done(struct fsim *fs)
{
	struct fsim_job *j = &fs->job;

	if (fs->frame_mode & FSIM_FRAME_NO_RETURN) {
		if (!j->stationary && !j->thumbnail)
			fs->carriage = (uint16_t)(2 * (j->reverse ? j->y0 :
			    j->y0 + j->lines * j->pitch_y));
	} else {
		fs->carriage = 0;
	}
	j->active = 0;
}

static void
fsim_read(struct sim_device *d, struct fsim *fs, struct sim_io *io)
{
	struct fsim_job *j = &fs->job;
	size_t tl = sim_be(io->cdb + 6, 3), n;
	unsigned speed = fs->mode[FSIM_M_SPEED] ? fs->mode[FSIM_M_SPEED] : 1;

	if ((io->cdb[1] != 0x10 && io->cdb[1] != 0x00) || io->cdb[2] != 0) {
		bad_cdb(io);
		return;
	}
	if (!j->active) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_SEQUENCE_ERROR, 0);
		return;
	}
	if (tl % j->bpl != 0) {
		sim_trace(d, "read of %zu bytes is not whole lines of %zu", tl, j->bpl);
		bad_cdb(io);
		return;
	}
	n = sim_stream_read(&j->stream, io, tl);
	/* LPS lines a second at speed 2; slower speeds expose each line longer. */
	sim_pace((uint64_t)n * speed, j->bpl, 2 * fs->lps);
	if (j->stream.pos == j->stream.total)
		scan_done(fs);
}

static void
fsim_get_scan_mode(const struct fsim *fs, struct sim_io *io)
{
	if (io->cdb[2] == CANON_PAGE_SCAN_MODE)
		sim_data_in(io, fs->mode, FSIM_MODE_LEN, io->cdb[4]);
	else if (io->cdb[2] == CANON_PAGE_TRANSPARENCY)
		sim_data_in(io, page_02, sizeof(page_02), io->cdb[4]);
	else
		bad_cdb(io);
}

static int
mode_ok(const uint8_t *m)
{
	unsigned c;

	if (m[4] != CANON_PAGE_SCAN_MODE || m[5] != 0x20 || (m[6] & 0x7c) != 0 ||
	    m[7] != 0 || (m[10] & 0xcc) != 0 || m[14] > 3 || m[FSIM_M_SPEED] > 12 ||
	    m[16] > 1 || m[18] != 0 || m[19] != 0 || (m[FSIM_M_FORMAT] & ~0x33) != 0)
		return 0;
	for (c = 0; c < 3; c++)
		if (m[FSIM_M_GAIN + c] > 63 || sim_be(m + FSIM_M_OFFSET + 2 * c, 2) > 511 ||
		    sim_be(m + FSIM_M_SHUTTER + 2 * c, 2) > 1000)
			return 0;
	return m[FSIM_M_MODS] <= 2 || (m[FSIM_M_MODS] >= 129 && m[FSIM_M_MODS] <= 132);
}

static void
fsim_define_scan_mode(struct sim_device *d, struct fsim *fs, struct sim_io *io)
{
	size_t tl = io->cdb[4];

	if (tl != FSIM_MODE_LEN && tl != sizeof(page_02)) {
		bad_cdb(io);
		return;
	}
	if (sim_data_out(io, tl) < 0)
		return;
	if (tl == sizeof(page_02)) {
		/* The transparency page: accepted, as the unit has no other. */
		if (io->buf[4] != CANON_PAGE_TRANSPARENCY || io->buf[5] != 6)
			bad_param(io);
		return;
	}
	if (!mode_ok(io->buf)) {
		sim_trace(d, "scan mode refused");
		bad_param(io);
		return;
	}
	memcpy(fs->mode, io->buf, FSIM_MODE_LEN);
	fs->mode[0] = 0x25;
}

static void
fsim_afae(struct sim_device *d, struct fsim *fs, struct sim_io *io)
{
	const uint8_t *p = io->buf;
	unsigned mode;
	uint32_t first, last;

	if (sim_be(io->cdb + 6, 3) != 8) {
		bad_cdb(io);
		return;
	}
	if (sim_data_out(io, 8) < 0)
		return;
	mode = p[0] & 7;
	first = sim_be(p + 4, 2);
	last = sim_be(p + 6, 2);
	if (mode > AF_SET || first > last || last > FSIM_X_RANGE ||
	    (mode == AF_SET && (p[3] < 75 || p[3] > 200))) {
		bad_param(io);
		return;
	}
	if (mode == AF_NONE)
		return;
	if (fs->holder == FSIM_HOLDER_NONE) {
		sim_check(io, SCSI_SK_NOT_READY, SCSI_ASC_NO_MEDIUM, 0);
		return;
	}
	fs->af_first = (uint16_t)first;
	fs->af_last = (uint16_t)last;
	fsim_af_measure(fs, fsim_now_ms(fs));
	fs->focus = mode == AF_AUTO ? fs->best_focus[1] : p[3];
	sim_trace(d, "afae mode=%u focus=%u area=%u-%u", mode, fs->focus, first, last);
}

static void
fsim_film_status(const struct fsim *fs, struct sim_io *io)
{
	const struct fsim_holder *h = fsim_holder(fs->holder);
	uint8_t r[28];
	unsigned c;

	memset(r, 0, sizeof(r));
	r[0] = (uint8_t)fs->holder;
	r[1] = (uint8_t)(h != NULL ? h->frames : 0);
	sim_put_be(r + 2, 2, fs->holder_pos);
	r[4] = (uint8_t)(fs->frame_mode << 3);
	r[7] = fs->focus;
	sim_put_be(r + 8, 2, fs->af_first);
	sim_put_be(r + 10, 2, fs->af_last);
	for (c = 0; c < 3; c++) {
		sim_put_be(r + 12 + 4 * c, 4, fs->af_sum[c]);
		r[25 + c] = fs->best_focus[c];
	}
	sim_data_in(io, r, sizeof(r), sim_be(io->cdb + 6, 3));
}

static void
eject(struct sim_device *d, struct fsim *fs)
{
	fs->holder = FSIM_HOLDER_NONE;
	fs->holder_pos = 0;
	fs->sense_key = SCSI_SK_VENDOR_SPECIFIC;
	fs->sense_ascq = ASCQ_HOLDER_OUT;	/* "film unloaded", on the next command */
	fs->job.active = 0;
	fsim_film_setup(fs);
	sim_trace(d, "eject");
}

static void
fsim_move(struct sim_device *d, struct fsim *fs, struct sim_io *io)
{
	unsigned what = io->cdb[1], how = io->cdb[2];
	int32_t v = (int32_t)sim_be(io->cdb + 3, 2), to;

	if (what > MOVE_HOLDER || how > MOVE_TO ||
	    (what == MOVE_CARRIAGE && how == MOVE_OUT)) {
		bad_cdb(io);
		return;
	}
	if (what == MOVE_CARRIAGE) {
		if ((how == MOVE_FORWARD || how == MOVE_BACK) && fs->carriage == 0) {
			bad_cdb(io);	/* no relative moves from home */
			return;
		}
		to = how == MOVE_HOME ? 0 : how == MOVE_FORWARD ? fs->carriage + v :
		    how == MOVE_BACK ? fs->carriage - v : v;
		if (to < 0 || to > FSIM_CARRIAGE_MAX) {
			bad_cdb(io);
			return;
		}
		fs->carriage = (uint16_t)to;
		return;
	}
	if (fs->holder == FSIM_HOLDER_NONE) {
		sim_check(io, SCSI_SK_NOT_READY, SCSI_ASC_NO_MEDIUM, 0);
		return;
	}
	if ((how == MOVE_HOME || how == MOVE_OUT) && fs->carriage != 0) {
		/* The holder would strike the carriage: a positioning error. */
		sim_check(io, SCSI_SK_HARDWARE_ERROR, SCSI_ASC_POSITIONING_ERROR,
		    SCSI_ASCQ_MECHANICAL_POSITIONING);
		return;
	}
	to = how == MOVE_HOME ? HOLDER_HOME : how == MOVE_OUT ? 0 :
	    how == MOVE_FORWARD ? fs->holder_pos + v : how == MOVE_BACK ? fs->holder_pos - v : v;
	if (to > FSIM_HOLDER_MAX) {
		bad_cdb(io);
		return;
	}
	if (how == MOVE_OUT || to == 0 || (how == MOVE_BACK && to < 50)) {
		eject(d, fs);
		return;
	}
	fs->holder_pos = (uint16_t)to;
}

static void
fsim_set_lamp(struct fsim *fs, struct sim_io *io)
{
	uint64_t now = fsim_now_ms(fs);

	if (io->cdb[2] > 1 || io->cdb[3] > 1) {
		bad_cdb(io);
		return;
	}
	/* Switching on what is on keeps its time: hosts re-send while they wait. */
	if (io->cdb[2] && !fs->vis_on)
		fs->vis_since = now;
	if (io->cdb[3] && !fs->ir_on)
		fs->ir_since = now;
	fs->vis_on = io->cdb[2];
	fs->ir_on = io->cdb[3];
}

static void
fsim_get_lamp(const struct fsim *fs, struct sim_io *io)
{
	uint64_t now = fsim_now_ms(fs);
	uint8_t r[10];

	memset(r, 0, sizeof(r));
	r[0] = (uint8_t)fs->vis_on;
	sim_put_be(r + 1, 4, fs->vis_on ? (uint32_t)((now - fs->vis_since) / 1000) : 0);
	r[5] = (uint8_t)fs->ir_on;
	sim_put_be(r + 6, 4, fs->ir_on ? (uint32_t)((now - fs->ir_since) / 1000) : 0);
	sim_data_in(io, r, sizeof(r), sim_be(io->cdb + 6, 3));
}

static void
fsim_set_frame(struct fsim *fs, struct sim_io *io)
{
	uint8_t v = io->cdb[1] & 0x1f;

	if ((v & 0x10) || (v & 7) > 4)
		bad_cdb(io);
	else
		fs->frame_mode = v;
}

static void
fsim_led(struct fsim *fs, struct sim_io *io)
{
	if (sim_be(io->cdb + 6, 3) != 4) {
		bad_cdb(io);
		return;
	}
	if (sim_data_out(io, 4) == 0)
		fs->led = io->buf[0];
}

static size_t
cdb_length(uint8_t op)
{
	return op < 0x20 || op == CANON_OP_GET_SCAN_MODE ||
	    op == CANON_OP_DEFINE_SCAN_MODE || op == CANON_OP_SCAN_THUMBNAIL ? 6 : 10;
}

/* A holder pushed in or taken out is reported once, before anything else. */
static int
fsim_holder_event(struct fsim *fs, struct sim_io *io)
{
	if (fs->sense_ascq == 0 || io->cdb[0] == SCSI_OP_INQUIRY)
		return 0;
	sim_check_info(io, fs->sense_key, SCSI_SENSE_EOM, 0);	/* as the unit sends it */
	io->sense[12] = ASC_HOLDER;
	io->sense[13] = fs->sense_ascq;
	fs->sense_ascq = 0;
	return 1;
}

static void
fsim_command(struct sim_device *d, void *st, struct sim_io *io)
{
	struct fsim *fs = st;

	if (fsim_holder_event(fs, io))
		return;
	switch (io->cdb[0]) {
	case SCSI_OP_TEST_UNIT_READY:
	case SCSI_OP_RESERVE_UNIT:
	case SCSI_OP_RELEASE_UNIT:
		break;
	case SCSI_OP_INQUIRY:
		fsim_inquiry(io);
		break;
	case SCSI_OP_MODE_SELECT6:
		fsim_mode_select(io);
		break;
	case SCSI_OP_MODE_SENSE6:
		fsim_mode_sense(io);
		break;
	case SCSI_OP_SET_WINDOW:
		fsim_set_window(d, io, fs->window);
		break;
	case CANON_OP_SET_THUMB_WINDOW:
		fsim_set_window(d, io, fs->thumb);
		break;
	case SCSI_OP_GET_WINDOW:
		fsim_get_window(io, fs->window);
		break;
	case CANON_OP_GET_THUMB_WINDOW:
		fsim_get_window(io, fs->thumb);
		break;
	case SCSI_OP_SCAN:
		fsim_scan(d, fs, io, 0);
		break;
	case CANON_OP_SCAN_THUMBNAIL:
		fsim_scan(d, fs, io, 1);
		break;
	case SCSI_OP_GET_DATA_BUFFER_STATUS:
		fsim_data_status(fs, io);
		break;
	case SCSI_OP_READ10:
		fsim_read(d, fs, io);
		break;
	case CANON_OP_GET_SCAN_MODE:
		fsim_get_scan_mode(fs, io);
		break;
	case CANON_OP_DEFINE_SCAN_MODE:
		fsim_define_scan_mode(d, fs, io);
		break;
	case CANON_OP_EXECUTE_AFAE:
		fsim_afae(d, fs, io);
		break;
	case CANON_OP_GET_FILM_STATUS:
		fsim_film_status(fs, io);
		break;
	case CANON_OP_CANCEL:
		if (fs->job.active)
			sim_trace(d, "cancel at %llu of %llu",
			    (unsigned long long)fs->job.stream.pos,
			    (unsigned long long)fs->job.stream.total);
		fs->job.active = 0;
		break;
	case CANON_OP_MOVE_POSITION:
		fsim_move(d, fs, io);
		break;
	case CANON_OP_SET_LAMP:
		fsim_set_lamp(fs, io);
		break;
	case CANON_OP_GET_LAMP:
		fsim_get_lamp(fs, io);
		break;
	case CANON_OP_SET_FRAME:
		fsim_set_frame(fs, io);
		break;
	case CANON_OP_CONTROL_LED:
		fsim_led(fs, io);
		break;
	default:
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, SCSI_ASC_INVALID_OPCODE, 0);
		break;
	}
}

static void *
fsim_create(void)
{
	struct fsim *fs = calloc(1, sizeof(*fs));
	static const uint8_t win[FSIM_WIN_LEN] = {
		[7] = 64, [10] = 0x0f, [11] = 0xa0, [12] = 0x0f, [13] = 0xa0,
		[24] = 0x0f, [25] = 0xa0, [28] = 0x17, [29] = 0x10,
		[FSIM_W_COMP] = SCSI_COMP_RGB, [FSIM_W_BPP] = 14, [FSIM_W_PAD] = 3, [54] = 0x02,
	};

	if (fs == NULL)
		return NULL;
	fs->holder = FSIM_HOLDER_SLIDE;
	fs->holder_pos = HOLDER_HOME;
	fs->focus = 128;
	fs->timescale = 1;
	fs->power_on = real_ms();
	fsim_default_mode(fs->mode);
	/* Power-on window: the whole frame at 4000 dpi, 14-bit RGB. */
	memcpy(fs->window, win, sizeof(win));
	memcpy(fs->thumb, win, sizeof(win));
	fsim_film_setup(fs);
	return fs;
}

static int
fsim_option(void *st, const char *key, const char *val)
{
	struct fsim *fs = st;
	unsigned long v;

	if (strcmp(key, "holder") == 0) {
		if (strcmp(val, "none") == 0)
			fs->holder = FSIM_HOLDER_NONE;
		else if (strcmp(val, "slide") == 0)
			fs->holder = FSIM_HOLDER_SLIDE;
		else if (strcmp(val, "strip") == 0)
			fs->holder = FSIM_HOLDER_STRIP;
		else
			return -1;
		fsim_film_setup(fs);
		return 0;
	}
	if (strcmp(key, "film") == 0) {
		if ((fs->negative = sim_kv_film(val)) < 0)
			return -1;
		fsim_film_setup(fs);
		return 0;
	}
	if (sim_kv_uint(val, 1000000, &v) < 0)
		return -1;
	if (strcmp(key, "inserted") == 0) {
		fs->sense_key = SCSI_SK_VENDOR_SPECIFIC;
		fs->sense_ascq = v ? ASCQ_HOLDER_IN : 0;
	} else if (strcmp(key, "lamp") == 0) {
		fs->vis_on = 1;
		fs->clock_base = (uint64_t)v * 1000;
		fs->vis_since = 0;
	} else if (strcmp(key, "timescale") == 0 && v >= 1) {
		fs->timescale = (unsigned)v;
	} else if (strcmp(key, "lps") == 0) {
		fs->lps = (unsigned)v;
	} else {
		return -1;
	}
	return 0;
}

static void
fsim_destroy(void *st)
{
	struct fsim *fs = st;

	fsim_job_free(&fs->job);
	free(fs);
}

const struct sim_model sim_model_canon_fs4000us = {
	.name = "canon-fs4000us",
	.create = fsim_create,
	.option = fsim_option,
	.cdb_length = cdb_length,
	.command = fsim_command,
	.destroy = fsim_destroy,
	.render = fsim_render,
};
