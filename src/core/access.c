/*
 * access.c - the host list of saned.conf: parse it strictly, match peers
 * exactly.  Prefix matching works on whole bytes and a final partial
 * byte, so /0, /32 and /128 need no shifts past a word's width (saned
 * 1.2.1 shifts by a negative amount for /32 and writes past its mask for
 * /128).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/access.h"
#include "scsaned/fileio.h"

#define ACCESS_MAX_RULES 1024
#define ACCESS_MAX_FILE (1024 * 1024)

void
access_init(struct access_list *l)
{
	memset(l, 0, sizeof(*l));
	l->connect_timeout_ms = -1;
}

void
access_free(struct access_list *l)
{
	free(l->rules);
	access_init(l);
}

static int
parse_prefix(const char *s, int max, int *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0 || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int
valid_hostname(const char *s)
{
	if (*s == '\0' || strlen(s) > 253)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.' && *s != '_')
			return 0;
	return 1;
}

int
access_add(struct access_list *l, const char *spec, char *err, size_t errlen)
{
	struct access_rule r, *nr;
	char base[256], *slash, *close;
	const char *pfx = NULL;

	memset(&r, 0, sizeof(r));
	if (strlen(spec) >= sizeof(base)) {
		snprintf(err, errlen, "host entry too long");
		return -1;
	}
	strcpy(base, spec);
	if (strcmp(base, "+") == 0) {
		r.any = 1;
	} else {
		if (base[0] == '[') {
			if ((close = strchr(base, ']')) == NULL) {
				snprintf(err, errlen, "'%.64s': missing ']'", spec);
				return -1;
			}
			*close = '\0';
			if (close[1] == '/')
				pfx = close + 2;
			else if (close[1] != '\0') {
				snprintf(err, errlen, "'%.64s': junk after ']'", spec);
				return -1;
			}
			memmove(base, base + 1, strlen(base + 1) + 1);
		} else if ((slash = strchr(base, '/')) != NULL) {
			*slash = '\0';
			pfx = slash + 1;
		}
		if (inet_pton(AF_INET, base, r.addr) == 1) {
			r.family = AF_INET;
			r.prefix = 32;
		} else if (inet_pton(AF_INET6, base, r.addr) == 1) {
			r.family = AF_INET6;
			r.prefix = 128;
		} else if (pfx == NULL && valid_hostname(base)) {
			snprintf(r.host, sizeof(r.host), "%s", base);
		} else {
			snprintf(err, errlen, "'%.64s' is not an address, a network or a "
			    "host name", spec);
			return -1;
		}
		if (pfx != NULL && parse_prefix(pfx, r.family == AF_INET ? 32 : 128,
		    &r.prefix) < 0) {
			snprintf(err, errlen, "'%.64s': prefix must be 0-%d", spec,
			    r.family == AF_INET ? 32 : 128);
			return -1;
		}
	}
	if (l->n == ACCESS_MAX_RULES) {
		snprintf(err, errlen, "more than %d host entries", ACCESS_MAX_RULES);
		return -1;
	}
	if ((nr = realloc(l->rules, (size_t)(l->n + 1) * sizeof(*nr))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	l->rules = nr;
	l->rules[l->n++] = r;
	return 0;
}

/* "data_portrange = lo - hi" or "data_connect_timeout = ms". */
static int
parse_option(struct access_list *l, char *line, char *err, size_t errlen)
{
	unsigned lo, hi, ms;
	char c;

	if (strstr(line, "data_portrange") == line) {
		if (sscanf(strchr(line, '=') + 1, " %u - %u %c", &lo, &hi, &c) != 2 ||
		    lo > 65535 || hi > 65535 || hi < lo) {
			snprintf(err, errlen, "data_portrange wants LOW - HIGH, 0-65535");
			return -1;
		}
		l->port_lo = (int)lo;
		l->port_hi = (int)hi;
		return 0;
	}
	if (strstr(line, "data_connect_timeout") == line) {
		if (sscanf(strchr(line, '=') + 1, " %u %c", &ms, &c) != 1 || ms > 3600000) {
			snprintf(err, errlen, "data_connect_timeout wants milliseconds");
			return -1;
		}
		l->connect_timeout_ms = (int)ms;
		return 0;
	}
	snprintf(err, errlen, "unknown option");
	return -1;
}

int
access_parse(struct access_list *l, const char *source, const char *text,
    size_t len, char *err, size_t errlen)
{
	char line[512], why[256];
	size_t pos = 0;
	int lineno = 0, r;

	while ((r = text_next_line(text, len, &pos, line, sizeof(line), &lineno)) != 0) {
		if (r < 0) {
			snprintf(err, errlen, "%s:%d: line too long or binary", source, lineno);
			return -1;
		}
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if ((strchr(line, '=') != NULL ? parse_option(l, line, why, sizeof(why)) :
		    access_add(l, line, why, sizeof(why))) < 0) {
			snprintf(err, errlen, "%s:%d: %s", source, lineno, why);
			return -1;
		}
	}
	return 0;
}

int
access_load(struct access_list *l, const char *path, char *err, size_t errlen)
{
	char *text;
	size_t len;
	int rc;

	if (file_slurp(path, ACCESS_MAX_FILE, 1, &text, &len, err, errlen) < 0)
		return -1;
	if (text == NULL)
		return 0;	/* no saned.conf: no entries */
	rc = access_parse(l, path, text, len, err, errlen);
	free(text);
	return rc;
}

/* The peer's address bytes; IPv4-mapped IPv6 is IPv4. */
static int
peer_addr(const struct sockaddr_storage *sa, uint8_t addr[16])
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

	if (sa->ss_family == AF_INET) {
		memcpy(addr, &s4->sin_addr, 4);
		return AF_INET;
	}
	if (sa->ss_family == AF_INET6) {
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			memcpy(addr, &s6->sin6_addr.s6_addr[12], 4);
			return AF_INET;
		}
		memcpy(addr, s6->sin6_addr.s6_addr, 16);
		return AF_INET6;
	}
	return 0;
}

static int
prefix_match(const uint8_t *a, const uint8_t *b, int bits)
{
	int whole = bits / 8, rest = bits % 8;
	uint8_t mask;

	if (memcmp(a, b, (size_t)whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

/* Does NAME resolve (forward only, as saned) to the peer's address? */
static int
name_match(const char *name, int family, const uint8_t *addr)
{
	struct addrinfo hints, *res, *ai;
	struct sockaddr_storage ss;
	uint8_t a[16];
	int found = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return 0;
	for (ai = res; ai != NULL && !found; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(ss))
			continue;
		memset(&ss, 0, sizeof(ss));
		memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
		found = peer_addr(&ss, a) == family &&
		    memcmp(a, addr, family == AF_INET ? 4 : 16) == 0;
	}
	freeaddrinfo(res);
	return found;
}

int
access_allowed(const struct access_list *l, const struct sockaddr_storage *peer,
    char *why, size_t whylen)
{
	uint8_t addr[16];
	int family = peer_addr(peer, addr), i;
	const struct access_rule *r;
	static const uint8_t v6_loopback[16] = { [15] = 1 };

	if (family == 0) {
		snprintf(why, whylen, "local socket");
		return 1;
	}
	if ((family == AF_INET && addr[0] == 127) ||
	    (family == AF_INET6 && memcmp(addr, v6_loopback, 16) == 0)) {
		snprintf(why, whylen, "loopback");
		return 1;
	}
	for (i = 0; i < l->n; i++) {
		r = &l->rules[i];
		if (r->any || (r->family == family && prefix_match(r->addr, addr, r->prefix)) ||
		    (r->family == 0 && name_match(r->host, family, addr))) {
			snprintf(why, whylen, "host entry %d", i + 1);
			return 1;
		}
	}
	snprintf(why, whylen, l->n ? "not in the host list" :
	    "no hosts listed (only loopback is allowed)");
	return 0;
}
