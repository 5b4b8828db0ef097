/*
 * test_hostmsg.c - the codec between scsaned and its backend helpers.
 *
 * Round trips of option descriptors of every constraint kind, then hostile
 * input: every truncation, lengths past the payload or past the limits,
 * NUL bytes in strings, descriptors the net front could not encode,
 * random bytes, and framing lies on a real socket.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "scsaned/hostmsg.h"

static const SANE_Range range = { 1, 100, 2 };
static const SANE_Word words[] = { 3, 75, 150, 300 };
static SANE_String_Const strings[] = { "Lineart", "Gray", "Color", NULL };

static const SANE_Option_Descriptor samples[] = {
	{ "", "Number of options", NULL, SANE_TYPE_INT, SANE_UNIT_NONE, 4,
	  SANE_CAP_SOFT_DETECT, SANE_CONSTRAINT_NONE, { NULL } },
	{ "tl-x", "Top-left x", "Left edge", SANE_TYPE_FIXED, SANE_UNIT_MM, 4,
	  SANE_CAP_SOFT_SELECT | SANE_CAP_SOFT_DETECT, SANE_CONSTRAINT_RANGE,
	  { .range = &range } },
	{ "resolution", "Resolution", "dpi", SANE_TYPE_INT, SANE_UNIT_DPI, 4,
	  SANE_CAP_SOFT_SELECT | SANE_CAP_SOFT_DETECT, SANE_CONSTRAINT_WORD_LIST,
	  { .word_list = words } },
	{ "mode", "Mode", "Scan mode", SANE_TYPE_STRING, SANE_UNIT_NONE, 32,
	  SANE_CAP_SOFT_SELECT | SANE_CAP_SOFT_DETECT, SANE_CONSTRAINT_STRING_LIST,
	  { .string_list = strings } },
};
#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

/* The payload of one descriptor, without the header. */
static void
encode(struct hm_out *o, const SANE_Option_Descriptor *d)
{
	hm_begin(o, HM_OPTIONS | HM_REPLY);
	hm_put_option(o, d);
	assert_int_equal(hm_end(o), 0);
}

static void
assert_same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void
assert_same_option(const SANE_Option_Descriptor *a, const SANE_Option_Descriptor *b)
{
	int i;

	assert_same_str(a->name, b->name);
	assert_same_str(a->title, b->title);
	assert_same_str(a->desc, b->desc);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->unit, b->unit);
	assert_int_equal(a->size, b->size);
	assert_int_equal(a->cap, b->cap);
	assert_int_equal(a->constraint_type, b->constraint_type);
	if (a->constraint_type == SANE_CONSTRAINT_RANGE)
		assert_memory_equal(a->constraint.range, b->constraint.range, sizeof(SANE_Range));
	if (a->constraint_type == SANE_CONSTRAINT_WORD_LIST)
		for (i = 0; i <= a->constraint.word_list[0]; i++)
			assert_int_equal(a->constraint.word_list[i], b->constraint.word_list[i]);
	if (a->constraint_type == SANE_CONSTRAINT_STRING_LIST) {
		for (i = 0; a->constraint.string_list[i] != NULL; i++)
			assert_string_equal(a->constraint.string_list[i],
			    b->constraint.string_list[i]);
		assert_null(b->constraint.string_list[i]);
	}
}

static void
test_option_round_trip(void **state)
{
	struct hm_out o = { 0 };
	struct hm_in in;
	SANE_Option_Descriptor *d;
	size_t i;

	(void)state;
	for (i = 0; i < NSAMPLES; i++) {
		encode(&o, &samples[i]);
		hm_in_init(&in, o.buf + HM_HDR_LEN, o.len - HM_HDR_LEN);
		assert_non_null(d = hm_get_option(&in));
		assert_int_equal(hm_in_done(&in), 0);
		assert_same_option(&samples[i], d);
		hm_option_free(d);
	}
	hm_out_free(&o);
}

/* Every strict prefix of every descriptor is rejected, never over-read. */
static void
test_option_truncated(void **state)
{
	struct hm_out o = { 0 };
	struct hm_in in;
	SANE_Option_Descriptor *d;
	uint8_t *copy;
	size_t i, n, len;

	(void)state;
	for (i = 0; i < NSAMPLES; i++) {
		encode(&o, &samples[i]);
		len = o.len - HM_HDR_LEN;
		for (n = 0; n < len; n++) {
			/* A heap copy of exactly N bytes, so ASan sees any over-read. */
			copy = malloc(n ? n : 1);
			memcpy(copy, o.buf + HM_HDR_LEN, n);
			hm_in_init(&in, copy, n);
			d = hm_get_option(&in);
			assert_null(d);
			assert_true(in.bad);
			free(copy);
		}
	}
	hm_out_free(&o);
}

static void
put_head(struct hm_out *o, uint32_t type, uint32_t size, uint32_t ctype)
{
	hm_begin(o, 0);
	hm_put_str(o, "x");
	hm_put_str(o, NULL);
	hm_put_str(o, NULL);
	hm_put_u32(o, type);
	hm_put_u32(o, SANE_UNIT_NONE);
	hm_put_u32(o, size);
	hm_put_u32(o, 0);
	hm_put_u32(o, ctype);
}

static void
assert_rejected(struct hm_out *o)
{
	struct hm_in in;
	SANE_Option_Descriptor *d;

	assert_int_equal(hm_end(o), 0);
	hm_in_init(&in, o->buf + HM_HDR_LEN, o->len - HM_HDR_LEN);
	d = hm_get_option(&in);
	assert_null(d);
	assert_true(in.bad);
}

/* Lengths and counts that lie, values out of range, inconsistent kinds. */
static void
test_option_hostile(void **state)
{
	struct hm_out o = { 0 };

	(void)state;
	/* A string longer than the limit, and longer than the payload. */
	hm_begin(&o, 0);
	hm_put_u32(&o, HM_STR_MAX + 1);
	assert_rejected(&o);
	hm_begin(&o, 0);
	hm_put_u32(&o, 100);
	hm_put_u32(&o, 0);
	assert_rejected(&o);
	/* A NUL inside a name. */
	hm_begin(&o, 0);
	hm_put_blob(&o, "a\0b", 3);
	assert_rejected(&o);
	/* Type, unit and constraint kinds out of range. */
	put_head(&o, SANE_TYPE_GROUP + 1, 4, SANE_CONSTRAINT_NONE);
	assert_rejected(&o);
	put_head(&o, SANE_TYPE_INT, 4, SANE_CONSTRAINT_STRING_LIST + 1);
	assert_rejected(&o);
	/* Sizes: negative, huge, not whole words for a number. */
	put_head(&o, SANE_TYPE_INT, (uint32_t)-4, SANE_CONSTRAINT_NONE);
	assert_rejected(&o);
	put_head(&o, SANE_TYPE_STRING, HM_DATA_MAX + 1, SANE_CONSTRAINT_NONE);
	assert_rejected(&o);
	put_head(&o, SANE_TYPE_INT, 3, SANE_CONSTRAINT_NONE);
	assert_rejected(&o);
	/* A range on a string, a string list on an int. */
	put_head(&o, SANE_TYPE_STRING, 8, SANE_CONSTRAINT_RANGE);
	hm_put_u32(&o, 0);
	hm_put_u32(&o, 1);
	hm_put_u32(&o, 0);
	assert_rejected(&o);
	put_head(&o, SANE_TYPE_INT, 4, SANE_CONSTRAINT_STRING_LIST);
	hm_put_u32(&o, 1);
	hm_put_str(&o, "a");
	assert_rejected(&o);
	/* Word and string lists claiming more entries than the payload holds. */
	put_head(&o, SANE_TYPE_INT, 4, SANE_CONSTRAINT_WORD_LIST);
	hm_put_u32(&o, 0x40000000);
	assert_rejected(&o);
	put_head(&o, SANE_TYPE_INT, 4, SANE_CONSTRAINT_WORD_LIST);
	hm_put_u32(&o, HM_LIST_MAX + 1);
	assert_rejected(&o);
	put_head(&o, SANE_TYPE_STRING, 8, SANE_CONSTRAINT_STRING_LIST);
	hm_put_u32(&o, 0xffffff00);
	assert_rejected(&o);
	/* A NULL in a string list would end it early: refused. */
	put_head(&o, SANE_TYPE_STRING, 8, SANE_CONSTRAINT_STRING_LIST);
	hm_put_u32(&o, 2);
	hm_put_str(&o, "a");
	hm_put_str(&o, NULL);
	assert_rejected(&o);
	hm_out_free(&o);
}

/* Random payloads: rejected or decoded consistently, never a crash. */
static void
test_option_random(void **state)
{
	SANE_Option_Descriptor *d;
	struct hm_in in;
	uint8_t *buf;
	size_t n, i;
	int round;

	(void)state;
	srand(17);
	for (round = 0; round < 20000; round++) {
		n = (size_t)(rand() % 96);
		buf = malloc(n ? n : 1);
		for (i = 0; i < n; i++)
			/* Mostly small numbers, so some inputs get far. */
			buf[i] = (uint8_t)(rand() % 4 ? rand() % 4 : rand());
		hm_in_init(&in, buf, n);
		if ((d = hm_get_option(&in)) != NULL) {
			assert_false(in.bad);
			assert_true(d->size >= 0 && d->size <= HM_DATA_MAX);
			hm_option_free(d);
		}
		free(buf);
	}
}

static void
test_words_and_blobs(void **state)
{
	struct hm_out o = { 0 };
	struct hm_in in;
	const uint8_t *p;
	char s[8];
	size_t n;

	(void)state;
	hm_begin(&o, HM_READ);
	hm_put_u32(&o, 7);
	hm_put_blob(&o, "abc", 3);
	hm_put_str(&o, "too long for s");
	assert_int_equal(hm_end(&o), 0);
	hm_in_init(&in, o.buf + HM_HDR_LEN, o.len - HM_HDR_LEN);
	assert_int_equal(hm_get_u32(&in), 7);
	/* A blob longer than the reader's limit is refused whole. */
	assert_null(hm_get_blob(&in, 2, &n));
	assert_int_equal(n, 0);
	assert_true(in.bad);
	/* And stays refused: nothing more comes out of a bad reader. */
	assert_int_equal(hm_get_u32(&in), 0);
	hm_in_init(&in, o.buf + HM_HDR_LEN, o.len - HM_HDR_LEN);
	hm_get_u32(&in);
	assert_non_null(p = hm_get_blob(&in, 3, &n));
	assert_memory_equal(p, "abc", 3);
	hm_get_str(&in, s, sizeof(s));
	assert_true(in.bad);
	assert_string_equal(s, "");
	assert_int_equal(hm_in_done(&in), -1);
	/* Leftover bytes make a message bad too. */
	hm_in_init(&in, o.buf + HM_HDR_LEN, o.len - HM_HDR_LEN);
	hm_get_u32(&in);
	assert_int_equal(hm_in_done(&in), -1);
	/* A payload past the limit cannot be built. */
	hm_begin(&o, HM_READ);
	hm_put_blob(&o, o.buf, HM_PAYLOAD_MAX + 1);
	assert_int_equal(hm_end(&o), -1);
	hm_out_free(&o);
}

static void
test_framing(void **state)
{
	static uint8_t buf[HM_PAYLOAD_MAX];
	static const uint8_t huge[HM_HDR_LEN] = { 0, 0, 0, 6, 0x40, 0, 0, 0 };
	static const uint8_t cut[HM_HDR_LEN + 2] = { 0, 0, 0, 6, 0, 0, 0, 9, 1, 2 };
	struct hm_out o = { 0 };
	uint32_t type, len;
	int sv[2];

	(void)state;
	assert_int_equal(hm_header_parse(huge, &type, &len), -1);
	/* A message whole. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	hm_begin(&o, HM_START);
	hm_put_u32(&o, 5);
	assert_int_equal(hm_end(&o), 0);
	assert_int_equal(hm_send(sv[0], &o), 0);
	assert_int_equal(hm_recv(sv[1], buf, &type, &len, 1000), 0);
	assert_int_equal(type, HM_START);
	assert_int_equal(len, 4);
	/* Nothing comes: a bounded wait. */
	assert_int_equal(hm_recv(sv[1], buf, &type, &len, 50), -1);
	assert_int_equal(errno, ETIMEDOUT);
	/* A length past the limit is refused before any payload is read. */
	assert_int_equal(write(sv[0], huge, sizeof(huge)), (ssize_t)sizeof(huge));
	assert_int_equal(hm_recv(sv[1], buf, &type, &len, 1000), -1);
	assert_int_equal(errno, EPROTO);
	/* A message cut short by the peer's end. */
	assert_int_equal(write(sv[0], cut, sizeof(cut)), (ssize_t)sizeof(cut));
	close(sv[0]);
	assert_int_equal(hm_recv(sv[1], buf, &type, &len, 1000), -1);
	close(sv[1]);
	hm_out_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_option_round_trip),
		cmocka_unit_test(test_option_truncated),
		cmocka_unit_test(test_option_hostile),
		cmocka_unit_test(test_option_random),
		cmocka_unit_test(test_words_and_blobs),
		cmocka_unit_test(test_framing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
