/*
 * test_wire.c - the SANE net protocol codec.
 *
 * Round trips of every RPC, the captured saned sessions decoded and
 * re-encoded byte for byte, and hostile input: every truncation, oversized
 * lengths, unknown types and random bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scsaned/wire.h"
#include "vectors.h"

/* ---- helpers -------------------------------------------------------------- */

static void
encode_req(struct wire_wr *w, const struct wire_request *q)
{
	wire_wr_init(w);
	wire_encode_request(w, q);
	assert_false(w->oom);
}

/* Decode W's bytes as one request, check every byte was used. */
static void
decode_all(const struct wire_wr *w, struct wire_request *out)
{
	size_t used = 0;

	assert_int_equal(wire_decode_request(w->buf, w->len, out, &used, NULL),
	    WIRE_OK);
	assert_int_equal(used, w->len);
}

/* Every strict prefix of a valid message asks for more, never BAD. */
static void
assert_prefixes_need_more_req(const uint8_t *buf, size_t len)
{
	struct wire_request q;
	size_t i, used;

	for (i = 0; i < len; i++)
		assert_int_equal(wire_decode_request(buf, i, &q, &used, NULL),
		    WIRE_NEED_MORE);
}

static void
assert_prefixes_need_more_rep(SANE_Word proc, const uint8_t *buf, size_t len)
{
	struct wire_reply r;
	size_t i, used;

	for (i = 0; i < len; i++)
		assert_int_equal(wire_decode_reply(proc, buf, i, &r, &used, NULL),
		    WIRE_NEED_MORE);
}

/* ---- requests --------------------------------------------------------------- */

static void
test_request_round_trips(void **state)
{
	SANE_Word words[3] = { 1, -2, 0x7fffffff };
	char str[8] = "Color";
	struct wire_request in[] = {
		{ .proc = WIRE_INIT, .version = 0x01010003, .username = "alice" },
		{ .proc = WIRE_INIT, .version = 0x01010003, .username = NULL },
		{ .proc = WIRE_GET_DEVICES },
		{ .proc = WIRE_OPEN, .name = "flatbed" },
		{ .proc = WIRE_OPEN, .name = "" },
		{ .proc = WIRE_CLOSE, .handle = 3 },
		{ .proc = WIRE_GET_OPTION_DESCRIPTORS, .handle = 0 },
		{ .proc = WIRE_CONTROL_OPTION, .handle = 1, .option = 4,
		  .action = SANE_ACTION_SET_VALUE, .value_type = SANE_TYPE_INT,
		  .value_size = 12, .value = words, .value_len = 12 },
		{ .proc = WIRE_CONTROL_OPTION, .handle = 1, .option = 2,
		  .action = SANE_ACTION_GET_VALUE, .value_type = SANE_TYPE_STRING,
		  .value_size = 8, .value = str, .value_len = 8 },
		{ .proc = WIRE_CONTROL_OPTION, .handle = 1, .option = 9,
		  .action = SANE_ACTION_SET_VALUE, .value_type = SANE_TYPE_BUTTON },
		{ .proc = WIRE_CONTROL_OPTION, .handle = 2, .option = 3,
		  .action = SANE_ACTION_SET_AUTO },
		{ .proc = WIRE_GET_PARAMETERS, .handle = 7 },
		{ .proc = WIRE_START, .handle = 7 },
		{ .proc = WIRE_CANCEL, .handle = 7 },
		{ .proc = WIRE_AUTHORIZE, .resource = "test$MD5$abc",
		  .username = "alice", .password = "$MD5$0123" },
		{ .proc = WIRE_EXIT },
	};
	struct wire_request out;
	struct wire_wr w, w2;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		encode_req(&w, &in[i]);
		decode_all(&w, &out);
		assert_int_equal(out.proc, in[i].proc);
		assert_int_equal(out.handle, in[i].handle);
		assert_int_equal(out.value_len, in[i].value_len);
		if (in[i].value_len)
			assert_memory_equal(out.value, in[i].value, in[i].value_len);
		if (in[i].name)
			assert_string_equal(out.name, in[i].name);
		if (in[i].username)
			assert_string_equal(out.username, in[i].username);
		else
			assert_null(out.username);
		encode_req(&w2, &out);
		assert_int_equal(w2.len, w.len);
		assert_memory_equal(w2.buf, w.buf, w.len);
		assert_prefixes_need_more_req(w.buf, w.len);
		wire_request_free(&out);
		wire_wr_free(&w);
		wire_wr_free(&w2);
	}
}

/* Protocol 3: SET_AUTO is exactly 16 bytes, with no value fields. */
static void
test_set_auto_is_16_bytes(void **state)
{
	const uint8_t buf[] = {
		0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0x22, 0, 0, 0, 2,
		0, 0, 0, 6, 0, 0, 0, 0,		/* the next request */
	};
	struct wire_request q;
	size_t used;

	(void)state;
	assert_int_equal(wire_decode_request(buf, sizeof(buf), &q, &used, NULL),
	    WIRE_OK);
	assert_int_equal(used, 16);
	assert_int_equal(q.action, SANE_ACTION_SET_AUTO);
	assert_int_equal(q.option, 0x22);
	assert_null(q.value);
	wire_request_free(&q);
}

static void
test_strings_like_the_stock_codec(void **state)
{
	struct wire_wr w;
	struct wire_rd r;
	char *s;
	const uint8_t nonul[] = { 0, 0, 0, 3, 'a', 'b', 'c' };

	(void)state;
	wire_wr_init(&w);
	wire_put_string(&w, "test:0");
	wire_put_string(&w, "");
	wire_put_string(&w, NULL);
	assert_int_equal(w.len, 11 + 5 + 4);
	assert_memory_equal(w.buf, "\0\0\0\7test:0\0\0\0\0\1\0\0\0\0\0", 20);
	wire_wr_free(&w);

	/* A peer that leaves out the NUL loses its last byte, as in saned. */
	wire_rd_init(&r, nonul, sizeof(nonul));
	assert_int_equal(wire_get_string(&r, &s, 100), 0);
	assert_string_equal(s, "ab");
	free(s);
}

static void
test_hostile_requests(void **state)
{
	static const struct {
		const char *what;
		uint8_t bytes[40];
		size_t len;
	} bad[] = {
		{ "unknown procedure", { 0, 0, 0, 11 }, 4 },
		{ "negative procedure", { 0xff, 0xff, 0xff, 0xff }, 4 },
		{ "huge string length", { 0, 0, 0, 2, 0x7f, 0xff, 0xff, 0xff }, 8 },
		{ "negative string length", { 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xfe }, 8 },
		{ "string over the cap", { 0, 0, 0, 2, 0, 0, 0x10, 0x01 }, 8 },
		{ "unknown value type", { 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1,
		    0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 4 }, 24 },
		{ "word array over the cap", { 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1,
		    0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4, 0, 1, 0, 0 }, 28 },
		{ "byte array over the cap", { 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1,
		    0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 4, 0, 1, 0, 1 }, 28 },
	};
	struct wire_request q;
	const char *why;
	size_t i, used;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(wire_decode_request(bad[i].bytes, bad[i].len, &q,
		    &used, &why), WIRE_BAD);
		assert_non_null(why);
	}
}

/* A big announced value is not allocated until its bytes are there. */
static void
test_value_awaits_bytes(void **state)
{
	uint8_t buf[24 + 4] = {
		0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1,	/* SET, INT */
		0, 0, 0, 1, 0, 0, 0x40, 0, 0, 0, 0x10, 0,	/* 4096 words */
	};
	struct wire_request q;
	size_t used;

	(void)state;
	assert_int_equal(wire_decode_request(buf, sizeof(buf), &q, &used, NULL),
	    WIRE_NEED_MORE);
	assert_null(q.value);
}

static uint32_t
xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Random bytes: any answer but a crash, and never past the end. */
static void
test_random_bytes(void **state)
{
	uint8_t buf[300];
	uint32_t seed = 12345;
	struct wire_request q;
	struct wire_reply r;
	size_t i, j, len, used;
	SANE_Word proc;

	(void)state;
	for (i = 0; i < 20000; i++) {
		len = xorshift(&seed) % sizeof(buf);
		for (j = 0; j < len; j++)
			buf[j] = (uint8_t)xorshift(&seed);
		/* Bias towards valid procedure numbers and small lengths. */
		if (len >= 8 && (i & 1)) {
			buf[0] = buf[1] = buf[2] = 0;
			buf[3] = (uint8_t)(xorshift(&seed) % 11);
			buf[4] = buf[5] = 0;
		}
		used = 0;
		if (wire_decode_request(buf, len, &q, &used, NULL) == WIRE_OK) {
			assert_true(used <= len);
			wire_request_free(&q);
		}
		proc = (SANE_Word)(xorshift(&seed) % 11);
		if (wire_decode_reply(proc, buf, len, &r, &used, NULL) == WIRE_OK) {
			assert_true(used <= len);
			wire_reply_free(&r);
		}
	}
}

/* ---- replies ------------------------------------------------------------------ */

static void
assert_reply_round_trip(const struct wire_reply *rep, const uint8_t *want,
    size_t wantlen)
{
	struct wire_wr w, w2;
	struct wire_reply back;
	size_t used = 0;

	wire_wr_init(&w);
	wire_encode_reply(&w, rep);
	if (want != NULL) {
		assert_int_equal(w.len, wantlen);
		assert_memory_equal(w.buf, want, wantlen);
	}
	assert_int_equal(wire_decode_reply(rep->proc, w.buf, w.len, &back, &used,
	    NULL), WIRE_OK);
	assert_int_equal(used, w.len);
	wire_wr_init(&w2);
	wire_encode_reply(&w2, &back);
	assert_int_equal(w2.len, w.len);
	assert_memory_equal(w2.buf, w.buf, w.len);
	assert_prefixes_need_more_rep(rep->proc, w.buf, w.len);
	wire_reply_free(&back);
	wire_wr_free(&w);
	wire_wr_free(&w2);
}

static void
test_reply_round_trips(void **state)
{
	SANE_Device d1 = { "a", "V", "M", "flatbed scanner" };
	SANE_Device d2 = { "b", "V2", "M2", "film scanner" };
	const SANE_Device *devs[] = { &d1, &d2, NULL };
	SANE_Range range = { 50, 1200, 1 };
	SANE_Word wl[] = { 3, 1, 8, 16 };
	SANE_String_Const sl[] = { "Gray", "Color", NULL };
	SANE_Option_Descriptor o[4] = {
		{ "", "Number of options", "n", SANE_TYPE_INT, SANE_UNIT_NONE, 4,
		  SANE_CAP_SOFT_DETECT, SANE_CONSTRAINT_NONE, { NULL } },
		{ "resolution", "R", "d", SANE_TYPE_INT, SANE_UNIT_DPI, 4, 5,
		  SANE_CONSTRAINT_RANGE, { .range = &range } },
		{ "depth", "D", "d", SANE_TYPE_INT, SANE_UNIT_BIT, 4, 5,
		  SANE_CONSTRAINT_WORD_LIST, { .word_list = wl } },
		{ "mode", "M", "d", SANE_TYPE_STRING, SANE_UNIT_NONE, 6, 5,
		  SANE_CONSTRAINT_STRING_LIST, { .string_list = sl } },
	};
	const SANE_Option_Descriptor *opts[] = { &o[0], &o[1], &o[2], &o[3] };
	SANE_Word val = 301 << 16;
	struct wire_reply r;
	/* Two devices: status, n+1 = 3, two (0 + 4 strings), then 1. */
	const uint8_t devlist[] = {
		0, 0, 0, 0, 0, 0, 0, 3,
		0, 0, 0, 0, 0, 0, 0, 2, 'a', 0, 0, 0, 0, 2, 'V', 0, 0, 0, 0, 2, 'M', 0,
		0, 0, 0, 16, 'f', 'l', 'a', 't', 'b', 'e', 'd', ' ', 's', 'c', 'a',
		'n', 'n', 'e', 'r', 0,
		0, 0, 0, 0, 0, 0, 0, 2, 'b', 0, 0, 0, 0, 3, 'V', '2', 0, 0, 0, 0, 3,
		'M', '2', 0, 0, 0, 0, 13, 'f', 'i', 'l', 'm', ' ', 's', 'c', 'a', 'n',
		'n', 'e', 'r', 0,
		0, 0, 0, 1,
	};
	const uint8_t empty[] = { 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1 };
	const uint8_t start[] = { 0, 0, 0, 0, 0, 0, 0xbd, 0xb3, 0, 0, 0x12, 0x34,
	    0, 0, 0, 0 };

	(void)state;
	memset(&r, 0, sizeof(r));
	r.proc = WIRE_INIT;
	r.version = 0x01000003;
	assert_reply_round_trip(&r, (const uint8_t *)"\0\0\0\0\1\0\0\3", 8);

	memset(&r, 0, sizeof(r));
	r.proc = WIRE_GET_DEVICES;
	r.devices = devs;
	assert_reply_round_trip(&r, devlist, sizeof(devlist));
	r.devices = NULL;	/* never length 0: the client would crash */
	assert_reply_round_trip(&r, empty, sizeof(empty));

	memset(&r, 0, sizeof(r));
	r.proc = WIRE_OPEN;
	r.handle = 4;
	assert_reply_round_trip(&r, NULL, 0);
	r.resource = "test$MD5$abcdef";
	assert_reply_round_trip(&r, NULL, 0);

	memset(&r, 0, sizeof(r));
	r.proc = WIRE_GET_OPTION_DESCRIPTORS;
	r.opts = opts;
	r.nopts = 4;
	assert_reply_round_trip(&r, NULL, 0);

	memset(&r, 0, sizeof(r));
	r.proc = WIRE_CONTROL_OPTION;
	r.info = SANE_INFO_INEXACT | SANE_INFO_RELOAD_PARAMS;
	r.value_type = SANE_TYPE_FIXED;
	r.value_size = 4;
	r.value = &val;
	r.value_len = 4;
	assert_reply_round_trip(&r, NULL, 0);

	memset(&r, 0, sizeof(r));
	r.proc = WIRE_GET_PARAMETERS;
	r.params.format = SANE_FRAME_RGB;
	r.params.lines = -1;
	r.params.depth = 16;
	assert_reply_round_trip(&r, NULL, 0);

	memset(&r, 0, sizeof(r));
	r.proc = WIRE_START;
	r.port = 0xbdb3;
	r.byte_order = WIRE_LITTLE_ENDIAN;
	assert_reply_round_trip(&r, start, sizeof(start));

	memset(&r, 0, sizeof(r));
	for (r.proc = WIRE_CLOSE; r.proc <= WIRE_AUTHORIZE; r.proc++)
		if (r.proc == WIRE_CLOSE || r.proc == WIRE_CANCEL ||
		    r.proc == WIRE_AUTHORIZE)
			assert_reply_round_trip(&r, (const uint8_t *)"\0\0\0\0", 4);
}

/* A reply with a word list whose count disagrees with its length is bad. */
static void
test_bad_word_list(void **state)
{
	uint8_t buf[] = {
		0, 0, 0, 1, 0, 0, 0, 0,		/* 1 option, not NULL */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 3 NULL strings */
		0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 2,
		0, 0, 0, 3, 0, 0, 0, 5, 0, 0, 0, 8, 0, 0, 0, 16,	/* says 5 */
	};
	struct wire_reply r;
	size_t used;

	(void)state;
	assert_int_equal(wire_decode_reply(WIRE_GET_OPTION_DESCRIPTORS, buf,
	    sizeof(buf), &r, &used, NULL), WIRE_BAD);
}

/* ---- the captured saned sessions ------------------------------------------- */

/*
 * Walk a captured control connection: decode each client request, re-encode
 * it to the same bytes; decode the server's reply to it, re-encode it to
 * the same bytes.  Every byte of both directions must be accounted for.
 */
static void
walk_session(const char *file)
{
	uint8_t *c2s, *s2c;
	size_t clen, slen, cpos = 0, spos = 0, used;
	struct wire_request q;
	struct wire_reply r;
	struct wire_wr w;
	int auth_pending = 0, n = 0;

	c2s = vectors_stream(file, "ctl", "c2s", &clen);
	s2c = vectors_stream(file, "ctl", "s2c", &slen);
	assert_non_null(c2s);
	assert_non_null(s2c);
	assert_true(clen > 0 && slen > 0);
	while (cpos < clen) {
		assert_int_equal(wire_decode_request(c2s + cpos, clen - cpos, &q,
		    &used, NULL), WIRE_OK);
		wire_wr_init(&w);
		wire_encode_request(&w, &q);
		assert_int_equal(w.len, used);
		assert_memory_equal(w.buf, c2s + cpos, used);
		wire_wr_free(&w);
		cpos += used;
		n++;
		if (q.proc == WIRE_EXIT) {
			wire_request_free(&q);
			break;
		}
		assert_int_equal(wire_decode_reply(q.proc, s2c + spos, slen - spos,
		    &r, &used, NULL), WIRE_OK);
		wire_wr_init(&w);
		wire_encode_reply(&w, &r);
		assert_int_equal(w.len, used);
		assert_memory_equal(w.buf, s2c + spos, used);
		wire_wr_free(&w);
		spos += used;
		if (q.proc == WIRE_OPEN && r.resource != NULL)
			auth_pending = 1;
		if (q.proc == WIRE_AUTHORIZE && auth_pending) {
			/* After the ack comes the real reply to the OPEN. */
			wire_reply_free(&r);
			assert_int_equal(wire_decode_reply(WIRE_OPEN, s2c + spos,
			    slen - spos, &r, &used, NULL), WIRE_OK);
			assert_null(r.resource);
			spos += used;
			auth_pending = 0;
		}
		wire_reply_free(&r);
		wire_request_free(&q);
	}
	assert_int_equal(cpos, clen);
	assert_int_equal(spos, slen);
	assert_true(n >= 3);
	free(c2s);
	free(s2c);
}

static void test_vector_list_devices(void **s) { (void)s; walk_session("saned121-list-devices.json"); }
static void test_vector_list_options(void **s) { (void)s; walk_session("saned121-list-options.json"); }
static void test_vector_scan_gray8(void **s) { (void)s; walk_session("saned121-scan-gray8.json"); }
static void test_vector_scan_color16(void **s) { (void)s; walk_session("saned121-scan-color16.json"); }
static void test_vector_set_inval(void **s) { (void)s; walk_session("saned121-set-option-inval.json"); }
static void test_vector_auth_md5(void **s) { (void)s; walk_session("saned121-auth-md5.json"); }

/* Every truncation of the 57-option descriptor reply asks for more. */
static void
test_vector_truncations(void **state)
{
	uint8_t *s2c, *c2s;
	size_t slen, clen, used, start, i;
	struct wire_reply r;

	(void)state;
	s2c = vectors_stream("saned121-list-options.json", "ctl", "s2c", &slen);
	c2s = vectors_stream("saned121-list-options.json", "ctl", "c2s", &clen);
	assert_non_null(s2c);
	/* INIT reply (8) and OPEN reply (12) come first. */
	start = 8 + 12;
	assert_int_equal(wire_decode_reply(WIRE_GET_OPTION_DESCRIPTORS, s2c + start,
	    slen - start, &r, &used, NULL), WIRE_OK);
	assert_int_equal(r.nopts, 57);
	wire_reply_free(&r);
	for (i = 0; i < used; i += 7)
		assert_int_equal(wire_decode_reply(WIRE_GET_OPTION_DESCRIPTORS,
		    s2c + start, i, &r, &used, NULL), WIRE_NEED_MORE);
	assert_prefixes_need_more_req(c2s, 12);
	free(s2c);
	free(c2s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_round_trips),
		cmocka_unit_test(test_set_auto_is_16_bytes),
		cmocka_unit_test(test_strings_like_the_stock_codec),
		cmocka_unit_test(test_hostile_requests),
		cmocka_unit_test(test_value_awaits_bytes),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_reply_round_trips),
		cmocka_unit_test(test_bad_word_list),
		cmocka_unit_test(test_vector_list_devices),
		cmocka_unit_test(test_vector_list_options),
		cmocka_unit_test(test_vector_scan_gray8),
		cmocka_unit_test(test_vector_scan_color16),
		cmocka_unit_test(test_vector_set_inval),
		cmocka_unit_test(test_vector_auth_md5),
		cmocka_unit_test(test_vector_truncations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
