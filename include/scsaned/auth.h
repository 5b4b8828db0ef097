/*
 * auth.h - saned.users and the $MD5$ challenge, as saned does them.
 *
 * saned.users lines are USER:PASSWORD:RESOURCE.  A resource (for scsaned
 * a device name) listed there needs a user and password to open; others
 * need none.  The client is challenged with "RESOURCE$MD5$SALT" and
 * answers "$MD5$" followed by the lowercase hex MD5 of SALT then PASSWORD.
 */
#ifndef SCSANED_AUTH_H
#define SCSANED_AUTH_H

#include <stddef.h>

struct auth_user {
	char user[64];
	char password[128];
	char resource[128];
};

struct auth_db {
	struct auth_user *users;
	int n;
	int allow_plain;	/* accept a password sent in clear text */
};

void auth_init(struct auth_db *db);
/* Wipes the passwords too. */
void auth_free(struct auth_db *db);

/* Parse saned.users text.  0, or -1 with "SOURCE:LINE: reason" in ERR. */
int auth_parse(struct auth_db *db, const char *source, const char *text,
    size_t len, char *err, size_t errlen);

/* Read a saned.users file; a missing file is no entries. */
int auth_load(struct auth_db *db, const char *path, char *err, size_t errlen);

int auth_required(const struct auth_db *db, const char *resource);

/*
 * The saned.users resource that protects a device called NAME driven by
 * DRIVER (NULL: none): its own name, else its driver's, which then covers
 * every device that driver drives; NULL when it needs no password.  Both
 * fronts ask this, so a line means the same over SANE and over HTTP.
 */
const char *auth_resource(const struct auth_db *db, const char *name,
    const char *driver);

/* Fill BUF with LEN bytes from the kernel's random source; 0, or -1. */
int auth_random(void *buf, size_t len);

/*
 * "RESOURCE$MD5$SALT" with 32 hex digits of salt from the kernel's random
 * source.  0, or -1 if no randomness could be had.
 */
int auth_challenge(const char *resource, char *out, size_t len);

/*
 * 1 if USER and PASSWORD (as the client sent them, "$MD5$..." or, where
 * allowed, clear text) are right for the resource of CHALLENGE.
 */
/*
 * HTTP Basic: 1 if USER with the clear-text PASSWORD may use RESOURCE
 * (a saned.users line for it).  The password crossed the wire in clear,
 * so a front offers this only where the admin accepts that.
 */
int auth_check_plain(const struct auth_db *db, const char *resource,
    const char *user, const char *password);

int auth_check(const struct auth_db *db, const char *challenge,
    const char *user, const char *password);

/* "$MD5$" + hex MD5(salt[:128] + password): what a client answers. */
void auth_md5_response(const char *salt, const char *password, char out[38]);

#endif
