/*
 * test_coolscan.c - the Coolscan driver's pure parts: page C1 with its
 * lengths and model quirks, and the conversion of device planes to SANE
 * pixels (averaging, the pad byte, 16-bit scaling, the film base).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/drivers/coolscan/coolscan.h"

static void
page_c1(uint8_t *p, unsigned bits)
{
	memset(p, 0, 100);
	p[1] = 0xc1;
	p[3] = 96;
	p[20] = 0x0a; p[21] = 0x8c;		/* 2700 */
	p[22] = 0x01; p[23] = 0x2c;		/* 300 */
	p[38] = 0x0a; p[39] = 0x20;		/* x boundary 2592 */
	p[60] = 0x0f; p[61] = 0x30;		/* y boundary 3888 */
	p[75] = 6;
	p[79] = 100;
	p[82] = (uint8_t)bits;
}

static void
test_caps(void **state)
{
	struct cs_caps c;
	uint8_t p[100];

	(void)state;
	page_c1(p, 12);
	assert_int_equal(cs_caps_parse(p, 100, "LS-2000", &c), 0);
	assert_int_equal(c.max_dpi, 2700);
	assert_int_equal(c.frames, 6);
	assert_int_equal(c.bits, 12);
	assert_int_equal(c.max_samples, 16);
	assert_int_equal(cs_caps_parse(p, 100, "COOLSCANIII", &c), 0);
	assert_int_equal(c.bits, 10);		/* the LS-30 claims 12 */
	assert_int_equal(c.max_samples, 1);
	assert_int_equal(cs_caps_parse(p, 82, "LS-2000", &c), -1);	/* short */
	p[1] = 0xc0;
	assert_int_equal(cs_caps_parse(p, 100, "LS-2000", &c), -1);	/* not C1 */
	page_c1(p, 40);
	assert_int_equal(cs_caps_parse(p, 100, "LS-2000", &c), -1);	/* nonsense bits */
	page_c1(p, 12);
	p[61] = 0xff; p[60] = 0xff;
	assert_int_equal(cs_caps_parse(p, 100, "LS-2000", &c), -1);	/* frame > pitch */
}

/* 3 pixels, 8-bit, odd width with a pad, two passes averaged. */
static void
test_convert_8bit(void **state)
{
	struct cs_pass p = { .nplanes = 3, .width = 3, .lines = 1, .bps = 1, .samples = 2,
	    .pad = 1, .bits = 8 };
	uint8_t src[2 * 3 * 4] = {
		0, 10, 20, 30,  0, 40, 50, 60,  0, 70, 80, 90,		/* pass 1 */
		0, 12, 22, 32,  0, 42, 52, 62,  0, 72, 82, 92,		/* pass 2 */
	};
	uint8_t out[9];
	static const uint8_t want[9] = { 11, 41, 71, 21, 51, 81, 31, 61, 91 };

	(void)state;
	p.dev_line = sizeof(src);
	cs_convert(&p, src, 1, out);
	assert_memory_equal(out, want, sizeof(want));
}

/* 12-bit samples to the full 16-bit range; a negative's base removed. */
static void
test_convert_16bit(void **state)
{
	struct cs_pass p = { .nplanes = 3, .width = 1, .lines = 1, .bps = 2, .samples = 1,
	    .bits = 12 };
	uint8_t src[6] = { 0x0f, 0xff, 0x00, 0x00, 0x08, 0x00 };
	uint16_t out[3];

	(void)state;
	p.dev_line = sizeof(src);
	cs_convert(&p, src, 1, (uint8_t *)out);
	assert_int_equal(out[0], 0xffff);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], 0x8008);
	p.negative = 1;
	p.base[0] = p.base[1] = p.base[2] = 0x800;
	cs_convert(&p, src, 1, (uint8_t *)out);
	assert_int_equal(out[0], 0xffff);	/* the top stays the top */
	assert_int_equal(out[1], 0);		/* below the base: black */
	assert_int_equal(out[2], 0);		/* the base itself: black */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_convert_8bit),
		cmocka_unit_test(test_convert_16bit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
