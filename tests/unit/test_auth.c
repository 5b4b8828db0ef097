/*
 * test_auth.c - saned.users and $MD5$: checked against a real scanimage
 * answer to a real saned challenge (tests/vectors/saned121-auth-md5.json,
 * user alice, password s3cret, resource test).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scsaned/auth.h"
#include "scsaned/wire.h"
#include "vectors.h"

static void
load(struct auth_db *db, const char *text)
{
	char err[256];

	auth_init(db);
	if (auth_parse(db, "users", text, strlen(text), err, sizeof(err)) < 0)
		fail_msg("%s", err);
}

/* The challenge saned sent and the AUTHORIZE scanimage answered with. */
static void
captured(char *challenge, size_t clen, struct wire_request *authz)
{
	uint8_t *c2s, *s2c;
	size_t clen2, slen, used, pos = 0;
	struct wire_request q;
	struct wire_reply r;

	c2s = vectors_stream("saned121-auth-md5.json", "ctl", "c2s", &clen2);
	s2c = vectors_stream("saned121-auth-md5.json", "ctl", "s2c", &slen);
	assert_non_null(c2s);
	assert_non_null(s2c);
	/* After the 8-byte INIT reply comes the OPEN reply with the challenge. */
	assert_int_equal(wire_decode_reply(WIRE_OPEN, s2c + 8, slen - 8, &r, &used,
	    NULL), WIRE_OK);
	snprintf(challenge, clen, "%s", r.resource);
	wire_reply_free(&r);
	while (pos < clen2 && wire_decode_request(c2s + pos, clen2 - pos, &q, &used,
	    NULL) == WIRE_OK) {
		pos += used;
		if (q.proc == WIRE_AUTHORIZE) {
			*authz = q;
			free(c2s);
			free(s2c);
			return;
		}
		wire_request_free(&q);
	}
	fail_msg("no AUTHORIZE in the capture");
}

static void
test_real_scanimage_answer(void **state)
{
	struct wire_request q;
	struct auth_db db;
	char challenge[256];

	(void)state;
	captured(challenge, sizeof(challenge), &q);
	assert_non_null(strstr(challenge, "test$MD5$"));
	assert_string_equal(q.username, "alice");
	assert_memory_equal(q.password, "$MD5$", 5);
	load(&db, "alice:s3cret:test\n");
	assert_true(auth_check(&db, challenge, "alice", q.password));
	assert_false(auth_check(&db, challenge, "bob", q.password));
	auth_free(&db);
	load(&db, "alice:wrong:test\n");
	assert_false(auth_check(&db, challenge, "alice", q.password));
	auth_free(&db);
	load(&db, "alice:s3cret:other\n");
	assert_false(auth_check(&db, challenge, "alice", q.password));	/* other resource */
	auth_free(&db);
	wire_request_free(&q);
}

static void
test_plain_and_required(void **state)
{
	struct auth_db db;
	char ch[128], resp[38];

	(void)state;
	load(&db, "# users\n  alice:pw1:fb  \nbob:pw2:fb\ncarol:pw3:film\n");
	assert_int_equal(db.n, 3);
	assert_true(auth_required(&db, "fb"));
	assert_false(auth_required(&db, "scanner9"));	/* no entry: no password */
	assert_int_equal(auth_challenge("fb", ch, sizeof(ch)), 0);
	assert_int_equal(strlen(ch), strlen("fb$MD5$") + 32);
	assert_false(auth_check(&db, ch, "bob", "pw2"));	/* plain text: off */
	db.allow_plain = 1;
	assert_true(auth_check(&db, ch, "bob", "pw2"));
	auth_md5_response(strstr(ch, "$MD5$") + 5, "pw1", resp);
	assert_true(auth_check(&db, ch, "alice", resp));
	resp[10] ^= 1;
	assert_false(auth_check(&db, ch, "alice", resp));
	assert_false(auth_check(&db, "no-marker", "alice", "pw1"));
	auth_free(&db);
}

/* A device's own line first, else its driver's; nothing for the rest. */
static void
test_resource(void **state)
{
	struct auth_db db;

	(void)state;
	load(&db, "alice:pw1:fb\nbob:pw2:scsi2\n");
	assert_string_equal(auth_resource(&db, "fb", "scsi2"), "fb");
	assert_string_equal(auth_resource(&db, "open", "scsi2"), "scsi2");
	assert_null(auth_resource(&db, "film", "coolscan"));
	assert_null(auth_resource(&db, "film", NULL));
	auth_free(&db);
}

static void
test_errors_hide_passwords(void **state)
{
	struct auth_db db;
	char err[256];
	const char *text = "alice:topsecret\n";

	(void)state;
	auth_init(&db);
	assert_int_equal(auth_parse(&db, "u", text, strlen(text), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "u:1:"));
	assert_null(strstr(err, "topsecret"));
	auth_free(&db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_scanimage_answer),
		cmocka_unit_test(test_plain_and_required),
		cmocka_unit_test(test_resource),
		cmocka_unit_test(test_errors_hide_passwords),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
