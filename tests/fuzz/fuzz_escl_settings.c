/*
 * fuzz_escl_settings.c - libFuzzer over the eSCL ScanSettings parser: any
 * bytes a client might POST.  It must answer 0 or -1 with a reason, never
 * crash, leak or read past the input; what it accepts must be in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/escl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct escl_settings s;
	char err[200];

	if (escl_settings_parse((const char *)data, size, &s, err, sizeof(err)) == 0) {
		if (s.have_region && (s.w == 0 || s.h == 0 || s.w > ESCL_REGION_MAX))
			abort();
		if (s.xres > ESCL_RES_MAX || s.yres > ESCL_RES_MAX)
			abort();
		if (memchr(s.format, '\0', sizeof(s.format)) == NULL)
			abort();
	} else if (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0') {
		abort();
	}
	return 0;
}
