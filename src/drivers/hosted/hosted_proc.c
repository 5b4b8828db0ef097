/*
 * hosted_proc.c - start, talk to and reap a backend helper.
 *
 * The helper runs third-party code, so every wait on it is bounded, and a
 * helper that dies, hangs or sends something malformed is killed with its
 * whole process group and reaped at once: it never lingers as a zombie
 * and never gets a second chance on the same handle.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scsaned/log.h"
#include "hosted_int.h"

#ifndef HELPER_DIR
#define HELPER_DIR "/usr/local/lib/scsaned"
#endif

/*
 * Where scsaned-backend is: $SCSANED_BACKEND_HOST, else beside our own
 * executable (a build tree), else where make install puts it.
 */
static const char *
helper_path(char *buf, size_t len)
{
	const char *env = getenv("SCSANED_BACKEND_HOST");
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env != NULL && *env != '\0')
		return env;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			if (snprintf(buf, len, "%.*s/scsaned-backend", PATH_MAX - 32, self) > 0 &&
			    access(buf, X_OK) == 0)
				return buf;
		}
	}
	snprintf(buf, len, "%s/scsaned-backend", HELPER_DIR);
	return buf;
}

/*
 * In the child, between fork and exec: only async-signal-safe calls.
 * The socket becomes fd 3, stdin and stdout /dev/null (in inetd mode our
 * stdout is a client's socket), stderr stays for the log; nothing else of
 * the daemon's stays open, and no signal stays blocked.
 */
static void
child(int sock, int null, const char *path, char *const argv[])
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
	dup2(null, 0);
	dup2(null, 1);
	if (sock == 3)
		fcntl(3, F_SETFD, 0);
	else
		dup2(sock, 3);
	close_range(4, ~0U, 0);
	execv(path, argv);
	_exit(127);
}

int
helper_spawn(struct helper *hp, const char *what, int wait_ms)
{
	char path[PATH_MAX], level[16];
	char *argv[] = { "scsaned-backend", "-f", "3", "-d", level, NULL };
	int sv[2], null;
	pid_t pid;

	memset(hp, 0, sizeof(*hp));
	hp->pid = -1;
	hp->fd = -1;
	hp->what = what;
	hp->wait_ms = wait_ms > 0 ? wait_ms : 120000;
	snprintf(level, sizeof(level), "%d", log_get_level());
	helper_path(path, sizeof(path));
	if ((hp->rx = malloc(HM_PAYLOAD_MAX)) == NULL)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		log_err("%s: socketpair: %s", what, strerror(errno));
		free(hp->rx);
		return -1;
	}
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0 || (pid = fork()) < 0) {
		log_err("%s: cannot start the backend host: %s", what, strerror(errno));
		if (null >= 0)
			close(null);
		close(sv[0]);
		close(sv[1]);
		free(hp->rx);
		return -1;
	}
	if (pid == 0)
		child(sv[1], null, path, argv);
	setpgid(pid, pid);	/* also here: whichever runs first, the group exists */
	close(sv[1]);
	close(null);
	hp->pid = pid;
	hp->fd = sv[0];
	log_debug("%s: backend host %s started, pid %d", what, path, (int)pid);
	return 0;
}

int
helper_alive(const struct helper *hp)
{
	return hp->pid > 0 && hp->fd >= 0;
}

struct hm_out *
helper_begin(struct helper *hp, uint32_t type)
{
	hm_begin(&hp->out, type);
	hp->building = type;
	return &hp->out;
}

/* Why the reaped child ended, for the log. */
static void
reap(struct helper *hp)
{
	int status;

	if (hp->pid <= 0)
		return;
	if (waitpid(hp->pid, &status, 0) == hp->pid) {
		if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
			log_warn("%s: backend host died of signal %d", hp->what,
			    WTERMSIG(status));
		else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			log_warn("%s: backend host exited with status %d", hp->what,
			    WEXITSTATUS(status));
	}
	hp->pid = -1;
}

void
helper_kill(struct helper *hp, const char *why)
{
	if (hp->pid > 0) {
		log_warn("%s: backend host %s; stopped", hp->what, why);
		/* The leader is not reaped yet, so its group id is still ours. */
		kill(-hp->pid, SIGKILL);
		kill(hp->pid, SIGKILL);
		reap(hp);
	}
	if (hp->fd >= 0)
		close(hp->fd);
	hp->fd = -1;
	hp->sent = 0;
}

int
helper_send(struct helper *hp)
{
	if (!helper_alive(hp))
		return -1;
	if (hm_end(&hp->out) < 0) {
		log_err("%s: request too large for the backend host", hp->what);
		return -1;
	}
	if (hm_send(hp->fd, &hp->out) < 0) {
		helper_kill(hp, "is gone");
		return -1;
	}
	hp->sent = hp->building;
	clock_gettime(CLOCK_MONOTONIC, &hp->sent_at);
	return 0;
}

long
helper_waited_ms(const struct helper *hp)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - hp->sent_at.tv_sec) * 1000 +
	    (now.tv_nsec - hp->sent_at.tv_nsec) / 1000000;
}

int
helper_reply(struct helper *hp)
{
	uint32_t type, len;
	long left;

	if (!helper_alive(hp) || hp->sent == 0)
		return -1;
	left = hp->wait_ms - helper_waited_ms(hp);
	if (hm_recv(hp->fd, hp->rx, &type, &len, left > 0 ? (int)left : 0) < 0) {
		helper_kill(hp, errno == ETIMEDOUT ? "did not answer in time" :
		    errno == EPROTO ? "sent a malformed message" : "ended");
		return -1;
	}
	if (type != (hp->sent | HM_REPLY)) {
		log_debug("%s: reply %x to request %x", hp->what, type, hp->sent);
		helper_kill(hp, "answered out of turn");
		return -1;
	}
	hp->sent = 0;
	hm_in_init(&hp->in, hp->rx, len);
	return 0;
}

int
helper_call(struct helper *hp)
{
	return helper_send(hp) < 0 ? -1 : helper_reply(hp);
}

int
helper_ready(const struct helper *hp)
{
	struct pollfd p = { .fd = hp->fd, .events = POLLIN };

	return hp->fd >= 0 && poll(&p, 1, 0) > 0;
}

void
helper_end(struct helper *hp)
{
	struct pollfd p = { .fd = hp->fd, .events = POLLIN };
	char c;

	/* After HM_CLOSE's reply the helper exits: EOF, within a bound. */
	if (hp->pid > 0 && hp->fd >= 0 && poll(&p, 1, 2000) > 0 &&
	    recv(hp->fd, &c, 1, 0) == 0) {
		kill(-hp->pid, SIGKILL);	/* anything it forked and left */
		reap(hp);
	}
	if (hp->pid > 0)
		helper_kill(hp, "did not exit");
	if (hp->fd >= 0)
		close(hp->fd);
	hp->fd = -1;
	hm_out_free(&hp->out);
	free(hp->rx);
	hp->rx = NULL;
}
