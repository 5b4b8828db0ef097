/*
 * test_usim.c - the UMAX Astra 1220S model: its INQUIRY, what it rejects
 * (with UMAX's 31-byte sense and the field pointer), calibration by
 * driver, gamma download and the edges of SET WINDOW and READ.
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

#define WDB	0x53

static void
assert_umax_sense(const struct sim_io *io, uint8_t key, uint8_t asc, uint8_t ascq)
{
	assert_int_equal(io->status, 0x02);
	assert_int_equal(io->sense_len, 31);
	assert_int_equal(io->sense[0] & 0x7f, 0x70);
	assert_int_equal(io->sense[7], 31 - 8);
	assert_int_equal(io->sense[2] & 0x0f, key);
	assert_int_equal(io->sense[12], asc);
	assert_int_equal(io->sense[13], ascq);
}

/* A SET WINDOW parameter list as umax builds it: IDS descriptors. */
static size_t
window(uint8_t *p, unsigned ids, unsigned res, uint32_t x, uint32_t y,
    uint32_t w, uint32_t l, uint8_t comp, uint8_t bpp)
{
	unsigned i;
	uint8_t *d;

	memset(p, 0, 8 + 3 * WDB);
	simhost_put_be(p + 6, 2, ids * WDB);
	for (i = 0; i < ids; i++) {
		d = p + 8 + i * WDB;
		d[0] = (uint8_t)(ids == 1 ? 0 : i + 1);
		simhost_put_be(d + 2, 2, res);
		simhost_put_be(d + 4, 2, res);
		simhost_put_be(d + 6, 4, x);
		simhost_put_be(d + 10, 4, y);
		simhost_put_be(d + 14, 4, w);
		simhost_put_be(d + 18, 4, l);
		d[0x17] = 128;
		d[0x19] = comp;
		d[0x1a] = bpp;
		d[0x1d] = 3;
		d[0x2e] = 0x0f;
		d[0x2f] = 0x11;
		d[0x30] = 0x81;		/* low byte first, CBHS 255 */
		d[0x3a] = 0x01;
		simhost_put_be(d + 0x4c, 2, 1200);
		simhost_put_be(d + 0x4e, 2, 1200);
	}
	return 8 + ids * WDB;
}

static void
cmd(struct sim_device *d, const uint8_t *cdb, size_t n, enum sim_dir dir,
    void *buf, size_t len, struct sim_io *io)
{
	simhost_cmd(d, cdb, n, dir, buf, len, io);
}

static void
send_window(struct sim_device *d, uint8_t *p, size_t len, struct sim_io *io)
{
	uint8_t cdb[10] = { 0x24 };

	simhost_put_be(cdb + 6, 3, (uint32_t)len);
	cmd(d, cdb, 10, SIM_DIR_OUT, p, len, io);
}

static void
scan(struct sim_device *d, uint8_t flags, struct sim_io *io)
{
	uint8_t cdb[6] = { 0x1b, 0, 0, 0, 1, 0 }, wid = 0;

	cdb[5] = flags;
	cmd(d, cdb, 6, SIM_DIR_OUT, &wid, 1, io);
}

static void
test_inquiry(void **state)
{
	struct sim_device *d = simhost_open("umax-astra1220s");
	uint8_t buf[256];
	struct sim_io io;

	(void)state;
	io = simhost_run(d, "12 00 02 00 05 00", SIM_DIR_IN, buf, 5);
	assert_int_equal(io.status, 0);
	assert_int_equal(buf[4] + 5, 0x9e);
	io = simhost_run(d, "12 00 02 00 9e 00", SIM_DIR_IN, buf, sizeof(buf));
	assert_int_equal(io.xfer, 0x9e);
	assert_int_equal(buf[0], 0x06);
	assert_memory_equal(buf + 8, "UMAX    Astra 1220S     V1.3", 28);
	assert_int_equal(buf[0x60], 0x7e);	/* one pass, all modes, UTA */
	assert_int_equal(buf[0x66], 0x08);	/* 12-bit gamma input */
	assert_int_equal(buf[0x68], 0x09);	/* 8 and 12 bits out */
	assert_int_equal(buf[0x73], 6);
	assert_int_equal(buf[0x75], 12);
	assert_int_equal(buf[0x92] << 8 | buf[0x93], WDB);
	io = simhost_run(d, "12 01 00 00 24 00", SIM_DIR_IN, buf, sizeof(buf));
	assert_umax_sense(&io, 5, 0x24, 0x00);
	assert_int_equal(io.sense[15], 0xc0);	/* SKSV, in the CDB */
	assert_int_equal(io.sense[17], 1);
	sim_close(d);
}

static void
test_unknown_commands(void **state)
{
	struct sim_device *d = simhost_open("umax-astra1220s?rev=V1.1");
	uint8_t buf[64], lamp = 0;
	struct sim_io io;

	(void)state;
	/* GET WINDOW, MODE SENSE, WRITE BUFFER, a vendor opcode */
	io = simhost_run(d, "25 00 00 00 00 00 00 00 40 00", SIM_DIR_IN, buf, 64);
	assert_umax_sense(&io, 5, 0x20, 0x00);
	io = simhost_run(d, "1a 00 03 00 0c 00", SIM_DIR_IN, buf, 12);
	assert_umax_sense(&io, 5, 0x20, 0x00);
	io = simhost_run(d, "3b 00 00 00 00 00 00 00 00 00", SIM_DIR_NONE, NULL, 0);
	assert_umax_sense(&io, 5, 0x20, 0x00);
	/* lamp control is V1.5 firmware only */
	io = simhost_run(d, "5e 00 00 00 00 00 00 00 01 00", SIM_DIR_IN, &lamp, 1);
	assert_umax_sense(&io, 5, 0x20, 0x00);
	/* REQUEST SENSE gives the whole UMAX sense, once */
	io = simhost_run(d, "03 00 00 00 1f 00", SIM_DIR_IN, buf, 31);
	assert_int_equal(io.xfer, 31);
	assert_int_equal(buf[7], 23);
	assert_int_equal(buf[12], 0x20);
	/* link bit in the control byte */
	io = simhost_run(d, "00 00 00 00 00 01", SIM_DIR_NONE, NULL, 0);
	assert_umax_sense(&io, 5, 0x24, 0x00);
	sim_close(d);
}

static void
test_lamp_v15(void **state)
{
	struct sim_device *d = simhost_open("umax-astra1220s?rev=V1.5");
	uint8_t lamp = 0xff;

	(void)state;
	simhost_good(d, "5f 00 00 80 00 00 00 00 00 00", SIM_DIR_NONE, NULL, 0);
	simhost_good(d, "5e 00 00 00 00 00 00 00 01 00", SIM_DIR_IN, &lamp, 1);
	assert_int_equal(lamp, 1);
	sim_close(d);
}

static void
test_window_rejections(void **state)
{
	struct sim_device *d = simhost_open("umax-astra1220s");
	uint8_t p[8 + 3 * WDB];
	struct sim_io io;
	size_t n;

	(void)state;
	/* colour needs three descriptors */
	n = window(p, 1, 300, 0, 0, 1200, 1200, 5, 8);
	send_window(d, p, n, &io);
	assert_umax_sense(&io, 5, 0x26, 0x00);
	assert_int_equal(io.sense[15], 0x80);	/* in the parameter list */
	assert_int_equal(io.sense[17], 8 + 0x19);
	/* header length not a multiple of the descriptor */
	n = window(p, 1, 300, 0, 0, 1200, 1200, 2, 8);
	simhost_put_be(p + 6, 2, WDB - 1);
	send_window(d, p, n, &io);
	assert_umax_sense(&io, 5, 0x26, 0x00);
	assert_int_equal(io.sense[17], 6);
	/* 16 bits: not on this unit */
	n = window(p, 1, 300, 0, 0, 1200, 1200, 2, 16);
	send_window(d, p, n, &io);
	assert_umax_sense(&io, 5, 0x26, 0x00);
	assert_int_equal(io.sense[17], 8 + 0x1a);
	/* beyond the platen's 8.5 inch */
	n = window(p, 1, 300, 1200, 0, 9 * 1200, 1200, 2, 8);
	send_window(d, p, n, &io);
	assert_umax_sense(&io, 5, 0x26, 0x00);
	/* x above 600 dpi */
	n = window(p, 1, 1200, 0, 0, 1200, 1200, 2, 8);
	send_window(d, p, n, &io);
	assert_umax_sense(&io, 5, 0x26, 0x00);
	assert_int_equal(io.sense[17], 8 + 0x02);
	/* double optical resolution */
	n = window(p, 1, 300, 0, 0, 1200, 1200, 2, 8);
	p[8 + 0x30] |= 0x40;
	send_window(d, p, n, &io);
	assert_umax_sense(&io, 5, 0x26, 0x00);
	/* transparency module without the adapter */
	n = window(p, 1, 300, 0, 0, 1200, 1200, 2, 8);
	p[8 + 0x2f] = 0xff;
	send_window(d, p, n, &io);
	assert_umax_sense(&io, 5, 0x26, 0x00);
	/* a transfer length shorter than one descriptor */
	io = simhost_run(d, "24 00 00 00 00 00 00 00 10 00", SIM_DIR_OUT, p, 16);
	assert_umax_sense(&io, 5, 0x24, 0x00);
	/* SCAN and READ with no window */
	scan(d, 0, &io);
	assert_umax_sense(&io, 5, 0x2c, 0x00);
	io = simhost_run(d, "28 00 00 00 00 00 00 01 00 00", SIM_DIR_IN, p, 256);
	assert_umax_sense(&io, 5, 0x2c, 0x00);
	sim_close(d);
}

/* The firmware's pixel count against umax's own loop (umax.c's rule). */
static unsigned
umax_rule(unsigned size, unsigned res, unsigned base)
{
	unsigned full = size / 1200 * res, rest = size % 1200 * base / 1200;
	unsigned d = base - res, drop = 0, pix = 0;

	if (d != 0) {
		while (pix <= rest)
			pix = ++drop * base / d;
		drop--;
	}
	return full + rest - drop;
}

/*
 * Pixels per line for widths and resolutions across the range: one READ
 * asking for far more than the image gets it all with EOM, and the
 * residue tells the device's total (one inch of lines: RES lines).
 */
static void
test_pixel_count(void **state)
{
	struct sim_device *d = simhost_open("umax-astra1220s");
	uint8_t p[8 + 3 * WDB], buf[16];
	unsigned res, size, want;
	uint32_t resid;
	struct sim_io io;
	size_t n;

	(void)state;
	for (res = 5; res <= 600; res += 5) {
		for (size = 100; size < 10200; size += 997) {
			n = window(p, 1, res, 0, 0, size, 1200, 2, 8);
			send_window(d, p, n, &io);
			want = umax_rule(size, res, 600);
			if (want == 0) {
				assert_umax_sense(&io, 5, 0x26, 0x00);
				continue;
			}
			assert_int_equal(io.status, 0);
			scan(d, 0, &io);
			assert_int_equal(io.status, 0);
			io = simhost_run(d, "28 00 00 00 00 00 ff ff ff 00", SIM_DIR_IN, buf, sizeof(buf));
			assert_umax_sense(&io, 0, 0x00, 0x00);
			resid = (uint32_t)(io.sense[3] << 24 | io.sense[4] << 16 | io.sense[5] << 8 | io.sense[6]);
			assert_int_equal(0xffffffu - resid, want * res);
		}
	}
	sim_close(d);
}

static void
test_calibration_by_driver(void **state)
{
	struct sim_device *d = simhost_open("umax-astra1220s");
	uint8_t p[8 + 3 * WDB], line[8192], shade[8192];
	uint8_t rd[10] = { 0x28, 0, 0x80 }, sd[10] = { 0x2a, 0, 0x80 };
	struct sim_io io;
	uint32_t bpl, lines;
	unsigned i;
	size_t n;

	(void)state;
	n = window(p, 3, 150, 1200, 1200, 2400, 1200, 5, 8);
	send_window(d, p, n, &io);
	assert_int_equal(io.status, 0);
	/* shading before the device asks for it */
	simhost_put_be(sd + 6, 3, 16);
	cmd(d, sd, 10, SIM_DIR_OUT, shade, 16, &io);
	assert_umax_sense(&io, 5, 0x2c, 0x00);
	scan(d, 0x20, &io);			/* quality calibration */
	assert_umax_sense(&io, 9, 0x80, 0x02);
	assert_int_equal(io.sense[0x17], 1);
	bpl = (uint32_t)(io.sense[0x18] << 24 | io.sense[0x19] << 16 | io.sense[0x1a] << 8 | io.sense[0x1b]);
	lines = (uint32_t)(io.sense[0x1c] << 8 | io.sense[0x1d]);
	assert_int_equal(bpl, 2 * 600 * 3 * 2);	/* 2 in at 600 dpi, RGB, 2 bytes */
	assert_int_equal(lines, 66);
	assert_int_equal(io.sense[0x1e], 2);
	simhost_put_be(rd + 6, 3, bpl);
	for (i = 0; i < lines; i++) {
		cmd(d, rd, 10, SIM_DIR_IN, line, bpl, &io);
		assert_int_equal(io.status, 0);
		assert_int_equal(line[0] | line[1] << 8, 3968);	/* white, low byte first */
	}
	cmd(d, rd, 10, SIM_DIR_IN, line, bpl, &io);	/* one line too many */
	assert_umax_sense(&io, 0, 0x00, 0x00);
	assert_true(io.sense[2] & 0x40);
	/* a shading line of the wrong size */
	simhost_put_be(sd + 6, 3, bpl - 2);
	cmd(d, sd, 10, SIM_DIR_OUT, shade, bpl - 2, &io);
	assert_umax_sense(&io, 5, 0x1a, 0x00);
	memset(shade, 0, sizeof(shade));
	simhost_put_be(sd + 6, 3, bpl);
	cmd(d, sd, 10, SIM_DIR_OUT, shade, bpl, &io);
	assert_int_equal(io.status, 0);
	scan(d, 0x20, &io);
	assert_int_equal(io.status, 0);
	/* the image: 300 pixels x 3 bytes a line */
	io = simhost_run(d, "28 00 00 00 00 00 00 03 84 00", SIM_DIR_IN, line, 900);
	assert_int_equal(io.status, 0);
	assert_int_equal(io.xfer, 900);
	/* gain and gamma read-back are not on this unit */
	io = simhost_run(d, "28 00 81 00 00 00 00 00 10 00", SIM_DIR_IN, line, 16);
	assert_umax_sense(&io, 5, 0x24, 0x00);
	assert_int_equal(io.sense[17], 2);
	simhost_good(d, "31 00 00 00 00 00 00 00 00 00", SIM_DIR_NONE, NULL, 0);
	io = simhost_run(d, "28 00 00 00 00 00 00 00 10 00", SIM_DIR_IN, line, 16);
	assert_umax_sense(&io, 5, 0x2c, 0x00);
	sim_close(d);
}

static void
test_gamma(void **state)
{
	struct sim_device *d = simhost_open("umax-astra1220s");
	static uint8_t g[6 + 3 * 4096 * 2];
	uint8_t p[8 + 3 * WDB], cdb[10] = { 0x2a, 0, 0x03 }, px[2], ref[2];
	struct sim_io io;
	unsigned j;
	size_t n;

	(void)state;
	/* a gray curve that inverts, 8 bits out */
	memset(g, 0, sizeof(g));
	g[0] = 0x21;
	g[2] = 0x08;
	g[4] = 0x01;
	for (j = 0; j < 4096; j++)
		g[6 + j] = (uint8_t)(255 - j / 16);
	simhost_put_be(cdb + 6, 3, 6 + 4096);
	cmd(d, cdb, 10, SIM_DIR_OUT, g, 6 + 4096, &io);
	assert_int_equal(io.status, 0);
	/* one pixel with the built-in curve, then with the download */
	n = window(p, 1, 100, 0, 0, 12, 12, 2, 8);
	send_window(d, p, n, &io);
	scan(d, 0, &io);
	io = simhost_run(d, "28 00 00 00 00 00 00 00 01 00", SIM_DIR_IN, ref, 1);
	assert_int_equal(io.status, 0);
	p[8 + 0x2e] = 0;
	send_window(d, p, n, &io);
	scan(d, 0, &io);
	io = simhost_run(d, "28 00 00 00 00 00 00 00 01 00", SIM_DIR_IN, px, 1);
	assert_int_equal(io.status, 0);
	assert_int_equal(px[0], 255 - ref[0]);
	/* wrong lengths and codes */
	simhost_put_be(cdb + 6, 3, 6 + 4095);
	cmd(d, cdb, 10, SIM_DIR_OUT, g, 6 + 4095, &io);
	assert_umax_sense(&io, 5, 0x26, 0x00);
	g[2] = 0x01;			/* 8-bit input: this unit has 12 */
	simhost_put_be(cdb + 6, 3, 6 + 4096);
	cmd(d, cdb, 10, SIM_DIR_OUT, g, 6 + 4096, &io);
	assert_umax_sense(&io, 5, 0x26, 0x00);
	assert_int_equal(io.sense[17], 2);
	g[2] = 0x08;
	g[4] = 0x20;			/* 16 bits out */
	cmd(d, cdb, 10, SIM_DIR_OUT, g, 6 + 4096, &io);
	assert_umax_sense(&io, 5, 0x26, 0x00);
	assert_int_equal(io.sense[17], 4);
	/* halftone download is not taken */
	io = simhost_run(d, "2a 00 02 00 00 00 00 00 40 00", SIM_DIR_OUT, g, 64);
	assert_umax_sense(&io, 5, 0x24, 0x00);
	sim_close(d);
}

static void
test_twelve_bit_order(void **state)
{
	struct sim_device *d = simhost_open("umax-astra1220s");
	uint8_t p[8 + 3 * WDB], lo[2], hi[2];
	struct sim_io io;
	size_t n;

	(void)state;
	n = window(p, 1, 100, 0, 700, 12, 12, 2, 12);
	send_window(d, p, n, &io);
	scan(d, 0, &io);
	io = simhost_run(d, "28 00 00 00 00 00 00 00 02 00", SIM_DIR_IN, lo, 2);
	assert_int_equal(io.status, 0);
	p[8 + 0x30] &= 0x7f;		/* HBT off: high byte first */
	send_window(d, p, n, &io);
	scan(d, 0, &io);
	io = simhost_run(d, "28 00 00 00 00 00 00 00 02 00", SIM_DIR_IN, hi, 2);
	assert_int_equal(lo[0], hi[1]);
	assert_int_equal(lo[1], hi[0]);
	assert_true((hi[0] << 8 | hi[1]) <= 4095);	/* right-aligned 12 bits */
	sim_close(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inquiry),
		cmocka_unit_test(test_unknown_commands),
		cmocka_unit_test(test_lamp_v15),
		cmocka_unit_test(test_window_rejections),
		cmocka_unit_test(test_pixel_count),
		cmocka_unit_test(test_calibration_by_driver),
		cmocka_unit_test(test_gamma),
		cmocka_unit_test(test_twelve_bit_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
