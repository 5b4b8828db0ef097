/*
 * fuzz_fs2710.c - libFuzzer harness for what the CanoScan 2710 driver
 * takes from the unit: page F0 and MODE SENSE page 03h (read as open
 * reads them), GET WINDOW, GET FILM STATUS, GET DATA STATUS, sense, and
 * READ data, through the driver's own start, read and cancel
 * (tests/fuzz/fake_target.h gives the input's layout); with the first
 * option byte's top bit set the target queues, so the READs go ahead.
 */
#include <stdint.h>
#include <stdlib.h>

#include "scsaned/driver.h"
#include "../../src/drivers/canon-fs2710/fs2710.h"
#include "fake_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct device_ops *ops = driver_fs2710.ops;
	struct fake_target f;
	uint8_t opts[FAKE_OPT_BYTES];
	struct fs27 *s;

	fake_init(&f, data, size, opts);
	if (opts[0] & 0x80)
		fake_queue(&f);		/* as over iSCSI: READs go ahead */
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return 0;
	fake_enter();
	s->dev = &fake_dev;
	s->t = &f.head;
	if (fs27_read_caps(s) != SANE_STATUS_GOOD)
		return fake_refused(s);
	fs27_opts_init(s);
	fake_drive(ops, s, opts);
	return 0;
}
