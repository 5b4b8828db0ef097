/*
 * fuzz_scsi.c - libFuzzer harness for what we parse from devices and
 * configs in the SCSI layer: sense data, INQUIRY data, URIs for display
 * and comparison.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/scsi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scsi_sense_data s;
	struct scsi_inquiry inq;
	char text[300], shown[300], name[64];

	scsi_sense_decode(data, size, &s);
	scsi_sense_string(&s, text, sizeof(text));
	if (s.valid && s.key > 15)
		abort();
	scsi_inquiry_parse(data, size, &inq);
	if (strlen(inq.vendor) > 8 || strlen(inq.product) > 16)
		abort();
	memcpy(text, data, size < sizeof(text) - 1 ? size : sizeof(text) - 1);
	text[size < sizeof(text) - 1 ? size : sizeof(text) - 1] = '\0';
	scsi_uri_display(text, shown, sizeof(shown));
	(void)scsi_uri_same(text, shown);
	scsi_name_from(text, name, sizeof(name));
	return 0;
}
