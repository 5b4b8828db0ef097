/*
 * listen.c - standalone mode: bind, accept, one thread per client.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scsaned/log.h"
#include "scsaned/server.h"

#define MAX_LISTENERS 8

struct client {
	struct server *srv;
	int fd;
};

static void *
client_thread(void *arg)
{
	struct client *c = arg;
	struct server *srv = c->srv;

	/* Here, not in the accept loop: a name entry may wait on DNS. */
	if (server_admit(srv, c->fd))
		session_run(srv, c->fd);
	else
		close(c->fd);
	free(c);
	atomic_fetch_sub(&srv->clients, 1);
	return NULL;
}

static int
bind_all(const char *addr, const char *port, int *fds)
{
	struct addrinfo hints, *res, *ai;
	char host[64];
	int n = 0, fd, one = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(addr, port, &hints, &res)) != 0) {
		log_err("cannot resolve %s port %s: %s", addr ? addr : "*", port,
		    gai_strerror(rc));
		return 0;
	}
	for (ai = res; ai != NULL && n < MAX_LISTENERS; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		/* IPv4 gets its own socket, so keep IPv6 ones IPv6-only. */
		if (ai->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0) {
			getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host),
			    NULL, 0, NI_NUMERICHOST);
			log_err("cannot listen on %s port %s: %s", host, port,
			    strerror(errno));
			close(fd);
			continue;
		}
		getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), NULL, 0,
		    NI_NUMERICHOST);
		log_info("listening on %s port %s", host, port);
		fds[n++] = fd;
	}
	freeaddrinfo(res);
	return n;
}

static void
serve_client(struct server *srv, int fd)
{
	struct client *c;
	pthread_attr_t attr;
	pthread_t t;
	int one = 1;

	if (atomic_load(&srv->clients) >= srv->conf->max_clients) {
		log_warn("too many clients (%u); connection refused",
		    srv->conf->max_clients);
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if ((c = malloc(sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->srv = srv;
	c->fd = fd;
	atomic_fetch_add(&srv->clients, 1);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, client_thread, c) != 0) {
		log_err("cannot start a session thread");
		atomic_fetch_sub(&srv->clients, 1);
		close(fd);
		free(c);
	}
	pthread_attr_destroy(&attr);
}

int
listener_run(struct server *srv, const char *addr, const char *port,
    int one_client, int (*after_bind)(void))
{
	int fds[MAX_LISTENERS], n;

	if ((n = bind_all(addr, port, fds)) == 0)
		return -1;
	return listener_serve(srv, fds, n, one_client, after_bind);
}

static int
listen_port(int fd)
{
	struct sockaddr_storage a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		return 6566;
	return ntohs(a.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&a)->sin6_port :
	    ((struct sockaddr_in *)&a)->sin_port);
}

int
listener_serve(struct server *srv, const int *fds, int n, int one_client,
    int (*after_bind)(void))
{
	struct pollfd pfd[MAX_LISTENERS];
	int i, fd, rc = 0;

	if (n > MAX_LISTENERS)
		n = MAX_LISTENERS;
	if (after_bind != NULL && after_bind() != 0) {
		rc = -1;
		goto out;
	}
	/*
	 * As saned, announce in standalone mode, with the port we listen on.
	 * SCSANED_DNSSD=no overrides the config (tests, containers).
	 */
	if (srv->conf->dnssd && (getenv("SCSANED_DNSSD") == NULL ||
	    strcmp(getenv("SCSANED_DNSSD"), "no") != 0))
		dnssd_publish("scsaned", listen_port(fds[0]),
		    SANE_VERSION_CODE(SANE_CURRENT_MAJOR, SANE_CURRENT_MINOR, 3));
	server_ready();
	for (i = 0; i < n; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
	}
	while (!atomic_load(&srv->stopping)) {
		/* Wake now and then to notice a stop request. */
		if (poll(pfd, (nfds_t)n, 500) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			fd = accept4(fds[i], NULL, NULL, SOCK_CLOEXEC);
			if (fd < 0)
				continue;
			if (one_client) {
				if (server_admit(srv, fd))
					session_run(srv, fd);
				else
					close(fd);
				goto out;
			}
			serve_client(srv, fd);
		}
	}
out:
	dnssd_stop();
	for (i = 0; i < n; i++)
		close(fds[i]);
	return rc;
}
