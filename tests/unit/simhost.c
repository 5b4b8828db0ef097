/*
 * simhost.c - the host end of a simulated device for unit tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "simhost.h"

struct sim_device *
simhost_open(const char *spec)
{
	char err[256];
	struct sim_device *d = sim_open(spec, err, sizeof(err));

	if (d == NULL)
		fail_msg("sim_open(%s): %s", spec, err);
	return d;
}

void
simhost_cmd(struct sim_device *d, const uint8_t *cdb, size_t cdb_len,
    enum sim_dir dir, void *buf, size_t len, struct sim_io *io)
{
	memset(io, 0, sizeof(*io));
	io->cdb = cdb;
	io->cdb_len = cdb_len;
	io->dir = dir;
	io->buf = buf;
	io->buflen = len;
	sim_command(d, io);
}

/*
 * The CDB lives in static storage: a sim_io keeps a pointer to it, and
 * callers look at the outcome after the call.
 */
struct sim_io
simhost_run(struct sim_device *d, const char *hex, enum sim_dir dir,
    void *buf, size_t len)
{
	static uint8_t cdb[16];
	struct sim_io io;
	size_t n = 0;
	unsigned v;

	while (*hex != '\0') {
		if (*hex == ' ') {
			hex++;
			continue;
		}
		if (n == sizeof(cdb) || sscanf(hex, "%2x", &v) != 1)
			fail_msg("bad cdb hex");
		cdb[n++] = (uint8_t)v;
		hex += 2;
	}
	simhost_cmd(d, cdb, n, dir, buf, len, &io);
	return io;
}

void
simhost_good(struct sim_device *d, const char *hex, enum sim_dir dir,
    void *buf, size_t len)
{
	struct sim_io io = simhost_run(d, hex, dir, buf, len);

	if (io.status != 0)
		fail_msg("%s: status %02x sense %x/%02x/%02x", hex, io.status,
		    io.sense[2] & 0x0f, io.sense[12], io.sense[13]);
}

uint32_t
simhost_be(const uint8_t *p, size_t n)
{
	uint32_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

void
simhost_put_be(uint8_t *p, size_t n, uint32_t v)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}
