/* fuzz_config.c - libFuzzer harness for the scsaned.conf parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	char err[256];
	int i;

	config_init(&c);
	if (config_parse(&c, "fuzz", (const char *)data, size, err, sizeof(err)) == 0) {
		for (i = 0; i < c.ndevices; i++)
			if (strlen(c.devices[i].name) == 0 || strlen(c.devices[i].uri) == 0)
				abort();
	} else if (strncmp(err, "fuzz:", 5) != 0) {
		abort();	/* every error names the source and line */
	}
	config_free(&c);
	return 0;
}
