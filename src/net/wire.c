/*
 * wire.c - encode and decode SANE net protocol 3 messages.
 *
 * Every read goes through the wire_rd cursor, which checks the bytes left
 * before touching them.  A length word is checked against a cap before the
 * bytes it announces are awaited, and memory is only allocated once those
 * bytes are present, so a peer cannot make us reserve what it never sends.
 *
 * Layouts follow what saned 1.2.1 and the stock net backend put on the
 * wire (see docs/protocol.md), not the older spec text where they differ:
 * n+1 device arrays, no status word before option descriptors, word lists
 * that repeat their count, no value fields in a SET_AUTO request.
 */
#include <stdlib.h>
#include <string.h>

#include "scsaned/wire.h"

/* ---- the read cursor --------------------------------------------------- */

void
wire_rd_init(struct wire_rd *r, const void *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->len = len;
}

enum wire_status
wire_rd_status(const struct wire_rd *r)
{
	if (r->bad)
		return WIRE_BAD;
	if (r->short_)
		return WIRE_NEED_MORE;
	return WIRE_OK;
}

static void
rd_bad(struct wire_rd *r, const char *why)
{
	if (!r->bad && !r->short_) {
		r->bad = 1;
		r->why = why;
	}
}

/* Reserve N bytes at the cursor; NULL (and the short flag) if absent. */
static const uint8_t *
rd_take(struct wire_rd *r, size_t n)
{
	const uint8_t *p;

	if (r->bad || r->short_)
		return NULL;
	if (r->len - r->pos < n) {	/* pos <= len always holds */
		r->short_ = 1;
		return NULL;
	}
	p = r->buf + r->pos;
	r->pos += n;
	return p;
}

int
wire_get_word(struct wire_rd *r, SANE_Word *w)
{
	const uint8_t *p = rd_take(r, 4);
	uint32_t u;

	if (p == NULL)
		return -1;
	u = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	*w = (SANE_Word)u;
	return 0;
}

/* An array length word, refused (not awaited) when above MAX elements. */
static int
rd_array_len(struct wire_rd *r, size_t max, size_t *n)
{
	SANE_Word w;

	if (wire_get_word(r, &w) < 0)
		return -1;
	/* Negative lengths are huge unsigned ones, as in the stock codec. */
	if ((uint32_t)w > max) {
		rd_bad(r, "array length over limit");
		return -1;
	}
	*n = (uint32_t)w;
	return 0;
}

int
wire_get_string(struct wire_rd *r, char **s, size_t max)
{
	const uint8_t *p;
	size_t n;
	char *out;

	*s = NULL;
	if (rd_array_len(r, max, &n) < 0)
		return -1;
	if (n == 0)
		return 0;	/* NULL string */
	if ((p = rd_take(r, n)) == NULL)
		return -1;
	if ((out = malloc(n)) == NULL) {
		rd_bad(r, "out of memory");
		return -1;
	}
	memcpy(out, p, n);
	/* The stock decoder forces the last byte to NUL; so do we. */
	out[n - 1] = '\0';
	*s = out;
	return 0;
}

/* ---- the write buffer -------------------------------------------------- */

void
wire_wr_init(struct wire_wr *w)
{
	memset(w, 0, sizeof(*w));
}

void
wire_wr_reset(struct wire_wr *w)
{
	w->len = 0;
	w->oom = 0;
}

void
wire_wr_free(struct wire_wr *w)
{
	free(w->buf);
	wire_wr_init(w);
}

static int
wr_reserve(struct wire_wr *w, size_t n)
{
	size_t cap;
	uint8_t *nb;

	if (w->oom)
		return -1;
	if (w->cap - w->len >= n)
		return 0;
	cap = w->cap ? w->cap : 256;
	while (cap - w->len < n) {
		if (cap > SIZE_MAX / 2) {
			w->oom = 1;
			return -1;
		}
		cap *= 2;
	}
	if ((nb = realloc(w->buf, cap)) == NULL) {
		w->oom = 1;
		return -1;
	}
	w->buf = nb;
	w->cap = cap;
	return 0;
}

void
wire_put_bytes(struct wire_wr *w, const void *p, size_t n)
{
	if (n == 0 || wr_reserve(w, n) < 0)
		return;
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

void
wire_put_word(struct wire_wr *w, SANE_Word v)
{
	uint32_t u = (uint32_t)v;
	uint8_t b[4] = { u >> 24, u >> 16, u >> 8, u };

	wire_put_bytes(w, b, 4);
}

void
wire_put_string(struct wire_wr *w, const char *s)
{
	size_t n;

	if (s == NULL) {
		wire_put_word(w, 0);
		return;
	}
	n = strlen(s) + 1;
	wire_put_word(w, (SANE_Word)n);
	wire_put_bytes(w, s, n);
}

/* ---- option values ------------------------------------------------------ */

int
wire_value_array_len(SANE_Word type, SANE_Word size, size_t *elems,
    size_t *elem_size)
{
	if (size < 0)
		return -1;
	switch (type) {
	case SANE_TYPE_BOOL:
	case SANE_TYPE_INT:
	case SANE_TYPE_FIXED:
		*elem_size = sizeof(SANE_Word);
		*elems = (size_t)size / sizeof(SANE_Word);
		return 0;
	case SANE_TYPE_STRING:
		*elem_size = 1;
		*elems = (size_t)size;
		return 0;
	case SANE_TYPE_BUTTON:
	case SANE_TYPE_GROUP:
		*elem_size = 0;
		*elems = 0;
		return 0;
	default:
		return -1;
	}
}

/*
 * The value array of a CONTROL_OPTION message: its element type follows
 * TYPE.  Words are stored in host order.  *value is malloc'ed (NULL when
 * empty).
 */
static int
rd_value(struct wire_rd *r, SANE_Word type, void **value, size_t *value_len)
{
	size_t n, i;
	const uint8_t *p;
	SANE_Word *words;
	SANE_Word w;

	*value = NULL;
	*value_len = 0;
	switch (type) {
	case SANE_TYPE_BOOL:
	case SANE_TYPE_INT:
	case SANE_TYPE_FIXED:
		if (rd_array_len(r, WIRE_MAX_VALUE / sizeof(SANE_Word), &n) < 0)
			return -1;
		/* Await all the bytes before allocating for them. */
		if (r->len - r->pos < n * 4) {
			r->short_ = 1;
			return -1;
		}
		if (n == 0)
			return 0;
		if ((words = calloc(n, sizeof(SANE_Word))) == NULL) {
			rd_bad(r, "out of memory");
			return -1;
		}
		for (i = 0; i < n; i++) {
			wire_get_word(r, &w);
			words[i] = w;
		}
		*value = words;
		*value_len = n * sizeof(SANE_Word);
		return 0;
	case SANE_TYPE_STRING:
		if (rd_array_len(r, WIRE_MAX_VALUE, &n) < 0)
			return -1;
		if ((p = rd_take(r, n)) == NULL)
			return -1;
		if (n == 0)
			return 0;
		if ((*value = malloc(n)) == NULL) {
			rd_bad(r, "out of memory");
			return -1;
		}
		memcpy(*value, p, n);
		*value_len = n;
		return 0;
	case SANE_TYPE_BUTTON:
	case SANE_TYPE_GROUP:
		/* Elements of these types occupy no bytes at all. */
		if (rd_array_len(r, WIRE_MAX_VALUE, &n) < 0)
			return -1;
		return 0;
	default:
		/* The stock codec desynchronises here; we refuse instead. */
		rd_bad(r, "unknown value type");
		return -1;
	}
}

static void
wr_value(struct wire_wr *w, SANE_Word type, const void *value, size_t len)
{
	const SANE_Word *words = value;
	size_t i, n;

	switch (type) {
	case SANE_TYPE_BOOL:
	case SANE_TYPE_INT:
	case SANE_TYPE_FIXED:
		n = value ? len / sizeof(SANE_Word) : 0;
		wire_put_word(w, (SANE_Word)n);
		for (i = 0; i < n; i++)
			wire_put_word(w, words[i]);
		break;
	case SANE_TYPE_STRING:
		n = value ? len : 0;
		wire_put_word(w, (SANE_Word)n);
		wire_put_bytes(w, value, n);
		break;
	default:
		wire_put_word(w, 0);
		break;
	}
}

/* ---- requests ------------------------------------------------------------ */

void
wire_request_free(struct wire_request *req)
{
	free(req->username);
	free(req->name);
	free(req->value);
	free(req->resource);
	if (req->password != NULL) {
		/* A password must not linger in freed heap memory. */
		memset(req->password, 0, strlen(req->password));
		free(req->password);
	}
	memset(req, 0, sizeof(*req));
}

static void
rd_request_body(struct wire_rd *r, struct wire_request *q)
{
	switch (q->proc) {
	case WIRE_INIT:
		wire_get_word(r, &q->version);
		wire_get_string(r, &q->username, WIRE_MAX_STRING);
		break;
	case WIRE_GET_DEVICES:
	case WIRE_EXIT:
		break;
	case WIRE_OPEN:
		wire_get_string(r, &q->name, WIRE_MAX_STRING);
		break;
	case WIRE_CLOSE:
	case WIRE_GET_OPTION_DESCRIPTORS:
	case WIRE_GET_PARAMETERS:
	case WIRE_START:
	case WIRE_CANCEL:
		wire_get_word(r, &q->handle);
		break;
	case WIRE_CONTROL_OPTION:
		wire_get_word(r, &q->handle);
		wire_get_word(r, &q->option);
		wire_get_word(r, &q->action);
		/* Protocol 3: SET_AUTO carries no value fields at all. */
		if (q->action == SANE_ACTION_SET_AUTO)
			break;
		wire_get_word(r, &q->value_type);
		wire_get_word(r, &q->value_size);
		if (wire_rd_status(r) == WIRE_OK)
			rd_value(r, q->value_type, &q->value, &q->value_len);
		break;
	case WIRE_AUTHORIZE:
		wire_get_string(r, &q->resource, WIRE_MAX_STRING);
		wire_get_string(r, &q->username, WIRE_MAX_STRING);
		wire_get_string(r, &q->password, WIRE_MAX_STRING);
		break;
	default:
		rd_bad(r, "unknown procedure number");
		break;
	}
}

enum wire_status
wire_decode_request(const void *buf, size_t len, struct wire_request *req,
    size_t *consumed, const char **why)
{
	struct wire_rd r;
	enum wire_status st;

	memset(req, 0, sizeof(*req));
	wire_rd_init(&r, buf, len);
	if (wire_get_word(&r, &req->proc) == 0)
		rd_request_body(&r, req);
	st = wire_rd_status(&r);
	if (st != WIRE_OK) {
		wire_request_free(req);
		if (why != NULL)
			*why = st == WIRE_BAD ? r.why : NULL;
		return st;
	}
	*consumed = r.pos;
	return WIRE_OK;
}

void
wire_encode_request(struct wire_wr *w, const struct wire_request *q)
{
	wire_put_word(w, q->proc);
	switch (q->proc) {
	case WIRE_INIT:
		wire_put_word(w, q->version);
		wire_put_string(w, q->username);
		break;
	case WIRE_OPEN:
		wire_put_string(w, q->name);
		break;
	case WIRE_CLOSE:
	case WIRE_GET_OPTION_DESCRIPTORS:
	case WIRE_GET_PARAMETERS:
	case WIRE_START:
	case WIRE_CANCEL:
		wire_put_word(w, q->handle);
		break;
	case WIRE_CONTROL_OPTION:
		wire_put_word(w, q->handle);
		wire_put_word(w, q->option);
		wire_put_word(w, q->action);
		if (q->action == SANE_ACTION_SET_AUTO)
			break;
		wire_put_word(w, q->value_type);
		wire_put_word(w, q->value_size);
		wr_value(w, q->value_type, q->value, q->value_len);
		break;
	case WIRE_AUTHORIZE:
		wire_put_string(w, q->resource);
		wire_put_string(w, q->username);
		wire_put_string(w, q->password);
		break;
	default:
		break;
	}
}

/* ---- replies: encoding ----------------------------------------------------- */

static void
wr_device(struct wire_wr *w, const SANE_Device *d)
{
	/* The client strdup()s these: never send NULL for them. */
	wire_put_string(w, d->name ? d->name : "");
	wire_put_string(w, d->vendor ? d->vendor : "");
	wire_put_string(w, d->model ? d->model : "");
	wire_put_string(w, d->type ? d->type : "");
}

static void
wr_devices(struct wire_wr *w, const SANE_Device **list)
{
	size_t n = 0, i;

	while (list != NULL && list[n] != NULL)
		n++;
	/* n + 1 elements: the NULL terminator travels as is_null = 1. */
	wire_put_word(w, (SANE_Word)(n + 1));
	for (i = 0; i < n; i++) {
		wire_put_word(w, 0);
		wr_device(w, list[i]);
	}
	wire_put_word(w, 1);
}

static void
wr_constraint(struct wire_wr *w, const SANE_Option_Descriptor *d)
{
	const SANE_Word *wl;
	const SANE_String_Const *sl;
	SANE_Word i, n;

	switch (d->constraint_type) {
	case SANE_CONSTRAINT_RANGE:
		if (d->constraint.range == NULL) {
			wire_put_word(w, 1);
			break;
		}
		wire_put_word(w, 0);
		wire_put_word(w, d->constraint.range->min);
		wire_put_word(w, d->constraint.range->max);
		wire_put_word(w, d->constraint.range->quant);
		break;
	case SANE_CONSTRAINT_WORD_LIST:
		/* wl[0] is the count and travels as element 0. */
		wl = d->constraint.word_list;
		n = wl ? wl[0] + 1 : 0;
		wire_put_word(w, n);
		for (i = 0; i < n; i++)
			wire_put_word(w, wl[i]);
		break;
	case SANE_CONSTRAINT_STRING_LIST:
		sl = d->constraint.string_list;
		for (n = 0; sl != NULL && sl[n] != NULL; n++)
			;
		wire_put_word(w, n + 1);
		for (i = 0; i < n; i++)
			wire_put_string(w, sl[i]);
		wire_put_string(w, NULL);
		break;
	default:
		break;
	}
}

static void
wr_descriptor(struct wire_wr *w, const SANE_Option_Descriptor *d)
{
	wire_put_string(w, d->name ? d->name : "");
	wire_put_string(w, d->title ? d->title : "");
	wire_put_string(w, d->desc ? d->desc : "");
	wire_put_word(w, d->type);
	wire_put_word(w, d->unit);
	wire_put_word(w, d->size);
	wire_put_word(w, d->cap);
	wire_put_word(w, d->constraint_type);
	wr_constraint(w, d);
}

void
wire_encode_reply(struct wire_wr *w, const struct wire_reply *p)
{
	SANE_Word i;

	switch (p->proc) {
	case WIRE_INIT:
		wire_put_word(w, p->status);
		wire_put_word(w, p->version);
		break;
	case WIRE_GET_DEVICES:
		wire_put_word(w, p->status);
		wr_devices(w, p->devices);
		break;
	case WIRE_OPEN:
		wire_put_word(w, p->status);
		wire_put_word(w, p->handle);
		wire_put_string(w, p->resource);
		break;
	case WIRE_GET_OPTION_DESCRIPTORS:
		/* No status word: the count comes first. */
		wire_put_word(w, p->nopts);
		for (i = 0; i < p->nopts; i++) {
			/* What a decoder accepted must encode: NULL is is_null = 1. */
			if (p->opts[i] == NULL) {
				wire_put_word(w, 1);
				continue;
			}
			wire_put_word(w, 0);
			wr_descriptor(w, p->opts[i]);
		}
		break;
	case WIRE_CONTROL_OPTION:
		wire_put_word(w, p->status);
		wire_put_word(w, p->info);
		wire_put_word(w, p->value_type);
		wire_put_word(w, p->value_size);
		wr_value(w, p->value_type, p->value, p->value_len);
		wire_put_string(w, p->resource);
		break;
	case WIRE_GET_PARAMETERS:
		wire_put_word(w, p->status);
		wire_put_word(w, p->params.format);
		wire_put_word(w, p->params.last_frame);
		wire_put_word(w, p->params.bytes_per_line);
		wire_put_word(w, p->params.pixels_per_line);
		wire_put_word(w, p->params.lines);
		wire_put_word(w, p->params.depth);
		break;
	case WIRE_START:
		wire_put_word(w, p->status);
		wire_put_word(w, p->port);
		wire_put_word(w, p->byte_order);
		wire_put_string(w, p->resource);
		break;
	case WIRE_CLOSE:
	case WIRE_CANCEL:
	case WIRE_AUTHORIZE:
		wire_put_word(w, p->dummy);
		break;
	default:
		break;	/* EXIT: no reply */
	}
}

/* ---- replies: decoding (client side) ------------------------------------- */

/*
 * Every allocation of a decoded reply hangs off one chain, so one call
 * frees a descriptor array with all its strings and lists.
 */
struct chunk {
	struct chunk *next;
	max_align_t data[];
};

static void *
own(struct wire_reply *p, struct wire_rd *r, size_t n)
{
	struct chunk *c;

	if (n > WIRE_MAX_REQUEST * 16 || (c = calloc(1, sizeof(*c) + n)) == NULL) {
		rd_bad(r, "out of memory");
		return NULL;
	}
	c->next = p->owned;
	p->owned = c;
	return c->data;
}

/* A string whose storage joins the reply's chain. */
static const char *
rd_owned_string(struct wire_reply *p, struct wire_rd *r)
{
	char *s, *o;

	if (wire_get_string(r, &s, WIRE_MAX_STRING) < 0 || s == NULL)
		return NULL;
	if ((o = own(p, r, strlen(s) + 1)) != NULL)
		strcpy(o, s);
	free(s);
	return o;
}

static void
rd_devices(struct wire_reply *p, struct wire_rd *r)
{
	const SANE_Device **list;
	SANE_Device *d;
	SANE_Word isnull;
	size_t n, i;

	if (rd_array_len(r, 4096, &n) < 0)
		return;
	/* Each element needs at least its 4-byte null flag. */
	if (r->len - r->pos < n * 4) {
		r->short_ = 1;
		return;
	}
	if ((list = own(p, r, (n + 1) * sizeof(*list))) == NULL)
		return;
	for (i = 0; i < n && wire_rd_status(r) == WIRE_OK; i++) {
		if (wire_get_word(r, &isnull) < 0 || isnull)
			continue;
		if ((d = own(p, r, sizeof(*d))) == NULL)
			return;
		d->name = rd_owned_string(p, r);
		d->vendor = rd_owned_string(p, r);
		d->model = rd_owned_string(p, r);
		d->type = rd_owned_string(p, r);
		list[i] = d;
	}
	p->devices = list;
}

static void
rd_constraint(struct wire_reply *p, struct wire_rd *r, SANE_Option_Descriptor *d)
{
	SANE_Range *range;
	SANE_Word *wl, isnull;
	SANE_String_Const *sl;
	size_t n, i;

	switch (d->constraint_type) {
	case SANE_CONSTRAINT_NONE:
		break;
	case SANE_CONSTRAINT_RANGE:
		if (wire_get_word(r, &isnull) < 0 || isnull)
			break;
		if ((range = own(p, r, sizeof(*range))) == NULL)
			break;
		wire_get_word(r, &range->min);
		wire_get_word(r, &range->max);
		wire_get_word(r, &range->quant);
		d->constraint.range = range;
		break;
	case SANE_CONSTRAINT_WORD_LIST:
		if (rd_array_len(r, WIRE_MAX_VALUE / 4, &n) < 0)
			break;
		if (r->len - r->pos < n * 4) {
			r->short_ = 1;
			break;
		}
		if ((wl = own(p, r, (n + 1) * sizeof(*wl))) == NULL)
			break;
		for (i = 0; i < n; i++)
			wire_get_word(r, &wl[i]);
		if (n == 0 || wl[0] != (SANE_Word)(n - 1))
			rd_bad(r, "word list count mismatch");
		d->constraint.word_list = wl;
		break;
	case SANE_CONSTRAINT_STRING_LIST:
		if (rd_array_len(r, 4096, &n) < 0)
			break;
		if (r->len - r->pos < n * 4) {
			r->short_ = 1;
			break;
		}
		if ((sl = own(p, r, (n + 1) * sizeof(*sl))) == NULL)
			break;
		for (i = 0; i < n; i++)
			sl[i] = rd_owned_string(p, r);
		d->constraint.string_list = sl;
		break;
	default:
		rd_bad(r, "unknown constraint type");
		break;
	}
}

static void
rd_descriptors(struct wire_reply *p, struct wire_rd *r)
{
	SANE_Option_Descriptor *d;
	SANE_Word isnull;
	size_t n, i;

	if (rd_array_len(r, 4096, &n) < 0)
		return;
	if (r->len - r->pos < n * 4) {
		r->short_ = 1;
		return;
	}
	p->nopts = (SANE_Word)n;
	if ((p->opts = own(p, r, (n + 1) * sizeof(*p->opts))) == NULL)
		return;
	for (i = 0; i < n && wire_rd_status(r) == WIRE_OK; i++) {
		if (wire_get_word(r, &isnull) < 0 || isnull)
			continue;
		if ((d = own(p, r, sizeof(*d))) == NULL)
			return;
		d->name = rd_owned_string(p, r);
		d->title = rd_owned_string(p, r);
		d->desc = rd_owned_string(p, r);
		wire_get_word(r, (SANE_Word *)&d->type);
		wire_get_word(r, (SANE_Word *)&d->unit);
		wire_get_word(r, &d->size);
		wire_get_word(r, &d->cap);
		wire_get_word(r, (SANE_Word *)&d->constraint_type);
		if (wire_rd_status(r) == WIRE_OK)
			rd_constraint(p, r, d);
		p->opts[i] = d;
	}
}

static void
rd_reply_body(struct wire_reply *p, struct wire_rd *r)
{
	switch (p->proc) {
	case WIRE_INIT:
		wire_get_word(r, &p->status);
		wire_get_word(r, &p->version);
		break;
	case WIRE_GET_DEVICES:
		wire_get_word(r, &p->status);
		rd_devices(p, r);
		break;
	case WIRE_OPEN:
		wire_get_word(r, &p->status);
		wire_get_word(r, &p->handle);
		wire_get_string(r, &p->resource, WIRE_MAX_STRING);
		break;
	case WIRE_GET_OPTION_DESCRIPTORS:
		rd_descriptors(p, r);
		break;
	case WIRE_CONTROL_OPTION:
		wire_get_word(r, &p->status);
		wire_get_word(r, &p->info);
		wire_get_word(r, &p->value_type);
		wire_get_word(r, &p->value_size);
		if (wire_rd_status(r) == WIRE_OK)
			rd_value(r, p->value_type, &p->value, &p->value_len);
		wire_get_string(r, &p->resource, WIRE_MAX_STRING);
		break;
	case WIRE_GET_PARAMETERS:
		wire_get_word(r, &p->status);
		wire_get_word(r, (SANE_Word *)&p->params.format);
		wire_get_word(r, &p->params.last_frame);
		wire_get_word(r, &p->params.bytes_per_line);
		wire_get_word(r, &p->params.pixels_per_line);
		wire_get_word(r, &p->params.lines);
		wire_get_word(r, &p->params.depth);
		break;
	case WIRE_START:
		wire_get_word(r, &p->status);
		wire_get_word(r, &p->port);
		wire_get_word(r, &p->byte_order);
		wire_get_string(r, &p->resource, WIRE_MAX_STRING);
		break;
	case WIRE_CLOSE:
	case WIRE_CANCEL:
	case WIRE_AUTHORIZE:
		wire_get_word(r, &p->dummy);
		break;
	case WIRE_EXIT:
		break;
	default:
		rd_bad(r, "unknown procedure number");
		break;
	}
}

void
wire_reply_free(struct wire_reply *p)
{
	struct chunk *c = p->owned, *next;

	while (c != NULL) {
		next = c->next;
		free(c);
		c = next;
	}
	free(p->resource);
	free(p->value);
	memset(p, 0, sizeof(*p));
}

enum wire_status
wire_decode_reply(SANE_Word proc, const void *buf, size_t len,
    struct wire_reply *rep, size_t *consumed, const char **why)
{
	struct wire_rd r;
	enum wire_status st;

	memset(rep, 0, sizeof(*rep));
	rep->proc = proc;
	wire_rd_init(&r, buf, len);
	rd_reply_body(rep, &r);
	st = wire_rd_status(&r);
	if (st != WIRE_OK) {
		wire_reply_free(rep);
		if (why != NULL)
			*why = st == WIRE_BAD ? r.why : NULL;
		return st;
	}
	*consumed = r.pos;
	return WIRE_OK;
}

const char *
wire_proc_name(SANE_Word proc)
{
	static const char *const names[] = {
		"INIT", "GET_DEVICES", "OPEN", "CLOSE",
		"GET_OPTION_DESCRIPTORS", "CONTROL_OPTION", "GET_PARAMETERS",
		"START", "CANCEL", "AUTHORIZE", "EXIT",
	};

	if (proc < 0 || proc > WIRE_EXIT)
		return "UNKNOWN";
	return names[proc];
}
