/*
 * main.c - scsaned: command line, configuration, and the chosen mode.
 *
 * Flags follow saned's where saned has them: -l standalone, -b address,
 * -p port, -d debug level, -o one client; without -l the client
 * connection is expected on stdin (inetd).
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#include "scsaned/config.h"
#include "scsaned/device.h"
#include "scsaned/http.h"
#include "scsaned/log.h"
#include "scsaned/scsi.h"
#include "scsaned/server.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONFIG SYSCONFDIR "/scsaned/scsaned.conf"

static struct server server;
static struct http_env http_env;
static const char *run_as;	/* -u USER */
static int detach;		/* -D, -a */
static const char *status_dir;	/* lock_dir: where our status socket goes */
static char status_sock[300];
static int keep_stderr;		/* -e */
static int watching;		/* serving many clients: discovery goes on */

static int daemonize(int keep);
static int start_signal_thread(void);

/*
 * Once the port is bound (so a bind error still reaches the terminal):
 * leave it if asked to, then give up root if asked to.
 */
static int
after_bind(void)
{
	char err[256];
	int r;

	if (detach && (r = daemonize(keep_stderr)) != 0) {
		if (r > 0)
			_exit(0);	/* the parent: the child has it all */
		log_err("cannot go to the background");
		return -1;
	}
	/* After any fork: threads do not cross it, and the pid names the socket. */
	if (start_signal_thread() < 0) {
		log_err("cannot start the signal thread");
		return -1;
	}
	if (watching && devreg_watch(server.reg) < 0)
		log_err("cannot start the discovery thread; devices are found "
		    "at start-up only");
	if (status_dir != NULL && status_dir[0] != '\0') {
		snprintf(status_sock, sizeof(status_sock), "%s/status-%d.sock",
		    status_dir, (int)getpid());
		if (status_listen(&server, status_sock) < 0)
			status_sock[0] = '\0';
	}
	/* Before the privileges go: the admin may give it a low port. */
	http_env.reg = server.reg;
	http_env.conf = server.conf;
	http_env.acl = &server.acl;
	http_env.auth = &server.auth;
	/* As the SANE front's: SCSANED_DNSSD=no overrides the config. */
	http_env.dnssd = server.conf->dnssd && (getenv("SCSANED_DNSSD") == NULL ||
	    strcmp(getenv("SCSANED_DNSSD"), "no") != 0);
	/* The SANE front serves on without it: the log says why. */
	if (http_start(&http_env) < 0)
		log_err("http: the web page and eSCL are off");
	if (run_as == NULL)
		return 0;
	if (privs_drop(run_as, err, sizeof(err)) < 0) {
		log_err("-u %s: %s", run_as, err);
		return -1;
	}
	log_info("running as %s", run_as);
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: scsaned [-l] [-o] [-D] [-a [USER]] [-e] [-b ADDRESS] [-p PORT] [-d LEVEL]\n"
	    "               [-c FILE] [-u USER] [-L]\n"
	    "  -l          standalone: listen for clients (default: inetd, client on stdin)\n"
	    "  -o          standalone, serve one client, then exit\n"
	    "  -b ADDRESS  listen on ADDRESS only (default: all)\n"
	    "  -p PORT     listen on PORT (default: sane-port, 6566)\n"
	    "  -d LEVEL    log level: 0 errors .. 4 trace (default 2)\n"
	    "  -c FILE     configuration (default " DEFAULT_CONFIG ")\n"
	    "  -u USER     after binding, run as USER (uid, gid and groups, for good)\n"
	    "  -D          standalone in the background, logging to syslog\n"
	    "  -a [USER]   alone: -l -D, and -u USER if given (as saned)\n"
	    "  -e          keep logging to stderr\n"
	    "  -L          list the devices that would be served, then exit\n"
	    "  -S          show what the running daemons do (sessions, scans), then exit\n");
}

/*
 * -D: leave the terminal.  The parent returns 0 once the child runs in a
 * session of its own, stdin and stdout on /dev/null, and logs on syslog
 * (with -e, on the stderr it was started with).  0 in the child, 1 in the
 * parent, -1 on failure.
 */
static int
daemonize(int keep)
{
	pid_t pid = fork();
	int null;

	if (pid < 0)
		return -1;
	if (pid > 0)
		return 1;
	if (setsid() < 0 || chdir("/") < 0)
		_exit(1);
	if ((null = open("/dev/null", O_RDWR)) >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (!keep)
			dup2(null, 2);
		if (null > 2)
			close(null);
	}
	if (!keep)
		log_to_syslog();
	return 0;
}

/*
 * Signals.  SIGTERM, SIGINT and SIGPIPE are blocked in every thread from
 * the start and taken by one thread with sigwait().  SANE backends run in
 * our threads and some reset handlers (Debian's test backend sets SIGTERM
 * back to its default in its reader): a blocked signal stays ours whatever
 * they do, and a blocked SIGPIPE leaves only EPIPE on the write.
 */
static sigset_t our_signals;

static void
block_signals(void)
{
	sigemptyset(&our_signals);
	sigaddset(&our_signals, SIGTERM);
	sigaddset(&our_signals, SIGINT);
	sigaddset(&our_signals, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &our_signals, NULL);
}

static void *
signal_thread(void *arg)
{
	int sig;

	(void)arg;
	for (;;) {
		if (sigwait(&our_signals, &sig) != 0 || sig == SIGPIPE)
			continue;
		log_info("signal %d: stopping", sig);
		atomic_store(&server.stopping, 1);
		return NULL;
	}
}

static int
start_signal_thread(void)
{
	pthread_attr_t attr;
	pthread_t t;
	int rc;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, signal_thread, NULL);
	pthread_attr_destroy(&attr);
	return rc == 0 ? 0 : -1;
}

static void
list_devices(const struct devreg *reg)
{
	char shown[256];
	int i;

	for (i = 0; i < reg->ndevs; i++)
		printf("%s\t%s\t%s\t%s\t%s\n", reg->devs[i].name,
		    reg->devs[i].vendor, reg->devs[i].model, reg->devs[i].type,
		    scsi_uri_display(reg->devs[i].uri, shown, sizeof(shown)));
}

/*
 * systemd socket activation.  Accept=no hands us the listening sockets:
 * one daemon serves every client, so the registry and the busy rule hold
 * across them.  Accept=yes hands one connected socket: served as in inetd
 * mode.  Returns -1 when not socket-activated, else the exit status.
 */
static int
run_activated(int one)
{
	int n = sd_listen_fds(1), fds[8], i, k = 0;

	if (n <= 0)
		return -1;
	for (i = 0; i < n && k < 8; i++)
		if (sd_is_socket(SD_LISTEN_FDS_START + i, AF_UNSPEC, SOCK_STREAM, 1) > 0)
			fds[k++] = SD_LISTEN_FDS_START + i;
	if (k == 0) {
		/* A connected socket: one client, as inetd would give it. */
		watching = 0;
		if (after_bind() != 0)
			return 1;
		server_ready();
		if (server_admit(&server, SD_LISTEN_FDS_START))
			session_run(&server, SD_LISTEN_FDS_START);
		else
			close(SD_LISTEN_FDS_START);
		return 0;
	}
	log_info("socket activation: %d listening socket%s", k, k == 1 ? "" : "s");
	return listener_serve(&server, fds, k, one, after_bind) < 0 ? 1 : 0;
}

/* inetd: the client is on fd 0; keep stray output off the protocol. */
static void
run_inetd(void)
{
	int fd = dup(0), null;

	if (fd < 0) {
		log_err("inetd mode: no connection on stdin");
		return;
	}
	if ((null = open("/dev/null", O_RDWR)) >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (null > 2)
			close(null);
	}
	if (server_admit(&server, fd))
		session_run(&server, fd);
	else
		close(fd);
}

int
main(int argc, char **argv)
{
	const char *conffile = DEFAULT_CONFIG, *addr = NULL, *port = "6566";
	int c, standalone = 0, one = 0, list = 0, status = 0, rc = 0;
	struct config conf;
	struct devreg reg;
	char err[512];
	char *end;
	long lvl;

	while ((c = getopt(argc, argv, "lob:p:d:c:u:LSDaeh")) != -1) {
		switch (c) {
		case 'l': standalone = 1; break;
		case 'o': standalone = one = 1; break;
		case 'b': addr = optarg; break;
		case 'p': port = optarg; break;
		case 'c': conffile = optarg; break;
		case 'L': list = 1; break;
		case 'S': status = 1; break;
		case 'u': run_as = optarg; break;
		case 'D': standalone = detach = 1; break;
		case 'e': keep_stderr = 1; break;
		case 'a':
			/* saned's -a takes its user as an optional separate word. */
			standalone = detach = 1;
			if (optind < argc && argv[optind][0] != '-')
				run_as = argv[optind++];
			break;
		case 'd':
			lvl = strtol(optarg, &end, 10);
			if (*end != '\0' || lvl < 0 || lvl > 255) {
				fprintf(stderr, "scsaned: bad debug level '%s'\n", optarg);
				return 2;
			}
			log_set_level((int)lvl);
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	block_signals();
	config_init(&conf);
	if (config_load(&conf, conffile, err, sizeof(err)) < 0) {
		log_err("%s", err);
		return 1;
	}
	if (status) {
		/* Ask the running daemons; build nothing. */
		rc = conf.lock_dir[0] != '\0' ? status_query(conf.lock_dir) : -1;
		if (conf.lock_dir[0] == '\0')
			fprintf(stderr, "scsaned: lock_dir is none: no status sockets\n");
		config_free(&conf);
		return rc < 0 ? 1 : 0;
	}
	if (devreg_build(&reg, &conf) < 0) {
		log_err("out of memory building the device list");
		config_free(&conf);
		return 1;
	}
	server.reg = &reg;
	server.conf = &conf;
	status_dir = reg.lock_dir;
	if (server_access_setup(&server, &conf, err, sizeof(err)) < 0) {
		log_err("%s", err);
		devreg_free(&reg);
		config_free(&conf);
		return 1;
	}
	/* One client (inetd, -o) is served by the devices found for it. */
	watching = !one;
	if (list)
		list_devices(&reg);
	else if ((c = run_activated(one)) >= 0)
		rc = c;
	else if (standalone)
		rc = listener_run(&server, addr, port, one, after_bind) < 0 ? 1 : 0;
	else if ((watching = 0) == 0 && after_bind() == 0)
		run_inetd();	/* one client, as -o */
	else
		rc = 1;
	/* Give sessions still running a moment to release their devices. */
	for (c = 0; c < 200 && atomic_load(&server.clients) > 0; c++)
		usleep(10000);
	http_stop();
	if (status_sock[0] != '\0')
		unlink(status_sock);
	/*
	 * A session thread still running (detached, stuck in a device command
	 * or a client write) reads the registry and the config: freeing them
	 * under it would be a use after free.  The exit takes them instead.
	 */
	if ((c = atomic_load(&server.clients)) > 0) {
		log_warn("exiting with %d session(s) still running", c);
		exit(rc);
	}
	server_access_free(&server);
	devreg_free(&reg);
	config_free(&conf);
	return rc;
}
