/*
 * fuzz_coolscan.c - libFuzzer harness for what the Coolscan driver takes
 * from a scanner: page C1 (what it can do, read as open reads it), the
 * GET WINDOW replies of auto-exposure and of every pass, GET PARAMETER,
 * sense, and READ data short or whole, through the driver's own start,
 * read and cancel (tests/fuzz/fake_target.h gives the input's layout).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/driver.h"
#include "scsaned/scsi_opcodes.h"
#include "../../src/drivers/coolscan/coolscan.h"
#include "fake_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The products the driver knows; the first option byte picks one. */
static const char *const products[] = { "COOLSCANIII", "LS-2000", "LS-4000 ED", "LS-8000 ED" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct device_ops *ops = driver_coolscan.ops;
	struct fake_target f;
	struct scsi_result res;
	uint8_t opts[FAKE_OPT_BYTES], page[100];
	struct cs *s;
	size_t got;

	fake_init(&f, data, size, opts);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return 0;
	fake_enter();
	/* What open does after INQUIRY, against the fake device. */
	s->dev = &fake_dev;
	s->t = &f.head;
	memset(page, 0, sizeof(page));
	if (scsi_inquiry_vpd(s->t, NIKON_VPD_CAPABILITIES, page, sizeof(page), &got, &res) != 0 ||
	    cs_caps_parse(page, got, products[opts[0] % 4], &s->caps) < 0)
		return fake_refused(s);
	if (s->caps.min_dpi == 0 || s->caps.max_dpi < s->caps.min_dpi || s->caps.frames == 0)
		abort();	/* cs_caps_parse accepted what the options cannot use */
	cs_opts_init(s);
	fake_drive(ops, s, opts);
	return 0;
}
