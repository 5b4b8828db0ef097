/*
 * server.h - the network side: sessions, the data channel, listeners.
 *
 * net/ calls core/ (device.h) only; it never sees a CDB.
 */
#ifndef SCSANED_SERVER_H
#define SCSANED_SERVER_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/socket.h>

#include "device.h"
#include "access.h"
#include "auth.h"
#include "config.h"

struct session;

struct server {
	struct devreg *reg;
	const struct config *conf;
	atomic_uint clients;	/* sessions alive */
	atomic_int stopping;	/* set by SIGTERM/SIGINT */
	struct access_list acl;	/* who may connect; data port range */
	pthread_mutex_t sessions_lock;	/* guards the list below */
	struct session *sessions;	/* every live session, for the status */
	struct auth_db auth;	/* saned.users */
	unsigned data_connect_timeout_ms;
};

/*
 * Build SRV->acl, SRV->auth and the data settings from CONF (hosts_file,
 * allow lines, data_portrange, data_connect_timeout, users_file,
 * auth_plaintext).  0, or -1 with ERR.  server_access_free() undoes it.
 */
int server_access_setup(struct server *srv, const struct config *conf,
    char *err, size_t errlen);
void server_access_free(struct server *srv);

/*
 * Check FD's peer against the access list.  1 if allowed; 0 after logging
 * who was refused and why (the caller closes without reading a byte).
 */
int server_admit(struct server *srv, int fd);

/*
 * Serve one client on connected socket FD until it leaves or breaks the
 * protocol.  Closes FD.  Every handle it opened is closed and every device
 * released before it returns.
 */
void session_run(struct server *srv, int fd);

/*
 * Listen on ADDR (NULL: every address) and PORT, call AFTER_BIND (if not
 * NULL; a non-zero return stops here) once the sockets are bound, then
 * serve each client in its own thread until srv->stopping.  Returns 0, or
 * -1 if nothing could be bound or AFTER_BIND failed.  If ONE_CLIENT,
 * return after the first client is served.
 */
int listener_run(struct server *srv, const char *addr, const char *port,
    int one_client, int (*after_bind)(void));

/*
 * As listener_run, on N sockets already listening (socket activation).
 * Closes them before returning.
 */
int listener_serve(struct server *srv, const int *fds, int n, int one_client,
    int (*after_bind)(void));

/*
 * Write what the daemon is doing to OUT: one line per session (peer,
 * since when, open devices) and per scan in progress (bytes so far).
 */
void server_status(struct server *srv, FILE *out);

/*
 * Answer status queries on a Unix socket at PATH from a thread of its
 * own; `scsaned -S` reads it.  0, or -1 (logged) if the socket cannot be
 * made.
 */
int status_listen(struct server *srv, const char *path);

/* Print the status of every daemon answering in directory DIR.  0, or -1. */
int status_query(const char *dir);

/*
 * Announce _sane-port._tcp (name, port, TXT protovers=VERSION in hex)
 * through Avahi, from a thread of its own.  0, or -1 after one log line
 * (no avahi-daemon, for instance); never fatal.  dnssd_stop() withdraws.
 */
int dnssd_publish(const char *name, int port, unsigned version);
void dnssd_stop(void);

/* Tell a service manager we serve (sd_notify READY=1), if there is one. */
void server_ready(void);

/*
 * Become USER for good: real, effective and saved uid and gid, and the
 * user's own supplementary groups; verified, root not regainable.
 * 0, or -1 with the reason in ERR.
 */
int privs_drop(const char *user, char *err, size_t errlen);

/* ---- socket helpers (netio.c) ------------------------------------------ */

/* "a.b.c.d" / "v6addr" of SA; IPv4-mapped IPv6 printed as IPv4. */
const char *netio_addr_string(const struct sockaddr_storage *sa, char *buf,
    size_t len);

/* True if A and B are the same host (IPv4-mapped equals plain IPv4). */
int netio_same_host(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b);

/*
 * Write all LEN bytes to FD.  Returns 0, or -1 on error or when the peer
 * did not take the bytes within TIMEOUT_MS (0 = no limit).
 */
int netio_write_all(int fd, const void *buf, size_t len, unsigned timeout_ms);

#endif
