/*
 * test_fs4000.c - the canon-fs4000us model against the public record of
 * the FS4000US: a scripted host replays the reference's checklists (a)
 * one slide frame at 1000 dpi 8-bit and (b) a negative-strip frame at
 * 4000 dpi 16-bit plus the infrared pass, and must see the documented
 * GET DATA STATUS totals and READ sizes; small windows check the line
 * format (margin, mirroring, the G/B lag both ways, sample packing)
 * against the model's expected image, decoded here independently.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "scsaned/sim.h"
#include "simhost.h"

static void
refused(struct sim_device *d, const char *hex, enum sim_dir dir, void *buf, size_t len,
    unsigned key, unsigned asc)
{
	struct sim_io io = simhost_run(d, hex, dir, buf, len);

	if (io.status != 0x02 || (io.sense[2] & 0x0f) != key || io.sense[12] != asc)
		fail_msg("%s: expected %x/%02x, got status %02x sense %x/%02x", hex, key,
		    asc, io.status, io.sense[2] & 0x0f, io.sense[12]);
}

static void
no_data(struct sim_device *d, const char *hex)
{
	simhost_good(d, hex, SIM_DIR_NONE, NULL, 0);
}

/* The 38-byte scan mode: GET it, change what the host changes, DEFINE it. */
static void
scan_mode(struct sim_device *d, uint8_t fmt, const unsigned g[3], const unsigned o[3],
    const unsigned s[3])
{
	uint8_t m[38];
	int c;

	simhost_good(d, "d5 00 20 00 26 00", SIM_DIR_IN, m, sizeof(m));
	assert_int_equal(m[0], 0x25);
	assert_int_equal(m[4], 0x20);
	m[15] = 2;
	m[20] = fmt;
	m[37] = 0;
	for (c = 0; c < 3; c++) {
		m[22 + c] = (uint8_t)g[c];
		simhost_put_be(m + 25 + 2 * c, 2, o[c]);
		simhost_put_be(m + 31 + 2 * c, 2, s[c]);
	}
	simhost_good(d, "d6 10 00 00 26 00", SIM_DIR_OUT, m, sizeof(m));
}

static void
set_window(struct sim_device *d, unsigned xres, unsigned yres, uint32_t x, uint32_t y,
    uint32_t w, uint32_t l, uint8_t comp, uint8_t bpp)
{
	uint8_t b[72];

	memset(b, 0, sizeof(b));
	b[7] = 64;
	simhost_put_be(b + 10, 2, xres);
	simhost_put_be(b + 12, 2, yres);
	simhost_put_be(b + 14, 4, x);
	simhost_put_be(b + 18, 4, y);
	simhost_put_be(b + 22, 4, w);
	simhost_put_be(b + 26, 4, l);
	b[33] = comp;
	b[34] = bpp;
	b[37] = bpp % 8 ? 3 : 0;
	b[54] = 0x02;
	simhost_good(d, "24 00 00 00 00 00 00 00 48 00", SIM_DIR_OUT, b, sizeof(b));
}

static void
data_status(struct sim_device *d, uint32_t total, uint32_t bpl, uint32_t lines)
{
	uint8_t r[28];

	simhost_good(d, "34 00 00 00 00 00 00 00 1c 00", SIM_DIR_IN, r, sizeof(r));
	assert_int_equal(simhost_be(r, 4), 0);
	assert_int_equal(simhost_be(r + 4, 4), 0);
	assert_int_equal(simhost_be(r + 8, 4), total);
	assert_int_equal(simhost_be(r + 12, 4), bpl);
	assert_int_equal(simhost_be(r + 16, 4), lines);
	assert_int_equal(simhost_be(r + 20, 4), total);
}

/* READ N bytes (a multiple of the line) into BUF. */
static void
read_bytes(struct sim_device *d, uint8_t *buf, size_t n)
{
	char hex[64];
	struct sim_io io;

	snprintf(hex, sizeof(hex), "28 10 00 00 00 00 %02zx %02zx %02zx 00",
	    (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
	io = simhost_run(d, hex, SIM_DIR_IN, buf, n);
	if (io.status != 0 || io.xfer != n)
		fail_msg("READ %zu: status %02x xfer %zu", n, io.status, io.xfer);
}

static void
lamp_warm(struct sim_device *d, unsigned seconds)
{
	uint8_t r[10];
	int i;

	no_data(d, "e7 00 01 00 00 00 00 00 00 00");
	for (i = 0; i < 2000; i++) {
		simhost_good(d, "ea 00 00 00 00 00 00 00 0a 00", SIM_DIR_IN, r, sizeof(r));
		assert_int_equal(r[0], 1);
		if (simhost_be(r + 1, 4) >= seconds)
			return;
		/* Polling the unit's clock, as hosts do; it runs fast here. */
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	fail_msg("the lamp clock did not reach %u s", seconds);
}

static void
session_start(struct sim_device *d, unsigned type, unsigned frames)
{
	uint8_t inq[36], f0[130], fst[28], led[4] = { 2 };

	simhost_good(d, "12 00 00 00 24 00", SIM_DIR_IN, inq, sizeof(inq));
	assert_memory_equal(inq + 8, "CANON   IX-40015G ", 18);
	no_data(d, "00 00 00 00 00 00");
	no_data(d, "e4 00 00 00 00 00 00 00 00 00");
	no_data(d, "16 00 00 00 00 00");
	simhost_good(d, "f3 00 00 00 00 00 00 00 04 00", SIM_DIR_OUT, led, sizeof(led));
	simhost_good(d, "12 01 f0 00 82 00", SIM_DIR_IN, f0, sizeof(f0));
	assert_int_equal(f0[1], 0xf0);
	assert_int_equal(simhost_be(f0 + 24, 4), 5904);
	simhost_good(d, "e1 00 00 00 00 00 00 00 1c 00", SIM_DIR_IN, fst, sizeof(fst));
	assert_int_equal(fst[0], type);
	assert_int_equal(fst[1], frames);
	lamp_warm(d, 15);
}

static void
test_checklist_a(void **state)
{
	struct sim_device *d = simhost_open("canon-fs4000us?holder=slide&timescale=100000");
	static const unsigned g[3] = { 47, 36, 36 }, o[3] = { 281, 264, 261 },
	    s[3] = { 750, 352, 235 };
	uint8_t af[8] = { 1, 0, 0, 0, 0x01, 0xf4, 0x0d, 0xac }, w[72], led[4] = { 0 };
	uint8_t *buf = malloc(65520);
	int i;

	(void)state;
	session_start(d, 2, 4);
	scan_mode(d, 0x03, g, o, s);
	no_data(d, "e8 00 00 00 00 00 00 00 00 00");
	no_data(d, "e6 00 00 00 00 00 00 00 00 00");
	no_data(d, "e6 01 04 01 3c 00 00 00 00 00");	/* AF position 316 */
	no_data(d, "e6 00 00 00 00 00 00 00 00 00");
	simhost_good(d, "e0 00 00 00 00 00 00 00 08 00", SIM_DIR_OUT, af, sizeof(af));
	no_data(d, "e6 01 04 02 28 00 00 00 00 00");	/* scan position 552 */
	set_window(d, 1000, 1000, 0, 0, 4000, 5904, 5, 8);
	simhost_good(d, "25 01 00 00 00 00 00 00 48 00", SIM_DIR_IN, w, sizeof(w));
	assert_int_equal(simhost_be(w, 2), 0x46);
	assert_int_equal(simhost_be(w + 6, 2), 0x40);
	assert_int_equal(w[48], 0x64);
	assert_int_equal(w[49], 0x64);
	assert_int_equal(w[54], 0x02);
	assert_int_equal(simhost_be(w + 10, 2), 1000);
	/* The block GET WINDOW returns is refused back until 48/49 are zeroed. */
	refused(d, "24 00 00 00 00 00 00 00 48 00", SIM_DIR_OUT, w, sizeof(w), 5, 0x26);
	w[48] = w[49] = 0;
	simhost_good(d, "24 00 00 00 00 00 00 00 48 00", SIM_DIR_OUT, w, sizeof(w));

	simhost_good(d, "1b 00 00 00 01 00", SIM_DIR_OUT, (uint8_t[]){ 0 }, 1);
	data_status(d, 4605120, 3120, 1476);
	for (i = 0; i < 70; i++)
		read_bytes(d, buf, 65520);
	read_bytes(d, buf, 18720);
	refused(d, "28 10 00 00 00 00 00 0c 30 00", SIM_DIR_IN, buf, 3120, 5, 0x2c);
	no_data(d, "e8 00 00 00 00 00 00 00 00 00");
	no_data(d, "e6 00 00 00 00 00 00 00 00 00");
	simhost_good(d, "f3 00 00 00 00 00 00 00 04 00", SIM_DIR_OUT, led, sizeof(led));
	no_data(d, "17 00 00 00 00 00");
	free(buf);
	sim_close(d);
}

static void
test_checklist_b(void **state)
{
	struct sim_device *d = simhost_open("canon-fs4000us?holder=strip&film=negative&timescale=100000");
	static const unsigned g[3] = { 47, 36, 36 }, o[3] = { 281, 264, 261 },
	    s[3] = { 750, 750, 750 }, gi[3] = { 62, 62, 62 }, oi[3] = { 280, 277, 278 },
	    si[3] = { 1000, 1000, 1000 };
	uint8_t af[8] = { 1, 0, 0, 0, 0x01, 0x07, 0x0e, 0x9a }, fst[28];
	uint8_t ir_af[8] = { 2, 0, 0, 103, 0, 0, 0, 0 }, vis_af[8] = { 2, 0, 0, 134, 0, 0, 0, 0 };
	uint8_t *buf = malloc(64640);
	struct sim_io io;
	int i;

	(void)state;
	session_start(d, 1, 6);
	scan_mode(d, 0x02, g, o, s);
	no_data(d, "e6 00 00 00 00 00 00 00 00 00");
	no_data(d, "e6 01 04 05 24 00 00 00 00 00");	/* 1316 */
	no_data(d, "e6 00 00 00 00 00 00 00 00 00");
	simhost_good(d, "e0 00 00 00 00 00 00 00 08 00", SIM_DIR_OUT, af, sizeof(af));
	no_data(d, "e6 01 04 06 1c 00 00 00 00 00");	/* 1564 */
	simhost_good(d, "e1 00 00 00 00 00 00 00 1c 00", SIM_DIR_IN, fst, sizeof(fst));
	assert_int_equal(simhost_be(fst + 2, 2), 1564);
	assert_int_equal(simhost_be(fst + 8, 2), 263);
	assert_int_equal(simhost_be(fst + 10, 2), 3738);
	assert_in_range(fst[7], 75, 200);
	no_data(d, "e8 08 00 00 00 00 00 00 00 00");
	set_window(d, 4000, 4000, 0, 0, 4000, 5888, 5, 16);
	simhost_good(d, "1b 00 00 00 01 00", SIM_DIR_OUT, (uint8_t[]){ 0 }, 1);
	data_status(d, 142725120, 24240, 5888);
	for (i = 0; i < 2944; i++)
		read_bytes(d, buf, 48480);
	/* SET FRAME 8 left the carriage out: the holder cannot go home. */
	refused(d, "e6 01 00 00 00 00 00 00 00 00", SIM_DIR_NONE, NULL, 0, 4, 0x15);

	/* The infrared pass, back over the frame. */
	no_data(d, "e7 00 00 01 00 00 00 00 00 00");
	simhost_good(d, "e1 00 00 00 00 00 00 00 1c 00", SIM_DIR_IN, fst, sizeof(fst));
	assert_int_equal(fst[4] >> 3, 8);
	simhost_good(d, "e0 00 00 00 00 00 00 00 08 00", SIM_DIR_OUT, ir_af, sizeof(ir_af));
	simhost_good(d, "e1 00 00 00 00 00 00 00 1c 00", SIM_DIR_IN, fst, sizeof(fst));
	assert_int_equal(fst[7], 103);
	scan_mode(d, 0x02, gi, oi, si);
	no_data(d, "e8 01 00 00 00 00 00 00 00 00");
	set_window(d, 4000, 4000, 0, 0, 4000, 5888, 2, 16);
	simhost_good(d, "1b 00 00 00 01 00", SIM_DIR_OUT, (uint8_t[]){ 0 }, 1);
	data_status(d, 47575040, 8080, 5888);
	for (i = 0; i < 736; i++)
		read_bytes(d, buf, 64640);
	/* FilmGet's own form of the same window: 14 bits, padding 3. */
	set_window(d, 4000, 4000, 0, 0, 4000, 5888, 2, 14);
	simhost_good(d, "1b 00 00 00 01 00", SIM_DIR_OUT, (uint8_t[]){ 0 }, 1);
	data_status(d, 47575040, 8080, 5888);
	no_data(d, "e4 00 00 00 00 00 00 00 00 00");

	no_data(d, "e7 00 01 00 00 00 00 00 00 00");
	simhost_good(d, "e0 00 00 00 00 00 00 00 08 00", SIM_DIR_OUT, vis_af, sizeof(vis_af));
	no_data(d, "00 00 00 00 00 00");
	no_data(d, "e6 00 00 00 00 00 00 00 00 00");
	no_data(d, "e6 01 01 00 00 00 00 00 00 00");	/* eject */
	io = simhost_run(d, "00 00 00 00 00 00", SIM_DIR_NONE, NULL, 0);
	assert_int_equal(io.status, 2);
	assert_int_equal(io.sense[2], 0x49);	/* EOM + vendor key 9 */
	assert_int_equal(io.sense[12], 0x80);
	assert_int_equal(io.sense[13], 0x1d);
	no_data(d, "00 00 00 00 00 00");		/* reported once */
	simhost_good(d, "e1 00 00 00 00 00 00 00 19 00", SIM_DIR_IN, fst, 25);
	assert_int_equal(fst[0], 0);
	refused(d, "1b 00 00 00 01 00", SIM_DIR_OUT, (uint8_t[]){ 0 }, 1, 2, 0x3a);
	no_data(d, "17 00 00 00 00 00");
	free(buf);
	sim_close(d);
}

/* The model's expected image for a window, as 16-bit (or 8-bit) samples. */
static uint8_t *
render(const char *window, unsigned *w, unsigned *h, unsigned *maxv)
{
	char err[256], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	uint8_t *img;
	int hdr = 0;

	assert_non_null(f);
	if (sim_render("canon-fs4000us", window, f, err, sizeof(err)) < 0)
		fail_msg("render: %s", err);
	fclose(f);
	/* Not "%u\n": a trailing newline in scanf would eat image bytes too. */
	if (sscanf(text, "P%*c %u %u %u%n", w, h, maxv, &hdr) != 3 || text[hdr] != '\n')
		fail_msg("render header");
	hdr++;
	img = malloc(len - (size_t)hdr);
	memcpy(img, text + hdr, len - (size_t)hdr);
	free(text);
	return img;
}

/*
 * A small window at 1000 dpi (k = 2), forward and reverse, 14-bit: the
 * host's de-interleave (margin, mirror, lag) must give the expected image.
 */
static void
check_format(int reverse)
{
	struct sim_device *d = simhost_open("canon-fs4000us?holder=slide&lamp=60");
	unsigned W, H, maxv, px = 60, lines = 30, k = 2, n, i, c, got, want, ext = lines + 2 * k;
	size_t bpl = (40 + px) * 6;
	uint8_t *raw = malloc(bpl * ext), *img;
	char win[200];

	no_data(d, "e6 00 00 00 00 00 00 00 00 00");
	no_data(d, "e6 01 04 02 2a 00 00 00 00 00");	/* 554 */
	no_data(d, reverse ? "e8 01 00 00 00 00 00 00 00 00" : "e8 00 00 00 00 00 00 00 00 00");
	set_window(d, 1000, 1000, 800, 1200, px * 4, ext * 4, 5, 14);
	simhost_good(d, "1b 00 00 00 01 00", SIM_DIR_OUT, (uint8_t[]){ 0 }, 1);
	data_status(d, (uint32_t)(bpl * ext), (uint32_t)bpl, ext);
	read_bytes(d, raw, bpl * ext);
	/* A reverse scan's complete lines are the last ones: its lag is at the top. */
	snprintf(win, sizeof(win), "holder=slide pos=554 xres=1000 yres=1000 x=800 y=%u "
	    "w=%u l=%u bpp=16", reverse ? 1200 + 2 * k * 4 : 1200, px * 4, lines * 4);
	img = render(win, &W, &H, &maxv);
	assert_int_equal(W, px);
	assert_int_equal(H, lines);
	/* The margin: 40 dark pixels, each colour alike. */
	for (i = 0; i < 120; i++)
		assert_int_equal(raw[2 * i] | raw[2 * i + 1] << 8,
		    raw[2 * (i % 3)] | raw[2 * (i % 3) + 1] << 8);
	for (n = 0; n < lines; n++) {
		for (i = 0; i < px; i++) {
			for (c = 0; c < 3; c++) {
				/* Forward, colour c of line n is in raw line n + c*k; a
				 * reverse scan's raw lines run last first. */
				unsigned r = reverse ? ext - 1 - n - c * k : n + c * k;
				const uint8_t *p = raw + (size_t)r * bpl + (40 + px - 1 - i) * 6 + c * 2;

				got = (unsigned)(p[0] | p[1] << 8);
				want = (unsigned)(img[(n * px + i) * 6 + c * 2] << 8 |
				    img[(n * px + i) * 6 + c * 2 + 1]) >> 2;
				if (got != want)
					fail_msg("%s line %u px %u colour %u: %u, want %u",
					    reverse ? "reverse" : "forward", n, i, c, got, want);
			}
		}
	}
	free(raw);
	free(img);
	sim_close(d);
}

static void
test_format_forward(void **state)
{
	(void)state;
	check_format(0);
}

static void
test_format_reverse(void **state)
{
	(void)state;
	check_format(1);
}

/* 8-bit is the top byte, "16-bit" the 14-bit value x4, big-endian on request. */
static void
test_sample_packing(void **state)
{
	struct sim_device *d = simhost_open("canon-fs4000us?lamp=60");
	static const unsigned g[3] = { 47, 36, 36 }, o[3] = { 0, 0, 0 }, s[3] = { 750, 352, 235 };
	uint8_t b14[246], b16[246], b8[123], bbe[246], nom[240];
	unsigned i, v;

	(void)state;
	no_data(d, "e6 01 04 02 2a 00 00 00 00 00");
	set_window(d, 4000, 4000, 2000, 3000, 1, 1, 5, 14);
	scan_mode(d, 0x00, g, o, s);
	simhost_good(d, "1b 00 00 00 01 00", SIM_DIR_OUT, (uint8_t[]){ 0 }, 1);
	data_status(d, 246, 246, 1);	/* FilmGet's 1-pixel probe */
	read_bytes(d, b14, 246);
	scan_mode(d, 0x02, g, o, s);
	set_window(d, 4000, 4000, 2000, 3000, 1, 1, 5, 16);
	simhost_good(d, "1b 00 00 00 01 00", SIM_DIR_OUT, (uint8_t[]){ 0 }, 1);
	read_bytes(d, b16, 246);
	scan_mode(d, 0x03, g, o, s);
	set_window(d, 4000, 4000, 2000, 3000, 1, 1, 5, 8);
	simhost_good(d, "1b 00 00 00 01 00", SIM_DIR_OUT, (uint8_t[]){ 0 }, 1);
	data_status(d, 123, 123, 1);
	read_bytes(d, b8, 123);
	scan_mode(d, 0x03, g, o, s);	/* bit 0: big-endian words */
	set_window(d, 4000, 4000, 2000, 3000, 1, 1, 5, 16);
	simhost_good(d, "1b 00 00 00 01 00", SIM_DIR_OUT, (uint8_t[]){ 0 }, 1);
	read_bytes(d, bbe, 246);
	scan_mode(d, 0x22, g, o, s);	/* bit 5: no margin */
	set_window(d, 4000, 4000, 2000, 3000, 40, 1, 5, 16);
	simhost_good(d, "1b 00 00 00 01 00", SIM_DIR_OUT, (uint8_t[]){ 0 }, 1);
	data_status(d, 240, 240, 1);
	read_bytes(d, nom, 240);
	for (i = 0; i < 41 * 3; i++) {
		v = (unsigned)(b14[2 * i] | b14[2 * i + 1] << 8);
		assert_in_range(v, 0, 16383);
		assert_int_equal(b16[2 * i] | b16[2 * i + 1] << 8, v << 2);
		assert_int_equal(b8[i], v >> 6);
		assert_int_equal(bbe[2 * i] << 8 | bbe[2 * i + 1], v << 2);
	}
	/* The picture pixel is brighter than the dark margin. */
	assert_true((b14[240] | b14[241] << 8) > (b14[0] | b14[1] << 8) + 100);
	sim_close(d);
}

/* What the notes say the unit refuses. */
static void
test_rejections(void **state)
{
	struct sim_device *d = simhost_open("canon-fs4000us");
	uint8_t m[38], w[72], af[8] = { 2, 0, 0, 50, 0, 0, 0, 0 };
	struct sim_io io;

	(void)state;
	simhost_good(d, "d5 00 20 00 26 00", SIM_DIR_IN, m, sizeof(m));
	simhost_good(d, "d6 10 00 00 26 00", SIM_DIR_OUT, m, sizeof(m));	/* GET sent back */
	m[7] = 1;
	refused(d, "d6 10 00 00 26 00", SIM_DIR_OUT, m, sizeof(m), 5, 0x26);
	m[7] = 0;
	m[22] = 64;
	refused(d, "d6 10 00 00 26 00", SIM_DIR_OUT, m, sizeof(m), 5, 0x26);
	m[22] = 47;
	simhost_put_be(m + 31, 2, 1001);
	refused(d, "d6 10 00 00 26 00", SIM_DIR_OUT, m, sizeof(m), 5, 0x26);
	/* A CDB shorter than the command is refused; iSCSI's padding is not. */
	refused(d, "e1 00 00 00 00 00", SIM_DIR_IN, m, 28, 5, 0x20);
	simhost_good(d, "d5 00 20 00 26 00 00 00 00 00 00 00 00 00 00 00", SIM_DIR_IN, m, sizeof(m));
	simhost_good(d, "25 01 00 00 00 00 00 00 48 00", SIM_DIR_IN, w, sizeof(w));
	w[48] = w[49] = 0;
	w[54] = 0x12;
	simhost_good(d, "24 00 00 00 00 00 00 00 48 00", SIM_DIR_OUT, w, sizeof(w));
	w[54] = 0x03;
	refused(d, "24 00 00 00 00 00 00 00 48 00", SIM_DIR_OUT, w, sizeof(w), 5, 0x26);
	w[54] = 0x02;
	simhost_put_be(w + 10, 2, 3000);	/* not a divisor of 4000 */
	refused(d, "24 00 00 00 00 00 00 00 48 00", SIM_DIR_OUT, w, sizeof(w), 5, 0x26);
	simhost_put_be(w + 10, 2, 4000);
	simhost_put_be(w + 26, 4, 5905);
	refused(d, "24 00 00 00 00 00 00 00 48 00", SIM_DIR_OUT, w, sizeof(w), 5, 0x26);
	refused(d, "e8 10 00 00 00 00 00 00 00 00", SIM_DIR_NONE, NULL, 0, 5, 0x24);
	refused(d, "e8 05 00 00 00 00 00 00 00 00", SIM_DIR_NONE, NULL, 0, 5, 0x24);
	no_data(d, "e8 0c 00 00 00 00 00 00 00 00");
	/* No relative carriage move from home; absolute is fine. */
	refused(d, "e6 00 02 00 10 00 00 00 00 00", SIM_DIR_NONE, NULL, 0, 5, 0x24);
	no_data(d, "e6 00 04 00 10 00 00 00 00 00");
	no_data(d, "e6 00 02 00 10 00 00 00 00 00");
	refused(d, "e0 00 00 00 00 00 00 00 08 00", SIM_DIR_OUT, af, sizeof(af), 5, 0x26);
	refused(d, "28 10 00 00 00 00 00 00 f6 00", SIM_DIR_IN, w, 72, 5, 0x2c);
	refused(d, "12 01 c1 00 10 00", SIM_DIR_IN, w, 16, 5, 0x24);
	refused(d, "ff 00 00 00 00 00", SIM_DIR_NONE, NULL, 0, 5, 0x20);
	/* Reads must be whole lines. */
	no_data(d, "e8 00 00 00 00 00 00 00 00 00");
	set_window(d, 4000, 4000, 0, 0, 1, 2, 5, 14);
	simhost_good(d, "1b 00 00 00 01 00", SIM_DIR_OUT, (uint8_t[]){ 0 }, 1);
	refused(d, "28 10 00 00 00 00 00 00 f5 00", SIM_DIR_IN, w, 72, 5, 0x24);
	io = simhost_run(d, "e4 00 00 00 00 00 00 00 00 00", SIM_DIR_NONE, NULL, 0);
	assert_int_equal(io.status, 0);
	refused(d, "28 10 00 00 00 00 00 00 f6 00", SIM_DIR_IN, w, 72, 5, 0x2c);
	sim_close(d);
}

/* A holder pushed in is reported once; with none, SCAN and AF say so. */
static void
test_holder_events(void **state)
{
	struct sim_device *d = simhost_open("canon-fs4000us?holder=strip&inserted=1");
	uint8_t inq[36], fst[28], af[8] = { 1, 0, 0, 0, 0, 0, 0x0f, 0xa0 };
	struct sim_io io;

	(void)state;
	simhost_good(d, "12 00 00 00 24 00", SIM_DIR_IN, inq, sizeof(inq));
	io = simhost_run(d, "00 00 00 00 00 00", SIM_DIR_NONE, NULL, 0);
	assert_int_equal(io.status, 2);
	assert_int_equal(io.sense[0], 0xf0);
	assert_int_equal(io.sense[2], 0x49);
	assert_int_equal(io.sense[13], 0x1c);
	no_data(d, "00 00 00 00 00 00");
	sim_close(d);

	d = simhost_open("canon-fs4000us?holder=none");
	simhost_good(d, "e1 00 00 00 00 00 00 00 1c 00", SIM_DIR_IN, fst, sizeof(fst));
	assert_int_equal(fst[0], 0);
	assert_int_equal(fst[1], 0);
	refused(d, "1b 00 00 00 01 00", SIM_DIR_OUT, (uint8_t[]){ 0 }, 1, 2, 0x3a);
	refused(d, "e0 00 00 00 00 00 00 00 08 00", SIM_DIR_OUT, af, sizeof(af), 2, 0x3a);
	refused(d, "e6 01 04 02 2a 00 00 00 00 00", SIM_DIR_NONE, NULL, 0, 2, 0x3a);
	sim_close(d);
}

/* The lamp's seconds; a repeated ON keeps them; OFF resets. */
static void
test_lamp(void **state)
{
	struct sim_device *d = simhost_open("canon-fs4000us?lamp=209");
	uint8_t r[10];

	(void)state;
	simhost_good(d, "ea 00 00 00 00 00 00 00 0a 00", SIM_DIR_IN, r, sizeof(r));
	assert_int_equal(r[0], 1);
	assert_in_range(simhost_be(r + 1, 4), 209, 212);
	assert_int_equal(r[5], 0);
	no_data(d, "e7 00 01 00 00 00 00 00 00 00");
	simhost_good(d, "ea 00 00 00 00 00 00 00 0a 00", SIM_DIR_IN, r, sizeof(r));
	assert_in_range(simhost_be(r + 1, 4), 209, 212);
	no_data(d, "e7 00 00 01 00 00 00 00 00 00");
	simhost_good(d, "ea 00 00 00 00 00 00 00 0a 00", SIM_DIR_IN, r, sizeof(r));
	assert_int_equal(r[0], 0);
	assert_int_equal(simhost_be(r + 1, 4), 0);
	assert_int_equal(r[5], 1);
	refused(d, "e7 00 02 00 00 00 00 00 00 00", SIM_DIR_NONE, NULL, 0, 5, 0x24);
	sim_close(d);
}

/* Mean of the picture samples of colour C in a stationary 16-line read. */
static unsigned
stationary_mean(struct sim_device *d, unsigned shutter, unsigned c)
{
	static uint8_t buf[16 * (40 + 500) * 6];
	unsigned g[3] = { 30, 30, 30 }, o[3] = { 0, 0, 0 }, s[3] = { 500, 500, 500 }, i;
	uint64_t sum = 0;

	s[c] = shutter;
	scan_mode(d, 0x00, g, o, s);
	set_window(d, 500, 4000, 0, 0, 4000, 16, 5, 14);
	simhost_good(d, "1b 00 00 00 01 00", SIM_DIR_OUT, (uint8_t[]){ 0 }, 1);
	read_bytes(d, buf, sizeof(buf));
	for (i = 0; i < 16 * 500; i++) {
		const uint8_t *p = buf + (i / 500) * (540 * 6) + (40 + i % 500) * 6 + 2 * c;

		sum += (unsigned)(p[0] | p[1] << 8);
	}
	return (unsigned)(sum / (16 * 500));
}

/*
 * Saunderson's white balance: at the holder's clear spot, a binary search
 * of each shutter for a mean of 10000 converges; at the opaque spot the
 * unit reads dark whatever the shutter.
 */
static void
test_calibration(void **state)
{
	struct sim_device *d = simhost_open("canon-fs4000us?holder=strip&lamp=600");
	unsigned c, lo, hi, mid, shut[3];

	(void)state;
	no_data(d, "e6 00 00 00 00 00 00 00 00 00");
	no_data(d, "e6 01 04 00 22 00 00 00 00 00");	/* clear spot, 34 */
	no_data(d, "e8 0c 00 00 00 00 00 00 00 00");
	for (c = 0; c < 3; c++) {
		lo = 0;
		hi = 890;
		while (lo < hi) {
			mid = (lo + hi) / 2;
			if (stationary_mean(d, mid, c) < 10000)
				lo = mid + 1;
			else
				hi = mid;
		}
		shut[c] = lo;
		assert_in_range(stationary_mean(d, lo, c), 9900, 10200);
	}
	/* The CCD's rows differ: red needs the longest shutter, blue the shortest. */
	assert_true(shut[0] > shut[1] && shut[1] > shut[2]);
	no_data(d, "e6 01 04 00 5a 00 00 00 00 00");	/* opaque spot, 90 */
	for (c = 0; c < 3; c++)
		assert_in_range(stationary_mean(d, 890, c), 0, 400);
	sim_close(d);
}

/*
 * One rendered 250-pixel line of 16-bit RGB over the whole CCD at the
 * strip's unexposed negative base, which is the same everywhere: its
 * minimum and maximum per colour, the middle pixel, and the largest step
 * between neighbours.
 */
static void
render_base_line(const char *extra, unsigned lo[3], unsigned hi[3], unsigned mid[3],
    unsigned *step)
{
	char win[256];
	unsigned w, h, maxv, i, c, v, prev[3] = { 0, 0, 0 };
	uint8_t *img;

	snprintf(win, sizeof(win), "xres=250 yres=250 x=0 y=0 w=4000 l=16 bpp=16 "
	    "pos=100 holder=strip film=negative %s", extra);
	img = render(win, &w, &h, &maxv);
	assert_int_equal(w, 250);
	assert_int_equal(h, 1);
	for (c = 0; c < 3; c++) {
		lo[c] = 65535;
		hi[c] = 0;
	}
	*step = 0;
	for (i = 0; i < w; i++) {
		for (c = 0; c < 3; c++) {
			v = (unsigned)img[6 * i + 2 * c] << 8 | img[6 * i + 2 * c + 1];
			lo[c] = v < lo[c] ? v : lo[c];
			hi[c] = v > hi[c] ? v : hi[c];
			if (i == w / 2)
				mid[c] = v;
			if (i > 0 && (v > prev[c] ? v - prev[c] : prev[c] - v) > *step)
				*step = v > prev[c] ? v - prev[c] : prev[c] - v;
			prev[c] = v;
		}
	}
	free(img);
}

/*
 * What a calibrating driver makes of uniform film: the lens's falloff
 * (6 % at the ends of the line) and the pixels' streaks are gone, and the
 * middle of the line keeps its level less the CCD's dark.
 */
static void
test_render_calibration(void **state)
{
	unsigned lo[3], hi[3], mid[3], clo[3], chi[3], cmid[3], c, step, cstep;

	(void)state;
	render_base_line("", lo, hi, mid, &step);
	render_base_line("calib=375,176,117", clo, chi, cmid, &cstep);
	assert_true(step > 200);	/* raw: neighbours differ by streaks */
	assert_true(cstep <= 16);
	for (c = 0; c < 3; c++) {
		assert_true(hi[c] - lo[c] > hi[c] / 25);	/* raw: over 4 % of falloff */
		assert_true(chi[c] - clo[c] <= 16);		/* calibrated: 4 counts of 14 bits */
		assert_true(cmid[c] < mid[c]);			/* the dark is off */
		assert_true(mid[c] - cmid[c] < 2000);		/* and only the dark */
	}
}

/*
 * Where the thumbnail must show what, from the model's layout of the
 * slide holder and its film (fsim_image.c, film.c), not from its code:
 * thumbnail line m sees holder coordinate 36 * 300 + m * 25 * 27 film
 * units (a holder position is 300 of them, a device unit 27, a line at
 * 160 dpi 25 device units); frame f's picture starts 118 device units
 * after the holder position of its scan, is 5669 long and 3780 wide from
 * device x 110; its first quarter is two rows of six colour patches,
 * their order rotated by the frame number (0-based).  Lines come as 40
 * margin pixels, then the window's pixels mirrored.
 */
#define TH_PX		160
#define TH_LINES	1448
#define TH_BPL		((40 + TH_PX) * 3)
#define TH_ORIGIN	(36 * 300)
#define TH_PITCH	(25 * 27)
#define PIC_X		110
#define PIC_W		3780
#define PIC_TOP		(118 * 27)
#define PIC_H		(5669 * 27)

static const uint16_t slide_scan[4] = { 554, 1332, 2110, 2888 };

/* The thumbnail line that sees holder coordinate HC. */
static int
th_line(int64_t hc)
{
	return (int)((hc - TH_ORIGIN) / TH_PITCH);
}

/* Sample C of the pixel at device X on thumbnail line M. */
static unsigned
th_at(const uint8_t *img, int m, unsigned x, unsigned c)
{
	unsigned i = x / 25;

	return img[(size_t)m * TH_BPL + (40 + TH_PX - 1 - i) * 3 + c];
}

/* The median of colour C over 9 x 9 pixels around (X, M): dust is small. */
static unsigned
th_median(const uint8_t *img, int m, unsigned x, unsigned c)
{
	unsigned n[256] = { 0 }, k, seen = 0;
	int dy, dx;

	for (dy = -4; dy <= 4; dy++)
		for (dx = -4; dx <= 4; dx++)
			n[th_at(img, m + dy, (unsigned)((int)x + dx * 25), c)]++;
	for (k = 0; k < 256; k++)
		if ((seen += n[k]) > 40)
			break;
	return k;
}

/*
 * Frame F's patches: the first eight of film.c's twelve are every
 * combination of full and no red, green and blue (patch q has red unless
 * q & 2, green unless q & 4, blue unless q & 1); the other four, mixed
 * tones, are not looked at.  Full shows above 200 of 255, none below 40
 * (the film's density floor, the lens's falloff and the dark level
 * between them).  A frame missing, moved by a patch, or another frame in
 * its place fails one of them.
 */
static void
th_check_patches(const uint8_t *img, unsigned f)
{
	int64_t top = (int64_t)slide_scan[f] * 300 + PIC_TOP;
	unsigned row, col, q, c, v, want[3];

	for (row = 0; row < 2; row++) {
		for (col = 0; col < 6; col++) {
			q = (col + 6 * row + f) % 12;
			if (q >= 8)
				continue;
			want[0] = !(q & 2);
			want[1] = !(q & 4);
			want[2] = !(q & 1);
			for (c = 0; c < 3; c++) {
				v = th_median(img, th_line(top + (int64_t)(2 * row + 1) * PIC_H / 16),
				    PIC_X + (2 * col + 1) * PIC_W / 12, c);
				if (want[c] ? v <= 200 : v >= 40)
					fail_msg("frame %u patch %u,%u colour %u: %u, want %s",
					    f + 1, row, col, c, v, want[c] ? "full" : "none");
			}
		}
	}
}

/* Lines FROM to TO, device x X0 to X1 (exclusive), show the opaque mount. */
static void
th_check_mount(const uint8_t *img, int from, int to, unsigned x0, unsigned x1)
{
	unsigned x, c, v;
	int m;

	for (m = from; m <= to; m++)
		for (x = x0 - x0 % 25; x < x1; x += 25)
			for (c = 0; c < 3; c++)
				if ((v = th_at(img, m, x, c)) >= 20)
					fail_msg("mount line %d x %u colour %u: %u", m, x, c, v);
}

/* A thumbnail covers the whole holder: every frame shows, where it is. */
static void
test_thumbnail(void **state)
{
	struct sim_device *d = simhost_open("canon-fs4000us?holder=slide&lamp=60");
	uint8_t b[72], r[72];
	uint8_t *img = malloc(TH_BPL * TH_LINES);
	int prev_end = 0, first, last;
	unsigned f;

	(void)state;
	memset(b, 0, sizeof(b));
	b[7] = 64;
	simhost_put_be(b + 10, 2, 160);
	simhost_put_be(b + 12, 2, 160);
	simhost_put_be(b + 22, 4, 4000);
	simhost_put_be(b + 26, 4, TH_LINES);
	b[33] = 5;
	b[34] = 8;
	b[54] = 2;
	simhost_good(d, "f0 00 00 00 00 00 00 00 48 00", SIM_DIR_OUT, b, sizeof(b));
	simhost_good(d, "f1 01 00 00 00 00 00 00 48 00", SIM_DIR_IN, r, sizeof(r));
	assert_int_equal(simhost_be(r + 26, 4), TH_LINES);
	scan_mode(d, 0x03, (unsigned[]){ 47, 36, 36 }, (unsigned[]){ 0, 0, 0 },
	    (unsigned[]){ 750, 352, 235 });
	simhost_good(d, "d8 00 00 00 01 00", SIM_DIR_OUT, (uint8_t[]){ 0 }, 1);
	data_status(d, (uint32_t)(TH_BPL * TH_LINES), (uint32_t)TH_BPL, TH_LINES);
	read_bytes(d, img, TH_BPL * TH_LINES);
	for (f = 0; f < 4; f++) {
		first = th_line((int64_t)slide_scan[f] * 300 + PIC_TOP);
		last = th_line((int64_t)slide_scan[f] * 300 + PIC_TOP + PIC_H);
		/* The mount before the frame, a line's rounding left either side. */
		th_check_mount(img, prev_end + 2, first - 1, 0, TH_PX * 25);
		th_check_patches(img, f);
		/* Beside the picture, across: the mount too. */
		last = last < TH_LINES ? last : TH_LINES;
		th_check_mount(img, first, last - 1, 0, PIC_X - 25);
		th_check_mount(img, first, last - 1, PIC_X + PIC_W + 25, TH_PX * 25);
		prev_end = last;
	}
	free(img);
	sim_close(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checklist_a),
		cmocka_unit_test(test_checklist_b),
		cmocka_unit_test(test_format_forward),
		cmocka_unit_test(test_format_reverse),
		cmocka_unit_test(test_sample_packing),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_holder_events),
		cmocka_unit_test(test_lamp),
		cmocka_unit_test(test_calibration),
		cmocka_unit_test(test_render_calibration),
		cmocka_unit_test(test_thumbnail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
