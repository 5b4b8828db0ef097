/*
 * fuzz_fs4000.c - libFuzzer harness for what the FS4000US driver takes
 * from the unit: GET FILM STATUS (holder, frames, focus), GET LAMP, GET
 * SCAN MODE, GET WINDOW, GET DATA STATUS, holder news and other sense,
 * and READ data of the prepasses, the calibration and the scan, through
 * the driver's own start, read and cancel (tests/fuzz/fake_target.h
 * gives the input's layout); with the first option byte's top bit set
 * the target queues, so the READs go ahead.
 */
#include <stdint.h>
#include <stdlib.h>

#include "scsaned/driver.h"
#include "../../src/drivers/canon-fs4000/fs4000.h"
#include "fake_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct device_ops *ops = driver_fs4000.ops;
	struct fake_target f;
	uint8_t opts[FAKE_OPT_BYTES];
	struct fs *s;

	fake_init(&f, data, size, opts);
	if (opts[0] & 0x80)
		fake_queue(&f);		/* as over iSCSI: READs go ahead */
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return 0;
	fake_enter();
	/* Open reads nothing from the unit: its state is the options'. */
	s->dev = &fake_dev;
	s->t = &f.head;
	fs_opts_init(s);
	fake_drive(ops, s, opts);
	return 0;
}
