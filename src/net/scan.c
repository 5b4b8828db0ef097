/*
 * scan.c - accept the data connection and stream one image.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "scsaned/log.h"
#include "scsaned/server.h"
#include "scsaned/wire.h"
#include "scan.h"

#define RECORD_MAX	DEVICE_XFER_MAX	/* payload bytes per record: one driver READ */
#define STALL_MS	(5 * 60 * 1000)	/* a client that reads nothing this long is gone */

/* Bind FD to LOCAL on the first free port of LO..HI. */
static int
bind_in_range(int fd, struct sockaddr_storage *local, socklen_t len, int lo, int hi)
{
	int p;

	for (p = lo; p <= hi; p++) {
		if (local->ss_family == AF_INET)
			((struct sockaddr_in *)local)->sin_port = htons((uint16_t)p);
		else
			((struct sockaddr_in6 *)local)->sin6_port = htons((uint16_t)p);
		if (bind(fd, (struct sockaddr *)local, len) == 0)
			return 0;
	}
	return -1;
}

struct scan *
scan_listen(int ctl_fd, int lo, int hi, int *port)
{
	struct sockaddr_storage local;
	socklen_t len = sizeof(local);
	struct scan *sc;
	int fd = -1, one = 1;

	if (getsockname(ctl_fd, (struct sockaddr *)&local, &len) < 0)
		return NULL;
	if (local.ss_family == AF_INET)
		((struct sockaddr_in *)&local)->sin_port = 0;
	else if (local.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&local)->sin6_port = 0;
	else
		return NULL;
	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		return NULL;
	sc->wake[0] = sc->wake[1] = -1;
	sc->res.status = SANE_STATUS_CANCELLED;	/* as far as a pump never started */
	sc->res.first_data_ms = -1;
	if (slots_init(&sc->ring, SCAN_RING, RECORD_MAX) < 0)
		goto fail;
	/* The client dials the address it reached us on: listen right there. */
	fd = socket(local.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	sc->listen_fd = fd;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind_in_range(fd, &local, len, lo, hi) < 0 || listen(fd, 1) < 0)
		goto fail;
	len = sizeof(local);
	if (getsockname(fd, (struct sockaddr *)&local, &len) < 0)
		goto fail;
	*port = ntohs(local.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&local)->sin_port :
	    ((struct sockaddr_in6 *)&local)->sin6_port);
	if (pipe2(sc->wake, O_CLOEXEC | O_NONBLOCK) < 0)
		goto fail;
	return sc;
fail:
	log_err("data channel: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	sc->listen_fd = -1;
	scan_free(sc, NULL);
	return NULL;
}

/* Wait for the client's data connection from the control peer's host. */
static int
pump_accept(struct scan *sc)
{
	struct pollfd pfd[2] = {
		{ .fd = sc->listen_fd, .events = POLLIN },
		{ .fd = sc->wake[0], .events = POLLIN },
	};
	struct sockaddr_storage peer;
	struct timespec t0, now;
	socklen_t len;
	char a[64], b[64];
	int fd, left, r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (int)sc->connect_timeout_ms -
		    (int)((now.tv_sec - t0.tv_sec) * 1000 +
		    (now.tv_nsec - t0.tv_nsec) / 1000000);
		if (sc->connect_timeout_ms == 0)
			left = -1;
		else if (left <= 0) {
			log_warn("%s: no data connection within %u ms; scan cancelled",
			    sc->what, sc->connect_timeout_ms);
			return -1;
		}
		r = poll(pfd, 2, left);
		if (r < 0 && errno != EINTR)
			return -1;
		if (atomic_load(&sc->stop))
			return -1;
		if (r <= 0 || !(pfd[0].revents & POLLIN))
			continue;
		len = sizeof(peer);
		fd = accept4(sc->listen_fd, (struct sockaddr *)&peer, &len,
		    SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			continue;
		if (netio_same_host(&peer, &sc->peer))
			return fd;
		log_warn("%s: data connection from %s, control from %s: refused",
		    sc->what, netio_addr_string(&peer, a, sizeof(a)),
		    netio_addr_string(&sc->peer, b, sizeof(b)));
		close(fd);
	}
}

/* Send IOV fully, waking for stop.  0, or -1 if the client is gone. */
static int
pump_send(struct scan *sc, int fd, struct iovec *iov, int iovcnt)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLOUT },
		{ .fd = sc->wake[0], .events = POLLIN },
	};
	struct msghdr msg;
	ssize_t r;
	size_t n;
	int pr;

	while (iovcnt > 0) {
		if (atomic_load(&sc->stop))
			return -1;
		/* sendmsg, not writev: a vanished client must not raise SIGPIPE. */
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		msg.msg_iovlen = (size_t)iovcnt;
		r = sendmsg(fd, &msg, MSG_NOSIGNAL);
		if (r < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		for (n = r > 0 ? (size_t)r : 0; iovcnt > 0 && n >= iov->iov_len; iovcnt--)
			n -= (iov++)->iov_len;
		if (iovcnt > 0 && n > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= n;
		}
		if (iovcnt == 0)
			return 0;
		if (r > 0)
			continue;
		pr = poll(pfd, 2, STALL_MS);
		if (pr == 0) {
			log_warn("%s: client took no data for %d s", sc->what,
			    STALL_MS / 1000);
			return -1;
		}
	}
	return 0;
}

static void
put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static unsigned elapsed_ms(const struct timespec *t0);

/* ---- the reader: driver to ring ---------------------------------------- */

/* One driver read into SLOT; a length the buffer cannot hold is an error. */
static SANE_Status
read_once(struct scan *sc, struct slot *slot, SANE_Int *len)
{
	SANE_Status st;

	*len = 0;
	pthread_mutex_lock(sc->drv_lock);
	st = sc->ops->read(sc->drv, slot->data, RECORD_MAX, len);
	pthread_mutex_unlock(sc->drv_lock);
	if (st == SANE_STATUS_GOOD && (*len < 0 || *len > RECORD_MAX)) {
		log_warn("%s: the driver returned %d bytes for a %d-byte buffer; "
		    "scan ended", sc->what, (int)*len, RECORD_MAX);
		return SANE_STATUS_IO_ERROR;
	}
	return st;
}

/*
 * Data from the driver into SLOT.  A driver may answer GOOD with no
 * bytes (a slow device); back off between such answers, and end the scan
 * if nothing comes for the stall timeout rather than spin for ever.
 *
 * Where the driver has a select fd we wait for it to be readable before
 * every read, not only after an empty one: the fd is readable exactly
 * when sane_read has data or has reached the end, so the backend's own
 * "nothing yet" path is never taken.  That path is where backends are
 * weakest: Debian's test backend (1.2.1) turns EAGAIN into a length of -1
 * and a false end of frame.
 */
static SANE_Status
read_some(struct scan *sc, struct slot *slot, SANE_Int *len)
{
	struct timespec t0, nap = { 0, 10 * 1000000L };
	struct pollfd p[2] = {
		{ .fd = sc->select_fd, .events = POLLIN },
		{ .fd = sc->wake[0], .events = POLLIN },
	};
	SANE_Status st;
	int ready;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		ready = sc->select_fd < 0 || poll(p, 2, 1000) != 0;
		if (atomic_load(&sc->stop))
			return SANE_STATUS_CANCELLED;
		if (ready) {
			if ((st = read_once(sc, slot, len)) != SANE_STATUS_GOOD || *len > 0)
				return st;
			if (sc->select_fd < 0)
				nanosleep(&nap, NULL);	/* a driver without an fd: back off */
		}
		if (sc->stall_ms > 0 && elapsed_ms(&t0) >= sc->stall_ms) {
			log_warn("%s: the device sent nothing for %u s; scan ended",
			    sc->what, sc->stall_ms / 1000);
			return SANE_STATUS_IO_ERROR;
		}
	}
}

static void *
reader(void *arg)
{
	struct scan *sc = arg;
	struct slot *slot;
	SANE_Status st;
	SANE_Int len;

	for (;;) {
		if ((slot = slots_empty(&sc->ring)) == NULL)
			return NULL;
		st = read_some(sc, slot, &len);
		slot->status = st;
		slot->len = st == SANE_STATUS_GOOD ? len : 0;	/* read_once checked it */
		slots_put(&sc->ring);
		if (st != SANE_STATUS_GOOD)
			return NULL;	/* the frame is over */
	}
}

/* ---- the pump: ring to client ---------------------------------------------- */

/* Ring to client until the end of the frame, an error or a stop. */
static void
pump_stream(struct scan *sc, int fd, const struct timespec *t0)
{
	struct slot *slot;
	struct iovec iov[2];
	uint8_t hdr[5];

	for (;;) {
		if ((slot = slots_oldest(&sc->ring)) == NULL) {
			sc->res.status = SANE_STATUS_CANCELLED;
			return;		/* cancelled: no marker, as saned */
		}
		if (slot->status != SANE_STATUS_GOOD)
			break;
		put_u32(hdr, (uint32_t)slot->len);
		iov[0].iov_base = hdr;
		iov[0].iov_len = 4;
		iov[1].iov_base = slot->data;
		iov[1].iov_len = (size_t)slot->len;
		if (slot->len > 0 && pump_send(sc, fd, iov, 2) < 0) {
			sc->res.status = SANE_STATUS_CANCELLED;
			return;
		}
		if (atomic_load(&sc->bytes) == 0 && slot->len > 0)
			sc->res.first_data_ms = (long)elapsed_ms(t0);
		atomic_fetch_add(&sc->bytes, (unsigned long long)slot->len);
		slots_release(&sc->ring);
	}
	/* The end: the marker and exactly one status byte, nothing after. */
	sc->res.status = slot->status;
	atomic_store(&sc->ended, 1);	/* before the client can see the marker */
	put_u32(hdr, WIRE_DATA_END);
	hdr[4] = (uint8_t)slot->status;
	iov[0].iov_base = hdr;
	iov[0].iov_len = 5;
	pump_send(sc, fd, iov, 1);
}

/* Stop the reader (if it still runs) and wait for it. */
static void
stop_reader(struct scan *sc)
{
	if (!sc->reader_started)
		return;
	atomic_store(&sc->stop, 1);
	slots_stop(&sc->ring);
	pthread_join(sc->reader, NULL);
	sc->reader_started = 0;
}

static unsigned
elapsed_ms(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned)((now.tv_sec - t0->tv_sec) * 1000 +
	    (now.tv_nsec - t0->tv_nsec) / 1000000);
}

static double
elapsed_s(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void *
pump(void *arg)
{
	struct scan *sc = arg;
	struct timespec t0;
	double secs;
	int fd;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	sc->select_fd = -1;
	if (sc->ops->select_fd != NULL) {
		pthread_mutex_lock(sc->drv_lock);
		sc->select_fd = sc->ops->select_fd(sc->drv);
		pthread_mutex_unlock(sc->drv_lock);
		if (sc->select_fd >= 0)
			log_debug("%s: non-blocking reads, waiting on the driver's fd",
			    sc->what);
	}
	/* The device starts while the client connects. */
	sc->reader_started = pthread_create(&sc->reader, NULL, reader, sc) == 0;
	fd = sc->reader_started ? pump_accept(sc) : -1;
	close(sc->listen_fd);
	sc->listen_fd = -1;
	if (fd < 0) {
		sc->res.status = SANE_STATUS_CANCELLED;
	} else {
		pump_stream(sc, fd, &t0);
		close(fd);
	}
	stop_reader(sc);
	if (sc->res.status != SANE_STATUS_EOF) {
		/* Leave the device idle at once: nobody may come to cancel. */
		pthread_mutex_lock(sc->drv_lock);
		sc->ops->cancel(sc->drv);
		pthread_mutex_unlock(sc->drv_lock);
		sc->res.driver_cancelled = 1;
	}
	secs = elapsed_s(&t0);
	log_info("%s: scan ended: %s, %llu bytes in %.3f s (%.1f MB/s), "
	    "first data after %ld ms", sc->what, sc->res.status == SANE_STATUS_EOF ?
	    "complete" : device_status_string(sc->res.status),
	    (unsigned long long)atomic_load(&sc->bytes), secs,
	    secs > 0 ? (double)atomic_load(&sc->bytes) / secs / 1e6 : 0.0,
	    sc->res.first_data_ms);
	atomic_store(&sc->done, 1);
	return NULL;
}

int
scan_begin(struct scan *sc)
{
	if (pthread_create(&sc->thread, NULL, pump, sc) != 0) {
		log_err("%s: cannot start the data thread", sc->what);
		return -1;
	}
	sc->started = 1;
	return 0;
}

void
scan_free(struct scan *sc, struct scan_result *res)
{
	char c = 1;

	if (sc == NULL)
		return;
	atomic_store(&sc->stop, 1);
	slots_stop(&sc->ring);
	if (sc->wake[1] >= 0 && write(sc->wake[1], &c, 1) < 0 && errno != EAGAIN)
		log_debug("%s: wake: %s", sc->what, strerror(errno));
	if (sc->started)
		pthread_join(sc->thread, NULL);
	/* Only now is the result final: the pump writes it to its last line. */
	if (res != NULL)
		*res = sc->res;
	if (sc->listen_fd >= 0)
		close(sc->listen_fd);
	if (sc->wake[0] >= 0)
		close(sc->wake[0]);
	if (sc->wake[1] >= 0)
		close(sc->wake[1]);
	slots_free(&sc->ring);
	free(sc);
}
