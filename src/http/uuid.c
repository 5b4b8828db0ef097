/*
 * uuid.c - UUIDs in RFC 4122's text form: a job's random one, and the
 * name-based one a device keeps across restarts (front.c).
 */
#include <stdio.h>

#include "scsaned/auth.h"
#include "http_int.h"

void
uuid_format(const unsigned char b[16], unsigned version, char out[40])
{
	unsigned char v6 = (unsigned char)((b[6] & 0x0f) | (version << 4));
	unsigned char v8 = (unsigned char)((b[8] & 0x3f) | 0x80);	/* the RFC's variant */

	snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5], v6,
	    b[7], v8, b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

int
uuid_random(char out[40])
{
	unsigned char r[16];

	if (auth_random(r, sizeof(r)) < 0)
		return -1;
	uuid_format(r, 4, out);
	return 0;
}
