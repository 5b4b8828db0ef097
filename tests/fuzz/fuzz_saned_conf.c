/*
 * fuzz_saned_conf.c - libFuzzer harness for the saned.conf and saned.users
 * parsers.  Even first byte: saned.conf, then every parsed address rule is
 * matched against a few peers (name rules are skipped: they would resolve
 * names).  Odd: saned.users, then a check against a fixed challenge.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/access.h"
#include "scsaned/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
saned_conf(const char *text, size_t len)
{
	static const char *const peers[] = { "10.1.2.3", "127.0.0.1", "fd77::5", "::ffff:10.1.2.3" };
	struct sockaddr_storage ss;
	struct access_list l;
	char err[256], why[128];
	size_t i;
	int k;

	access_init(&l);
	if (access_parse(&l, "f", text, len, err, sizeof(err)) == 0) {
		for (k = 0; k < l.n; k++)
			if (!l.rules[k].any && l.rules[k].family == 0)
				goto out;	/* a name: no DNS from a fuzzer */
		for (i = 0; i < sizeof(peers) / sizeof(peers[0]); i++) {
			memset(&ss, 0, sizeof(ss));
			if (inet_pton(AF_INET, peers[i], &((struct sockaddr_in *)&ss)->sin_addr) == 1)
				ss.ss_family = AF_INET;
			else if (inet_pton(AF_INET6, peers[i],
			    &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1)
				ss.ss_family = AF_INET6;
			access_allowed(&l, &ss, why, sizeof(why));
		}
		if (l.port_hi < l.port_lo)
			abort();
	} else if (strncmp(err, "f:", 2) != 0) {
		abort();
	}
out:
	access_free(&l);
}

static void
saned_users(const char *text, size_t len)
{
	struct auth_db db;
	char err[256];

	auth_init(&db);
	if (auth_parse(&db, "u", text, len, err, sizeof(err)) == 0) {
		db.allow_plain = 1;
		(void)auth_required(&db, "fb");
		(void)auth_check(&db, "fb$MD5$00112233", "alice", "$MD5$0123456789abcdef");
		(void)auth_check(&db, "fb$MD5$00112233", "alice", "pw");
	}
	auth_free(&db);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] % 2 == 0)
		saned_conf((const char *)data + 1, size - 1);
	else
		saned_users((const char *)data + 1, size - 1);
	return 0;
}
