/*
 * broker.c - SCSI for the processes a backend forks.
 *
 * sharp forks its reader, which goes on sending commands on the sanei fd
 * it inherited, as a child may with a real sg fd.  Here the LUN is an
 * iSCSI session or a simulated scanner inside this process: a copy of it
 * in the child would drift from the parent's (command numbers, the
 * scanner's state), and both would talk on one socket.  So the helper
 * defines fork() (backends call it through their PLT, as they call
 * sanei_scsi): each child gets a socket to its parent, where a thread runs
 * the child's commands on the one LUN, under its lock, one at a time with
 * the parent's own.  The sense handler still runs in the child, with the
 * child's copy of the backend's state, as it would on sg.
 *
 * Both ends are this file in one executable; each still checks every
 * length it reads, as for any peer.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scsaned/log.h"
#include "backend_int.h"

struct broker_req {
	uint32_t cdb_len;
	uint8_t cdb[16];
	uint32_t dir;		/* enum scsi_dir */
	uint32_t len;		/* data out follows, or data in is asked */
	uint32_t timeout_ms;
};

struct broker_rep {
	int32_t rc;		/* scsi_execute's */
	struct scsi_result res;
	uint32_t len;		/* data in that follows */
};

static int child_fd = -1;	/* in a forked child: its socket to the parent */

static int
full_io(int fd, void *p, size_t n, int out)
{
	ssize_t k;

	while (n > 0) {
		k = out ? send(fd, p, n, MSG_NOSIGNAL) : recv(fd, p, n, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p = (uint8_t *)p + k;
		n -= (size_t)k;
	}
	return 0;
}

/* One command of the child's, run on the LUN, its outcome sent back. */
static int
serve_one(int fd, uint8_t *buf)
{
	struct broker_req rq;
	struct broker_rep rp;

	if (full_io(fd, &rq, sizeof(rq), 0) < 0)
		return -1;		/* the child is gone */
	if (rq.cdb_len == 0 || rq.cdb_len > sizeof(rq.cdb) || rq.len > LUN_BUFFER_MAX ||
	    rq.dir > SCSI_DIR_OUT) {
		log_err("backend host: a forked process sent a bad command");
		return -1;
	}
	if (rq.dir == SCSI_DIR_OUT && full_io(fd, buf, rq.len, 0) < 0)
		return -1;
	memset(&rp, 0, sizeof(rp));
	if (rq.dir == SCSI_DIR_IN)
		memset(buf, 0, rq.len);	/* never an earlier command's bytes */
	rp.rc = lun_execute(rq.cdb, rq.cdb_len, (enum scsi_dir)rq.dir, buf, rq.len,
	    rq.timeout_ms, &rp.res);
	/*
	 * Only what the device sent: the rest of the child's buffer keeps
	 * what it held, as in the parent, where the transport writes into
	 * the backend's own buffer.
	 */
	if (rq.dir == SCSI_DIR_IN && rp.rc == 0 && rp.res.residual < rq.len)
		rp.len = rq.len - (uint32_t)rp.res.residual;
	if (full_io(fd, &rp, sizeof(rp), 1) < 0 || full_io(fd, buf, rp.len, 1) < 0)
		return -1;
	return 0;
}

/* The parent's thread for one child: until the child closes its end. */
static void *
serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	uint8_t *buf = malloc(LUN_BUFFER_MAX);

	while (buf != NULL && serve_one(fd, buf) == 0)
		;
	free(buf);
	close(fd);
	return NULL;
}

int
broker_child(void)
{
	return child_fd >= 0;
}

int
broker_execute(const uint8_t *cdb, size_t cdb_len, enum scsi_dir dir, void *buf,
    size_t len, unsigned timeout_ms, struct scsi_result *res)
{
	struct broker_req rq;
	struct broker_rep rp;

	memset(res, 0, sizeof(*res));
	res->transport_error = SCSI_TERR_LINK;
	if (cdb_len == 0 || cdb_len > sizeof(rq.cdb) || len > LUN_BUFFER_MAX)
		return -1;
	memset(&rq, 0, sizeof(rq));
	rq.cdb_len = (uint32_t)cdb_len;
	memcpy(rq.cdb, cdb, cdb_len);
	rq.dir = (uint32_t)dir;
	rq.len = (uint32_t)len;
	rq.timeout_ms = timeout_ms;
	if (full_io(child_fd, &rq, sizeof(rq), 1) < 0 ||
	    (dir == SCSI_DIR_OUT && full_io(child_fd, buf, len, 1) < 0) ||
	    full_io(child_fd, &rp, sizeof(rp), 0) < 0 ||
	    rp.len > (dir == SCSI_DIR_IN ? len : 0) || rp.res.sense_len > SCSI_SENSE_MAX ||
	    full_io(child_fd, buf, rp.len, 0) < 0) {
		log_err("backend host: lost the parent's LUN");
		return -1;
	}
	*res = rp.res;
	return rp.rc;
}

/*
 * The fork backends call.  A child that cannot have its socket (no
 * socketpair, no thread) is still made, and its commands fail as the
 * LUN's loss.
 */
pid_t
fork(void)
{
	static pid_t (*real)(void);
	pthread_t t;
	int sv[2], have;
	pid_t pid;

	if (real == NULL && (*(void **)&real = dlsym(RTLD_NEXT, "fork")) == NULL) {
		errno = ENOSYS;
		return -1;
	}
	have = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0;
	lun_fork(LUN_FORK_BEFORE);
	pid = real();
	lun_fork(pid == 0 ? LUN_FORK_CHILD : LUN_FORK_PARENT);
	if (pid == 0) {
		if (have) {
			close(sv[0]);
			child_fd = sv[1];
		}
		return 0;
	}
	if (have) {
		close(sv[1]);
		if (pid < 0 || pthread_create(&t, NULL, serve, (void *)(intptr_t)sv[0]) != 0)
			close(sv[0]);
		else
			pthread_detach(t);
	}
	return pid;
}
