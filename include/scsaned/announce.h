/*
 * announce.h - services published through Avahi (DNS-SD), for every front:
 * the SANE front's _sane-port._tcp and the HTTP front's _uscan._tcp per
 * device.  One Avahi client and one thread for the whole daemon; a
 * service whose name another host holds takes the next ("NAME #2").  No
 * avahi-daemon is one log line, never an error.
 */
#ifndef SCSANED_ANNOUNCE_H
#define SCSANED_ANNOUNCE_H

/* A TXT record: up to ANNOUNCE_TXT_MAX "key=value" strings. */
#define ANNOUNCE_TXT_MAX	16
#define ANNOUNCE_TXT_LEN	256	/* DNS caps one string at 255 bytes */

struct announce_txt {
	char item[ANNOUNCE_TXT_MAX][ANNOUNCE_TXT_LEN];
	int n;
};

/* Add one string, cut at 255 bytes; past ANNOUNCE_TXT_MAX, dropped. */
void announce_txt(struct announce_txt *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Fill a service's TXT record, each time it is (re)published: HOST is the
 * name Avahi gives this machine (NAME.local), for keys that hold URLs.
 */
typedef void (*announce_txt_fn)(void *arg, const char *host, struct announce_txt *t);

/*
 * Publish NAME as TYPE on PORT, on every interface, IPv4 and IPv6, with the
 * TXT record FN(ARG) writes.  0, or -1 once Avahi is known to be missing
 * or the table is full (logged).  Thread-safe.
 */
int announce_add(const char *name, const char *type, unsigned port,
    announce_txt_fn fn, void *arg);

/* Withdraw everything; safe to call more than once. */
void announce_stop(void);

#endif
