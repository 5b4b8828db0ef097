/*
 * rtt_probe.c - test-only: measure a TCP path's round-trip time and rate,
 * to check the latency lab's delay_proxy against what it was asked for.
 *
 *   rtt_probe echo ADDR:PORT          echo every byte of each connection
 *                                     back (one connection at a time)
 *   rtt_probe ping ADDR:PORT COUNT    COUNT one-byte round trips; prints
 *                                     "rtt min MS median MS max MS"
 *   rtt_probe bulk ADDR:PORT BYTES    BYTES through the echo and back;
 *                                     prints "bulk BYTES bytes in S s"
 *
 * Every wait is bounded (10 s without progress is an error).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tool_addr.h"

#define STALL_MS	10000

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
wait_fd(int fd, short ev)
{
	struct pollfd p = { .fd = fd, .events = ev };

	return poll(&p, 1, STALL_MS) == 1 ? 0 : -1;
}

static int
echo(const struct sockaddr_in *a)
{
	unsigned char buf[65536];
	int lfd, c, one = 1;
	ssize_t n, w, off;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (const struct sockaddr *)a, sizeof(*a)) < 0 ||
	    listen(lfd, 4) < 0) {
		perror("rtt_probe: listen");
		return 1;
	}
	printf("rtt_probe listening\n");
	fflush(stdout);
	for (;;) {
		if ((c = accept(lfd, NULL, NULL)) < 0)
			continue;
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		while ((n = read(c, buf, sizeof(buf))) > 0) {
			for (off = 0; off < n; off += w)
				if ((w = write(c, buf + off, (size_t)(n - off))) <= 0)
					break;
			if (off < n)
				break;
		}
		close(c);
	}
}

static int
dial(const struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0 || connect(fd, (const struct sockaddr *)a, sizeof(*a)) < 0) {
		perror("rtt_probe: connect");
		exit(1);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
ping(const struct sockaddr_in *a, int count)
{
	double *ms, t;
	unsigned char b = 'p';
	int fd = dial(a), i;

	if (count < 1 || count > 10000 || (ms = calloc((size_t)count, sizeof(*ms))) == NULL)
		return 2;
	for (i = 0; i < count; i++) {
		t = now_s();
		if (write(fd, &b, 1) != 1 || wait_fd(fd, POLLIN) < 0 || read(fd, &b, 1) != 1) {
			fprintf(stderr, "rtt_probe: round trip %d failed\n", i);
			return 1;
		}
		ms[i] = (now_s() - t) * 1000;
	}
	qsort(ms, (size_t)count, sizeof(*ms), cmp_double);
	printf("rtt min %.2f median %.2f max %.2f\n", ms[0], ms[count / 2], ms[count - 1]);
	free(ms);
	close(fd);
	return 0;
}

/* Send BYTES while reading the echo, so both directions stream at once. */
static int
bulk(const struct sockaddr_in *a, long long bytes)
{
	static unsigned char out[65536], in[65536];
	long long sent = 0, got = 0;
	struct pollfd p;
	double t = now_s();
	ssize_t n;
	int fd = dial(a);

	memset(out, 0x5a, sizeof(out));
	while (got < bytes) {
		p.fd = fd;
		p.events = POLLIN | (sent < bytes ? POLLOUT : 0);
		if (poll(&p, 1, STALL_MS) != 1) {
			fprintf(stderr, "rtt_probe: stalled at %lld of %lld bytes\n", got, bytes);
			return 1;
		}
		if ((p.revents & POLLOUT) && sent < bytes) {
			size_t len = bytes - sent < (long long)sizeof(out) ?
			    (size_t)(bytes - sent) : sizeof(out);

			if ((n = write(fd, out, len)) > 0)
				sent += n;
		}
		if (p.revents & (POLLIN | POLLHUP)) {
			if ((n = read(fd, in, sizeof(in))) <= 0) {
				fprintf(stderr, "rtt_probe: connection lost at %lld bytes\n", got);
				return 1;
			}
			got += n;
		}
	}
	printf("bulk %lld bytes in %.3f s\n", bytes, now_s() - t);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in a;

	if (argc < 3 || tool_addr(argv[2], &a) < 0) {
		fprintf(stderr, "usage: rtt_probe echo|ping|bulk ADDR:PORT [N]\n");
		return 2;
	}
	if (strcmp(argv[1], "echo") == 0)
		return echo(&a);
	if (argc == 4 && strcmp(argv[1], "ping") == 0)
		return ping(&a, atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "bulk") == 0)
		return bulk(&a, atoll(argv[3]));
	fprintf(stderr, "usage: rtt_probe echo|ping|bulk ADDR:PORT [N]\n");
	return 2;
}
