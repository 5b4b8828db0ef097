/*
 * sgshim.c - libsgsim.so: make chosen paths behave as Linux sg devices
 * backed by simulated scanners, for programs we do not change (tgtd,
 * sg3_utils, Debian's SANE backends) and for our own sg: transport.
 *
 *   SGSIM_DEVICES=/path/node=MODEL[?opts][,/path/node2=MODEL2...]
 *
 * Each node should be a character device with the sg major (21), made by
 * the test with mknod, so that stat() shows what callers check for.  The
 * shim intercepts open, close, ioctl, read, write and fstat of those paths
 * and answers as the kernel's sg driver does (version 3.5.36):
 *   - open's O_EXCL rules (EBUSY while another open is exclusive, EPERM
 *     for O_EXCL read-only);
 *   - the ioctls real callers use, and SG_IO;
 *   - the queued interface: write() of a struct sg_io_hdr runs the
 *     command, the fd (an eventfd underneath) becomes readable, read()
 *     returns the completed header.  poll/epoll work on it unchanged.
 *     By default the command runs inside write().  With SGSIM_ASYNC=1
 *     write() returns at once and a thread runs it, the commands of one
 *     node in the order written, as the kernel does: a program serving
 *     several nodes from one event loop (tgtd) then waits for none of
 *     them, so two paced scanners behind one tgtd scan side by side.
 *     (A process that forks with commands in flight leaves them to the
 *     parent: the lab's tgtds, which use it, do not.)
 * One simulated device per path lives from its first open to process exit,
 * as a scanner stays powered between opens.  The open rules hold across
 * processes, as the kernel's do: every open takes a flock() on a lock file
 * per node (in $SGSIM_LOCKDIR, default /tmp), exclusive for O_EXCL and
 * shared otherwise, which conflict exactly as sg opens do.
 *
 * Nothing is parsed, allocated or connected before the first intercepted
 * call: SANE backends fork and spawn shells with this library loaded.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <scsi/scsi.h>
#include <scsi/sg.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "scsaned/sim.h"

#define SGS_MAX_DEVS	16
#define SGS_MAX_FDS	64
#define SGS_QUEUE	16
#define SGS_VERSION	30536
#define DRIVER_SENSE	0x08
#define DRIVER_TIMEOUT	0x06
#define DID_TIME_OUT	0x03
#define DID_ERROR	0x07

struct sgs_dev {
	char path[256];
	char spec[256];
	dev_t st_dev;
	ino_t st_ino;
	int have_stat;
	struct sim_device *sim;	/* created at first open */
	uint8_t type;		/* peripheral type, from the model's INQUIRY */
	int reserved;		/* SG_SET_RESERVED_SIZE */
	pthread_mutex_t cmd;	/* the simulator runs one command at a time */
	unsigned long ticket;	/* SGSIM_ASYNC: the next queued command's turn */
	unsigned long serving;	/* and the turn being run */
};

struct sgs_fd {
	int fd;			/* the eventfd standing in for the node */
	struct sgs_dev *dev;
	int flags;
	int excl;
	int lockfd;		/* holds the cross-process open rule */
	int timeout;		/* SG_SET_TIMEOUT, in jiffies as the kernel keeps it */
	sg_io_hdr_t done[SGS_QUEUE];	/* completed, not yet read */
	int ndone;
	int pending;		/* SGSIM_ASYNC: written, still running */
};

/* A command written under SGSIM_ASYNC, on its way through its thread. */
struct sgs_queued {
	struct sgs_fd *f;
	struct sgs_dev *dev;
	sg_io_hdr_t h;
	unsigned long ticket;
	unsigned char cdb[16];	/* the kernel copies the CDB at write() too */
	unsigned char *cmdp;	/* the caller's, back in the header it reads */
};

static struct sgs_dev devs[SGS_MAX_DEVS];
static int ndevs;
static struct sgs_fd fds[SGS_MAX_FDS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_cond_t turn = PTHREAD_COND_INITIALIZER;	/* with LOCK */
static int async_queue;		/* SGSIM_ASYNC=1 */

static int (*real_open)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_close)(int);
static int (*real_ioctl)(int, unsigned long, ...);
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_fstat)(int, struct stat *);
static int (*real_fstat64)(int, struct stat64 *);

/* ---- setup ----------------------------------------------------------- */

static void
parse_devices(void)
{
	const char *env = getenv("SGSIM_DEVICES");
	char buf[2048], *item, *save = NULL, *eq;
	struct stat st;
	struct sgs_dev *d;

	if (env == NULL || strlen(env) >= sizeof(buf))
		return;
	strcpy(buf, env);
	for (item = strtok_r(buf, ",", &save); item != NULL && ndevs < SGS_MAX_DEVS;
	    item = strtok_r(NULL, ",", &save)) {
		if ((eq = strchr(item, '=')) == NULL)
			continue;
		*eq = '\0';
		d = &devs[ndevs++];
		snprintf(d->path, sizeof(d->path), "%s", item);
		snprintf(d->spec, sizeof(d->spec), "%s", eq + 1);
		d->reserved = 32768;
		pthread_mutex_init(&d->cmd, NULL);
		if (stat(d->path, &st) == 0) {
			d->st_dev = st.st_dev;
			d->st_ino = st.st_ino;
			d->have_stat = 1;
		}
	}
}

static void
init(void)
{
	real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	real_openat = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, "openat");
	real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
	real_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	real_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	real_fstat = (int (*)(int, struct stat *))dlsym(RTLD_NEXT, "fstat");
	real_fstat64 = (int (*)(int, struct stat64 *))dlsym(RTLD_NEXT, "fstat64");
	async_queue = getenv("SGSIM_ASYNC") != NULL && strcmp(getenv("SGSIM_ASYNC"), "1") == 0;
	parse_devices();
}

/* The configured device PATH names (symlinks followed), or NULL. */
static struct sgs_dev *
dev_for_path(const char *path)
{
	struct stat st;
	int i, have;

	pthread_once(&once, init);
	if (path == NULL || ndevs == 0)
		return NULL;
	have = stat(path, &st) == 0;
	for (i = 0; i < ndevs; i++) {
		if (strcmp(devs[i].path, path) == 0)
			return &devs[i];
		if (have && devs[i].have_stat && devs[i].st_dev == st.st_dev &&
		    devs[i].st_ino == st.st_ino)
			return &devs[i];
	}
	return NULL;
}

/* Caller holds LOCK. */
static struct sgs_fd *
fd_entry(int fd)
{
	int i;

	if (fd < 0)
		return NULL;
	for (i = 0; i < SGS_MAX_FDS; i++)
		if (fds[i].dev != NULL && fds[i].fd == fd)
			return &fds[i];
	return NULL;
}

static struct sgs_fd *
lookup(int fd)
{
	struct sgs_fd *f;

	pthread_once(&once, init);
	if (ndevs == 0)
		return NULL;
	pthread_mutex_lock(&lock);
	f = fd_entry(fd);
	pthread_mutex_unlock(&lock);
	return f;
}

/* ---- executing one sg_io_hdr ----------------------------------------- */

static int
power_on(struct sgs_dev *d)
{
	uint8_t cdb[6] = { 0x12, 0, 0, 0, 36, 0 }, inq[36];
	struct sim_io io;
	char err[256];

	if (d->sim != NULL)
		return 0;
	if ((d->sim = sim_open(d->spec, err, sizeof(err))) == NULL) {
		fprintf(stderr, "libsgsim: %s: %s\n", d->path, err);
		return -1;
	}
	memset(&io, 0, sizeof(io));
	io.cdb = cdb;
	io.cdb_len = 6;
	io.dir = SIM_DIR_IN;
	io.buf = inq;
	io.buflen = sizeof(inq);
	sim_command(d->sim, &io);
	d->type = io.status == 0 ? inq[0] & 0x1f : 0x06;
	return 0;
}

/* Gather or scatter an iovec data buffer through a flat copy. */
static uint8_t *
flat_buffer(const sg_io_hdr_t *h, int to_dev)
{
	const struct iovec *iov = h->dxferp;
	uint8_t *buf;
	size_t off = 0, n;
	int i;

	if ((buf = calloc(1, h->dxfer_len ? h->dxfer_len : 1)) == NULL)
		return NULL;
	for (i = 0; to_dev && i < h->iovec_count && off < h->dxfer_len; i++) {
		n = iov[i].iov_len < h->dxfer_len - off ? iov[i].iov_len : h->dxfer_len - off;
		memcpy(buf + off, iov[i].iov_base, n);
		off += n;
	}
	return buf;
}

static void
scatter(const sg_io_hdr_t *h, const uint8_t *buf, size_t len)
{
	const struct iovec *iov = h->dxferp;
	size_t off = 0, n;
	int i;

	for (i = 0; i < h->iovec_count && off < len; i++) {
		n = iov[i].iov_len < len - off ? iov[i].iov_len : len - off;
		memcpy(iov[i].iov_base, buf + off, n);
		off += n;
	}
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * A command the device never answers: the kernel gives up after the
 * header's timeout (at most a minute here) and reports DID_TIME_OUT.
 */
static void
hang(const sg_io_hdr_t *h)
{
	unsigned ms = h->timeout ? h->timeout : 60000;
	struct timespec ts;

	if (ms > 60000)
		ms = 60000;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

static int
header_ok(const sg_io_hdr_t *h)
{
	return h->interface_id == 'S' && h->cmd_len >= 6 && h->cmd_len <= 16 &&
	    h->cmdp != NULL && (h->dxfer_len == 0 || h->dxferp != NULL);
}

/* Run H on D and fill in the results as the kernel's sg driver does. */
static int
execute(struct sgs_dev *d, sg_io_hdr_t *h)
{
	struct timespec t0;
	struct sim_io io;
	uint8_t *buf = h->dxferp;
	int in;

	if (!header_ok(h))
		return -EINVAL;
	in = h->dxfer_direction == SG_DXFER_FROM_DEV ||
	    h->dxfer_direction == SG_DXFER_TO_FROM_DEV;
	if (h->iovec_count > 0 && (buf = flat_buffer(h, !in)) == NULL)
		return -ENOMEM;
	memset(&io, 0, sizeof(io));
	io.cdb = h->cmdp;
	io.cdb_len = h->cmd_len;
	io.dir = h->dxfer_len == 0 || h->dxfer_direction == SG_DXFER_NONE ?
	    SIM_DIR_NONE : in ? SIM_DIR_IN : SIM_DIR_OUT;
	io.buf = io.dir == SIM_DIR_NONE ? NULL : buf;
	io.buflen = io.dir == SIM_DIR_NONE ? 0 : h->dxfer_len;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_mutex_lock(&d->cmd);
	sim_command(d->sim, &io);
	pthread_mutex_unlock(&d->cmd);
	if (io.hung)
		hang(h);
	if (h->iovec_count > 0) {
		if (in)
			scatter(h, buf, io.xfer);
		free(buf);
	}
	h->status = io.status;
	h->masked_status = (io.status >> 1) & 0x7f;
	h->msg_status = 0;
	h->host_status = io.hung ? DID_TIME_OUT : io.link_error ? DID_ERROR : 0;
	h->sb_len_wr = 0;
	h->driver_status = 0;
	if (io.sense_len > 0 && h->sbp != NULL && h->mx_sb_len > 0) {
		h->sb_len_wr = (unsigned char)(io.sense_len < h->mx_sb_len ?
		    io.sense_len : h->mx_sb_len);
		memcpy(h->sbp, io.sense, h->sb_len_wr);
		h->driver_status = DRIVER_SENSE;
	}
	if (io.hung)
		h->driver_status = DRIVER_TIMEOUT;
	h->resid = (int)(h->dxfer_len - (io.xfer <= h->dxfer_len ? io.xfer : h->dxfer_len));
	h->duration = (unsigned)ms_since(&t0);
	if (io.link_error)
		h->resid = (int)h->dxfer_len;
	h->info = (h->masked_status || h->host_status || h->driver_status) ?
	    SG_INFO_CHECK : SG_INFO_OK;
	return 0;
}

/* ---- open and close --------------------------------------------------- */

/*
 * Take the node's open lock: exclusive for O_EXCL, shared otherwise.  A
 * conflict is EBUSY, as sg answers a non-blocking open (we never wait).
 */
static int
take_open_lock(const struct sgs_dev *d, int excl)
{
	const char *dir = getenv("SGSIM_LOCKDIR");
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/sgsim-%lu-%lu.lock", dir ? dir : "/tmp",
	    (unsigned long)d->st_dev, (unsigned long)d->st_ino);
	if ((fd = real_open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return -1;
	if (flock(fd, (excl ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0) {
		real_close(fd);
		errno = EBUSY;
		return -1;
	}
	return fd;
}

static int
fake_open(struct sgs_dev *d, int flags)
{
	struct sgs_fd *f = NULL;
	int i, fd, lockfd, acc = flags & O_ACCMODE;

	if ((flags & O_EXCL) && acc == O_RDONLY) {
		errno = EPERM;
		return -1;
	}
	if ((lockfd = take_open_lock(d, !!(flags & O_EXCL))) < 0)
		return -1;
	pthread_mutex_lock(&lock);
	if (power_on(d) < 0) {
		pthread_mutex_unlock(&lock);
		real_close(lockfd);
		errno = ENXIO;
		return -1;
	}
	for (i = 0; i < SGS_MAX_FDS && f == NULL; i++)
		if (fds[i].dev == NULL)
			f = &fds[i];
	fd = f ? eventfd(0, EFD_SEMAPHORE | EFD_NONBLOCK |
	    ((flags & O_CLOEXEC) ? EFD_CLOEXEC : 0)) : -1;
	if (fd < 0) {
		pthread_mutex_unlock(&lock);
		real_close(lockfd);
		errno = ENFILE;
		return -1;
	}
	memset(f, 0, sizeof(*f));
	f->fd = fd;
	f->dev = d;
	f->flags = flags;
	f->excl = !!(flags & O_EXCL);
	f->lockfd = lockfd;
	f->timeout = 60 * 100;
	pthread_mutex_unlock(&lock);
	return fd;
}

static int
open_common(const char *path, int flags, mode_t mode, int dirfd, int at)
{
	struct sgs_dev *d = dev_for_path(path);

	if (d != NULL)
		return fake_open(d, flags);
	if (at)
		return real_openat(dirfd, path, flags, mode);
	return real_open(path, flags, mode);
}

static mode_t
mode_arg(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);
int __open_2(const char *path, int flags);

int
open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;

	va_start(ap, flags);
	m = mode_arg(flags, ap);
	va_end(ap);
	return open_common(path, flags, m, AT_FDCWD, 0);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t m;

	va_start(ap, flags);
	m = mode_arg(flags, ap);
	va_end(ap);
	return open_common(path, flags, m, dirfd, 1);
}

int
__open_2(const char *path, int flags)
{
	return open_common(path, flags, 0, AT_FDCWD, 0);
}

/* On 64-bit Linux the *64 variants are the same calls under other names. */
int open64(const char *path, int flags, ...) __attribute__((alias("open")));
int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));
int __open64_2(const char *path, int flags) __attribute__((alias("__open_2")));

int close(int fd);

int
close(int fd)
{
	struct sgs_fd *f;

	pthread_once(&once, init);
	pthread_mutex_lock(&lock);
	if ((f = fd_entry(fd)) != NULL) {
		/* A queued command still writes to the fd when done: its own time. */
		while (f->pending > 0)
			pthread_cond_wait(&turn, &lock);
		real_close(f->lockfd);
		f->dev = NULL;
	}
	pthread_mutex_unlock(&lock);
	return real_close(fd);
}

/* ---- ioctl ----------------------------------------------------------- */

static int
fake_ioctl(struct sgs_fd *f, unsigned long req, void *arg)
{
	struct sgs_dev *d = f->dev;
	struct sg_scsi_id *id;
	int r;

	switch (req) {
	case SG_GET_VERSION_NUM:
		*(int *)arg = SGS_VERSION;
		return 0;
	case SG_GET_SCSI_ID:
		id = arg;
		memset(id, 0, sizeof(*id));
		id->host_no = 7;
		id->scsi_id = (int)(d - devs);
		id->scsi_type = d->type;
		id->h_cmd_per_lun = 1;
		id->d_queue_depth = 1;
		return 0;
	case SCSI_IOCTL_GET_IDLUN:
		((int *)arg)[0] = (int)(d - devs) | 7 << 24;
		((int *)arg)[1] = 7;
		return 0;
	case SG_SET_RESERVED_SIZE:
		if (*(int *)arg < 0)
			return errno = EINVAL, -1;
		d->reserved = *(int *)arg > (1 << 24) ? 1 << 24 : *(int *)arg;
		return 0;
	case SG_GET_RESERVED_SIZE:
		*(int *)arg = d->reserved;
		return 0;
	case SG_SET_TIMEOUT:
		if (*(int *)arg < 0)
			return errno = EIO, -1;
		f->timeout = *(int *)arg;
		return 0;
	case SG_GET_TIMEOUT:
		return f->timeout;	/* the kernel returns it as the result */
	case SG_GET_COMMAND_Q:
	case SG_GET_SG_TABLESIZE:
		*(int *)arg = req == SG_GET_COMMAND_Q ? 1 : 256;
		return 0;
	case SG_EMULATED_HOST:
		*(int *)arg = 0;
		return 0;
	case SG_GET_NUM_WAITING:
		pthread_mutex_lock(&lock);
		*(int *)arg = f->ndone;
		pthread_mutex_unlock(&lock);
		return 0;
	case SG_SET_COMMAND_Q:
	case SG_SET_FORCE_PACK_ID:
	case SG_SET_KEEP_ORPHAN:
	case SG_SET_DEBUG:
		return 0;
	case SG_IO:
		if ((r = execute(d, arg)) < 0)
			return errno = -r, -1;
		return 0;
	default:
		errno = ENOTTY;
		return -1;
	}
}

int ioctl(int fd, unsigned long req, ...);

int
ioctl(int fd, unsigned long req, ...)
{
	struct sgs_fd *f;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if ((f = lookup(fd)) != NULL)
		return fake_ioctl(f, req, arg);
	return real_ioctl(fd, req, arg);
}

/* ---- the queued interface: write a header, read it back done ------------ */

ssize_t write(int fd, const void *buf, size_t n);
ssize_t read(int fd, void *buf, size_t n);

/*
 * SGSIM_ASYNC: one queued command, in its own thread.  It waits for the
 * commands written before it to the same node, runs, then files its
 * header and wakes the fd in one step under LOCK, so read() never sees
 * one without the other.
 */
static void *
run_queued(void *arg)
{
	struct sgs_queued *q = arg;
	uint64_t one = 1;

	pthread_mutex_lock(&lock);
	while (q->dev->serving != q->ticket)
		pthread_cond_wait(&turn, &lock);
	pthread_mutex_unlock(&lock);
	if (execute(q->dev, &q->h) < 0) {
		q->h.host_status = DID_ERROR;	/* no memory for its iovec copy */
		q->h.info = SG_INFO_CHECK;
	}
	q->h.cmdp = q->cmdp;
	pthread_mutex_lock(&lock);
	q->f->done[q->f->ndone++] = q->h;	/* room kept at write() */
	if (real_write(q->f->fd, &one, sizeof(one)) < 0)
		q->f->ndone--;
	q->dev->serving++;
	q->f->pending--;
	pthread_cond_broadcast(&turn);
	pthread_mutex_unlock(&lock);
	free(q);
	return NULL;
}

static ssize_t
queue_command(struct sgs_fd *f, const sg_io_hdr_t *h, size_t n)
{
	struct sgs_queued *q;
	pthread_attr_t a;
	pthread_t t;
	int rc;

	if (!header_ok(h)) {
		errno = EINVAL;
		return -1;
	}
	if ((q = malloc(sizeof(*q))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	pthread_mutex_lock(&lock);
	if (f->ndone + f->pending >= SGS_QUEUE) {
		pthread_mutex_unlock(&lock);
		free(q);
		errno = EDOM;
		return -1;
	}
	q->f = f;
	q->dev = f->dev;
	q->h = *h;
	q->cmdp = h->cmdp;
	memcpy(q->cdb, h->cmdp, h->cmd_len);
	q->h.cmdp = q->cdb;
	q->ticket = f->dev->ticket++;
	f->pending++;
	pthread_mutex_unlock(&lock);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &a, run_queued, q);
	pthread_attr_destroy(&a);
	if (rc != 0)
		run_queued(q);	/* no thread: in its turn, here */
	return (ssize_t)n;
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	struct sgs_fd *f = lookup(fd);
	sg_io_hdr_t h;
	uint64_t one = 1;
	int r;

	if (f == NULL)
		return real_write(fd, buf, n);
	if (n < sizeof(h)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(&h, buf, sizeof(h));
	if (async_queue)
		return queue_command(f, &h, n);
	if ((r = execute(f->dev, &h)) < 0) {
		errno = -r;
		return -1;
	}
	pthread_mutex_lock(&lock);
	if (f->ndone == SGS_QUEUE) {
		pthread_mutex_unlock(&lock);
		errno = EDOM;	/* the kernel's answer to a full queue */
		return -1;
	}
	f->done[f->ndone++] = h;
	pthread_mutex_unlock(&lock);
	if (real_write(fd, &one, sizeof(one)) < 0)	/* wake poll/epoll */
		return -1;
	return (ssize_t)n;
}

ssize_t
read(int fd, void *buf, size_t n)
{
	struct sgs_fd *f = lookup(fd);
	uint64_t v;

	if (f == NULL)
		return real_read(fd, buf, n);
	if (n < sizeof(sg_io_hdr_t)) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&lock);
	if (f->ndone == 0) {
		pthread_mutex_unlock(&lock);
		errno = EAGAIN;	/* nothing completed yet */
		return -1;
	}
	memcpy(buf, &f->done[0], sizeof(sg_io_hdr_t));
	memmove(&f->done[0], &f->done[1], (size_t)(--f->ndone) * sizeof(sg_io_hdr_t));
	pthread_mutex_unlock(&lock);
	if (real_read(fd, &v, sizeof(v)) < 0)
		return -1;
	return (ssize_t)sizeof(sg_io_hdr_t);
}

/* ---- fstat: the fd looks like the node it stands for ------------------- */

int fstat(int fd, struct stat *st);
int fstat64(int fd, struct stat64 *st);

int
fstat(int fd, struct stat *st)
{
	struct sgs_fd *f = lookup(fd);

	if (f != NULL)
		return stat(f->dev->path, st);
	return real_fstat(fd, st);
}

int
fstat64(int fd, struct stat64 *st)
{
	struct sgs_fd *f = lookup(fd);

	if (f != NULL)
		return stat64(f->dev->path, st);
	return real_fstat64(fd, st);
}
