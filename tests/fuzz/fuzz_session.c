/*
 * fuzz_session.c - libFuzzer harness for a whole session: the input is
 * everything a client sends on the control connection.  The session runs
 * against a simulated flatbed; its replies are drained and dropped.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scsaned/config.h"
#include "scsaned/device.h"
#include "scsaned/log.h"
#include "scsaned/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config conf;
static struct devreg reg;
static struct server srv;

static void *
drain(void *arg)
{
	int fd = *(int *)arg;
	char buf[65536];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	return NULL;
}

static void *
feed(void *arg)
{
	const struct { int fd; const uint8_t *data; size_t size; } *f = arg;
	size_t off = 0;
	ssize_t n;

	while (off < f->size && (n = write(f->fd, f->data + off, f->size - off)) > 0)
		off += (size_t)n;
	shutdown(f->fd, SHUT_WR);
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const char *text = "device fb sim:scsi2-flatbed\n";
	struct { int fd; const uint8_t *data; size_t size; } f;
	char err[256];
	pthread_t tf, td;
	int sv[2];

	if (!ready) {
		log_set_level(-1);
		config_init(&conf);
		if (config_parse(&conf, "fuzz", text, strlen(text), err, sizeof(err)) < 0 ||
		    devreg_build(&reg, &conf) < 0)
			abort();
		srv.reg = &reg;
		srv.conf = &conf;
		conf.hosts_file[0] = '\0';	/* hermetic: not the system's files */
		conf.users_file[0] = '\0';
		conf.lock_dir[0] = '\0';
		if (server_access_setup(&srv, &conf, err, sizeof(err)) < 0)
			abort();
		ready = 1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 0;
	f.fd = sv[0];
	f.data = data;
	f.size = size;
	pthread_create(&tf, NULL, feed, &f);
	pthread_create(&td, NULL, drain, &sv[0]);
	session_run(&srv, sv[1]);	/* closes sv[1] */
	pthread_join(tf, NULL);
	pthread_join(td, NULL);
	close(sv[0]);
	return 0;
}
