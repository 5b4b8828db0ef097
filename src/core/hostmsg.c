/*
 * hostmsg.c - encode, decode and frame the messages between scsaned and
 * its backend helpers (include/scsaned/hostmsg.h).
 *
 * Both ends distrust each other: the helper runs a third-party backend
 * that may be broken, and a helper must not be steered by anything but
 * its own daemon.  So the decoders check every length before using it.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "scsaned/hostmsg.h"

static void
be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t *
room(struct hm_out *o, size_t n)
{
	size_t cap;
	uint8_t *b;

	if (o->failed)
		return NULL;
	if (n > HM_HDR_LEN + HM_PAYLOAD_MAX - o->len) {
		o->failed = 1;
		return NULL;
	}
	if (o->len + n > o->cap) {
		for (cap = o->cap ? o->cap : 256; cap < o->len + n; cap *= 2)
			;
		if ((b = realloc(o->buf, cap)) == NULL) {
			o->failed = 1;
			return NULL;
		}
		o->buf = b;
		o->cap = cap;
	}
	b = o->buf + o->len;
	o->len += n;
	return b;
}

/* Starts over, keeping the buffer: one hm_out serves a whole connection. */
void
hm_begin(struct hm_out *o, uint32_t type)
{
	uint8_t *p;

	o->len = 0;
	o->failed = 0;
	if ((p = room(o, HM_HDR_LEN)) != NULL) {
		be32(p, type);
		be32(p + 4, 0);
	}
}

void
hm_put_u32(struct hm_out *o, uint32_t v)
{
	uint8_t *p = room(o, 4);

	if (p != NULL)
		be32(p, v);
}

void
hm_put_blob(struct hm_out *o, const void *data, size_t n)
{
	uint8_t *p;

	if (n > HM_PAYLOAD_MAX) {
		o->failed = 1;
		return;
	}
	hm_put_u32(o, (uint32_t)n);
	if (n > 0 && (p = room(o, n)) != NULL)
		memcpy(p, data, n);
}

void
hm_put_str(struct hm_out *o, const char *s)
{
	size_t n;

	if (s == NULL) {
		hm_put_u32(o, HM_NULL);
		return;
	}
	if ((n = strlen(s)) > HM_STR_MAX) {
		o->failed = 1;
		return;
	}
	hm_put_blob(o, s, n);
}

/*
 * A backend's word list, as long as its first word says.  Copied as saned
 * would copy it; but Debian's coolscan3 (1.2.1) hands out one whose
 * allocation is a word shorter than its count, and an AddressSanitizer
 * build of the helper must not stop at a backend's own slip.
 */
#if defined(__clang__) || defined(__GNUC__)
__attribute__((no_sanitize("address")))
#endif
static void
put_words(struct hm_out *o, const SANE_Word *w, SANE_Int n)
{
	SANE_Int i;

	for (i = 0; i <= n; i++)
		hm_put_u32(o, (uint32_t)w[i]);
}

void
hm_put_option(struct hm_out *o, const SANE_Option_Descriptor *d)
{
	SANE_Int i, n;

	hm_put_str(o, d->name);
	hm_put_str(o, d->title);
	hm_put_str(o, d->desc);
	hm_put_u32(o, (uint32_t)d->type);
	hm_put_u32(o, (uint32_t)d->unit);
	hm_put_u32(o, (uint32_t)d->size);
	hm_put_u32(o, (uint32_t)d->cap);
	hm_put_u32(o, (uint32_t)d->constraint_type);
	switch (d->constraint_type) {
	case SANE_CONSTRAINT_RANGE:
		hm_put_u32(o, (uint32_t)d->constraint.range->min);
		hm_put_u32(o, (uint32_t)d->constraint.range->max);
		hm_put_u32(o, (uint32_t)d->constraint.range->quant);
		break;
	case SANE_CONSTRAINT_WORD_LIST:
		n = d->constraint.word_list[0];
		if (n < 0 || n > HM_LIST_MAX) {
			o->failed = 1;
			return;
		}
		put_words(o, d->constraint.word_list, n);
		break;
	case SANE_CONSTRAINT_STRING_LIST:
		for (n = 0; d->constraint.string_list[n] != NULL; n++)
			;
		if (n > HM_LIST_MAX) {
			o->failed = 1;
			return;
		}
		hm_put_u32(o, (uint32_t)n);
		for (i = 0; i < n; i++)
			hm_put_str(o, d->constraint.string_list[i]);
		break;
	default:
		break;
	}
}

int
hm_end(struct hm_out *o)
{
	if (o->failed || o->len < HM_HDR_LEN || o->len - HM_HDR_LEN > HM_PAYLOAD_MAX)
		return -1;
	be32(o->buf + 4, (uint32_t)(o->len - HM_HDR_LEN));
	return 0;
}

void
hm_out_free(struct hm_out *o)
{
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

/* ---- decoding ----------------------------------------------------------- */

void
hm_in_init(struct hm_in *in, const void *p, size_t len)
{
	in->p = p;
	in->len = len;
	in->pos = 0;
	in->bad = 0;
}

/* N bytes of the payload, or NULL (and BAD) if fewer are left. */
static const uint8_t *
take(struct hm_in *in, size_t n)
{
	const uint8_t *p;

	if (in->bad || n > in->len - in->pos) {
		in->bad = 1;
		return NULL;
	}
	p = in->p + in->pos;
	in->pos += n;
	return p;
}

uint32_t
hm_get_u32(struct hm_in *in)
{
	const uint8_t *p = take(in, 4);

	return p != NULL ? rd32(p) : 0;
}

const uint8_t *
hm_get_blob(struct hm_in *in, size_t max, size_t *n)
{
	uint32_t len = hm_get_u32(in);
	const uint8_t *p;

	*n = 0;
	if (in->bad || len > max) {
		in->bad = 1;
		return NULL;
	}
	if ((p = take(in, len)) != NULL)
		*n = len;
	return p;
}

/* A string as a fresh heap copy; *isnull for the NULL marker.  NULL if bad. */
static char *
get_strdup(struct hm_in *in, int *isnull)
{
	const uint8_t *p;
	size_t n, save = in->pos;
	char *s;

	*isnull = 0;
	if (hm_get_u32(in) == HM_NULL && !in->bad) {
		*isnull = 1;
		return NULL;
	}
	in->pos = save;
	p = hm_get_blob(in, HM_STR_MAX, &n);
	if (in->bad || (n > 0 && memchr(p, '\0', n) != NULL)) {
		in->bad = 1;
		return NULL;
	}
	if ((s = malloc(n + 1)) == NULL) {
		in->bad = 1;
		return NULL;
	}
	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

void
hm_get_str(struct hm_in *in, char *dst, size_t dstlen)
{
	int isnull;
	char *s = get_strdup(in, &isnull);

	dst[0] = '\0';
	if (s == NULL) {
		if (!isnull)
			in->bad = 1;
		return;
	}
	if (strlen(s) >= dstlen)
		in->bad = 1;
	else
		strcpy(dst, s);
	free(s);
}

void
hm_option_free(SANE_Option_Descriptor *d)
{
	SANE_Int i;

	if (d == NULL)
		return;
	free((void *)d->name);
	free((void *)d->title);
	free((void *)d->desc);
	if (d->constraint_type == SANE_CONSTRAINT_RANGE)
		free((void *)d->constraint.range);
	else if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST)
		free((void *)d->constraint.word_list);
	else if (d->constraint_type == SANE_CONSTRAINT_STRING_LIST &&
	    d->constraint.string_list != NULL) {
		for (i = 0; d->constraint.string_list[i] != NULL; i++)
			free((void *)d->constraint.string_list[i]);
		free((void *)d->constraint.string_list);
	}
	free(d);
}

/* The constraint of D, as its constraint_type says; -1 if bad. */
static int
get_constraint(struct hm_in *in, SANE_Option_Descriptor *d)
{
	SANE_Range *r;
	SANE_Word *w;
	SANE_String_Const *sl;
	uint32_t n, i;
	int isnull;

	switch (d->constraint_type) {
	case SANE_CONSTRAINT_NONE:
		return 0;
	case SANE_CONSTRAINT_RANGE:
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return -1;
		d->constraint.range = r;
		r->min = (SANE_Word)hm_get_u32(in);
		r->max = (SANE_Word)hm_get_u32(in);
		r->quant = (SANE_Word)hm_get_u32(in);
		return in->bad ? -1 : 0;
	case SANE_CONSTRAINT_WORD_LIST:
		n = hm_get_u32(in);
		/* Each word is 4 bytes: a count the payload cannot hold is a lie. */
		if (in->bad || n > HM_LIST_MAX || n > (in->len - in->pos) / 4 ||
		    (w = calloc(n + 1, sizeof(*w))) == NULL)
			return -1;
		d->constraint.word_list = w;
		w[0] = (SANE_Word)n;
		for (i = 1; i <= n; i++)
			w[i] = (SANE_Word)hm_get_u32(in);
		return in->bad ? -1 : 0;
	case SANE_CONSTRAINT_STRING_LIST:
		n = hm_get_u32(in);
		if (in->bad || n > HM_LIST_MAX || n > (in->len - in->pos) / 4 ||
		    (sl = calloc(n + 1, sizeof(*sl))) == NULL)
			return -1;
		d->constraint.string_list = sl;
		for (i = 0; i < n; i++)
			if ((sl[i] = get_strdup(in, &isnull)) == NULL)
				return -1;
		return 0;
	default:
		return -1;
	}
}

/* What the net front will rely on when it encodes D for a client. */
static int
option_consistent(const SANE_Option_Descriptor *d)
{
	int numeric = d->type == SANE_TYPE_INT || d->type == SANE_TYPE_FIXED;

	if (d->size < 0 || d->size > HM_DATA_MAX)
		return 0;
	if ((numeric || d->type == SANE_TYPE_BOOL) && d->size % (int)sizeof(SANE_Word) != 0)
		return 0;
	if ((d->constraint_type == SANE_CONSTRAINT_RANGE ||
	    d->constraint_type == SANE_CONSTRAINT_WORD_LIST) && !numeric)
		return 0;
	if (d->constraint_type == SANE_CONSTRAINT_STRING_LIST && d->type != SANE_TYPE_STRING)
		return 0;
	return 1;
}

SANE_Option_Descriptor *
hm_get_option(struct hm_in *in)
{
	SANE_Option_Descriptor *d;
	uint32_t type, ctype;
	int isnull;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->name = get_strdup(in, &isnull);
	d->title = get_strdup(in, &isnull);
	d->desc = get_strdup(in, &isnull);
	type = hm_get_u32(in);
	d->unit = (SANE_Unit)hm_get_u32(in);
	d->size = (SANE_Int)hm_get_u32(in);
	d->cap = (SANE_Int)hm_get_u32(in);
	ctype = hm_get_u32(in);
	if (in->bad || type > SANE_TYPE_GROUP || (uint32_t)d->unit > SANE_UNIT_MICROSECOND ||
	    ctype > SANE_CONSTRAINT_STRING_LIST) {
		in->bad = 1;
		hm_option_free(d);
		return NULL;
	}
	d->type = (SANE_Value_Type)type;
	d->constraint_type = (SANE_Constraint_Type)ctype;
	if (get_constraint(in, d) < 0 || in->bad || !option_consistent(d)) {
		in->bad = 1;
		hm_option_free(d);
		return NULL;
	}
	return d;
}

int
hm_in_done(const struct hm_in *in)
{
	return in->bad || in->pos != in->len ? -1 : 0;
}

int
hm_header_parse(const uint8_t hdr[HM_HDR_LEN], uint32_t *type, uint32_t *len)
{
	*type = rd32(hdr);
	*len = rd32(hdr + 4);
	return *len > HM_PAYLOAD_MAX ? -1 : 0;
}

/* ---- framing on a stream socket ----------------------------------------- */

int
hm_send(int fd, const struct hm_out *o)
{
	size_t off = 0;
	ssize_t n;

	while (off < o->len) {
		n = send(fd, o->buf + off, o->len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

static long
ms_left(const struct timespec *end)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (end->tv_sec - now.tv_sec) * 1000 + (end->tv_nsec - now.tv_nsec) / 1000000;
}

/* Exactly N bytes into P before END (NULL: no limit). */
static int
recv_all(int fd, uint8_t *p, size_t n, const struct timespec *end)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long left;
	ssize_t r;
	int pr;

	while (n > 0) {
		left = end != NULL ? ms_left(end) : -1;
		if (end != NULL && left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		pr = poll(&pfd, 1, end != NULL ? (int)left : -1);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			return -1;
		if (pr == 0)
			continue;	/* the deadline check above ends it */
		r = recv(fd, p, n, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EPIPE;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int
hm_recv(int fd, uint8_t *buf, uint32_t *type, uint32_t *len, int timeout_ms)
{
	struct timespec end;
	uint8_t hdr[HM_HDR_LEN];

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	if (recv_all(fd, hdr, sizeof(hdr), timeout_ms < 0 ? NULL : &end) < 0)
		return -1;
	if (hm_header_parse(hdr, type, len) < 0) {
		errno = EPROTO;
		return -1;
	}
	return recv_all(fd, buf, *len, timeout_ms < 0 ? NULL : &end);
}
