/*
 * config.c - parse scsaned.conf.
 *
 * The parser builds into a scratch config and only swaps it in when the
 * whole text is valid, so a bad line never leaves half a configuration.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/config.h"
#include "scsaned/fileio.h"

#define CONFIG_MAX_BYTES (1024 * 1024)
#ifndef SANED_CONF
#define SANED_CONF "/etc/sane.d/saned.conf"
#endif
#ifndef LOCK_DIR
#define LOCK_DIR "/run/scsaned"
#endif
#ifndef SANED_USERS
#define SANED_USERS "/etc/sane.d/saned.users"
#endif
#define CONFIG_MAX_DEVICES 1024
#define CONFIG_MAX_WORDS 8

static void config_free_lists(struct config *c);

void
config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->data_connect_timeout_ms = 10000;
	c->idle_timeout_s = 3600;
	snprintf(c->hosts_file, sizeof(c->hosts_file), "%s", SANED_CONF);
	snprintf(c->users_file, sizeof(c->users_file), "%s", SANED_USERS);
	snprintf(c->lock_dir, sizeof(c->lock_dir), "%s", LOCK_DIR);
	c->request_timeout_s = 30;
	c->scan_stall_s = 120;
	c->dnssd = 1;
	c->max_clients = 64;
	c->rediscover_s = 60;
	snprintf(c->web_root, sizeof(c->web_root), "%s", WEB_ROOT);
}

void
config_free(struct config *c)
{
	config_free_lists(c);
	config_init(c);
}

static void
config_free_lists(struct config *c)
{
	free(c->devices);
	free(c->discover);
	free(c->allow);
	c->devices = NULL;
	c->discover = NULL;
	c->allow = NULL;
}

static int
fail(char *err, size_t errlen, const char *src, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s:%d: %s", src, line, msg);
	return -1;
}

/* Split LINE in place at blanks.  Returns the word count, or -1 if too many. */
static int
split(char *line, char **words)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			*p++ = '\0';
		if (*p == '\0' || *p == '#')
			break;
		if (n == CONFIG_MAX_WORDS)
			return -1;
		words[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
	}
	*p = '\0';
	return n;
}

/* Device names travel in "net:host:NAME"; keep them printable and simple. */
static int
valid_name(const char *s)
{
	if (*s == '\0' || strlen(s) > CONFIG_NAME_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("-_.+", *s) == NULL)
			return 0;
	return 1;
}

static int
parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* USER:SECRET, both non-empty, no characters that would break a URI. */
static int
valid_chap(const char *s)
{
	const char *colon = strchr(s, ':');

	return colon != NULL && colon != s && colon[1] != '\0' &&
	    strlen(s) <= CONFIG_CHAP_MAX && strpbrk(s, "@/?&%#") == NULL;
}

/* A backend's name as libsane-NAME.so.1 has it: [a-z0-9_], nothing that makes a path. */
static int
valid_backend(const char *s)
{
	if (*s == '\0' || strlen(s) > CONFIG_BACKEND_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static int
device_option(struct config_device *d, const char *opt)
{
	unsigned secs;
	int iscsi = strncmp(d->uri, "iscsi://", 8) == 0;

	if (strncmp(opt, "timeout=", 8) == 0) {
		if (parse_uint(opt + 8, 3600, &secs) < 0 || secs == 0)
			return -1;
		d->timeout_ms = secs * 1000;
		return 0;
	}
	if (strncmp(opt, "backend=", 8) == 0 && valid_backend(opt + 8)) {
		strcpy(d->backend, opt + 8);
		return 0;
	}
	if (strncmp(opt, "escl_port=", 10) == 0) {
		if (parse_uint(opt + 10, 65535, &d->escl_port) < 0 || d->escl_port == 0)
			return -1;
		return 0;
	}
	if (iscsi && strncmp(opt, "chap=", 5) == 0 && valid_chap(opt + 5)) {
		strcpy(d->chap, opt + 5);
		return 0;
	}
	if (iscsi && strncmp(opt, "target_chap=", 12) == 0 && valid_chap(opt + 12)) {
		strcpy(d->target_chap, opt + 12);
		return 0;
	}
	return -1;
}

static int
add_device(struct config *c, char **w, int n, const char *src, int line,
    char *err, size_t errlen)
{
	struct config_device *d;
	int i;

	if (n < 3)
		return fail(err, errlen, src, line,
		    "usage: device NAME URI [timeout=SECONDS] [chap=USER:SECRET] "
		    "[target_chap=USER:SECRET] [backend=BACKEND] [escl_port=PORT]");
	if (!valid_name(w[1]))
		return fail(err, errlen, src, line,
		    "bad device name '%.64s' (letters, digits, - _ . + only; at most %d)",
		    w[1], CONFIG_NAME_MAX);
	if (strlen(w[2]) > CONFIG_URI_MAX)
		return fail(err, errlen, src, line, "URI longer than %d bytes",
		    CONFIG_URI_MAX);
	for (i = 0; i < c->ndevices; i++)
		if (strcmp(c->devices[i].name, w[1]) == 0)
			return fail(err, errlen, src, line,
			    "device '%s' already defined on line %d", w[1],
			    c->devices[i].line);
	if (c->ndevices == CONFIG_MAX_DEVICES)
		return fail(err, errlen, src, line, "too many devices");
	d = realloc(c->devices, (size_t)(c->ndevices + 1) * sizeof(*d));
	if (d == NULL)
		return fail(err, errlen, src, line, "out of memory");
	c->devices = d;
	d = &c->devices[c->ndevices];
	memset(d, 0, sizeof(*d));
	strcpy(d->name, w[1]);
	strcpy(d->uri, w[2]);
	d->line = line;
	for (i = 3; i < n; i++)
		if (device_option(d, w[i]) < 0)
			/* Never echo the option: it may hold a secret. */
			return fail(err, errlen, src, line, "bad device option %d "
			    "(timeout=1..3600, chap=USER:SECRET, target_chap=USER:SECRET, "
			    "backend=NAME of [a-z0-9_], escl_port=1..65535; "
			    "CHAP only for iscsi://)", i - 2);
	c->ndevices++;
	return 0;
}

static int
add_discover(struct config *c, char **w, int n, const char *src, int line,
    char *err, size_t errlen)
{
	char (*d)[CONFIG_DISCOVER_MAX + 1];
	char spec[CONFIG_DISCOVER_MAX + 1] = "";
	int i;

	if (n < 2 || (strcmp(w[1], "sg") != 0 && strncmp(w[1], "iscsi://", 8) != 0) ||
	    (strcmp(w[1], "sg") != 0 && n != 2))
		return fail(err, errlen, src, line,
		    "usage: discover sg [sysfs=DIR] [dev=DIR] | discover iscsi://portal[:port]");
	for (i = 1; i < n; i++) {
		if (i > 1 && strncmp(w[i], "sysfs=", 6) != 0 && strncmp(w[i], "dev=", 4) != 0)
			return fail(err, errlen, src, line,
			    "unknown discover option '%.32s'", w[i]);
		if (strlen(spec) + strlen(w[i]) + 2 > sizeof(spec))
			return fail(err, errlen, src, line, "discover line too long");
		if (i > 1)
			strcat(spec, " ");
		strcat(spec, w[i]);
	}
	d = realloc(c->discover, (size_t)(c->ndiscover + 1) * sizeof(*d));
	if (d == NULL)
		return fail(err, errlen, src, line, "out of memory");
	c->discover = d;
	strcpy(c->discover[c->ndiscover++], spec);
	return 0;
}

/* http [ADDR:]PORT|no: an IPv6 address goes in brackets, [::1]:8090. */
static int
parse_http(struct config *c, int n, char **w, const char *src, int line,
    char *err, size_t errlen)
{
	const char *arg = n == 2 ? w[1] : "", *colon, *port = arg;
	size_t alen = 0;

	if (n == 2 && strcmp(arg, "no") == 0) {
		c->http_port = 0;
		c->http_addr[0] = '\0';
		return 0;
	}
	if (arg[0] == '[') {
		colon = strstr(arg, "]:");
		if (colon == NULL)
			goto bad;
		arg++;
		alen = (size_t)(colon - arg);
		port = colon + 2;
	} else if ((colon = strrchr(arg, ':')) != NULL) {
		alen = (size_t)(colon - arg);
		port = colon + 1;
	}
	if (n != 2 || alen >= sizeof(c->http_addr) || (colon != NULL && alen == 0) ||
	    parse_uint(port, 65535, &c->http_port) < 0 || c->http_port == 0)
		goto bad;
	memcpy(c->http_addr, arg, alen);
	c->http_addr[alen] = '\0';
	return 0;
bad:
	return fail(err, errlen, src, line,
	    "usage: http [ADDR:]PORT|no (an IPv6 address in brackets, [::1]:8090)");
}

static int
parse_line(struct config *c, char *text, const char *src, int line,
    char *err, size_t errlen)
{
	char *w[CONFIG_MAX_WORDS];
	int n;

	if ((n = split(text, w)) < 0)
		return fail(err, errlen, src, line, "too many words");
	if (n == 0)
		return 0;
	if (strcmp(w[0], "device") == 0)
		return add_device(c, w, n, src, line, err, errlen);
	if (strcmp(w[0], "discover") == 0)
		return add_discover(c, w, n, src, line, err, errlen);
	if (strcmp(w[0], "rediscover") == 0) {
		if (n != 2 || parse_uint(w[1], 86400, &c->rediscover_s) < 0)
			return fail(err, errlen, src, line,
			    "usage: rediscover SECONDS (0-86400, 0 = at start-up only)");
		return 0;
	}
	if (strcmp(w[0], "data_connect_timeout") == 0) {
		if (n != 2 || parse_uint(w[1], 3600000, &c->data_connect_timeout_ms) < 0)
			return fail(err, errlen, src, line,
			    "usage: data_connect_timeout MILLISECONDS (0-3600000)");
		c->data_connect_timeout_set = 1;
		return 0;
	}
	if (strcmp(w[0], "idle_timeout") == 0) {
		if (n != 2 || parse_uint(w[1], 86400, &c->idle_timeout_s) < 0)
			return fail(err, errlen, src, line,
			    "usage: idle_timeout SECONDS (0-86400, 0 = none)");
		return 0;
	}
	if (strcmp(w[0], "scan_stall_timeout") == 0) {
		if (n != 2 || parse_uint(w[1], 86400, &c->scan_stall_s) < 0 ||
		    c->scan_stall_s == 0)
			return fail(err, errlen, src, line,
			    "usage: scan_stall_timeout SECONDS (1-86400)");
		return 0;
	}
	if (strcmp(w[0], "request_timeout") == 0) {
		if (n != 2 || parse_uint(w[1], 3600, &c->request_timeout_s) < 0 ||
		    c->request_timeout_s == 0)
			return fail(err, errlen, src, line,
			    "usage: request_timeout SECONDS (1-3600)");
		return 0;
	}
	if (strcmp(w[0], "allow") == 0) {
		char (*a)[CONFIG_DISCOVER_MAX + 1];

		if (n != 2 || strlen(w[1]) > CONFIG_DISCOVER_MAX)
			return fail(err, errlen, src, line,
			    "usage: allow HOST|ADDRESS[/PREFIX]|+");
		if ((a = realloc(c->allow, (size_t)(c->nallow + 1) * sizeof(*a))) == NULL)
			return fail(err, errlen, src, line, "out of memory");
		c->allow = a;
		strcpy(c->allow[c->nallow++], w[1]);
		return 0;
	}
	if (strcmp(w[0], "hosts_file") == 0) {
		if (n != 2 || strlen(w[1]) > CONFIG_URI_MAX)
			return fail(err, errlen, src, line, "usage: hosts_file PATH|none");
		snprintf(c->hosts_file, sizeof(c->hosts_file), "%s",
		    strcmp(w[1], "none") == 0 ? "" : w[1]);
		return 0;
	}
	if (strcmp(w[0], "users_file") == 0) {
		if (n != 2 || strlen(w[1]) > CONFIG_URI_MAX)
			return fail(err, errlen, src, line, "usage: users_file PATH|none");
		snprintf(c->users_file, sizeof(c->users_file), "%s",
		    strcmp(w[1], "none") == 0 ? "" : w[1]);
		return 0;
	}
	if (strcmp(w[0], "backends") == 0) {
		if (n != 2 || strlen(w[1]) > CONFIG_URI_MAX)
			return fail(err, errlen, src, line, "usage: backends yes|no|LIST");
		c->backends = strcmp(w[1], "no") != 0;
		snprintf(c->backends_only, sizeof(c->backends_only), "%s",
		    strcmp(w[1], "yes") == 0 || strcmp(w[1], "no") == 0 ? "" : w[1]);
		return 0;
	}
	if (strcmp(w[0], "dnssd") == 0) {
		if (n != 2 || (strcmp(w[1], "yes") != 0 && strcmp(w[1], "no") != 0))
			return fail(err, errlen, src, line, "usage: dnssd yes|no");
		c->dnssd = strcmp(w[1], "yes") == 0;
		return 0;
	}
	if (strcmp(w[0], "http") == 0)
		return parse_http(c, n, w, src, line, err, errlen);
	if (strcmp(w[0], "web_root") == 0) {
		if (n != 2 || strlen(w[1]) > CONFIG_URI_MAX)
			return fail(err, errlen, src, line, "usage: web_root PATH");
		snprintf(c->web_root, sizeof(c->web_root), "%s", w[1]);
		return 0;
	}
	if (strcmp(w[0], "lock_dir") == 0) {
		if (n != 2 || strlen(w[1]) > CONFIG_URI_MAX)
			return fail(err, errlen, src, line, "usage: lock_dir PATH|none");
		snprintf(c->lock_dir, sizeof(c->lock_dir), "%s",
		    strcmp(w[1], "none") == 0 ? "" : w[1]);
		return 0;
	}
	if (strcmp(w[0], "backends_ignore") == 0) {
		if (n != 2 || strlen(w[1]) > CONFIG_URI_MAX)
			return fail(err, errlen, src, line, "usage: backends_ignore LIST");
		snprintf(c->backends_ignore, sizeof(c->backends_ignore), "%s", w[1]);
		return 0;
	}
	if (strcmp(w[0], "auth_plaintext") == 0) {
		if (n != 2 || (strcmp(w[1], "yes") != 0 && strcmp(w[1], "no") != 0))
			return fail(err, errlen, src, line, "usage: auth_plaintext yes|no");
		c->auth_plaintext = strcmp(w[1], "yes") == 0;
		return 0;
	}
	if (strcmp(w[0], "data_portrange") == 0) {
		if (n != 3 || parse_uint(w[1], 65535, &c->port_lo) < 0 ||
		    parse_uint(w[2], 65535, &c->port_hi) < 0 || c->port_hi < c->port_lo)
			return fail(err, errlen, src, line,
			    "usage: data_portrange LOW HIGH (0-65535)");
		return 0;
	}
	if (strcmp(w[0], "max_clients") == 0) {
		if (n != 2 || parse_uint(w[1], 4096, &c->max_clients) < 0 ||
		    c->max_clients == 0)
			return fail(err, errlen, src, line,
			    "usage: max_clients N (1-4096)");
		return 0;
	}
	return fail(err, errlen, src, line, "unknown keyword '%.32s'", w[0]);
}

int
config_parse(struct config *c, const char *src, const char *text, size_t len,
    char *err, size_t errlen)
{
	struct config tmp;
	char buf[1024];
	size_t pos = 0;
	int line = 0, r;

	tmp = *c;
	tmp.devices = NULL;
	tmp.ndevices = 0;
	tmp.discover = NULL;
	tmp.ndiscover = 0;
	tmp.allow = NULL;
	tmp.nallow = 0;
	while ((r = text_next_line(text, len, &pos, buf, sizeof(buf), &line)) != 0) {
		if (r < 0) {
			config_free_lists(&tmp);
			return fail(err, errlen, src, line, "line too long or NUL byte in line");
		}
		if (parse_line(&tmp, buf, src, line, err, errlen) < 0) {
			config_free_lists(&tmp);
			return -1;
		}
	}
	config_free_lists(c);
	*c = tmp;
	return 0;
}

int
config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	char *text, abs[PATH_MAX];
	size_t len;
	int rc;

	if (file_slurp(path, CONFIG_MAX_BYTES, 0, &text, &len, err, errlen) < 0)
		return -1;
	rc = config_parse(c, path, text, len, err, errlen);
	free(text);
	/* Names a simulated device's lock file: see devreg_lock_key. */
	if (rc == 0 && realpath(path, abs) != NULL && strlen(abs) < sizeof(c->path))
		memcpy(c->path, abs, strlen(abs) + 1);
	return rc;
}
