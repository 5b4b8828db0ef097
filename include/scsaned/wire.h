/*
 * wire.h - the SANE network protocol (version 3) on the wire.
 *
 * Pure codecs: bytes in, structs out, and back.  Nothing here touches a
 * socket, so every function is usable from tests and fuzzers.
 *
 * The protocol has no message framing: a message's end follows from its
 * types.  So every decoder takes (buf, len) and answers one of
 *   WIRE_OK        a whole message was decoded, *consumed bytes used;
 *   WIRE_NEED_MORE the bytes so far are a valid prefix, read more;
 *   WIRE_BAD       the bytes can never become a valid message.
 * A decoder never reads past LEN and never allocates more than the bytes
 * present justify (plus the caps below).
 */
#ifndef SCSANED_WIRE_H
#define SCSANED_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sane/sane.h>

#define WIRE_PROTOCOL_VERSION 3

enum wire_proc {
	WIRE_INIT = 0,
	WIRE_GET_DEVICES = 1,
	WIRE_OPEN = 2,
	WIRE_CLOSE = 3,
	WIRE_GET_OPTION_DESCRIPTORS = 4,
	WIRE_CONTROL_OPTION = 5,
	WIRE_GET_PARAMETERS = 6,
	WIRE_START = 7,
	WIRE_CANCEL = 8,
	WIRE_AUTHORIZE = 9,
	WIRE_EXIT = 10,
};

enum wire_status {
	WIRE_OK = 0,
	WIRE_NEED_MORE = 1,
	WIRE_BAD = 2,
};

/* Caps on what a peer may make us hold, well under the client's 1 MiB. */
#define WIRE_MAX_STRING	4096		/* bytes, including the NUL */
#define WIRE_MAX_VALUE	65536		/* bytes of one option value */
#define WIRE_MAX_REQUEST (WIRE_MAX_VALUE + 3 * WIRE_MAX_STRING + 64)

/* Byte order words of the START reply. */
#define WIRE_LITTLE_ENDIAN 0x1234
#define WIRE_BIG_ENDIAN    0x4321

/* End of the image data stream: this length, then one status byte. */
#define WIRE_DATA_END 0xffffffffu

/* ---- reading: a bounds-checked cursor ---------------------------------- */

struct wire_rd {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	int bad;		/* set once the bytes can never decode */
	int short_;		/* set once a read ran past len */
	const char *why;	/* reason for bad, static string */
};

void wire_rd_init(struct wire_rd *r, const void *buf, size_t len);
/* WIRE_OK, WIRE_NEED_MORE or WIRE_BAD for everything read so far. */
enum wire_status wire_rd_status(const struct wire_rd *r);

int wire_get_word(struct wire_rd *r, SANE_Word *w);
/*
 * A string: word length (counting the NUL) then bytes.  Length 0 is NULL.
 * *s is malloc'ed and NUL-terminated at its last byte as the stock codec
 * does; longer than MAX is bad.
 */
int wire_get_string(struct wire_rd *r, char **s, size_t max);

/* ---- writing: a growable buffer ---------------------------------------- */

struct wire_wr {
	uint8_t *buf;
	size_t len;
	size_t cap;
	int oom;		/* an allocation failed; the contents are void */
};

void wire_wr_init(struct wire_wr *w);
void wire_wr_reset(struct wire_wr *w);	/* keep the memory, drop the bytes */
void wire_wr_free(struct wire_wr *w);
void wire_put_word(struct wire_wr *w, SANE_Word v);
void wire_put_bytes(struct wire_wr *w, const void *p, size_t n);
/* NULL is the zero-length array; "" is length 1. */
void wire_put_string(struct wire_wr *w, const char *s);

/* ---- requests (client to server) --------------------------------------- */

struct wire_request {
	SANE_Word proc;
	SANE_Word version;	/* INIT */
	char *username;		/* INIT, AUTHORIZE */
	char *name;		/* OPEN: device name */
	SANE_Word handle;	/* CLOSE .. CANCEL */
	SANE_Word option;	/* CONTROL_OPTION */
	SANE_Word action;
	SANE_Word value_type;
	SANE_Word value_size;	/* as sent, echoed back verbatim */
	/*
	 * The value array: words in host order for BOOL/INT/FIXED, raw bytes
	 * for STRING.  value_len is its length in bytes.
	 */
	void *value;
	size_t value_len;
	char *resource;		/* AUTHORIZE */
	char *password;		/* AUTHORIZE */
};

/*
 * Decode one request from BUF.  On WIRE_OK *req owns its strings and value
 * (free with wire_request_free) and *consumed is set.  On any other result
 * *req is empty.  *why (if not NULL) gets a static reason on WIRE_BAD.
 */
enum wire_status wire_decode_request(const void *buf, size_t len,
    struct wire_request *req, size_t *consumed, const char **why);
void wire_request_free(struct wire_request *req);

/* Encode REQ as a protocol-3 client would. */
void wire_encode_request(struct wire_wr *w, const struct wire_request *req);

/* ---- replies (server to client) ---------------------------------------- */

struct wire_reply {
	SANE_Word proc;		/* which request this answers */
	SANE_Word status;
	SANE_Word version;	/* INIT */
	const SANE_Device **devices; /* GET_DEVICES, NULL-terminated */
	SANE_Word handle;	/* OPEN */
	char *resource;		/* OPEN, CONTROL_OPTION, START */
	const SANE_Option_Descriptor **opts; /* GET_OPTION_DESCRIPTORS */
	SANE_Word nopts;
	SANE_Word info;		/* CONTROL_OPTION */
	SANE_Word value_type;
	SANE_Word value_size;
	void *value;		/* as in wire_request */
	size_t value_len;
	SANE_Parameters params;	/* GET_PARAMETERS */
	SANE_Word port;		/* START */
	SANE_Word byte_order;
	SANE_Word dummy;	/* CLOSE, CANCEL, AUTHORIZE */

	void *owned;		/* decoder's allocations; see wire_reply_free */
};

/*
 * Encode the reply to REP->proc.  Server side: pointers are borrowed.
 * EXIT has no reply and encodes nothing.
 */
void wire_encode_reply(struct wire_wr *w, const struct wire_reply *rep);

/*
 * Decode the reply to request PROC (client side, tests and tools).  On
 * WIRE_OK *rep owns what it points to; free with wire_reply_free().
 */
enum wire_status wire_decode_reply(SANE_Word proc, const void *buf, size_t len,
    struct wire_reply *rep, size_t *consumed, const char **why);
void wire_reply_free(struct wire_reply *rep);

/* Bytes an option value of TYPE and SIZE occupies in a value array. */
int wire_value_array_len(SANE_Word type, SANE_Word size, size_t *elems,
    size_t *elem_size);

const char *wire_proc_name(SANE_Word proc);

#endif
