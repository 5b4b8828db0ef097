/*
 * admit.c - the access list applied to a server: built once from the
 * configuration, checked for every connection before a byte is read.
 */
#include <stdio.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#include "scsaned/log.h"
#include "scsaned/server.h"

int
server_access_setup(struct server *srv, const struct config *conf, char *err,
    size_t errlen)
{
	char why[256];
	int i;

	access_init(&srv->acl);
	auth_init(&srv->auth);
	pthread_mutex_init(&srv->sessions_lock, NULL);
	srv->auth.allow_plain = conf->auth_plaintext;
	if (conf->users_file[0] != '\0' &&
	    auth_load(&srv->auth, conf->users_file, err, errlen) < 0)
		return -1;
	if (conf->hosts_file[0] != '\0' &&
	    access_load(&srv->acl, conf->hosts_file, err, errlen) < 0)
		return -1;
	for (i = 0; i < conf->nallow; i++) {
		if (access_add(&srv->acl, conf->allow[i], why, sizeof(why)) < 0) {
			snprintf(err, errlen, "allow %s: %s", conf->allow[i], why);
			return -1;
		}
	}
	/* scsaned.conf's own settings beat saned.conf's. */
	if (conf->port_hi != 0) {
		srv->acl.port_lo = (int)conf->port_lo;
		srv->acl.port_hi = (int)conf->port_hi;
	}
	srv->data_connect_timeout_ms = conf->data_connect_timeout_set ||
	    srv->acl.connect_timeout_ms < 0 ? conf->data_connect_timeout_ms :
	    (unsigned)srv->acl.connect_timeout_ms;
	log_info("access: loopback%s%s; %d host entr%s; %d user entr%s", conf->hosts_file[0] ?
	    ", and hosts in " : "", conf->hosts_file, srv->acl.n,
	    srv->acl.n == 1 ? "y" : "ies", srv->auth.n, srv->auth.n == 1 ? "y" : "ies");
	return 0;
}

void
server_ready(void)
{
	/* A no-op without NOTIFY_SOCKET (not started by systemd). */
	sd_notify(0, "READY=1\nSTATUS=serving");
}

void
server_access_free(struct server *srv)
{
	access_free(&srv->acl);
	auth_free(&srv->auth);
}

int
server_admit(struct server *srv, int fd)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	char who[64], why[128];

	if (getpeername(fd, (struct sockaddr *)&peer, &len) < 0)
		peer.ss_family = AF_UNIX;
	if (access_allowed(&srv->acl, &peer, why, sizeof(why)))
		return 1;
	log_warn("%s: refused: %s", netio_addr_string(&peer, who, sizeof(who)), why);
	return 0;
}
