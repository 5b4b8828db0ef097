/*
 * fuzz_wire.c - libFuzzer harness for the wire codec.  The first byte
 * picks the direction: even decodes a request, odd a reply to procedure
 * (byte / 2) % 11.  Whatever decodes must re-encode to bytes that decode
 * to the same encoding again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
request(const uint8_t *data, size_t size)
{
	struct wire_request q, q2;
	struct wire_wr w, w2;
	size_t used;

	if (wire_decode_request(data, size, &q, &used, NULL) != WIRE_OK)
		return;
	if (used > size)
		abort();
	wire_wr_init(&w);
	wire_encode_request(&w, &q);
	if (wire_decode_request(w.buf, w.len, &q2, &used, NULL) != WIRE_OK)
		abort();
	wire_wr_init(&w2);
	wire_encode_request(&w2, &q2);
	if (w2.len != w.len || memcmp(w2.buf, w.buf, w.len) != 0)
		abort();
	wire_request_free(&q);
	wire_request_free(&q2);
	wire_wr_free(&w);
	wire_wr_free(&w2);
}

static void
reply(SANE_Word proc, const uint8_t *data, size_t size)
{
	struct wire_reply r;
	struct wire_wr w;
	size_t used;

	if (wire_decode_reply(proc, data, size, &r, &used, NULL) != WIRE_OK)
		return;
	if (used > size)
		abort();
	wire_wr_init(&w);
	wire_encode_reply(&w, &r);
	wire_reply_free(&r);
	if (wire_decode_reply(proc, w.buf, w.len, &r, &used, NULL) != WIRE_OK ||
	    used != w.len)
		abort();
	wire_reply_free(&r);
	wire_wr_free(&w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] % 2 == 0)
		request(data + 1, size - 1);
	else
		reply((SANE_Word)((data[0] / 2) % 11), data + 1, size - 1);
	return 0;
}
