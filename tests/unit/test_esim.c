/*
 * test_esim.c - the Epson Perfection 1640SU model: its SCSI face (a
 * Processor with WRITE(6)/READ(6)), ESC/I as the device answers it, and
 * above all what it refuses: unknown opcodes, READs with nothing to say,
 * parameter blocks too short or too long, commands out of order, scans
 * the bed cannot give.  Every refusal is in the trace.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "scsaned/sim.h"

static char trace_path[64];

static struct sim_device *
dev(const char *opts)
{
	char spec[160], err[256];
	struct sim_device *d;
	int fd;

	snprintf(trace_path, sizeof(trace_path), "/tmp/test_esim.XXXXXX");
	fd = mkstemp(trace_path);
	assert_true(fd >= 0);
	close(fd);
	snprintf(spec, sizeof(spec), "epson-perfection1640?trace=%s%s", trace_path, opts);
	d = sim_open(spec, err, sizeof(err));
	if (d == NULL)
		fail_msg("sim_open(%s): %s", spec, err);
	return d;
}

static void
done(struct sim_device *d)
{
	sim_close(d);
	unlink(trace_path);
}

static int
traced(const char *what)
{
	char line[512];
	FILE *f = fopen(trace_path, "r");
	int found = 0;

	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, what) != NULL;
	fclose(f);
	return found;
}

static void
cmd(struct sim_device *d, const uint8_t *cdb, enum sim_dir dir, void *buf,
    size_t len, struct sim_io *io)
{
	memset(io, 0, sizeof(*io));
	io->cdb = cdb;
	io->cdb_len = 6;
	io->dir = dir;
	io->buf = buf;
	io->buflen = len;
	sim_command(d, io);
}

static void
assert_sense(const struct sim_io *io, uint8_t key, uint8_t asc)
{
	assert_int_equal(io->status, 0x02);
	assert_int_equal(io->sense[2] & 0x0f, key);
	assert_int_equal(io->sense[12], asc);
}

/* WRITE(6) of N bytes; GOOD expected. */
static void
send(struct sim_device *d, const void *p, size_t n)
{
	uint8_t cdb[6] = { 0x0a, 0, (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n, 0 };
	struct sim_io io;

	cmd(d, cdb, SIM_DIR_OUT, (void *)(uintptr_t)p, n, &io);
	assert_int_equal(io.status, 0);
}

/* READ(6) of N bytes into BUF; returns the bytes the device sent. */
static size_t
recv_n(struct sim_device *d, void *buf, size_t n)
{
	uint8_t cdb[6] = { 0x08, 0, (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n, 0 };
	struct sim_io io;

	cmd(d, cdb, SIM_DIR_IN, buf, n, &io);
	assert_int_equal(io.status, 0);
	return io.xfer;
}

static uint8_t
answer(struct sim_device *d)
{
	uint8_t b = 0xee;

	assert_int_equal(recv_n(d, &b, 1), 1);
	return b;
}

/* ESC C, then its parameter block: the two answers. */
static void
setter(struct sim_device *d, uint8_t c, const void *p, size_t n, uint8_t *a1,
    uint8_t *a2)
{
	uint8_t esc[2] = { 0x1b, c };

	send(d, esc, 2);
	*a1 = answer(d);
	send(d, p, n);
	*a2 = answer(d);
}

static void
test_inquiry(void **state)
{
	uint8_t cdb[6] = { 0x12, 0, 0, 0, 36, 0 }, evpd[6] = { 0x12, 1, 0, 0, 36, 0 };
	uint8_t buf[36];
	struct sim_device *d = dev("");
	struct sim_io io;

	(void)state;
	cmd(d, cdb, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_int_equal(io.status, 0);
	assert_int_equal(io.xfer, 36);
	assert_int_equal(buf[0], 3);	/* Processor, as epson2 demands */
	assert_memory_equal(buf + 8, "EPSON   Perfection1640  1.04", 28);
	cmd(d, evpd, SIM_DIR_IN, buf, sizeof(buf), &io);
	assert_sense(&io, 0x5, 0x24);
	done(d);
}

static void
test_unknown_opcode(void **state)
{
	uint8_t scan[6] = { 0x1b, 0, 0, 0, 0, 0 }, rs[6] = { 0x03, 0, 0, 0, 18, 0 };
	uint8_t sense[18];
	struct sim_device *d = dev("");
	struct sim_io io;

	(void)state;
	cmd(d, scan, SIM_DIR_NONE, NULL, 0, &io);
	assert_sense(&io, 0x5, 0x20);
	assert_true(traced("cdb 1b 00 00 00 00 00"));
	assert_true(traced("check op=1b sense=5/20/00"));
	/* REQUEST SENSE after it says the same. */
	cmd(d, rs, SIM_DIR_IN, sense, sizeof(sense), &io);
	assert_int_equal(io.status, 0);
	assert_int_equal(sense[2] & 0x0f, 0x5);
	assert_int_equal(sense[12], 0x20);
	done(d);
}

static void
test_read_with_nothing_to_say(void **state)
{
	uint8_t cdb[6] = { 0x08, 0, 0, 0, 1, 0 }, b;
	struct sim_device *d = dev("");
	struct sim_io io;

	(void)state;
	cmd(d, cdb, SIM_DIR_IN, &b, 1, &io);
	assert_sense(&io, 0x5, 0x2c);
	done(d);
}

static void
test_write_short_data(void **state)
{
	uint8_t cdb[6] = { 0x0a, 0, 0, 0, 2, 0 }, esc = 0x1b;
	struct sim_device *d = dev("");
	struct sim_io io;

	(void)state;
	/* The CDB says 2 bytes, the initiator has 1. */
	cmd(d, cdb, SIM_DIR_OUT, &esc, 1, &io);
	assert_sense(&io, 0x5, 0x1a);
	done(d);
}

static void
test_identity_and_status(void **state)
{
	uint8_t i[2] = { 0x1b, 'I' }, f[2] = { 0x1b, 'F' }, h[4], p[128];
	struct sim_device *d = dev("");
	size_t n;

	(void)state;
	send(d, i, 2);
	assert_int_equal(recv_n(d, h, 4), 4);
	assert_int_equal(h[0], 0x02);
	n = (size_t)(h[2] | h[3] << 8);
	assert_true(n > 2 && n <= sizeof(p));
	assert_int_equal(recv_n(d, p, n), n);
	assert_memory_equal(p, "B8", 2);
	assert_int_equal(p[2], 'R');
	assert_int_equal(p[n - 5], 'A');
	send(d, f, 2);
	assert_int_equal(recv_n(d, h, 4), 4);
	assert_int_equal(h[1] & 0x02, 0x02);	/* FS commands */
	assert_int_equal(h[2] | h[3], 0);
	done(d);

	d = dev("&ext=0");
	send(d, f, 2);
	assert_int_equal(recv_n(d, h, 4), 4);
	assert_int_equal(h[1], 0);
	done(d);
}

static void
test_parameter_block_lengths(void **state)
{
	uint8_t res[5] = { 100, 0, 100, 0, 0 }, a1, a2;
	struct sim_device *d = dev("");

	(void)state;
	setter(d, 'R', res, 3, &a1, &a2);
	assert_int_equal(a1, 0x06);
	assert_int_equal(a2, 0x15);
	assert_true(traced("nak=1b52:short"));
	setter(d, 'R', res, 5, &a1, &a2);
	assert_int_equal(a2, 0x15);
	assert_true(traced("nak=1b52:long"));
	/* The NAK ended the setter: the next one is heard afresh. */
	setter(d, 'R', res, 4, &a1, &a2);
	assert_int_equal(a1, 0x06);
	assert_int_equal(a2, 0x06);
	done(d);
}

static void
test_parameter_values(void **state)
{
	uint8_t v, a1, a2, res[4] = { 10, 0, 10, 0 }, area[8] = { 0, 0, 0, 0, 0, 0, 8, 0 };
	struct sim_device *d = dev("");

	(void)state;
	v = 12;
	setter(d, 'D', &v, 1, &a1, &a2);
	assert_int_equal(a2, 0x15);
	assert_true(traced("nak=1b44:0c"));
	v = 16;
	setter(d, 'D', &v, 1, &a1, &a2);
	assert_int_equal(a2, 0x06);
	v = 0x05;
	setter(d, 'C', &v, 1, &a1, &a2);
	assert_int_equal(a2, 0x15);
	v = 0x00;	/* halftone A: a B8 firmware's screen */
	setter(d, 'B', &v, 1, &a1, &a2);
	assert_int_equal(a2, 0x06);
	v = 0xc0;	/* download pattern A: no pattern was downloaded */
	setter(d, 'B', &v, 1, &a1, &a2);
	assert_int_equal(a2, 0x15);
	v = 0x80;	/* colour correction for a CRT */
	setter(d, 'M', &v, 1, &a1, &a2);
	assert_int_equal(a2, 0x06);
	v = 0x02;	/* no such correction */
	setter(d, 'M', &v, 1, &a1, &a2);
	assert_int_equal(a2, 0x15);
	v = 1;		/* no option unit to switch on */
	setter(d, 'e', &v, 1, &a1, &a2);
	assert_int_equal(a2, 0x15);
	v = 0xfb;	/* brightness -5 */
	setter(d, 'L', &v, 1, &a1, &a2);
	assert_int_equal(a2, 0x15);
	setter(d, 'R', res, 4, &a1, &a2);	/* 10 dpi */
	assert_int_equal(a2, 0x15);
	setter(d, 'A', area, 8, &a1, &a2);	/* no width */
	assert_int_equal(a2, 0x15);
	done(d);
}

static void
test_out_of_order(void **state)
{
	uint8_t ack = 0x06, q[2] = { 0x1b, 'q' }, i[2] = { 0x1b, 'I' }, h[4];
	uint8_t blob[4] = { 1, 2, 3, 4 }, fsi[2] = { 0x1c, 'I' };
	struct sim_device *d;

	(void)state;
	d = dev("&ext=0");
	send(d, &ack, 1);			/* an ACK with no scan */
	assert_int_equal(answer(d), 0x15);
	send(d, blob, 4);			/* a parameter block with no setter */
	assert_int_equal(answer(d), 0x15);
	send(d, q, 2);				/* no focus motor */
	assert_int_equal(answer(d), 0x15);
	assert_true(traced("nak=1b71"));
	send(d, fsi, 2);			/* no FS on this firmware */
	assert_int_equal(answer(d), 0x15);
	assert_true(traced("nak=1c49"));
	/* An answer left unread is dropped, and the trace says so. */
	send(d, i, 2);
	send(d, i, 2);
	assert_true(traced("check op=0a unread="));
	assert_int_equal(recv_n(d, h, 4), 4);
	assert_int_equal(h[0], 0x02);
	done(d);
}

static void
test_area_beyond_bed(void **state)
{
	uint8_t res[4] = { 0x20, 0x03, 0x20, 0x03 };	/* 800 dpi */
	uint8_t area[8] = { 0, 0, 0, 0, 0x40, 0x1f, 0x10, 0 };	/* 8000 wide */
	uint8_t g[2] = { 0x1b, 'G' }, d6 = 4, a1, a2, h[6];
	struct sim_device *d = dev("&ext=0");

	(void)state;
	setter(d, 'R', res, 4, &a1, &a2);
	setter(d, 'A', area, 8, &a1, &a2);
	assert_int_equal(a2, 0x06);		/* checked when the scan starts */
	setter(d, 'd', &d6, 1, &a1, &a2);
	send(d, g, 2);
	assert_int_equal(recv_n(d, h, 6), 6);
	assert_int_equal(h[0], 0x02);
	assert_int_equal(h[1] & 0x80, 0x80);	/* fatal error, no data */
	assert_int_equal(h[2] | h[3] | h[4] | h[5], 0);
	assert_true(traced("nak=1b47:area beyond the flatbed"));
	done(d);
}

/* An ESC G scan of 24 x 10 gray: blocks of 4 lines, ACK between. */
static void
test_block_scan_and_cancel(void **state)
{
	uint8_t res[4] = { 100, 0, 100, 0 }, area[8] = { 5, 0, 7, 0, 24, 0, 10, 0 };
	uint8_t g[2] = { 0x1b, 'G' }, i[2] = { 0x1b, 'I' }, lc = 4, ack = 0x06, can = 0x18;
	uint8_t a1, a2, h[6], data[128];
	struct sim_device *d = dev("&ext=0");
	unsigned blocks = 0, lines = 0;

	(void)state;
	setter(d, 'R', res, 4, &a1, &a2);
	setter(d, 'A', area, 8, &a1, &a2);
	setter(d, 'd', &lc, 1, &a1, &a2);
	send(d, g, 2);
	for (;;) {
		assert_int_equal(recv_n(d, h, 6), 6);
		assert_int_equal(h[0], 0x02);
		assert_int_equal(h[2] | h[3] << 8, 24);
		assert_int_equal(recv_n(d, data, 24u * h[4]), 24u * h[4]);
		lines += h[4];
		blocks++;
		if (h[1] & 0x20)
			break;
		/* Before the ACK the device waits: a command is refused. */
		send(d, i, 2);
		assert_int_equal(answer(d), 0x15);
		send(d, &ack, 1);
	}
	assert_int_equal(blocks, 3);
	assert_int_equal(lines, 10);
	assert_true(traced("nak=1b49:scanning"));
	/* Idle again: ESC I is answered. */
	send(d, i, 2);
	assert_int_equal(recv_n(d, h, 4), 4);
	assert_int_equal(h[0], 0x02);
	assert_int_equal(recv_n(d, data, (size_t)(h[2] | h[3] << 8)),
	    (size_t)(h[2] | h[3] << 8));

	/* Again, cancelled after the first block. */
	send(d, g, 2);
	assert_int_equal(recv_n(d, h, 6), 6);
	assert_int_equal(recv_n(d, data, 96), 96);
	send(d, &can, 1);
	assert_int_equal(answer(d), 0x06);
	assert_true(traced("cancel at line 4"));
	send(d, i, 2);
	assert_int_equal(recv_n(d, h, 4), 4);
	assert_int_equal(h[0], 0x02);
	done(d);
}

/* FS G: 14 bytes, then blocks of data and a status byte. */
static void
test_fs_scan(void **state)
{
	uint8_t w[64], fsw[2] = { 0x1c, 'W' }, fsg[2] = { 0x1c, 'G' }, h[14];
	uint8_t data[8 * 3 * 5 + 1], ack = 0x06;
	struct sim_device *d = dev("");
	uint32_t size, count, last;

	(void)state;
	memset(w, 0, sizeof(w));
	w[0] = 200; w[4] = 200;		/* 200 dpi */
	w[16] = 8; w[20] = 12;		/* 8 x 12 */
	w[24] = 0x13; w[25] = 8;	/* RGB pixels, 8 bits */
	w[28] = 5;			/* 5 lines a block */
	w[29] = 0x01;
	send(d, fsw, 2);
	assert_int_equal(answer(d), 0x06);
	send(d, w, 63);			/* one byte short */
	assert_int_equal(answer(d), 0x15);
	send(d, fsw, 2);
	assert_int_equal(answer(d), 0x06);
	send(d, w, 64);
	assert_int_equal(answer(d), 0x06);
	send(d, fsg, 2);
	assert_int_equal(recv_n(d, h, 14), 14);
	size = (uint32_t)(h[2] | h[3] << 8);
	count = (uint32_t)(h[6] | h[7] << 8);
	last = (uint32_t)(h[10] | h[11] << 8);
	assert_int_equal(size, 8 * 3 * 5);
	assert_int_equal(count, 2);
	assert_int_equal(last, 8 * 3 * 2);
	assert_int_equal(recv_n(d, data, size + 1), size + 1);
	assert_int_equal(data[size], 0);
	send(d, &ack, 1);
	assert_int_equal(recv_n(d, data, size + 1), size + 1);
	send(d, &ack, 1);
	/* The last block is shorter; a READ past it ends at its end. */
	assert_int_equal(recv_n(d, data, sizeof(data)), last + 1);
	assert_true(traced("short read"));
	done(d);
}

static void
test_render_matches_scan(void **state)
{
	uint8_t res[4] = { 0x2c, 0x01, 0x2c, 0x01 }, area[8] = { 30, 0, 40, 0, 16, 0, 3, 0 };
	uint8_t g[2] = { 0x1b, 'G' }, c = 0x13, dp = 16, lc = 3, a1, a2, h[6], data[288];
	char *img = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&img, &len);
	char err[128];
	struct sim_device *d = dev("&ext=0");
	size_t i;

	(void)state;
	setter(d, 'C', &c, 1, &a1, &a2);
	setter(d, 'D', &dp, 1, &a1, &a2);
	setter(d, 'R', res, 4, &a1, &a2);
	setter(d, 'A', area, 8, &a1, &a2);
	setter(d, 'd', &lc, 1, &a1, &a2);
	send(d, g, 2);
	assert_int_equal(recv_n(d, h, 6), 6);
	assert_int_equal(h[1] & 0x20, 0x20);
	assert_int_equal(recv_n(d, data, sizeof(data)), sizeof(data));
	assert_int_equal(sim_render("epson-perfection1640", "xres=300 yres=300 x=30 "
	    "y=40 w=16 l=3 color=19 depth=16", out, err, sizeof(err)), 0);
	fclose(out);
	assert_true(len > sizeof(data));
	/* The PNM is big-endian, the device little-endian. */
	for (i = 0; i < sizeof(data); i += 2) {
		assert_int_equal((uint8_t)img[len - sizeof(data) + i], data[i + 1]);
		assert_int_equal((uint8_t)img[len - sizeof(data) + i + 1], data[i]);
	}
	free(img);
	done(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inquiry),
		cmocka_unit_test(test_unknown_opcode),
		cmocka_unit_test(test_read_with_nothing_to_say),
		cmocka_unit_test(test_write_short_data),
		cmocka_unit_test(test_identity_and_status),
		cmocka_unit_test(test_parameter_block_lengths),
		cmocka_unit_test(test_parameter_values),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_area_beyond_bed),
		cmocka_unit_test(test_block_scan_and_cancel),
		cmocka_unit_test(test_fs_scan),
		cmocka_unit_test(test_render_matches_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
