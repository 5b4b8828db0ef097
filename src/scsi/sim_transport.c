/*
 * scsi/sim_transport.c - the sim: transport: a simulated device in this process.
 *
 * URI: sim:MODEL[?options], options as in sim.h.  Each open creates a fresh
 * device (power-on state), like plugging in a scanner.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scsaned/scsi.h"
#include "scsaned/sim.h"

struct sim_target {
	struct scsi_target head;	/* first: the scsi_target cast */
	struct sim_device *dev;
};

static int
simt_open(const char *uri, struct scsi_target **out, char *err, size_t errlen)
{
	struct sim_target *t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return SCSI_OPEN_FAILED;
	}
	if ((t->dev = sim_open(uri + 4, err, errlen)) == NULL) {
		free(t);
		return SCSI_OPEN_FAILED;
	}
	t->head.ops = &scsi_sim_transport;
	snprintf(t->head.uri, sizeof(t->head.uri), "%s", uri);
	*out = &t->head;
	return 0;
}

static int
simt_execute(struct scsi_target *st, const uint8_t *cdb, size_t cdb_len,
    enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms,
    struct scsi_result *res)
{
	struct sim_target *t = (struct sim_target *)st;
	struct sim_io io;

	memset(&io, 0, sizeof(io));
	io.cdb = cdb;
	io.cdb_len = cdb_len;
	io.dir = dir == SCSI_DIR_IN ? SIM_DIR_IN :
	    dir == SCSI_DIR_OUT ? SIM_DIR_OUT : SIM_DIR_NONE;
	io.buf = buf;
	io.buflen = len;
	sim_command(t->dev, &io);
	if (io.link_error) {
		res->transport_error = SCSI_TERR_LINK;
		return -1;
	}
	if (io.hung) {
		/* Nothing comes back: the command's timeout is what ends it. */
		struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
		res->transport_error = SCSI_TERR_TIMEOUT;
		return -1;
	}
	res->status = io.status;
	res->sense_len = io.sense_len;
	memcpy(res->sense, io.sense, io.sense_len);
	res->residual = io.xfer <= len ? len - io.xfer : 0;
	return 0;
}

static void
simt_close(struct scsi_target *st)
{
	struct sim_target *t = (struct sim_target *)st;

	sim_close(t->dev);
	free(t);
}

const struct scsi_transport_ops scsi_sim_transport = {
	.scheme = "sim:",
	.open = simt_open,
	.execute = simt_execute,
	.close = simt_close,
	.instance = 1,		/* a fresh device per open: see the top */
};
