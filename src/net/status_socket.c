/*
 * status_socket.c - what the daemon is doing, on request: `scsaned -S` connects
 * to each daemon's status socket in lock_dir and prints what it says
 * (sessions, open devices, scans in progress with their bytes so far).
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "scsaned/log.h"
#include "scsaned/server.h"

struct status_ctx {
	struct server *srv;
	int fd;
};

static void *
status_thread(void *arg)
{
	struct status_ctx *c = arg;
	FILE *f;
	int fd;

	for (;;) {
		if ((fd = accept(c->fd, NULL, NULL)) < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			break;
		}
		if ((f = fdopen(fd, "w")) == NULL) {
			close(fd);
			continue;
		}
		server_status(c->srv, f);
		fclose(f);
	}
	free(c);
	return NULL;
}

int
status_listen(struct server *srv, const char *path)
{
	struct sockaddr_un a;
	struct status_ctx *c;
	pthread_attr_t attr;
	pthread_t t;
	int fd;

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a.sun_path)) {
		log_warn("status socket %s: path too long", path);
		return -1;
	}
	strcpy(a.sun_path, path);
	unlink(path);		/* ours by name (it carries our pid) */
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4) < 0 ||
	    (c = calloc(1, sizeof(*c))) == NULL) {
		log_info("status socket %s: %s; no status command", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	chmod(path, 0660);
	c->srv = srv;
	c->fd = fd;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, status_thread, c) != 0) {
		close(fd);
		free(c);
		unlink(path);
		pthread_attr_destroy(&attr);
		return -1;
	}
	pthread_attr_destroy(&attr);
	return 0;
}

/* Print what the daemon at PATH says.  0, or -1 if nobody answers. */
static int
query_one(const char *path)
{
	struct sockaddr_un a;
	char buf[4096];
	ssize_t n;
	int fd;

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a.sun_path))
		return -1;
	strcpy(a.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	printf("%s:\n", path);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return 0;
}

int
status_query(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *d;
	int found = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "scsaned: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "status-", 7) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (query_one(path) == 0)
			found++;
	}
	closedir(d);
	if (found == 0)
		fprintf(stderr, "scsaned: no daemon answers in %s\n", dir);
	return found ? 0 : -1;
}
