/*
 * scsi/sg.c - the sg: transport: a local SCSI generic node through
 * libsgutils2's sg_pt interface.
 *
 * URI: sg:/dev/sgN, or any path to the node (a stable udev symlink).
 * The node is opened O_EXCL: while scsaned holds a scanner, neither a local
 * SANE backend nor tgtd can interleave commands with ours, and it cannot
 * take one of theirs (their open makes ours fail with EBUSY).
 *
 * Unlike tgt, the sg driver reports host and driver errors; they become
 * transport errors here, never GOOD.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <scsi/sg_pt.h>

#include "scsaned/scsi.h"

struct sg_target {
	struct scsi_target head;	/* first: the scsi_target cast */
	int fd;
	struct sg_pt_base *pt;
};

static int
sgt_open(const char *uri, struct scsi_target **out, char *err, size_t errlen)
{
	const char *path = uri + 3;
	struct sg_target *t;
	int fd;

	if (*path == '\0') {
		snprintf(err, errlen, "sg: URI without a device path");
		return SCSI_OPEN_FAILED;
	}
	fd = scsi_pt_open_flags(path, O_RDWR | O_EXCL | O_NONBLOCK, 0);
	if (fd < 0) {
		if (-fd == EBUSY) {
			snprintf(err, errlen, "%s is in use by another program "
			    "(a local SANE backend, or tgtd exporting it?)", path);
			return SCSI_OPEN_BUSY;
		}
		snprintf(err, errlen, "%s: %s", path, strerror(-fd));
		return -fd == EACCES || -fd == EPERM ? SCSI_OPEN_DENIED :
		    SCSI_OPEN_FAILED;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->pt = construct_scsi_pt_obj_with_fd(fd, 0)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(t);
		scsi_pt_close_device(fd);
		return SCSI_OPEN_FAILED;
	}
	t->fd = fd;
	t->head.ops = &scsi_sg_transport;
	snprintf(t->head.uri, sizeof(t->head.uri), "%s", uri);
	*out = &t->head;
	return 0;
}

static int
sgt_execute(struct scsi_target *st, const uint8_t *cdb, size_t cdb_len,
    enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms,
    struct scsi_result *res)
{
	struct sg_target *t = (struct sg_target *)st;
	int secs = (int)((timeout_ms + 999) / 1000), rc, n;

	partial_clear_scsi_pt_obj(t->pt);
	set_scsi_pt_cdb(t->pt, cdb, (int)cdb_len);
	set_scsi_pt_sense(t->pt, res->sense, sizeof(res->sense));
	if (dir == SCSI_DIR_IN && len > 0)
		set_scsi_pt_data_in(t->pt, buf, (int)len);
	else if (dir == SCSI_DIR_OUT && len > 0)
		set_scsi_pt_data_out(t->pt, buf, (int)len);
	rc = do_scsi_pt(t->pt, -1, secs > 0 ? secs : 1, 0);
	if (rc == SCSI_PT_DO_TIMEOUT) {
		res->transport_error = SCSI_TERR_TIMEOUT;
		return -1;
	}
	if (rc != 0) {
		res->transport_error = rc == SCSI_PT_DO_BAD_PARAMS ?
		    SCSI_TERR_INVALID : SCSI_TERR_HOST;
		return -1;
	}
	switch (get_scsi_pt_result_category(t->pt)) {
	case SCSI_PT_RESULT_GOOD:
	case SCSI_PT_RESULT_STATUS:
	case SCSI_PT_RESULT_SENSE:
		break;
	default:
		/* Host status DID_TIME_OUT (3): the kernel gave up waiting. */
		res->transport_error = get_scsi_pt_transport_err(t->pt) == 3 ?
		    SCSI_TERR_TIMEOUT : SCSI_TERR_HOST;
		return -1;
	}
	res->status = (uint8_t)get_scsi_pt_status_response(t->pt);
	n = get_scsi_pt_sense_len(t->pt);
	res->sense_len = n > 0 ? ((size_t)n < sizeof(res->sense) ? (size_t)n :
	    sizeof(res->sense)) : 0;
	n = get_scsi_pt_resid(t->pt);
	res->residual = n > 0 ? (size_t)n : 0;
	return 0;
}

static void
sgt_close(struct scsi_target *st)
{
	struct sg_target *t = (struct sg_target *)st;

	destruct_scsi_pt_obj(t->pt);
	scsi_pt_close_device(t->fd);
	free(t);
}

const struct scsi_transport_ops scsi_sg_transport = {
	.scheme = "sg:",
	.open = sgt_open,
	.execute = sgt_execute,
	.close = sgt_close,
	.exclusive = 1,		/* opened O_EXCL: see sgt_open */
};
