/*
 * auth.c - saned.users and the $MD5$ challenge.
 *
 * The salt comes from getrandom(); saned built it from the pid, the time
 * and four random bytes.  Responses are compared in constant time.
 */
#include <ctype.h>
#include <errno.h>
#include <md5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "scsaned/auth.h"
#include "scsaned/fileio.h"

#define AUTH_MAX_USERS 1024
#define AUTH_MAX_FILE (256 * 1024)
#define SALT_MAX 128	/* clients hash at most this much of the salt */

void
auth_init(struct auth_db *db)
{
	memset(db, 0, sizeof(*db));
}

void
auth_free(struct auth_db *db)
{
	if (db->users != NULL)
		explicit_bzero(db->users, (size_t)db->n * sizeof(*db->users));
	free(db->users);
	auth_init(db);
}

static int
add_user(struct auth_db *db, char *line, char *why, size_t whylen)
{
	char *pw, *res;
	struct auth_user *nu, *u;

	if ((pw = strchr(line, ':')) == NULL || (res = strchr(pw + 1, ':')) == NULL) {
		snprintf(why, whylen, "wants USER:PASSWORD:RESOURCE");
		return -1;
	}
	*pw++ = '\0';
	*res++ = '\0';
	if (*line == '\0' || *res == '\0' || strlen(line) >= sizeof(u->user) ||
	    strlen(pw) >= sizeof(u->password) || strlen(res) >= sizeof(u->resource)) {
		snprintf(why, whylen, "empty or overlong field");
		return -1;
	}
	if (db->n == AUTH_MAX_USERS ||
	    (nu = realloc(db->users, (size_t)(db->n + 1) * sizeof(*nu))) == NULL) {
		snprintf(why, whylen, "too many users");
		return -1;
	}
	db->users = nu;
	u = &db->users[db->n++];
	memset(u, 0, sizeof(*u));
	strcpy(u->user, line);
	strcpy(u->password, pw);
	strcpy(u->resource, res);
	return 0;
}

int
auth_parse(struct auth_db *db, const char *source, const char *text, size_t len,
    char *err, size_t errlen)
{
	char line[512], why[128];
	size_t pos = 0;
	int lineno = 0, r, rc = 0;

	while (rc == 0 && (r = text_next_line(text, len, &pos, line, sizeof(line),
	    &lineno)) != 0) {
		if (r < 0) {
			snprintf(err, errlen, "%s:%d: line too long or binary", source, lineno);
			rc = -1;
		} else if (line[0] != '\0' && line[0] != '#' &&
		    add_user(db, line, why, sizeof(why)) < 0) {
			/* Never echo the line: it holds a password. */
			snprintf(err, errlen, "%s:%d: %s", source, lineno, why);
			rc = -1;
		}
	}
	explicit_bzero(line, sizeof(line));
	return rc;
}

int
auth_load(struct auth_db *db, const char *path, char *err, size_t errlen)
{
	char *text;
	size_t len;
	int rc;

	if (file_slurp(path, AUTH_MAX_FILE, 1, &text, &len, err, errlen) < 0)
		return -1;
	if (text == NULL)
		return 0;	/* no saned.users: nobody needs a password */
	rc = auth_parse(db, path, text, len, err, errlen);
	explicit_bzero(text, len);	/* it held passwords */
	free(text);
	return rc;
}

int
auth_required(const struct auth_db *db, const char *resource)
{
	int i;

	for (i = 0; i < db->n; i++)
		if (strcmp(db->users[i].resource, resource) == 0)
			return 1;
	return 0;
}

const char *
auth_resource(const struct auth_db *db, const char *name, const char *driver)
{
	if (auth_required(db, name))
		return name;
	if (driver != NULL && auth_required(db, driver))
		return driver;
	return NULL;
}

int
auth_random(void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = getrandom(p + got, len - got, 0);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n > 0)
			got += (size_t)n;
	}
	return 0;
}

int
auth_challenge(const char *resource, char *out, size_t len)
{
	unsigned char r[16];
	char hex[33];
	int i;

	if (auth_random(r, sizeof(r)) < 0)
		return -1;
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	snprintf(out, len, "%s$MD5$%s", resource, hex);
	return 0;
}

void
auth_md5_response(const char *salt, const char *password, char out[38])
{
	uint8_t digest[MD5_DIGEST_LENGTH];
	MD5_CTX ctx;
	int i;

	MD5Init(&ctx);
	MD5Update(&ctx, (const uint8_t *)salt, strnlen(salt, SALT_MAX));
	MD5Update(&ctx, (const uint8_t *)password, strlen(password));
	MD5Final(digest, &ctx);
	memcpy(out, "$MD5$", 5);
	for (i = 0; i < MD5_DIGEST_LENGTH; i++)
		snprintf(out + 5 + 2 * i, 3, "%02x", digest[i]);
}

/* Compare without leaking where they differ through timing. */
static int
same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

int
auth_check(const struct auth_db *db, const char *challenge, const char *user,
    const char *password)
{
	const char *mark = strstr(challenge, "$MD5$");
	char resource[128], want[38];
	int i, ok = 0;

	if (mark == NULL || user == NULL || password == NULL ||
	    (size_t)(mark - challenge) >= sizeof(resource))
		return 0;
	snprintf(resource, sizeof(resource), "%.*s", (int)(mark - challenge), challenge);
	for (i = 0; i < db->n; i++) {
		if (strcmp(db->users[i].resource, resource) != 0 ||
		    strcmp(db->users[i].user, user) != 0)
			continue;
		if (strncmp(password, "$MD5$", 5) == 0) {
			auth_md5_response(mark + 5, db->users[i].password, want);
			ok |= same(password, want);
			explicit_bzero(want, sizeof(want));
		} else if (db->allow_plain) {
			ok |= same(password, db->users[i].password);
		}
	}
	return ok;
}

int
auth_check_plain(const struct auth_db *db, const char *resource, const char *user,
    const char *password)
{
	int i, ok = 0;

	if (resource == NULL || user == NULL || password == NULL)
		return 0;
	/* Every line compared in full: the time says nothing of which matched. */
	for (i = 0; i < db->n; i++)
		if (strcmp(db->users[i].resource, resource) == 0 &&
		    strcmp(db->users[i].user, user) == 0)
			ok |= same(password, db->users[i].password);
	return ok;
}
