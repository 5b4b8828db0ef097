/*
 * delay_proxy.c - a test-only TCP relay that adds a fixed one-way delay in
 * each direction and, optionally, a bandwidth cap: the latency lab's
 * network, since this kernel has no netem.
 *
 *   delay_proxy [-b BYTES_PER_S] [-q QUEUE_BYTES] LISTEN_ADDR:PORT
 *               TARGET_ADDR:PORT ONE_WAY_MS
 *
 * Every byte read from one side is written to the other ONE_WAY_MS later,
 * so a request and its answer take 2 x ONE_WAY_MS more than without the
 * proxy.  With -b, a direction sends at most BYTES_PER_S (a link's
 * serialisation time on top of its delay).  Each direction queues at most
 * QUEUE_BYTES (default 4 MiB); when full, the proxy stops reading that
 * side, and TCP's own flow control holds the sender back, as a real
 * path's window does: memory stays bounded whatever the peers do.
 * Prints "delay_proxy listening" once it accepts; on SIGTERM or SIGINT it
 * prints, per connection, the bytes it carried each way, and exits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tool_addr.h"

#define MAX_CONNS	64
#define CHUNK_MAX	65536
#define CHUNKS_MAX	4096

/* One read's bytes, due on the other side at .due (ns, CLOCK_MONOTONIC). */
struct chunk {
	struct chunk *next;
	int64_t due;
	size_t len, off;
	unsigned char data[];
};

/* One direction: bytes read from .from, queued for .to. */
struct pipe_dir {
	int from, to;
	struct chunk *head, *tail;
	size_t queued, chunks;
	int64_t link_free;	/* when the capped link may start the next chunk */
	int eof;		/* .from said EOF: shut .to once drained */
	int shut;
	uint64_t carried;
};

struct conn {
	int used;
	struct pipe_dir up, down;	/* up: client to target */
};

static struct conn conns[MAX_CONNS];
static int64_t delay_ns;
static int64_t rate;		/* bytes per second, 0: no cap */
static size_t queue_max = 4u << 20;
static volatile sig_atomic_t stop;

static int64_t
now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void
nodelay(int fd)
{
	int one = 1;

	/* Nagle would add its own delay to small iSCSI PDUs. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void
dir_free(struct pipe_dir *d)
{
	struct chunk *c;

	while ((c = d->head) != NULL) {
		d->head = c->next;
		free(c);
	}
	d->tail = NULL;
	d->queued = 0;
	d->chunks = 0;
}

static void
conn_close(struct conn *c)
{
	fprintf(stderr, "delay_proxy: connection closed, %llu bytes up, %llu down\n",
	    (unsigned long long)c->up.carried, (unsigned long long)c->down.carried);
	close(c->up.from);
	close(c->up.to);
	dir_free(&c->up);
	dir_free(&c->down);
	c->used = 0;
}

/*
 * Read what .from has into a chunk due one delay from now; -1 on error.
 * Each chunk holds just what one read gave, and a direction holds at most
 * CHUNKS_MAX of them: memory stays within queue_max plus their headers.
 */
static int
dir_read(struct pipe_dir *d)
{
	static unsigned char buf[CHUNK_MAX];
	size_t room = queue_max - d->queued;
	struct chunk *c;
	ssize_t n;

	if (room == 0 || d->eof || d->chunks >= CHUNKS_MAX)
		return 0;	/* a hang-up with the queue full: read it later */
	if (room > sizeof(buf))
		room = sizeof(buf);
	n = read(d->from, buf, room);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (n == 0) {
		d->eof = 1;
		return 0;
	}
	if ((c = malloc(sizeof(*c) + (size_t)n)) == NULL)
		return -1;
	memcpy(c->data, buf, (size_t)n);
	c->next = NULL;
	c->len = (size_t)n;
	c->off = 0;
	c->due = now_ns();
	if (rate > 0) {
		/*
		 * A capped link sends one chunk after another, each in its
		 * length over the rate, and the chunk arrives once it is sent
		 * and has crossed the delay: serialisation, then propagation.
		 */
		if (c->due < d->link_free)
			c->due = d->link_free;
		c->due += (int64_t)n * 1000000000 / rate;
		d->link_free = c->due;
	}
	c->due += delay_ns;
	if (d->tail != NULL)
		d->tail->next = c;
	else
		d->head = c;
	d->tail = c;
	d->queued += (size_t)n;
	d->chunks++;
	return 0;
}

/* Write every chunk that is due; -1 on error. */
static int
dir_write(struct pipe_dir *d, int64_t now)
{
	struct chunk *c;
	ssize_t n;

	while ((c = d->head) != NULL && c->due <= now) {
		n = write(d->to, c->data + c->off, c->len - c->off);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->off += (size_t)n;
		d->carried += (uint64_t)n;
		d->queued -= (size_t)n;
		if (c->off < c->len)
			return 0;
		d->head = c->next;
		if (d->head == NULL)
			d->tail = NULL;
		d->chunks--;
		free(c);
	}
	if (d->head == NULL && d->eof && !d->shut) {
		shutdown(d->to, SHUT_WR);
		d->shut = 1;
	}
	return 0;
}

static void
accept_one(int lfd, const struct sockaddr_in *target)
{
	struct conn *c = NULL;
	int cfd, tfd, i;

	if ((cfd = accept(lfd, NULL, NULL)) < 0)
		return;
	for (i = 0; i < MAX_CONNS && c == NULL; i++)
		if (!conns[i].used)
			c = &conns[i];
	tfd = socket(AF_INET, SOCK_STREAM, 0);
	if (c == NULL || tfd < 0 ||
	    connect(tfd, (const struct sockaddr *)target, sizeof(*target)) < 0) {
		fprintf(stderr, "delay_proxy: cannot relay a connection: %s\n",
		    c == NULL ? "too many connections" : strerror(errno));
		close(cfd);
		if (tfd >= 0)
			close(tfd);
		return;
	}
	nodelay(cfd);
	nodelay(tfd);
	memset(c, 0, sizeof(*c));
	c->used = 1;
	c->up.from = c->down.to = cfd;
	c->up.to = c->down.from = tfd;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The poll timeout: until the earliest chunk falls due, at most 100 ms. */
static int
next_timeout(int64_t now)
{
	int64_t first = now + 100000000;
	int i;

	for (i = 0; i < MAX_CONNS; i++) {
		if (!conns[i].used)
			continue;
		if (conns[i].up.head != NULL && conns[i].up.head->due < first)
			first = conns[i].up.head->due;
		if (conns[i].down.head != NULL && conns[i].down.head->due < first)
			first = conns[i].down.head->due;
	}
	if (first <= now)
		return 0;
	return (int)((first - now + 999999) / 1000000);
}

/* What D needs of poll: to read its source (FROM), to write its sink (TO). */
static void
want(struct pollfd *from, struct pollfd *to, const struct pipe_dir *d, int64_t now)
{
	if (!d->eof && d->queued < queue_max && d->chunks < CHUNKS_MAX)
		from->events |= POLLIN;
	if (d->head != NULL && d->head->due <= now)
		to->events |= POLLOUT;
}

static void
serve(int lfd, const struct sockaddr_in *target)
{
	struct pollfd p[1 + 2 * MAX_CONNS];
	int i, n;
	int64_t now;

	while (!stop) {
		now = now_ns();
		p[0].fd = lfd;
		p[0].events = POLLIN;
		for (i = 0; i < MAX_CONNS; i++) {
			struct pollfd *q = &p[1 + 2 * i];

			q[0].fd = q[1].fd = -1;
			q[0].events = q[1].events = 0;
			if (!conns[i].used)
				continue;
			q[0].fd = conns[i].up.from;
			q[1].fd = conns[i].up.to;
			want(&q[0], &q[1], &conns[i].up, now);
			want(&q[1], &q[0], &conns[i].down, now);
			/* An fd with nothing wanted is left out: a hang-up would
			 * wake poll at once, and spin while the queue drains. */
			if (q[0].events == 0)
				q[0].fd = -1;
			if (q[1].events == 0)
				q[1].fd = -1;
		}
		n = poll(p, 1 + 2 * MAX_CONNS, next_timeout(now));
		if (n < 0 && errno != EINTR)
			break;
		now = now_ns();
		for (i = 0; i < MAX_CONNS; i++) {
			struct conn *c = &conns[i];
			short ev_c = p[1 + 2 * i].revents, ev_t = p[2 + 2 * i].revents;
			int bad = 0;

			if (!c->used)
				continue;
			if (ev_c & (POLLIN | POLLHUP | POLLERR))
				bad |= dir_read(&c->up);
			if (ev_t & (POLLIN | POLLHUP | POLLERR))
				bad |= dir_read(&c->down);
			bad |= dir_write(&c->up, now);
			bad |= dir_write(&c->down, now);
			if (bad || (c->up.shut && c->down.shut))
				conn_close(c);
		}
		if (p[0].revents & POLLIN)
			accept_one(lfd, target);
	}
	for (i = 0; i < MAX_CONNS; i++)
		if (conns[i].used)
			conn_close(&conns[i]);
}

static void
usage(void)
{
	fprintf(stderr, "usage: delay_proxy [-b BYTES_PER_S] [-q QUEUE_BYTES] "
	    "LISTEN_ADDR:PORT TARGET_ADDR:PORT ONE_WAY_MS\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in listen_at, target;
	struct sigaction sa;
	int c, lfd, one = 1;
	double ms;

	while ((c = getopt(argc, argv, "b:q:")) != -1) {
		switch (c) {
		case 'b':
			rate = strtoll(optarg, NULL, 10);
			break;
		case 'q':
			queue_max = (size_t)strtoull(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 3 || rate < 0 || queue_max < 1 ||
	    tool_addr(argv[optind], &listen_at) < 0 ||
	    tool_addr(argv[optind + 1], &target) < 0)
		usage();
	ms = strtod(argv[optind + 2], NULL);
	if (ms < 0 || ms > 10000)
		usage();
	delay_ns = (int64_t)(ms * 1e6);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&listen_at, sizeof(listen_at)) < 0 ||
	    listen(lfd, 16) < 0) {
		perror("delay_proxy: listen");
		return 1;
	}
	printf("delay_proxy listening\n");
	fflush(stdout);
	serve(lfd, &target);
	close(lfd);
	return 0;
}
