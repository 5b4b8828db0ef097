/*
 * sanei_scsi.c - sane-backends' sanei_scsi API, answered with scsaned's
 * own SCSI layer, for the one backend this helper hosts.
 *
 * Every Debian SCSI backend calls sanei_scsi_* through its PLT, and the
 * helper is linked so that these definitions come first in the process's
 * global scope: the backend's own copy of sanei_scsi never runs.  What
 * follows keeps what backends rely on in Linux sanei (1.2.1):
 *
 *  - discovery matches vendor, model and type strings by prefix, as the
 *    kernel's sysfs shows them, and attaches LUN_NAME;
 *  - an open is exclusive: a second one answers DEVICE_BUSY (O_EXCL);
 *  - SANE_SCSICMD_TIMEOUT, SANE_SG_BUFFERSIZE, the exact buffer-size echo
 *    of sanei_scsi_open after the first open, data-out truncated to the
 *    buffer size, the residual ignored;
 *  - status: a timeout and BUSY are DEVICE_BUSY, the sense handler runs
 *    only when there are sense bytes, otherwise a non-GOOD status is
 *    IO_ERROR;
 *  - req_enter runs the command at once (sanei uses synchronous SG_IO),
 *    so one command is in flight and flushing never waits.
 *
 * Readers of sanei_thread are pthreads cancelled asynchronously, so every
 * entry point disables cancellation while it holds the LUN's lock; the
 * lock is recursive because a sense handler may itself send a command.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scsaned/log.h"
#include "scsaned/scsi.h"
#include "backend_int.h"

#define BUFFER_DEFAULT	131072		/* Debian's SCSIBUFFERSIZE */
#define TIMEOUT_DEFAULT	120

int sanei_scsi_max_request_size = BUFFER_DEFAULT;

struct req {
	struct req *next;
	SANE_Status status;
};

static pthread_mutex_t lun_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static struct {
	char uri[256];
	unsigned timeout_ms;		/* the config's override, or 0 */
	pid_t owner;			/* the helper, not a forked child */
	struct scsi_target *t;
	uint8_t inq[36];
	int first_open_done;		/* sanei_scsi_open's "first_time" */
	/* The one open: fd, sense handler, buffer, timeout, entered requests. */
	int fd;
	SANEI_SCSI_Sense_Handler handler;
	void *arg;
	int bufsize;
	unsigned fd_timeout_ms;
	struct req *head, *tail;
} lun = { .fd = -1 };

#define ENTER(cs) do { pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &(cs)); \
	pthread_mutex_lock(&lun_lock); } while (0)
#define LEAVE(cs) do { pthread_mutex_unlock(&lun_lock); \
	pthread_setcancelstate((cs), NULL); } while (0)

void
lun_configure(const char *uri, unsigned timeout_ms)
{
	int cs;

	ENTER(cs);
	if (strcmp(uri, lun.uri) != 0) {
		scsi_close(lun.t);
		lun.t = NULL;
	}
	snprintf(lun.uri, sizeof(lun.uri), "%s", uri);
	lun.timeout_ms = timeout_ms;
	lun.owner = getpid();
	lun.first_open_done = 0;
	sanei_scsi_max_request_size = BUFFER_DEFAULT;
	LEAVE(cs);
}

void
lun_shutdown(void)
{
	int cs;

	ENTER(cs);
	scsi_close(lun.t);
	lun.t = NULL;
	LEAVE(cs);
}

/*
 * The target, opened at first need, with its INQUIRY read once.  A
 * forked child (sharp's reader) never touches its copy: its commands go
 * to the parent's LUN through broker.c; a child without that is refused.
 */
static SANE_Status
lun_reach(void)
{
	static const uint8_t cdb[6] = { 0x12, 0, 0, 0, 36, 0 };
	struct scsi_result res;
	char err[256], shown[256];
	int rc;

	if (getpid() != lun.owner) {
		if (broker_child())
			return SANE_STATUS_GOOD;
		log_err("backend host: a forked process cannot share %s",
		    scsi_uri_display(lun.uri, shown, sizeof(shown)));
		return SANE_STATUS_IO_ERROR;
	}
	if (lun.t != NULL)
		return SANE_STATUS_GOOD;
	if ((rc = scsi_open(lun.uri, &lun.t, err, sizeof(err))) < 0) {
		log_err("backend host: %s", err);
		return rc == SCSI_OPEN_BUSY ? SANE_STATUS_DEVICE_BUSY :
		    rc == SCSI_OPEN_DENIED ? SANE_STATUS_ACCESS_DENIED : SANE_STATUS_IO_ERROR;
	}
	memset(lun.inq, ' ', sizeof(lun.inq));
	if (scsi_execute(lun.t, cdb, sizeof(cdb), SCSI_DIR_IN, lun.inq, sizeof(lun.inq),
	    5000, &res) != 0 || res.residual > 0) {
		log_err("backend host: INQUIRY failed: %s",
		    scsi_result_string(&res, err, sizeof(err)));
		scsi_close(lun.t);
		lun.t = NULL;
		return SANE_STATUS_IO_ERROR;
	}
	return SANE_STATUS_GOOD;
}

/*
 * Set when a command could not reach the device at all (the link or the
 * host adapter failed), cleared by lun_lost_take.  Some backends
 * (coolscan3) ignore every command's status and would go on handing up
 * their buffer's old contents as image; the host ends the scan instead.
 */
static int lun_lost;

int
lun_lost_take(void)
{
	int cs, was;

	ENTER(cs);
	was = lun_lost;
	lun_lost = 0;
	LEAVE(cs);
	return was;
}

/* scsi_execute on the LUN, reached; the lock held. */
static int
lun_run(const uint8_t *cdb, size_t cdb_len, enum scsi_dir dir, void *buf, size_t len,
    unsigned timeout_ms, struct scsi_result *res)
{
	int rc = scsi_execute(lun.t, cdb, cdb_len, dir, buf, len, timeout_ms, res);

	if (rc < 0 && (res->transport_error == SCSI_TERR_LINK ||
	    res->transport_error == SCSI_TERR_HOST))
		lun_lost = 1;
	return rc;
}

int
lun_execute(const uint8_t *cdb, size_t cdb_len, enum scsi_dir dir, void *buf,
    size_t len, unsigned timeout_ms, struct scsi_result *res)
{
	int cs, rc = -1;

	ENTER(cs);
	if (lun_reach() == SANE_STATUS_GOOD) {
		rc = lun_run(cdb, cdb_len, dir, buf, len, timeout_ms, res);
	} else {
		memset(res, 0, sizeof(*res));
		res->transport_error = SCSI_TERR_LINK;
	}
	LEAVE(cs);
	return rc;
}

/*
 * Around fork: the LUN's lock taken, so that no other thread holds it
 * mid-command while the child is made (the child's copy would stay
 * locked for good); released in the parent.  The child cannot release
 * it: the lock is recursive, so it belongs to the forking thread's id,
 * which the child's one thread does not have; it starts a fresh one.
 */
void
lun_fork(enum lun_fork_phase phase)
{
	static const pthread_mutex_t fresh = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

	switch (phase) {
	case LUN_FORK_BEFORE:
		pthread_mutex_lock(&lun_lock);
		break;
	case LUN_FORK_PARENT:
		pthread_mutex_unlock(&lun_lock);
		break;
	case LUN_FORK_CHILD:
		memcpy(&lun_lock, &fresh, sizeof(lun_lock));
		break;
	}
}

int
lun_type(void)
{
	int cs, type;

	ENTER(cs);
	type = lun_reach() == SANE_STATUS_GOOD ? lun.inq[0] & 0x1f : -1;
	LEAVE(cs);
	return type;
}

/* The kernel's names for peripheral types, as sysfs and sanei spell them. */
static const char *const type_names[] = {
	"Direct-Access    ", "Sequential-Access", "Printer          ",
	"Processor        ", "WORM             ", "CD-ROM           ",
	"Scanner          ", "Optical Device   ", "Medium Changer   ",
	"Communications   ", "ASC IT8          ", "ASC IT8          ",
	"RAID             ", "Enclosure        ", "Direct-Access-RBC",
	"Optical card     ", "Bridge controller", "Object storage   ",
	"Automation/Drive ",
};

static int
prefix(const char *want, const char *have)
{
	return want == NULL || strncmp(want, have, strlen(want)) == 0;
}

void
sanei_scsi_find_devices(const char *vendor, const char *model, const char *type,
    int bus, int channel, int id, int lunno, SANE_Status (*attach)(const char *dev))
{
	char v[9], m[17];
	unsigned ptype;
	int cs, match = 0;

	ENTER(cs);
	if (lun_reach() == SANE_STATUS_GOOD) {
		memcpy(v, lun.inq + 8, 8);
		v[8] = '\0';
		memcpy(m, lun.inq + 16, 16);
		m[16] = '\0';
		ptype = lun.inq[0] & 0x1f;
		/* The LUN sits at 0:0:0:0 of a bus of its own. */
		match = prefix(vendor, v) && prefix(model, m) &&
		    ptype < sizeof(type_names) / sizeof(type_names[0]) &&
		    prefix(type, type_names[ptype]) &&
		    (bus == -1 || bus == 0) && (channel == -1 || channel == 0) &&
		    (id == -1 || id == 0) && (lunno == -1 || lunno == 0);
		log_debug("backend host: find_devices '%s' '%s' '%s': %s '%s' '%s'",
		    vendor ? vendor : "*", model ? model : "*", type ? type : "*",
		    match ? "matches" : "not", v, m);
	}
	LEAVE(cs);
	if (match && attach != NULL)
		attach(LUN_NAME);
}

/* SANE_SCSICMD_TIMEOUT as sanei reads it at every open: 1-1200 s, else 120. */
static unsigned
env_timeout_ms(void)
{
	const char *s = getenv("SANE_SCSICMD_TIMEOUT");
	long v = s != NULL ? strtol(s, NULL, 10) : 0;

	return (unsigned)(v >= 1 && v <= 1200 ? v : TIMEOUT_DEFAULT) * 1000u;
}

static int
env_buffersize(void)
{
	const char *s = getenv("SANE_SG_BUFFERSIZE");
	long v = s != NULL ? strtol(s, NULL, 10) : 0;

	return v >= 32768 && v <= LUN_BUFFER_MAX ? (int)v : BUFFER_DEFAULT;
}

SANE_Status
sanei_scsi_open_extended(const char *dev, int *fdp, SANEI_SCSI_Sense_Handler handler,
    void *arg, int *buffersize)
{
	SANE_Status st;
	int cs, fd;

	ENTER(cs);
	if (!lun.first_open_done)
		sanei_scsi_max_request_size = env_buffersize();
	if (dev == NULL || strcmp(dev, LUN_NAME) != 0) {
		log_debug("backend host: open %s: not this helper's device", dev ? dev : "NULL");
		st = SANE_STATUS_INVAL;		/* as a node that does not exist */
	} else if (lun.fd >= 0) {
		st = SANE_STATUS_DEVICE_BUSY;	/* sanei opens O_EXCL */
	} else if ((st = lun_reach()) != SANE_STATUS_GOOD) {
		;
	} else if ((lun.inq[0] & 0x1f) != 6 && (lun.inq[0] & 0x1f) != 3) {
		log_err("backend host: %s is not a scanner or processor", LUN_NAME);
		st = SANE_STATUS_INVAL;
	} else if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
		st = SANE_STATUS_NO_MEM;
	} else {
		/* Backends keep and compare the fd: a real, small one. */
		lun.fd = *fdp = fd;
		lun.handler = handler;
		lun.arg = arg;
		if (*buffersize <= 0 || *buffersize > LUN_BUFFER_MAX)
			*buffersize = LUN_BUFFER_MAX;	/* as the kernel caps a reserve */
		lun.bufsize = *buffersize;
		lun.fd_timeout_ms = env_timeout_ms();
	}
	LEAVE(cs);
	return st;
}

/*
 * The wrapper most backends call: the first open asks for the default
 * buffer, every later one for exactly sanei_scsi_max_request_size, and
 * anything else is NO_MEM (sanei_scsi.c 1.2.1 does the same).
 */
SANE_Status
sanei_scsi_open(const char *dev, int *fdp, SANEI_SCSI_Sense_Handler handler, void *arg)
{
	SANE_Status st;
	int cs, want, got;

	ENTER(cs);
	want = lun.first_open_done ? sanei_scsi_max_request_size : env_buffersize();
	got = want;
	st = sanei_scsi_open_extended(dev, fdp, handler, arg, &got);
	if (st == SANE_STATUS_GOOD && lun.first_open_done && got != want) {
		sanei_scsi_close(*fdp);
		st = SANE_STATUS_NO_MEM;
	} else if (st == SANE_STATUS_GOOD) {
		lun.first_open_done = 1;
		sanei_scsi_max_request_size = got;
	}
	LEAVE(cs);
	return st;
}

/* sanei's verdict on one command's outcome. */
static SANE_Status
verdict(int fd, int rc, struct scsi_result *res)
{
	uint8_t sense[SCSI_SENSE_MAX];
	char why[200];

	if (rc < 0) {
		log_debug("backend host: %s", scsi_result_string(res, why, sizeof(why)));
		/* sanei maps the host's time-out to DEVICE_BUSY. */
		return res->transport_error == SCSI_TERR_TIMEOUT ? SANE_STATUS_DEVICE_BUSY :
		    res->transport_error == SCSI_TERR_INVALID ? SANE_STATUS_INVAL :
		    SANE_STATUS_IO_ERROR;
	}
	if (res->status == SCSI_STATUS_GOOD)
		return SANE_STATUS_GOOD;
	if (res->status == SCSI_STATUS_BUSY)
		return SANE_STATUS_DEVICE_BUSY;
	if (res->sense_len > 0 && lun.handler != NULL) {
		/* sg hands handlers a zeroed 64-byte buffer at least. */
		memset(sense, 0, sizeof(sense));
		memcpy(sense, res->sense, res->sense_len);
		return lun.handler(fd, sense, lun.arg);
	}
	return SANE_STATUS_IO_ERROR;
}

static SANE_Status
run(int fd, const void *cmd, size_t cmd_size, const void *src, size_t src_size,
    void *dst, size_t *dst_size)
{
	struct scsi_result res;
	enum scsi_dir dir = SCSI_DIR_NONE;
	void *buf = NULL;
	size_t len = 0;
	SANE_Status st;
	int rc;

	if (fd < 0 || fd != lun.fd || cmd == NULL || cmd_size == 0 || cmd_size > 16)
		return SANE_STATUS_INVAL;
	if ((st = lun_reach()) != SANE_STATUS_GOOD)
		return st;
	if (dst_size != NULL && *dst_size > 0) {
		dir = SCSI_DIR_IN;	/* data lands in dst directly */
		buf = dst;
		len = *dst_size;
	} else if (src_size > 0) {
		dir = SCSI_DIR_OUT;
		buf = (void *)src;
		len = src_size;
		if (len > (size_t)lun.bufsize) {
			log_debug("backend host: %zu bytes out truncated to %d", len, lun.bufsize);
			len = (size_t)lun.bufsize;
		}
	}
	rc = (broker_child() ? broker_execute : lun_run)(cmd, cmd_size, dir, buf, len,
	    lun.timeout_ms ? lun.timeout_ms : lun.fd_timeout_ms, &res);
	/* sanei ignores the residual: the backend sees the length it asked. */
	return verdict(fd, rc, &res);
}

/* sanei's CDB length by opcode group; vendor groups 6 and 7 are 10 bytes. */
static size_t
cdb_size(const void *src)
{
	static const size_t sizes[8] = { 6, 10, 10, 12, 12, 12, 10, 10 };

	return sizes[*(const uint8_t *)src >> 5];
}

SANE_Status
sanei_scsi_cmd2(int fd, const void *cmd, size_t cmd_size, const void *src,
    size_t src_size, void *dst, size_t *dst_size)
{
	SANE_Status st;
	int cs;

	ENTER(cs);
	st = run(fd, cmd, cmd_size, src, src_size, dst, dst_size);
	LEAVE(cs);
	return st;
}

SANE_Status
sanei_scsi_cmd(int fd, const void *src, size_t src_size, void *dst, size_t *dst_size)
{
	size_t n;

	if (src == NULL || src_size == 0)
		return SANE_STATUS_INVAL;
	if ((n = cdb_size(src)) > src_size || (dst_size != NULL && *dst_size > 0 &&
	    src_size != n)) {
		/* sanei asserts here; a helper answers instead of aborting. */
		log_err("backend host: %zu-byte command for opcode %02x", src_size,
		    *(const uint8_t *)src);
		return SANE_STATUS_INVAL;
	}
	return sanei_scsi_cmd2(fd, src, n, (const uint8_t *)src + n, src_size - n,
	    dst, dst_size);
}

SANE_Status
sanei_scsi_req_enter2(int fd, const void *cmd, size_t cmd_size, const void *src,
    size_t src_size, void *dst, size_t *dst_size, void **idp)
{
	struct req *r;
	int cs;

	ENTER(cs);
	if (fd != lun.fd || (r = calloc(1, sizeof(*r))) == NULL) {
		LEAVE(cs);
		return fd != lun.fd ? SANE_STATUS_INVAL : SANE_STATUS_NO_MEM;
	}
	r->status = run(fd, cmd, cmd_size, src, src_size, dst, dst_size);
	if (lun.tail != NULL)
		lun.tail->next = r;
	else
		lun.head = r;
	lun.tail = r;
	*idp = r;
	LEAVE(cs);
	return SANE_STATUS_GOOD;
}

SANE_Status
sanei_scsi_req_enter(int fd, const void *src, size_t src_size, void *dst,
    size_t *dst_size, void **idp)
{
	size_t n;

	if (src == NULL || src_size == 0 || (n = cdb_size(src)) > src_size)
		return SANE_STATUS_INVAL;
	return sanei_scsi_req_enter2(fd, src, n, (const uint8_t *)src + n, src_size - n,
	    dst, dst_size, idp);
}

SANE_Status
sanei_scsi_req_wait(void *id)
{
	struct req **pp, *r = NULL, *q;
	SANE_Status st = SANE_STATUS_INVAL;
	int cs;

	ENTER(cs);
	for (pp = &lun.head; *pp != NULL; pp = &(*pp)->next)
		if (*pp == id) {
			r = *pp;
			break;
		}
	if (r != NULL) {
		if (r != lun.head)
			log_warn("backend host: request waited for out of order");
		*pp = r->next;
		lun.tail = NULL;
		for (q = lun.head; q != NULL; q = q->next)
			lun.tail = q;
		st = r->status;
		free(r);
	}
	LEAVE(cs);
	return st;
}

/* Every request already ran: flushing drops their results at once. */
void
sanei_scsi_req_flush_all_extended(int fd)
{
	struct req *r;
	int cs;

	ENTER(cs);
	if (fd == lun.fd) {
		while ((r = lun.head) != NULL) {
			lun.head = r->next;
			free(r);
		}
		lun.tail = NULL;
	}
	LEAVE(cs);
}

void
sanei_scsi_req_flush_all(void)
{
	sanei_scsi_req_flush_all_extended(lun.fd);
}

void
sanei_scsi_close(int fd)
{
	int cs;

	ENTER(cs);
	if (fd >= 0 && fd == lun.fd) {
		sanei_scsi_req_flush_all_extended(fd);
		close(fd);
		lun.fd = -1;
		lun.handler = NULL;
	}
	LEAVE(cs);
}
