/*
 * http.h - the HTTP front: eSCL (AirScan) on a port per device and the web
 * page on the `http` port.
 *
 * Like net/, it drives scanners through core/ (device.h) only, under the
 * same rules: the access list, max_clients, one owner per scanner, and
 * saned.users for the devices that need a password.
 */
#ifndef SCSANED_HTTP_H
#define SCSANED_HTTP_H

#include "access.h"
#include "auth.h"
#include "config.h"
#include "device.h"

struct http_env {
	struct devreg *reg;
	const struct config *conf;
	const struct access_list *acl;
	const struct auth_db *auth;
	int dnssd;		/* announce _uscan._tcp through Avahi */
};

/*
 * Start the front if CONF has an http line: the web page's daemon, one
 * eSCL daemon per device served (and for devices found later), and
 * their DNS-SD records.  0 (also when off), or -1 when the http port
 * cannot be bound (logged).  ENV must outlive http_stop().
 */
int http_start(const struct http_env *env);

/* Cancel every job, stop every daemon, withdraw the records. */
void http_stop(void);

#endif
