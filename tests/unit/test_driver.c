/*
 * test_driver.c - the scsi2 driver through its device_ops, against the
 * simulated flatbed: option constraints, reads of any size giving the same
 * bytes, and what is refused while scanning.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sane/saneopts.h>

#include "scsaned/driver.h"
#include "scsaned/log.h"

static struct device dev;

static void *
open_dev(const char *uri)
{
	char err[256];
	void *h = NULL;

	memset(&dev, 0, sizeof(dev));
	strcpy(dev.name, "t");
	strcpy(dev.uri, uri);
	if (driver_probe(&dev, err, sizeof(err)) < 0)
		fail_msg("probe: %s", err);
	assert_string_equal(dev.driver, "scsi2");
	assert_int_equal(dev.ops->open(&dev, &h), SANE_STATUS_GOOD);
	return h;
}

/* The number of the option called NAME; fails the test if there is none. */
static int
opt_num(void *h, const char *name)
{
	const SANE_Option_Descriptor *o;
	SANE_Word count;
	int i;

	assert_int_equal(dev.ops->control(h, 0, SANE_ACTION_GET_VALUE, &count, NULL),
	    SANE_STATUS_GOOD);
	for (i = 1; i < count; i++)
		if ((o = dev.ops->option(h, i)) != NULL && o->name != NULL &&
		    strcmp(o->name, name) == 0)
			return i;
	fail_msg("no option %s", name);
	return -1;
}

static SANE_Status
set_word(void *h, int opt, SANE_Word v, SANE_Word *out, SANE_Int *info)
{
	SANE_Status st = dev.ops->control(h, opt, SANE_ACTION_SET_VALUE, &v, info);

	*out = v;
	return st;
}

static void
test_constraints(void **state)
{
	void *h = open_dev("sim:scsi2-flatbed?warmup=3");
	char mode[16] = "Sepia";
	SANE_Word v;
	SANE_Int info;

	int res = opt_num(h, SANE_NAME_SCAN_RESOLUTION), depth = opt_num(h, SANE_NAME_BIT_DEPTH);
	int mode_opt = opt_num(h, SANE_NAME_SCAN_MODE);
	SANE_Word count;

	(void)state;
	assert_int_equal(set_word(h, res, 49, &v, &info), SANE_STATUS_GOOD);
	assert_int_equal(v, 50);		/* clamped to the range */
	assert_true(info & SANE_INFO_INEXACT);
	assert_int_equal(set_word(h, depth, 12, &v, &info), SANE_STATUS_GOOD);
	assert_true(v == 8 || v == 16);		/* snapped to the word list */
	assert_int_equal(dev.ops->control(h, mode_opt, SANE_ACTION_SET_VALUE, mode, &info),
	    SANE_STATUS_INVAL);
	strcpy(mode, SANE_VALUE_SCAN_MODE_LINEART);
	assert_int_equal(dev.ops->control(h, mode_opt, SANE_ACTION_SET_VALUE, mode, &info),
	    SANE_STATUS_GOOD);
	assert_true(info & SANE_INFO_RELOAD_OPTIONS);
	assert_true(dev.ops->option(h, depth)->cap & SANE_CAP_INACTIVE);
	assert_int_equal(set_word(h, depth, 8, &v, &info), SANE_STATUS_INVAL);
	assert_int_equal(dev.ops->control(h, 0, SANE_ACTION_GET_VALUE, &count, NULL),
	    SANE_STATUS_GOOD);
	assert_null(dev.ops->option(h, count));
	assert_int_equal(set_word(h, count + 87, 1, &v, &info), SANE_STATUS_INVAL);
	dev.ops->close(h);
}

/* Read a whole frame in chunks of MAX; return a malloc'ed copy. */
static uint8_t *
scan_all(void *h, SANE_Int max, size_t *len)
{
	SANE_Parameters p;
	uint8_t *img;
	SANE_Int n;
	SANE_Status st;
	size_t total;

	assert_int_equal(dev.ops->start(h), SANE_STATUS_GOOD);
	assert_int_equal(dev.ops->parameters(h, &p), SANE_STATUS_GOOD);
	total = (size_t)p.bytes_per_line * (size_t)p.lines;
	img = malloc(total + (size_t)max);
	*len = 0;
	while ((st = dev.ops->read(h, img + *len, max, &n)) == SANE_STATUS_GOOD) {
		assert_true(n >= 0 && n <= max);
		*len += (size_t)n;
		assert_true(*len <= total);
	}
	assert_int_equal(st, SANE_STATUS_EOF);
	assert_int_equal(*len, total);
	dev.ops->cancel(h);
	return img;
}

/* Set option NAME to V and check the device took exactly that. */
static void
set_exact(void *h, const char *name, SANE_Word v)
{
	SANE_Word got;
	SANE_Int info = 0;

	assert_int_equal(set_word(h, opt_num(h, name), v, &got, &info), SANE_STATUS_GOOD);
	assert_int_equal(got, v);
	assert_false(info & SANE_INFO_INEXACT);
	assert_int_equal(dev.ops->control(h, opt_num(h, name), SANE_ACTION_GET_VALUE, &got,
	    NULL), SANE_STATUS_GOOD);
	assert_int_equal(got, v);
}

static void
test_any_read_size(void **state)
{
	void *h = open_dev("sim:scsi2-flatbed");
	SANE_Int info = 0;
	SANE_Parameters p;
	char mode[16] = SANE_VALUE_SCAN_MODE_COLOR;
	uint8_t *a, *b, *c;
	size_t la, lb, lc;

	(void)state;
	assert_int_equal(dev.ops->control(h, opt_num(h, SANE_NAME_SCAN_MODE),
	    SANE_ACTION_SET_VALUE, mode, &info), SANE_STATUS_GOOD);
	assert_false(info & SANE_INFO_INEXACT);
	set_exact(h, SANE_NAME_BIT_DEPTH, 16);
	set_exact(h, SANE_NAME_SCAN_RESOLUTION, 100);
	set_exact(h, SANE_NAME_SCAN_BR_X, SANE_FIX(30.0));
	set_exact(h, SANE_NAME_SCAN_BR_Y, SANE_FIX(20.0));
	/* The image is what the options say: 16-bit RGB, 30 x 20 mm at 100 dpi. */
	assert_int_equal(dev.ops->parameters(h, &p), SANE_STATUS_GOOD);
	assert_int_equal(p.format, SANE_FRAME_RGB);
	assert_int_equal(p.depth, 16);
	assert_in_range(p.pixels_per_line, 117, 119);
	assert_in_range(p.lines, 78, 79);
	assert_int_equal(p.bytes_per_line, p.pixels_per_line * 6);
	a = scan_all(h, 1 << 20, &la);
	b = scan_all(h, 7, &lb);		/* less than a line */
	c = scan_all(h, 1000, &lc);		/* a line and a bit */
	assert_memory_equal(a, b, la);
	assert_memory_equal(a, c, la);
	free(a);
	free(b);
	free(c);
	dev.ops->close(h);
}

static void
test_busy_while_scanning(void **state)
{
	void *h = open_dev("sim:scsi2-flatbed");
	SANE_Word v;
	SANE_Int info;
	uint8_t buf[64];
	SANE_Int n;
	int res = opt_num(h, SANE_NAME_SCAN_RESOLUTION);

	(void)state;
	assert_int_equal(dev.ops->start(h), SANE_STATUS_GOOD);
	assert_int_equal(dev.ops->start(h), SANE_STATUS_DEVICE_BUSY);
	assert_int_equal(set_word(h, res, 150, &v, &info), SANE_STATUS_DEVICE_BUSY);
	assert_int_equal(dev.ops->control(h, res, SANE_ACTION_GET_VALUE, &v, &info),
	    SANE_STATUS_GOOD);
	assert_int_equal(dev.ops->read(h, buf, sizeof(buf), &n), SANE_STATUS_GOOD);
	dev.ops->cancel(h);
	assert_int_equal(dev.ops->read(h, buf, sizeof(buf), &n), SANE_STATUS_CANCELLED);
	assert_int_equal(set_word(h, res, 150, &v, &info), SANE_STATUS_GOOD);
	dev.ops->close(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constraints),
		cmocka_unit_test(test_any_read_size),
		cmocka_unit_test(test_busy_while_scanning),
	};

	log_set_level(LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
