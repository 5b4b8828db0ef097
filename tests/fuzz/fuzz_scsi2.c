/*
 * fuzz_scsi2.c - libFuzzer harness for what the scsi2 driver parses from a
 * device: the capabilities page (VPD F0h) and GET WINDOW replies, and the
 * SANE parameters it derives from a window it accepted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/drivers/scsi2/scsi2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct s2_caps caps;
	struct s2_window got, want;
	SANE_Parameters p;

	s2_caps_defaults(&caps);
	if (s2_caps_parse(data, size, &caps) &&
	    (caps.min_res <= 0 || caps.max_res < caps.min_res || caps.width_u <= 0))
		abort();
	memset(&got, 0, sizeof(got));
	if (s2_window_parse(data, size, &got) == 0) {
		want = got;	/* as if we had asked for exactly this */
		if (s2_window_usable(&want, &got)) {
			s2_params_from_window(&got, &p);
			if (p.bytes_per_line <= 0 || p.lines <= 0)
				abort();
		}
	}
	return 0;
}
