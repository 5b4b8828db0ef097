/*
 * hostmsg.h - the messages between scsaned and scsaned-backend, the
 * helper process that hosts one Debian SANE backend for one device.
 *
 * A message is an 8-byte header (type, payload length; big-endian u32s)
 * and the payload.  The daemon sends a request and waits for the reply of
 * the same type with HM_REPLY set; one request is outstanding at a time.
 * Payloads are built from u32 words, strings (u32 length, bytes, no NUL;
 * length HM_NULL stands for a NULL pointer) and blobs (u32 length, bytes).
 *
 *   HM_OPEN     str backend, str uri, u32 timeout_ms (0: sanei's own)
 *               -> u32 status, str vendor, str model, str type
 *   HM_OPTIONS  -> u32 status, u32 count, count option descriptors
 *   HM_CONTROL  u32 option, u32 action, blob value
 *               -> u32 status, u32 info, blob value
 *   HM_PARAMS   -> u32 status, 6 x i32 (format, last_frame, bytes_per_line,
 *               pixels_per_line, lines, depth)
 *   HM_START    -> u32 status
 *   HM_READ     u32 max -> u32 status, blob data (at most max bytes)
 *   HM_CANCEL   -> u32 status
 *   HM_CLOSE    -> u32 status; then the helper exits
 *   HM_PROBE    str backend, str uri, u32 timeout_ms (before any HM_OPEN)
 *               -> u32 status, str vendor, str model, str type, u32 lun_type
 *               does the backend's own discovery find the LUN?  GOOD with
 *               its names, or UNSUPPORTED (it has no SCSI, or finds it
 *               not); the backend is unloaded again, the LUN stays reached
 *               for the next probe.  lun_type: the LUN's peripheral type,
 *               HM_NULL if it cannot be reached
 *
 * The URI travels in HM_OPEN, never on the helper's command line, so a
 * CHAP secret in it is not shown by ps.  Every decoder checks every
 * length against what is left of the payload and against the limits below;
 * a bad message marks the reader bad and nothing is read past its end.
 */
#ifndef SCSANED_HOSTMSG_H
#define SCSANED_HOSTMSG_H

#include <stddef.h>
#include <stdint.h>
#include <sane/sane.h>

#define HM_HDR_LEN	8
#define HM_DATA_MAX	(256 * 1024)		/* image bytes or one option value */
#define HM_PAYLOAD_MAX	(512 * 1024)
#define HM_STR_MAX	4096
#define HM_LIST_MAX	4096			/* words or strings in a constraint */
#define HM_OPTIONS_MAX	1024
#define HM_NULL		0xffffffffu

enum hm_type {
	HM_OPEN = 1,
	HM_OPTIONS,
	HM_CONTROL,
	HM_PARAMS,
	HM_START,
	HM_READ,
	HM_CANCEL,
	HM_CLOSE,
	HM_PROBE,
};
#define HM_REPLY 0x100u

/* A message being built; a failed put (no memory, too long) sticks. */
struct hm_out {
	uint8_t *buf;
	size_t len, cap;
	int failed;
};

void hm_begin(struct hm_out *o, uint32_t type);
void hm_put_u32(struct hm_out *o, uint32_t v);
void hm_put_str(struct hm_out *o, const char *s);
void hm_put_blob(struct hm_out *o, const void *p, size_t n);
void hm_put_option(struct hm_out *o, const SANE_Option_Descriptor *d);
/* Fill in the length.  0, or -1 if a put failed or the payload is too long. */
int hm_end(struct hm_out *o);
void hm_out_free(struct hm_out *o);

/* One received payload being read; any bad length sets BAD for good. */
struct hm_in {
	const uint8_t *p;
	size_t len, pos;
	int bad;
};

void hm_in_init(struct hm_in *in, const void *p, size_t len);
uint32_t hm_get_u32(struct hm_in *in);
/* A copy in DST (NUL-terminated), or "" and BAD if it does not fit. */
void hm_get_str(struct hm_in *in, char *dst, size_t dstlen);
/* Bytes inside the payload, at most MAX of them; NULL with *n = 0 if bad. */
const uint8_t *hm_get_blob(struct hm_in *in, size_t max, size_t *n);
/* A descriptor on the heap, checked for consistency; NULL if bad. */
SANE_Option_Descriptor *hm_get_option(struct hm_in *in);
void hm_option_free(SANE_Option_Descriptor *d);
/* 0 if the whole payload was read and nothing was bad. */
int hm_in_done(const struct hm_in *in);

/* Header: 0 and the fields, or -1 if the length exceeds HM_PAYLOAD_MAX. */
int hm_header_parse(const uint8_t hdr[HM_HDR_LEN], uint32_t *type, uint32_t *len);

/* Send a built message whole.  0, or -1 (peer gone, error). */
int hm_send(int fd, const struct hm_out *o);
/*
 * Receive one message into BUF (HM_PAYLOAD_MAX bytes) within TIMEOUT_MS
 * (-1: no limit).  0 with *type and *len; -1 on EOF, error, timeout or a
 * bad header (errno ETIMEDOUT for the timeout).
 */
int hm_recv(int fd, uint8_t *buf, uint32_t *type, uint32_t *len, int timeout_ms);

#endif
