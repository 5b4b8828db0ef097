/*
 * test_sim.c - the simulator's models answer as their devices do: the
 * scsi2-flatbed as the SCSI-2 standard says a scanner does, the Coolscan
 * and the FS2710 with their vendor commands; including what they must
 * reject.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scsaned/sim.h"
#include "simhost.h"


static void
assert_sense(const struct sim_io *io, uint8_t key, uint8_t asc, uint8_t ascq)
{
	assert_int_equal(io->status, 0x02);
	assert_int_equal(io->sense_len, 18);
	assert_int_equal(io->sense[0] & 0x7f, 0x70);
	assert_int_equal(io->sense[2] & 0x0f, key);
	assert_int_equal(io->sense[12], asc);
	assert_int_equal(io->sense[13], ascq);
}

static void
set_window(struct sim_device *d, unsigned res, uint32_t x, uint32_t y,
    uint32_t w, uint32_t l, uint8_t comp, uint8_t bpp, struct sim_io *io)
{
	uint8_t cdb[10] = { 0x24, 0, 0, 0, 0, 0, 0, 0, 48, 0 };
	uint8_t p[48] = { 0, 0, 0, 0, 0, 0, 0, 40 };
	uint8_t *q = p + 8;

	q[2] = (uint8_t)(res >> 8); q[3] = (uint8_t)res;
	q[4] = (uint8_t)(res >> 8); q[5] = (uint8_t)res;
	q[6] = (uint8_t)(x >> 24); q[7] = (uint8_t)(x >> 16); q[8] = (uint8_t)(x >> 8); q[9] = (uint8_t)x;
	q[10] = (uint8_t)(y >> 24); q[11] = (uint8_t)(y >> 16); q[12] = (uint8_t)(y >> 8); q[13] = (uint8_t)y;
	q[14] = (uint8_t)(w >> 24); q[15] = (uint8_t)(w >> 16); q[16] = (uint8_t)(w >> 8); q[17] = (uint8_t)w;
	q[18] = (uint8_t)(l >> 24); q[19] = (uint8_t)(l >> 16); q[20] = (uint8_t)(l >> 8); q[21] = (uint8_t)l;
	q[25] = comp;
	q[26] = bpp;
	simhost_cmd(d, cdb, sizeof(cdb), SIM_DIR_OUT, p, sizeof(p), io);
}

static void
test_inquiry(void **state)
{
	struct sim_device *d = simhost_open("scsi2-flatbed");
	uint8_t cdb[6] = { 0x12, 0, 0, 0, 36, 0 }, buf[96];
	uint8_t bad[6] = { 0x12, 0, 0x80, 0, 36, 0 };
	uint8_t vpd[6] = { 0x12, 1, 0xf0, 0, 32, 0 };
	struct sim_io io;

	(void)state;
	simhost_cmd(d, cdb, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(io.status, 0);
	assert_int_equal(io.xfer, 36);
	assert_int_equal(buf[0], 0x06);		/* scanner */
	assert_memory_equal(buf + 8, "SCSANED SCSI2 FLATBED   ", 24);
	cdb[4] = 5;				/* allocation length rules */
	simhost_cmd(d, cdb, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(io.xfer, 5);
	simhost_cmd(d, bad, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_sense(&io, 5, 0x24, 0x00);	/* page without EVPD */
	simhost_cmd(d, vpd, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(io.status, 0);
	assert_int_equal(buf[1], 0xf0);
	assert_int_equal(buf[10] << 8 | buf[11], 1200);	/* max dpi */
	assert_int_equal(buf[14] << 8 | buf[15], 50);	/* min dpi */
	sim_close(d);
}

static void
test_rejects(void **state)
{
	struct sim_device *d = simhost_open("scsi2-flatbed");
	uint8_t badop[10] = { 0xe7 }, read[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 16, 0 };
	uint8_t rs[6] = { 0x03, 0, 0, 0, 18, 0 }, buf[64];
	struct sim_io io;

	(void)state;
	simhost_cmd(d, badop, 10, SIM_DIR_NONE, NULL, 0, &io);
	assert_sense(&io, 5, 0x20, 0x00);
	simhost_cmd(d, read, 10, SIM_DIR_IN, buf, 16, &io);
	assert_sense(&io, 5, 0x2c, 0x00);	/* READ before SCAN */
	/* REQUEST SENSE returns the last sense once. */
	simhost_cmd(d, rs, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(io.status, 0);
	assert_int_equal(buf[2] & 0x0f, 5);
	assert_int_equal(buf[12], 0x2c);
	simhost_cmd(d, rs, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(buf[2] & 0x0f, 0);
	/* Out-of-range windows: resolution, area, composition, depth. */
	set_window(d, 49, 0, 0, 1200, 1200, 2, 8, &io);
	assert_sense(&io, 5, 0x26, 0x00);
	set_window(d, 1201, 0, 0, 1200, 1200, 2, 8, &io);
	assert_sense(&io, 5, 0x26, 0x00);
	set_window(d, 300, 10000, 0, 1200, 1200, 2, 8, &io);
	assert_sense(&io, 5, 0x26, 0x00);
	set_window(d, 300, 0, 0, 1200, 1200, 7, 8, &io);
	assert_sense(&io, 5, 0x26, 0x00);
	set_window(d, 300, 0, 0, 1200, 1200, 0, 8, &io);
	assert_sense(&io, 5, 0x26, 0x00);
	set_window(d, 300, 0, 0, 1200, 1200, 5, 16, &io);
	assert_int_equal(io.status, 0);
	sim_close(d);
}

static void
test_warmup(void **state)
{
	struct sim_device *d = simhost_open("scsi2-flatbed?warmup=2");
	uint8_t tur[6] = { 0 }, inq[6] = { 0x12, 0, 0, 0, 36, 0 }, buf[36];
	struct sim_io io;

	(void)state;
	simhost_cmd(d, inq, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(io.status, 0);		/* INQUIRY works while warming */
	simhost_cmd(d, tur, 6, SIM_DIR_NONE, NULL, 0, &io);
	assert_sense(&io, 2, 0x04, 0x01);
	simhost_cmd(d, tur, 6, SIM_DIR_NONE, NULL, 0, &io);
	assert_sense(&io, 2, 0x04, 0x01);
	simhost_cmd(d, tur, 6, SIM_DIR_NONE, NULL, 0, &io);
	assert_int_equal(io.status, 0);
	sim_close(d);
}

/* The image ends with a short READ: EOM + ILI and the residue in INFO. */
static void
test_end_of_image(void **state)
{
	struct sim_device *d = simhost_open("scsi2-flatbed");
	uint8_t scan[6] = { 0x1b, 0, 0, 0, 1, 0 }, id = 0;
	uint8_t read[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0x10, 0x00, 0 };
	uint8_t buf[4096];
	struct sim_io io;
	uint32_t info;

	(void)state;
	/* 10 x 10 pixels of 8-bit gray at 100 dpi: 100 bytes. */
	set_window(d, 100, 0, 0, 120, 120, 2, 8, &io);
	assert_int_equal(io.status, 0);
	simhost_cmd(d, scan, 6, SIM_DIR_OUT, &id, 1, &io);
	assert_int_equal(io.status, 0);
	simhost_cmd(d, read, 10, SIM_DIR_IN, buf, 4096, &io);
	assert_int_equal(io.status, 0x02);
	assert_int_equal(io.xfer, 100);
	assert_int_equal(io.sense[2] & 0x0f, 0);
	assert_true(io.sense[2] & 0x40);	/* EOM */
	assert_true(io.sense[2] & 0x20);	/* ILI */
	assert_true(io.sense[0] & 0x80);	/* information valid */
	info = (uint32_t)io.sense[3] << 24 | (uint32_t)io.sense[4] << 16 |
	    (uint32_t)io.sense[5] << 8 | io.sense[6];
	assert_int_equal(info, 4096 - 100);
	simhost_cmd(d, read, 10, SIM_DIR_IN, buf, 4096, &io);
	assert_sense(&io, 5, 0x2c, 0x00);	/* the scan is over */
	sim_close(d);
}

static void
test_mode_pages(void **state)
{
	struct sim_device *d = simhost_open("scsi2-flatbed");
	uint8_t sel[6] = { 0x15, 0x10, 0, 0, 12, 0 };
	uint8_t page[12] = { 0, 0, 0, 0, 0x03, 6, 0, 0, 0x02, 0x58, 0, 0 };
	uint8_t sense[6] = { 0x1a, 0, 0x03, 0, 12, 0 }, buf[12];
	uint8_t badpage[12] = { 0, 0, 0, 0, 0x20, 6, 0, 0, 0, 0, 0, 0 };
	struct sim_io io;

	(void)state;
	simhost_cmd(d, sel, 6, SIM_DIR_OUT, page, sizeof(page), &io);	/* MUD 600 */
	assert_int_equal(io.status, 0);
	simhost_cmd(d, sense, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(io.status, 0);
	assert_int_equal(buf[8] << 8 | buf[9], 600);
	simhost_cmd(d, sel, 6, SIM_DIR_OUT, badpage, sizeof(badpage), &io);
	assert_sense(&io, 5, 0x26, 0x00);
	sel[4] = 3;						/* too short */
	simhost_cmd(d, sel, 6, SIM_DIR_OUT, page, sizeof(page), &io);
	assert_sense(&io, 5, 0x1a, 0x00);
	sim_close(d);
}

static void
test_faults(void **state)
{
	struct sim_device *d = simhost_open("scsi2-flatbed?nomedia=1");
	uint8_t tur[6] = { 0 }, inq[6] = { 0x12, 0, 0, 0, 36, 0 }, buf[36];
	struct sim_io io;

	(void)state;
	simhost_cmd(d, tur, 6, SIM_DIR_NONE, NULL, 0, &io);
	assert_sense(&io, 2, 0x3a, 0x00);
	simhost_cmd(d, inq, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(io.status, 0);
	sim_close(d);
	d = simhost_open("scsi2-flatbed?hang=0:2&linkerr=12");
	simhost_cmd(d, tur, 6, SIM_DIR_NONE, NULL, 0, &io);
	assert_false(io.hung);
	simhost_cmd(d, tur, 6, SIM_DIR_NONE, NULL, 0, &io);
	assert_true(io.hung);			/* the second TUR */
	simhost_cmd(d, tur, 6, SIM_DIR_NONE, NULL, 0, &io);
	assert_false(io.hung);			/* then the device is back */
	simhost_cmd(d, inq, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_true(io.link_error);
	assert_int_equal(io.xfer, 0);
	sim_close(d);
}

/* An LS-2000 applies the LUT it was sent: an inverting one inverts. */
static void
test_coolscan_lut(void **state)
{
	struct sim_device *d = simhost_open("coolscan-ls2000");
	uint8_t win[8 + 50] = { 0, 0, 0, 0, 0, 0, 0, 50 };
	uint8_t setw[10] = { 0x24, 0, 0, 0, 0, 0, 0, 0, 58, 0 };
	uint8_t send[10] = { 0x2a, 0, 0x03, 0, 1, 1, 0, 0x20, 0x00, 0 };
	uint8_t scan[6] = { 0x1b, 0, 0, 0, 3, 0 }, ids[3] = { 1, 2, 3 };
	uint8_t read[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 30, 0 };
	uint8_t plain[30], inverted[30], *lut;
	struct sim_io io;
	int i, c, pass;

	(void)state;
	lut = malloc(8192);
	for (i = 0; i < 4096; i++) {
		lut[2 * i] = (uint8_t)((4095 - i) >> 8);
		lut[2 * i + 1] = (uint8_t)(4095 - i);
	}
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			simhost_cmd(d, send, 10, SIM_DIR_OUT, lut, 8192, &io);	/* red only */
			assert_int_equal(io.status, 0);
		}
		for (c = 1; c <= 3; c++) {
			memset(win + 8, 0, 50);
			win[8] = (uint8_t)c;
			win[10] = 0x01; win[11] = 0x2c;		/* 300 dpi */
			win[12] = 0x01; win[13] = 0x2c;
			win[25] = 90;				/* 10 pixels wide */
			win[29] = 9;				/* 1 line */
			win[33] = 5;				/* RGB */
			win[34] = 8;
			win[49] = 0x81;				/* positive film */
			win[50] = 0x01;				/* a normal scan */
			simhost_cmd(d, setw, 10, SIM_DIR_OUT, win, sizeof(win), &io);
			assert_int_equal(io.status, 0);
		}
		simhost_cmd(d, scan, 6, SIM_DIR_OUT, ids, 3, &io);
		assert_int_equal(io.status, 0);
		simhost_cmd(d, read, 10, SIM_DIR_IN, pass ? inverted : plain, 30, &io);
		assert_int_equal(io.status, 0);
	}
	for (i = 0; i < 10; i++) {
		assert_int_equal(inverted[i], 255 - plain[i]);	/* red plane */
		assert_int_equal(inverted[10 + i], plain[10 + i]);	/* green untouched */
	}
	free(lut);
	sim_close(d);
}

/* Coolscan helpers: one window per id at RES over W x L units at (X, Y). */
static void
cs_windows(struct sim_device *d, const uint8_t *ids, size_t n, unsigned res,
    uint32_t x, uint32_t y, uint32_t w, uint32_t l, int positive)
{
	uint8_t win[8 + 50];
	uint8_t setw[10] = { 0x24, 0, 0, 0, 0, 0, 0, 0, 58, 0 };
	struct sim_io io;
	size_t i;

	for (i = 0; i < n; i++) {
		memset(win, 0, sizeof(win));
		win[7] = 50;
		win[8] = ids[i];
		win[10] = (uint8_t)(res >> 8); win[11] = (uint8_t)res;
		win[12] = (uint8_t)(res >> 8); win[13] = (uint8_t)res;
		win[14] = (uint8_t)(x >> 24); win[15] = (uint8_t)(x >> 16);
		win[16] = (uint8_t)(x >> 8); win[17] = (uint8_t)x;
		win[18] = (uint8_t)(y >> 24); win[19] = (uint8_t)(y >> 16);
		win[20] = (uint8_t)(y >> 8); win[21] = (uint8_t)y;
		win[24] = (uint8_t)(w >> 8); win[25] = (uint8_t)w;
		win[28] = (uint8_t)(l >> 8); win[29] = (uint8_t)l;
		win[33] = 5;
		win[34] = 8;
		win[49] = (uint8_t)(0x80 | positive);
		win[50] = 0x01;
		simhost_cmd(d, setw, 10, SIM_DIR_OUT, win, sizeof(win), &io);
		assert_int_equal(io.status, 0);
	}
}

/* SCAN IDS and READ LEN bytes into BUF; the SCAN's status. */
static int
cs_scan_read(struct sim_device *d, const uint8_t *ids, size_t n, uint8_t *buf, size_t len)
{
	uint8_t scan[6] = { 0x1b, 0, 0, 0, (uint8_t)n, 0 };
	uint8_t read[10] = { 0x28, 0, 0, 0, 0, 0, (uint8_t)(len >> 16), (uint8_t)(len >> 8),
	    (uint8_t)len, 0 };
	struct sim_io io;

	simhost_cmd(d, scan, 6, SIM_DIR_OUT, (void *)ids, n, &io);
	if (io.status != 0)
		return io.status | io.sense[12] << 8;
	simhost_cmd(d, read, 10, SIM_DIR_IN, buf, len, &io);
	assert_int_equal(io.status, 0);
	assert_int_equal(io.xfer, len);
	return 0;
}

static int
tur_asc(struct sim_device *d)
{
	static const uint8_t tur[6] = { 0 };
	struct sim_io io;

	simhost_cmd(d, tur, 6, SIM_DIR_NONE, NULL, 0, &io);
	return io.status == 0 ? 0 : io.sense[12];
}

static void
execute(struct sim_device *d, uint8_t op)
{
	uint8_t e0[10] = { 0xe0, 0, op, 0, 0, 0, 0, 0, 13, 0 }, data[13] = { 0 };
	static const uint8_t c1[6] = { 0xc1 };
	struct sim_io io;

	simhost_cmd(d, e0, 10, SIM_DIR_OUT, data, sizeof(data), &io);
	assert_int_equal(io.status, 0);
	simhost_cmd(d, c1, 6, SIM_DIR_OUT, NULL, 0, &io);
	assert_int_equal(io.status, 0);
}

/* The VPD pages: 00h lists what there is, C1 answers, others are refused. */
static void
test_coolscan_vpd(void **state)
{
	struct sim_device *d = simhost_open("coolscan-ls2000");
	uint8_t p0[6] = { 0x12, 1, 0x00, 0, 255, 0 }, c1[6] = { 0x12, 1, 0xc1, 0, 4, 0 };
	uint8_t f0[6] = { 0x12, 1, 0xf0, 0, 255, 0 }, buf[255];
	struct sim_io io;

	(void)state;
	simhost_cmd(d, p0, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(io.status, 0);
	assert_int_equal(io.xfer, 6);
	assert_int_equal(buf[1], 0x00);
	assert_int_equal(buf[3], 2);
	assert_int_equal(buf[4], 0x00);
	assert_int_equal(buf[5], 0xc1);
	simhost_cmd(d, c1, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(io.status, 0);
	assert_int_equal(buf[1], 0xc1);
	simhost_cmd(d, f0, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_sense(&io, 5, 0x24, 0x00);	/* not listed, not answered */
	sim_close(d);
}

/* No holder: medium not present, even after LOAD; eject and load a slide. */
static void
test_coolscan_holder(void **state)
{
	static const uint8_t rgb[3] = { 1, 2, 3 };
	struct sim_device *d = simhost_open("coolscan-ls30?holder=none");
	uint8_t buf[300];

	(void)state;
	assert_int_equal(tur_asc(d), 0x3a);
	cs_windows(d, rgb, 3, 300, 0, 0, 900, 9, 1);
	assert_int_equal(cs_scan_read(d, rgb, 3, buf, 300), 0x3a02);
	execute(d, 0xd1);
	assert_int_equal(tur_asc(d), 0x3a);
	sim_close(d);

	d = simhost_open("coolscan-ls30");
	assert_int_equal(tur_asc(d), 0);
	execute(d, 0xd0);				/* eject */
	assert_int_equal(tur_asc(d), 0x3a);
	execute(d, 0xd1);				/* load */
	assert_int_equal(tur_asc(d), 0);
	sim_close(d);
}

/*
 * The infrared plane is flat but for dust, and where it has dust the
 * colour planes are dark too; every frame of a strip is different.
 */
static void
test_coolscan_film(void **state)
{
	static const uint8_t rgbi[4] = { 1, 2, 3, 9 };
	struct sim_device *d = simhost_open("coolscan-ls2000?holder=strip");
	const size_t w = 288, lines = 432, line = 4 * w;	/* 300 dpi, whole frame */
	uint8_t *a = malloc(line * lines), *b = malloc(line * lines);
	size_t i, n, dust = 0, clear = 0;

	(void)state;
	cs_windows(d, rgbi, 4, 300, 0, 0, 2592, 3888, 1);
	assert_int_equal(cs_scan_read(d, rgbi, 4, a, line * lines), 0);
	for (n = 0; n < lines; n++) {
		for (i = 0; i < w; i++) {
			const uint8_t *l = a + n * line;

			if (l[3 * w + i] < 0x80) {
				dust++;
				assert_true(l[i] < 0x20 && l[w + i] < 0x20 && l[2 * w + i] < 0x20);
			} else {
				clear++;
				assert_int_equal(l[3 * w + i], 60000 >> 8);
			}
		}
	}
	assert_true(dust > 10 && clear > dust * 50);
	cs_windows(d, rgbi, 4, 300, 0, 4051, 2592, 3888, 1);	/* frame 2 */
	assert_int_equal(cs_scan_read(d, rgbi, 4, b, line * lines), 0);
	assert_memory_not_equal(a, b, line * lines);
	free(a);
	free(b);
	sim_close(d);
}

/* LS-4000, 8-bit, odd width: each plane carries one leading pad byte. */
static void
test_coolscan_odd_pad(void **state)
{
	static const uint8_t rgb[3] = { 1, 2, 3 };
	struct sim_device *d = simhost_open("coolscan-ls4000?trace=/dev/null");
	uint8_t buf[3 * 102 + 1];
	uint8_t read[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0x01, 0x33, 0 };
	struct sim_io io;

	(void)state;
	cs_windows(d, rgb, 3, 1000, 0, 0, 404, 4, 1);	/* 101 x 1 */
	assert_int_equal(cs_scan_read(d, rgb, 3, buf, 3 * 102), 0);
	assert_int_equal(buf[0], 0);
	assert_int_equal(buf[102], 0);
	assert_int_equal(buf[204], 0);
	simhost_cmd(d, read, 10, SIM_DIR_IN, buf, sizeof(buf), &io);	/* past the end */
	assert_int_equal(io.status, 0x02);
	sim_close(d);
}

static void
test_bad_specs(void **state)
{
	char err[256];

	(void)state;
	assert_null(sim_open("no-such-model", err, sizeof(err)));
	assert_non_null(strstr(err, "unknown simulator model"));
	assert_null(sim_open("scsi2-flatbed?warmup=lots", err, sizeof(err)));
	assert_non_null(strstr(err, "warmup"));
	assert_null(sim_open("scsi2-flatbed?colour=blue", err, sizeof(err)));
	assert_null(sim_open("scsi2-flatbed?lps", err, sizeof(err)));
	assert_null(sim_open("scsi2-flatbed?hang=xyz", err, sizeof(err)));
	assert_null(sim_open("scsi2-flatbed?linkerr=28:0", err, sizeof(err)));
	assert_null(sim_open("scsi2-flatbed?nomedia=yes", err, sizeof(err)));
	assert_null(sim_open("epson-perfection1640?lps=fast", err, sizeof(err)));
	assert_null(sim_open("umax-astra1220s?lps=-1", err, sizeof(err)));
}

/* Every model a bench paces takes lps=N. */
static void
test_paced_specs(void **state)
{
	static const char *const specs[] = {
		"scsi2-flatbed?lps=100", "coolscan-ls2000?lps=88", "canon-fs2710?lps=64",
		"canon-fs4000us?lps=24", "epson-perfection1640?lps=70", "umax-astra1220s?lps=40",
	};
	struct sim_device *d;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		d = sim_open(specs[i], err, sizeof(err));
		if (d == NULL)
			fail_msg("%s: %s", specs[i], err);
		sim_close(d);
	}
}

/* A 72-byte FS2710 window: RES dpi, X, Y, W, L in 1/2720 inch, BPP bits. */
static void
fs27_window(struct sim_device *d, unsigned res, uint32_t x, uint32_t y, uint32_t w,
    uint32_t l, uint8_t bpp, struct sim_io *io)
{
	static const uint8_t cdb[10] = { 0x24, 0, 0, 0, 0, 0, 0, 0, 72, 0 };
	static uint8_t p[72];
	uint32_t v[4] = { x, y, w, l };
	int i, b;

	memset(p, 0, sizeof(p));
	p[7] = 64;
	p[10] = p[12] = (uint8_t)(res >> 8);
	p[11] = p[13] = (uint8_t)res;
	for (i = 0; i < 4; i++)
		for (b = 0; b < 4; b++)
			p[14 + 4 * i + b] = (uint8_t)(v[i] >> (24 - 8 * b));
	p[33] = 5;
	p[34] = bpp;
	simhost_cmd(d, cdb, sizeof(cdb), SIM_DIR_OUT, p, sizeof(p), io);
}

/* What Debian's canon backend would refuse to live with, and what it needs. */
static void
test_fs2710_commands(void **state)
{
	static const uint8_t d5[6] = { 0xd5, 0, 0x20, 0, 20, 0 }, d5x[6] = { 0xd5, 0, 0x07, 0, 20, 0 };
	static const uint8_t f0[6] = { 0x12, 1, 0xf0, 0, 74, 0 }, ms[6] = { 0x1a, 0, 3, 0, 12, 0 };
	static const uint8_t d6[6] = { 0xd6, 0x10, 0, 0, 20, 0 }, scan[6] = { 0x1b, 0, 0, 0, 1, 0 };
	static const uint8_t gds[10] = { 0x34, 0, 0, 0, 0, 0, 0, 0, 28, 0 };
	static const uint8_t rd[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0 };
	static const uint8_t c1[6] = { 0xc1, 0, 0, 0, 0, 0 };
	struct sim_device *d = simhost_open("canon-fs2710");
	uint8_t buf[256], page20[20] = { 0, 0, 0, 0, 0x20, 14 }, id = 0;
	struct sim_io io;

	(void)state;
	simhost_cmd(d, f0, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(io.status, 0);
	assert_int_equal(io.xfer, 74);
	assert_int_equal(buf[10] << 8 | buf[11], 2720);	/* max dpi */
	assert_int_equal(buf[14] << 8 | buf[15], 170);	/* min dpi */
	assert_int_equal(buf[22] << 8 | buf[23], 2592);	/* x range */
	simhost_cmd(d, ms, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(io.status, 0);
	assert_int_equal(buf[8] << 8 | buf[9], 2720);
	simhost_cmd(d, d5, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(io.status, 0);
	assert_int_equal(io.xfer, 20);
	simhost_cmd(d, d5x, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_sense(&io, 5, 0x24, 0);
	/* Page 20 with a speed past 1/3 is refused; a good one is read back. */
	page20[15] = 4;
	simhost_cmd(d, d6, 6, SIM_DIR_OUT, page20, sizeof(page20), &io);
	assert_sense(&io, 5, 0x26, 0);
	page20[15] = 2;
	simhost_cmd(d, d6, 6, SIM_DIR_OUT, page20, sizeof(page20), &io);
	assert_int_equal(io.status, 0);
	simhost_cmd(d, d5, 6, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(buf[15], 2);
	/* The unit only digitises 12 bits, within its area, 170-2720 dpi. */
	fs27_window(d, 340, 0, 0, 2592, 3888, 8, &io);
	assert_sense(&io, 5, 0x26, 0);
	fs27_window(d, 340, 100, 0, 2592, 3888, 12, &io);
	assert_sense(&io, 5, 0x26, 0);
	fs27_window(d, 85, 0, 0, 2592, 3888, 12, &io);
	assert_sense(&io, 5, 0x26, 0);
	/* GET DATA STATUS and READ before SCAN: command sequence error. */
	simhost_cmd(d, gds, 10, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_sense(&io, 5, 0x2c, 0);
	simhost_cmd(d, rd, 10, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_sense(&io, 5, 0x2c, 0);
	/* 1000 x 2000 units at 680 dpi: 250 x 500 pixels of 6 bytes. */
	fs27_window(d, 680, 10, 20, 1000, 2000, 12, &io);
	assert_int_equal(io.status, 0);
	simhost_cmd(d, scan, 6, SIM_DIR_OUT, &id, 1, &io);
	assert_int_equal(io.status, 0);
	simhost_cmd(d, gds, 10, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(io.status, 0);
	assert_int_equal(buf[12] << 24 | buf[13] << 16 | buf[14] << 8 | buf[15], 250);
	assert_int_equal(buf[16] << 24 | buf[17] << 16 | buf[18] << 8 | buf[19], 500);
	assert_int_equal(buf[20] << 24 | buf[21] << 16 | buf[22] << 8 | buf[23], 750000);
	/* Samples are 12 bits at the top of little-endian words. */
	simhost_cmd(d, rd, 10, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(io.status, 0);
	assert_int_equal(io.xfer, 256);
	assert_int_equal(buf[0] & 0x0f, 0);
	assert_int_equal(buf[2] & 0x0f, 0);
	assert_int_equal(buf[6] & 0x0f, 0);
	simhost_cmd(d, c1, 6, SIM_DIR_NONE, NULL, 0, &io);
	assert_sense(&io, 5, 0x20, 0);
	sim_close(d);
}

/* Eject: gone for one TEST UNIT READY, then the user puts it back. */
static void
test_fs2710_eject(void **state)
{
	static const uint8_t tur[6] = { 0 }, ej[10] = { 0x31 }, scan[6] = { 0x1b, 0, 0, 0, 1, 0 };
	static const uint8_t gfs[10] = { 0xe1, 0, 0, 0, 0, 0, 0, 0, 4, 0 };
	struct sim_device *d = simhost_open("canon-fs2710"), *none = simhost_open("canon-fs2710?holder=none");
	uint8_t r[4], id = 0;
	struct sim_io io;

	(void)state;
	simhost_cmd(d, ej, 10, SIM_DIR_NONE, NULL, 0, &io);
	assert_int_equal(io.status, 0);
	simhost_cmd(d, gfs, 10, SIM_DIR_IN, r, sizeof(r), &io);
	assert_int_equal(r[0], 0);
	simhost_cmd(d, scan, 6, SIM_DIR_OUT, &id, 1, &io);
	assert_sense(&io, 2, 0x3a, 0);
	simhost_cmd(d, tur, 6, SIM_DIR_NONE, NULL, 0, &io);
	assert_sense(&io, 2, 0x3a, 0);
	simhost_cmd(d, tur, 6, SIM_DIR_NONE, NULL, 0, &io);
	assert_int_equal(io.status, 0);
	simhost_cmd(d, gfs, 10, SIM_DIR_IN, r, sizeof(r), &io);
	assert_int_equal(r[0], 1);
	simhost_cmd(d, scan, 6, SIM_DIR_OUT, &id, 1, &io);
	assert_int_equal(io.status, 0);
	/* Without a holder it stays not ready. */
	simhost_cmd(none, tur, 6, SIM_DIR_NONE, NULL, 0, &io);
	assert_sense(&io, 2, 0x3a, 0);
	simhost_cmd(none, tur, 6, SIM_DIR_NONE, NULL, 0, &io);
	assert_sense(&io, 2, 0x3a, 0);
	sim_close(d);
	sim_close(none);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inquiry),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_warmup),
		cmocka_unit_test(test_end_of_image),
		cmocka_unit_test(test_mode_pages),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_coolscan_lut),
		cmocka_unit_test(test_coolscan_vpd),
		cmocka_unit_test(test_coolscan_holder),
		cmocka_unit_test(test_coolscan_film),
		cmocka_unit_test(test_coolscan_odd_pad),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_paced_specs),
		cmocka_unit_test(test_fs2710_commands),
		cmocka_unit_test(test_fs2710_eject),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
