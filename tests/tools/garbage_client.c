/*
 * garbage_client.c - a test tool: open COUNT sessions to ADDRESS:6566 and
 * in each send something no SANE client sends, chosen from a fixed seed:
 * random bytes, a valid INIT then random bytes, requests cut short,
 * oversized lengths, a START whose data connection never comes.  Each
 * session waits (at most 2 s) for the server to answer or close.
 *
 *   garbage_client ADDRESS COUNT SEED
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static uint32_t seed;

static uint32_t
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 17;
	seed ^= seed << 5;
	return seed;
}

static size_t
put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

static size_t
garbage(int kind, uint8_t *b)
{
	size_t n = 0, i, len;

	if (kind != 0) {	/* a valid INIT first: get past the first gate */
		n += put(b + n, 0);
		n += put(b + n, 0x01010003);
		n += put(b + n, 0);
	}
	switch (kind) {
	case 0:
	case 1:
		len = 1 + rnd() % 600;
		for (i = 0; i < len; i++)
			b[n++] = (uint8_t)rnd();
		break;
	case 2:		/* OPEN whose name is longer than what follows */
		n += put(b + n, 2);
		n += put(b + n, 1 + rnd() % 5000);
		memcpy(b + n, "fb", 2);
		n += 2;
		break;
	case 3:		/* CONTROL_OPTION announcing a huge array */
		n += put(b + n, 5);
		n += put(b + n, 0);
		n += put(b + n, 1);
		n += put(b + n, 1);
		n += put(b + n, 1);
		n += put(b + n, 4);
		n += put(b + n, rnd() | 0x40000000);
		break;
	default:	/* OPEN fb, START, and never connect for the data */
		n += put(b + n, 2);
		n += put(b + n, 3);
		memcpy(b + n, "fb", 3);
		n += 3;
		n += put(b + n, 7);
		n += put(b + n, 0);
		break;
	}
	return n;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in a;
	struct timeval tv = { 2, 0 };
	uint8_t buf[1024], in[4096];
	int i, fd, count;
	size_t n;

	if (argc != 4) {
		fprintf(stderr, "usage: garbage_client ADDRESS COUNT SEED\n");
		return 2;
	}
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(6566);
	if (inet_pton(AF_INET, argv[1], &a.sin_addr) != 1)
		return 2;
	count = atoi(argv[2]);
	seed = (uint32_t)strtoul(argv[3], NULL, 10) | 1;
	for (i = 0; i < count; i++) {
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
			return 1;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
			perror("garbage_client: connect");
			return 1;
		}
		n = garbage(i % 5, buf);
		if (write(fd, buf, n) < 0)
			perror("garbage_client: write");
		shutdown(fd, SHUT_WR);
		while (read(fd, in, sizeof(in)) > 0)
			;
		close(fd);
	}
	printf("%d sessions sent\n", count);
	return 0;
}
