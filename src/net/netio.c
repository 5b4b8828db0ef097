/*
 * netio.c - small socket helpers shared by the session and data channel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "scsaned/server.h"

const char *
netio_addr_string(const struct sockaddr_storage *sa, char *buf, size_t len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

	if (sa->ss_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, buf, (socklen_t)len);
	} else if (sa->ss_family == AF_INET6) {
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], buf,
			    (socklen_t)len);
		else
			inet_ntop(AF_INET6, &s6->sin6_addr, buf, (socklen_t)len);
	} else {
		snprintf(buf, len, "local");
	}
	return buf;
}

/* The 4 or 16 address bytes of SA, IPv4-mapped reduced to IPv4. */
static const uint8_t *
host_bytes(const struct sockaddr_storage *sa, size_t *n)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

	if (sa->ss_family == AF_INET) {
		*n = 4;
		return (const uint8_t *)&s4->sin_addr;
	}
	if (sa->ss_family == AF_INET6) {
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			*n = 4;
			return &s6->sin6_addr.s6_addr[12];
		}
		*n = 16;
		return s6->sin6_addr.s6_addr;
	}
	*n = 0;
	return NULL;
}

int
netio_same_host(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	size_t na, nb;
	const uint8_t *pa = host_bytes(a, &na), *pb = host_bytes(b, &nb);

	if (a->ss_family == AF_UNIX && b->ss_family == AF_UNIX)
		return 1;
	return pa != NULL && pb != NULL && na == nb && memcmp(pa, pb, na) == 0;
}

int
netio_write_all(int fd, const void *buf, size_t len, unsigned timeout_ms)
{
	const char *p = buf;
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	ssize_t r;
	int pr;

	while (len > 0) {
		r = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r > 0) {
			p += r;
			len -= (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		pr = poll(&pfd, 1, timeout_ms ? (int)timeout_ms : -1);
		if (pr == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (pr < 0 && errno != EINTR)
			return -1;
	}
	return 0;
}
