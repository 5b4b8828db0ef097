/*
 * access.h - who may talk to the daemon, in saned.conf's terms.
 *
 * A host entry is "+" (anyone), an IPv4 or IPv6 address with an optional
 * /prefix (IPv6 may be bracketed: [fd00::1]/64), or a host name resolved
 * forward when a client connects.  Loopback is always allowed, as in
 * saned.  With no entries, only loopback gets in.
 */
#ifndef SCSANED_ACCESS_H
#define SCSANED_ACCESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct access_rule {
	int any;		/* "+" */
	int family;		/* AF_INET, AF_INET6, or 0 for a host name */
	uint8_t addr[16];
	int prefix;		/* bits that must match */
	char host[256];		/* a name, resolved at check time */
};

struct access_list {
	struct access_rule *rules;
	int n;
	int port_lo, port_hi;	/* data_portrange; 0-0 = any port */
	int connect_timeout_ms;	/* saned.conf's data_connect_timeout, -1 unset */
};

void access_init(struct access_list *l);
void access_free(struct access_list *l);

/* Add one host entry.  0, or -1 with the reason in ERR. */
int access_add(struct access_list *l, const char *spec, char *err, size_t errlen);

/*
 * Read saned.conf text: host entries, and the options data_portrange and
 * data_connect_timeout.  0, or -1 with "SOURCE:LINE: reason" in ERR.
 */
int access_parse(struct access_list *l, const char *source, const char *text,
    size_t len, char *err, size_t errlen);

/* Read a saned.conf file; a missing file is no entries, not an error. */
int access_load(struct access_list *l, const char *path, char *err, size_t errlen);

/*
 * 1 if PEER may connect (WHY says which entry let it in), 0 if not (WHY
 * says so).  Name entries may block on DNS.
 */
int access_allowed(const struct access_list *l, const struct sockaddr_storage *peer,
    char *why, size_t whylen);

#endif
