/*
 * fs4000_cmd.c - the FS4000US's commands, one function each, with the
 * time the unit's mechanics need for it.  Every command goes through
 * fs_cmd, which takes the unit's one-off holder news (a holder put in or
 * taken out) for what it is.  What to send when is fs4000.c's business
 * and the calibration's (fs4000_calib.c).
 */
#include <string.h>

#include "scsaned/log.h"
#include "scsaned/scsi_opcodes.h"
#include "fs4000.h"

#define TIMEOUT_MS	10000
#define MOTION_MS	60000	/* holder moves, AF */
#define READ_MS		120000
#define LAMP_WARM_S	15
#define LAMP_WAIT_MS	120000
#define LAMP_POLL_MS	500
#define MODE_LEN	38
#define WIN_LEN		72	/* SET/GET WINDOW block: 8-byte header, descriptor */

/* Offsets in the window block. */
#define W_DESC_LEN	7	/* the descriptor length the header gives */
#define W_DESC		8	/* the descriptor, from its window id */
#define W_GEOMETRY	10	/* resolutions to length: 20 bytes */
#define W_COMP		33
#define W_BPP		34
#define W_CANON		54	/* must be 02h, 12h, 22h or 32h */
#define CANON_PLAIN	0x02

/* Canon's holder news: key 9, ASC 80h, a holder put in (1Ch) or taken out (1Dh). */
#define ASC_HOLDER	0x80
#define ASCQ_HOLDER_IN	0x1c
#define ASCQ_HOLDER_OUT	0x1d

/* The ASCQ of holder news, or 0 for anything else. */
static int
holder_event(const struct scsi_result *res)
{
	struct scsi_sense_data sense;

	scsi_sense_decode(res->sense, res->sense_len, &sense);
	if (res->status != SCSI_STATUS_CHECK_CONDITION || !sense.valid ||
	    sense.key != SCSI_SK_VENDOR_SPECIFIC || sense.asc != ASC_HOLDER ||
	    (sense.ascq != ASCQ_HOLDER_IN && sense.ascq != ASCQ_HOLDER_OUT))
		return 0;
	return sense.ascq;
}

/*
 * One command.  The unit reports a holder put in or taken out once, on
 * whatever command comes next: that is news, not a failure, so the
 * command is sent again.
 */
static SANE_Status
fs_cmd(struct fs *s, const char *what, const uint8_t *cdb, size_t cdb_len,
    enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms, struct scsi_result *res)
{
	struct scsi_result own;
	int tries, event;

	if (res == NULL)
		res = &own;
	for (tries = 0; tries < 3; tries++) {
		if (drv_execute(s->dev, s->t, cdb, cdb_len, dir, buf, len, timeout_ms, res) == 0)
			return SANE_STATUS_GOOD;
		if ((event = holder_event(res)) == 0)
			break;
		log_info("%s: film holder %s", s->dev->name,
		    event == ASCQ_HOLDER_OUT ? "taken out" : "put in");
	}
	return drv_failed(s->dev, what, res);
}

static SANE_Status
fs_simple(struct fs *s, const char *what, uint8_t op, uint8_t b1, uint8_t b2, uint16_t v,
    unsigned timeout_ms)
{
	uint8_t cdb[10] = { op, b1, b2 };

	drv_put_be(cdb + 3, 2, v);
	return fs_cmd(s, what, cdb, 10, SCSI_DIR_NONE, NULL, 0, timeout_ms, NULL);
}

SANE_Status
fs_move(struct fs *s, uint8_t what, uint8_t how, uint16_t pos)
{
	return fs_simple(s, what ? "MOVE holder" : "MOVE carriage", CANON_OP_MOVE_POSITION,
	    what, how, pos, MOTION_MS);
}

SANE_Status
fs_film_status(struct fs *s, uint8_t *r)
{
	uint8_t cdb[10] = { CANON_OP_GET_FILM_STATUS, 0, 0, 0, 0, 0, 0, 0, FS_STATUS_LEN };
	SANE_Status st;

	memset(r, 0, FS_STATUS_LEN);
	if ((st = fs_cmd(s, "GET FILM STATUS", cdb, 10, SCSI_DIR_IN, r, FS_STATUS_LEN, TIMEOUT_MS,
	    NULL)) != SANE_STATUS_GOOD)
		return st;
	/*
	 * The frame number indexes the driver's table of positions for the
	 * holder, so a holder code or a frame count the unit never sends is
	 * refused, not believed.
	 */
	if (r[FS_STATUS_HOLDER] > HOLDER_SLIDE ||
	    r[FS_STATUS_FRAMES] > (r[FS_STATUS_HOLDER] == HOLDER_STRIP ? FS_STRIP_FRAMES :
	    FS_SLIDE_FRAMES)) {
		log_err("%s: GET FILM STATUS: holder %u with %u frames makes no sense",
		    s->dev->name, r[FS_STATUS_HOLDER], r[FS_STATUS_FRAMES]);
		s->holder = HOLDER_NONE;
		s->frames = 0;
		return SANE_STATUS_IO_ERROR;
	}
	s->holder = r[FS_STATUS_HOLDER];
	s->frames = r[FS_STATUS_FRAMES];
	return SANE_STATUS_GOOD;
}

SANE_Status
fs_set_frame(struct fs *s, uint8_t mode)
{
	return fs_simple(s, "SET FRAME", CANON_OP_SET_FRAME, mode, 0, 0, TIMEOUT_MS);
}

/* SET LAMP: CDB byte 2 the visible lamp, byte 3 the infrared one. */
SANE_Status
fs_set_lamp(struct fs *s, int visible, int ir)
{
	uint8_t cdb[10] = { CANON_OP_SET_LAMP, 0, (uint8_t)visible, (uint8_t)ir };

	return fs_cmd(s, "SET LAMP", cdb, 10, SCSI_DIR_NONE, NULL, 0, TIMEOUT_MS, NULL);
}

/* Switch the lamps and wait until the one in use has been on 15 s. */
SANE_Status
fs_lamp(struct fs *s, int ir)
{
	uint8_t cdb[10] = { CANON_OP_GET_LAMP, 0, 0, 0, 0, 0, 0, 0, 10 }, r[10];
	unsigned waited, on;
	SANE_Status st;

	if ((st = fs_set_lamp(s, !ir, ir)) != SANE_STATUS_GOOD)
		return st;
	for (waited = 0; waited <= LAMP_WAIT_MS; waited += LAMP_POLL_MS) {
		if ((st = fs_cmd(s, "GET LAMP", cdb, 10, SCSI_DIR_IN, r, sizeof(r), TIMEOUT_MS,
		    NULL)) != SANE_STATUS_GOOD)
			return st;
		on = drv_be(r + (ir ? 6 : 1), 4);
		if (r[ir ? 5 : 0] && on >= LAMP_WARM_S)
			return SANE_STATUS_GOOD;
		if (waited == 0)
			log_info("%s: %s lamp warming up (on %u s), waiting for %u s",
			    s->dev->name, ir ? "infrared" : "visible", on, LAMP_WARM_S);
		drv_sleep_ms(LAMP_POLL_MS);
	}
	log_err("%s: the %s lamp did not come on", s->dev->name, ir ? "infrared" : "visible");
	return SANE_STATUS_IO_ERROR;
}

SANE_Status
fs_afae(struct fs *s, uint8_t mode, uint8_t focus, uint16_t first, uint16_t last)
{
	uint8_t cdb[10] = { CANON_OP_EXECUTE_AFAE, 0, 0, 0, 0, 0, 0, 0, 8 };
	uint8_t p[8] = { mode, 0, 0, focus };

	drv_put_be(p + 4, 2, first);
	drv_put_be(p + 6, 2, last);
	return fs_cmd(s, "EXECUTE AF/AE", cdb, 10, SCSI_DIR_OUT, p, sizeof(p), MOTION_MS, NULL);
}

/*
 * DEFINE SCAN MODE: the unit's current block with our speed, sample
 * format (03 bytes, 02 words of 14 bits x 4), gains, offsets, shutters.
 */
SANE_Status
fs_scan_mode(struct fs *s, uint8_t format, const struct fs_front *f)
{
	uint8_t get[6] = { CANON_OP_GET_SCAN_MODE, 0, CANON_PAGE_SCAN_MODE, 0, MODE_LEN, 0 };
	uint8_t def[6] = { CANON_OP_DEFINE_SCAN_MODE, 0x10, 0, 0, MODE_LEN, 0 };
	uint8_t m[MODE_LEN];
	SANE_Status st;
	unsigned c;

	if ((st = fs_cmd(s, "GET SCAN MODE", get, 6, SCSI_DIR_IN, m, sizeof(m), TIMEOUT_MS,
	    NULL)) != SANE_STATUS_GOOD)
		return st;
	memset(m + 6, 0, 9);	/* what Saunderson found safe to clear */
	m[15] = f->speed;
	m[20] = format;
	m[21] = 0;
	m[37] = 0;
	for (c = 0; c < 3; c++) {
		m[22 + c] = f->gain[c];
		drv_put_be(m + 25 + 2 * c, 2, f->offset[c]);
		drv_put_be(m + 31 + 2 * c, 2, f->shutter[c]);
	}
	return fs_cmd(s, "DEFINE SCAN MODE", def, 6, SCSI_DIR_OUT, m, sizeof(m), TIMEOUT_MS,
	    NULL);
}

/* SET WINDOW, then GET WINDOW to see the unit took it as sent. */
SANE_Status
fs_window(struct fs *s, unsigned res, uint32_t x, uint32_t y, uint32_t w, uint32_t l,
    int rgb, int bits)
{
	uint8_t set[10] = { SCSI_OP_SET_WINDOW, 0, 0, 0, 0, 0, 0, 0, WIN_LEN };
	uint8_t get[10] = { SCSI_OP_GET_WINDOW, 1, 0, 0, 0, 0, 0, 0, WIN_LEN };
	uint8_t b[WIN_LEN], r[WIN_LEN];
	SANE_Status st;

	memset(b, 0, sizeof(b));
	memset(r, 0, sizeof(r));	/* a short answer then fails the comparison */
	b[W_DESC_LEN] = WIN_LEN - W_DESC;
	drv_window_geometry(b + W_DESC, res, res, x, y, w, l);
	b[W_COMP] = rgb ? SCSI_COMP_RGB : SCSI_COMP_GRAY;
	b[W_BPP] = (uint8_t)bits;
	b[W_CANON] = CANON_PLAIN;	/* required; bytes 48/49 must stay zero */
	if ((st = fs_cmd(s, "SET WINDOW", set, 10, SCSI_DIR_OUT, b, sizeof(b), TIMEOUT_MS,
	    NULL)) != SANE_STATUS_GOOD ||
	    (st = fs_cmd(s, "GET WINDOW", get, 10, SCSI_DIR_IN, r, sizeof(r), TIMEOUT_MS,
	    NULL)) != SANE_STATUS_GOOD)
		return st;
	if (memcmp(r + W_GEOMETRY, b + W_GEOMETRY, 20) != 0 || r[W_COMP] != b[W_COMP] ||
	    r[W_BPP] != b[W_BPP]) {
		log_err("%s: the scanner changed the window", s->dev->name);
		return SANE_STATUS_IO_ERROR;
	}
	return SANE_STATUS_GOOD;
}

/* SCAN, then check GET DATA STATUS promises the lines P expects. */
SANE_Status
fs_scan(struct fs *s, const struct fs_pass *p)
{
	uint8_t scan[6] = { SCSI_OP_SCAN, 0, 0, 0, 1, 0 }, id = 0, r[28];
	uint8_t gds[10] = { SCSI_OP_GET_DATA_BUFFER_STATUS, 0, 0, 0, 0, 0, 0, 0, 28 };
	SANE_Status st;

	memset(r, 0, sizeof(r));	/* a short answer then fails the check */
	if ((st = fs_cmd(s, "SCAN", scan, 6, SCSI_DIR_OUT, &id, 1, MOTION_MS, NULL)) !=
	    SANE_STATUS_GOOD ||
	    (st = fs_cmd(s, "GET DATA STATUS", gds, 10, SCSI_DIR_IN, r, sizeof(r), TIMEOUT_MS,
	    NULL)) != SANE_STATUS_GOOD)
		return st;
	if (drv_be(r + 12, 4) != p->dev_line || drv_be(r + 16, 4) != p->raw_lines) {
		log_err("%s: the scanner will send %u lines of %u bytes, expected %u of %zu",
		    s->dev->name, drv_be(r + 16, 4), drv_be(r + 12, 4), p->raw_lines, p->dev_line);
		return SANE_STATUS_IO_ERROR;
	}
	return SANE_STATUS_GOOD;
}

/*
 * The READs bypass fs_cmd: holder news on one means the holder moved
 * under a scan, whose lines are then no longer the frame's, and the
 * READs queued behind it have taken the lines it was to bring.  So it
 * fails the scan.
 */
SANE_Status
fs_lines_begin(struct fs *s, const struct fs_pass *p)
{
	if (drv_lines_begin(&s->rd, s->dev, s->t, s->dbuf, 0x10, p->dev_line, p->raw_lines,
	    READ_MS) < 0)
		return SANE_STATUS_NO_MEM;
	drv_lines_limit(&s->rd, FS_READ_MAX);
	return SANE_STATUS_GOOD;
}

/* The carriage home, then the holder out (the eject button). */
SANE_Status
fs_eject(struct fs *s)
{
	SANE_Status st;

	if ((st = fs_move(s, FS_MOVE_CARRIAGE, FS_MOVE_HOME, 0)) != SANE_STATUS_GOOD)
		return st;
	return fs_move(s, FS_MOVE_HOLDER, FS_MOVE_OUT, 0);
}

/* TEST UNIT READY until GOOD, past a holder event or a power-on reset. */
SANE_Status
fs_settle(struct fs *s)
{
	uint8_t tur[6] = { SCSI_OP_TEST_UNIT_READY };
	struct scsi_result res;
	struct scsi_sense_data sense;
	int i;

	for (i = 0; i < 3; i++) {
		if (fs_cmd(s, "TEST UNIT READY", tur, 6, SCSI_DIR_NONE, NULL, 0, TIMEOUT_MS,
		    &res) == SANE_STATUS_GOOD)
			return SANE_STATUS_GOOD;
		scsi_sense_decode(res.sense, res.sense_len, &sense);
		if (!sense.valid || sense.key != SCSI_SK_UNIT_ATTENTION)
			break;
	}
	return drv_sense_status(&res);
}

/* CANCEL: whatever the unit was doing stops. */
SANE_Status
fs_cancel_unit(struct fs *s)
{
	return fs_simple(s, "CANCEL", CANON_OP_CANCEL, 0, 0, 0, TIMEOUT_MS);
}

/* RESERVE the unit for us, or RELEASE it. */
SANE_Status
fs_reserve(struct fs *s, int on)
{
	uint8_t cdb[6] = { on ? SCSI_OP_RESERVE_UNIT : SCSI_OP_RELEASE_UNIT };

	return fs_cmd(s, on ? "RESERVE" : "RELEASE", cdb, 6, SCSI_DIR_NONE, NULL, 0,
	    TIMEOUT_MS, NULL);
}

/* CONTROL LED: on (2) while we own the unit, off (0) after. */
SANE_Status
fs_led(struct fs *s, int on)
{
	uint8_t led[4] = { on ? 2 : 0 }, cdb[10] = { CANON_OP_CONTROL_LED, 0, 0, 0, 0, 0, 0, 0, 4 };

	return fs_cmd(s, "CONTROL LED", cdb, 10, SCSI_DIR_OUT, led, 4, TIMEOUT_MS, NULL);
}
