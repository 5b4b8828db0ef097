/*
 * hosted.c - devices driven by a Debian SANE backend in a helper process
 * (device NAME URI backend=BACKEND).
 *
 * Each open starts scsaned-backend, which loads libsane-BACKEND.so.1 and
 * answers its sanei_scsi calls with our scsi/ layer; each close ends it.
 * So a backend's static state, forks and crashes live and die with one
 * handle, the lock the registry holds while the handle is open covers the
 * helper too, and the next open after a crash starts a fresh one.
 *
 * Image data: after sane_start one READ is always outstanding at the
 * helper, so it reads the next piece while we hand up the last one, and
 * the socket is the select fd (readable exactly when read() has data).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/driver.h"
#include "scsaned/log.h"
#include "scsaned/scsi.h"
#include "hosted_int.h"

_Static_assert(HM_DATA_MAX >= DEVICE_XFER_MAX, "a READ reply holds what read() is asked");

struct hosted {
	struct device *dev;
	struct helper hp;
	SANE_Option_Descriptor **opts;
	uint32_t nopts;
	int opts_stale;
	int nonblock;		/* select_fd() was asked for */
	uint8_t *held;		/* data of a READ reply not yet handed up */
	size_t held_len, held_off;
	SANE_Status ended;	/* a READ's final status not yet handed up, or GOOD */
};

static SANE_Status take_read(struct hosted *h, int ahead);

/*
 * Before any other request: the READ sent ahead is answered first (its
 * data kept for read()), so requests and replies stay in turn.
 */
static int
settle(struct hosted *h)
{
	SANE_Status st;

	if (h->hp.sent != HM_READ)
		return 0;
	if ((st = take_read(h, 0)) != SANE_STATUS_GOOD)
		h->ended = st;
	return helper_alive(&h->hp) ? 0 : -1;
}

static void
free_opts(struct hosted *h)
{
	uint32_t i;

	for (i = 0; i < h->nopts; i++)
		hm_option_free(h->opts[i]);
	free(h->opts);
	h->opts = NULL;
	h->nopts = 0;
}

static void
hosted_free(struct hosted *h)
{
	helper_end(&h->hp);
	free_opts(h);
	free(h->held);
	free(h);
}

/* The first word of a reply: its SANE status; IO_ERROR if there is none. */
static SANE_Status
reply_status(struct hosted *h)
{
	uint32_t st = hm_get_u32(&h->hp.in);

	return h->hp.in.bad || st > SANE_STATUS_ACCESS_DENIED ? SANE_STATUS_IO_ERROR :
	    (SANE_Status)st;
}

/* A request with no arguments, answered by a status only. */
static SANE_Status
simple(struct hosted *h, uint32_t type)
{
	SANE_Status st;

	if (settle(h) < 0)
		return SANE_STATUS_IO_ERROR;
	helper_begin(&h->hp, type);
	if (helper_call(&h->hp) < 0)
		return SANE_STATUS_IO_ERROR;
	st = reply_status(h);
	return hm_in_done(&h->hp.in) == 0 ? st : SANE_STATUS_IO_ERROR;
}

/* Start the helper and have it open the device; the backend's names in N. */
static SANE_Status
hosted_start_helper(struct hosted *h, SANE_Device *names, char n[3][32])
{
	struct hm_out *o;
	SANE_Status st;

	if (helper_spawn(&h->hp, h->dev->name, (int)h->dev->stall_ms) < 0)
		return SANE_STATUS_IO_ERROR;
	o = helper_begin(&h->hp, HM_OPEN);
	hm_put_str(o, h->dev->backend);
	hm_put_str(o, h->dev->uri);
	hm_put_u32(o, h->dev->timeout_ms);
	if (helper_call(&h->hp) < 0)
		return SANE_STATUS_IO_ERROR;
	st = reply_status(h);
	hm_get_str(&h->hp.in, n[0], 32);
	hm_get_str(&h->hp.in, n[1], 32);
	hm_get_str(&h->hp.in, n[2], 32);
	if (hm_in_done(&h->hp.in) != 0)
		return SANE_STATUS_IO_ERROR;
	names->vendor = n[0];
	names->model = n[1];
	names->type = n[2];
	return st;
}

static SANE_Status
hosted_open(struct device *dev, void **handle)
{
	struct hosted *h;
	SANE_Device names;
	char n[3][32];
	SANE_Status st;

	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->held = malloc(HM_DATA_MAX)) == NULL) {
		free(h);
		return SANE_STATUS_NO_MEM;
	}
	h->dev = dev;
	h->hp.pid = h->hp.fd = -1;
	h->opts_stale = 1;
	if ((st = hosted_start_helper(h, &names, n)) != SANE_STATUS_GOOD) {
		log_warn("%s: backend %s: open: %s", dev->name, dev->backend,
		    device_status_string(st));
		hosted_free(h);
		return st;
	}
	*handle = h;
	return SANE_STATUS_GOOD;
}

/* Drop the reply of a READ sent ahead; -1 if the helper did not give it. */
static int
drain_read(struct hosted *h)
{
	if (h->hp.sent != HM_READ)
		return 0;
	/* Outstanding for the whole limit already: the backend hangs. */
	if (helper_waited_ms(&h->hp) >= h->hp.wait_ms && !helper_ready(&h->hp)) {
		helper_kill(&h->hp, "hangs in sane_read");
		return -1;
	}
	return helper_reply(&h->hp);
}

static void
hosted_close(void *hv)
{
	struct hosted *h = hv;

	if (drain_read(h) == 0 && helper_alive(&h->hp))
		simple(h, HM_CLOSE);
	hosted_free(h);
}

/* Every descriptor, fetched again after anything that may change them. */
static int
fetch_opts(struct hosted *h)
{
	SANE_Option_Descriptor **v;
	uint32_t n, i;

	if (!h->opts_stale)
		return 0;
	if (settle(h) < 0)
		return -1;
	helper_begin(&h->hp, HM_OPTIONS);
	if (helper_call(&h->hp) < 0 || reply_status(h) != SANE_STATUS_GOOD)
		return -1;
	n = hm_get_u32(&h->hp.in);
	if (h->hp.in.bad || n > HM_OPTIONS_MAX || (v = calloc(n + 1, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if ((v[i] = hm_get_option(&h->hp.in)) == NULL)
			break;
	if (i < n || hm_in_done(&h->hp.in) != 0) {
		log_warn("%s: the backend host sent a bad option descriptor", h->dev->name);
		while (i > 0)
			hm_option_free(v[--i]);
		free(v);
		return -1;
	}
	free_opts(h);
	h->opts = v;
	h->nopts = n;
	h->opts_stale = 0;
	return 0;
}

static const SANE_Option_Descriptor *
hosted_option(void *hv, SANE_Int n)
{
	struct hosted *h = hv;

	if (fetch_opts(h) < 0 || n < 0 || (uint32_t)n >= h->nopts)
		return NULL;
	return h->opts[n];
}

static SANE_Status
hosted_control(void *hv, SANE_Int n, SANE_Action a, void *value, SANE_Int *info)
{
	struct hosted *h = hv;
	const SANE_Option_Descriptor *d;
	struct hm_out *o;
	const uint8_t *v;
	size_t size, vlen;
	SANE_Status st;
	uint32_t inf;

	if ((d = hosted_option(h, n)) == NULL)
		return helper_alive(&h->hp) ? SANE_STATUS_INVAL : SANE_STATUS_IO_ERROR;
	size = d->type == SANE_TYPE_BUTTON || d->type == SANE_TYPE_GROUP ? 0 : (size_t)d->size;
	if (settle(h) < 0)
		return SANE_STATUS_IO_ERROR;
	o = helper_begin(&h->hp, HM_CONTROL);
	hm_put_u32(o, (uint32_t)n);
	hm_put_u32(o, (uint32_t)a);
	hm_put_blob(o, value, a == SANE_ACTION_SET_VALUE && value != NULL ? size : 0);
	if (a != SANE_ACTION_GET_VALUE)
		h->opts_stale = 1;	/* a set may change any descriptor */
	if (helper_call(&h->hp) < 0)
		return SANE_STATUS_IO_ERROR;
	st = reply_status(h);
	inf = hm_get_u32(&h->hp.in);
	v = hm_get_blob(&h->hp.in, size, &vlen);
	if (hm_in_done(&h->hp.in) != 0)
		return SANE_STATUS_IO_ERROR;
	if (st == SANE_STATUS_GOOD && value != NULL && vlen > 0)
		memcpy(value, v, vlen);
	if (info != NULL)
		*info = (SANE_Int)inf;
	return st;
}

static SANE_Status
hosted_parameters(void *hv, SANE_Parameters *p)
{
	struct hosted *h = hv;
	SANE_Status st;
	struct hm_in *in = &h->hp.in;

	if (settle(h) < 0)
		return SANE_STATUS_IO_ERROR;
	helper_begin(&h->hp, HM_PARAMS);
	if (helper_call(&h->hp) < 0)
		return SANE_STATUS_IO_ERROR;
	st = reply_status(h);
	p->format = (SANE_Frame)hm_get_u32(in);
	p->last_frame = (SANE_Bool)hm_get_u32(in);
	p->bytes_per_line = (SANE_Int)hm_get_u32(in);
	p->pixels_per_line = (SANE_Int)hm_get_u32(in);
	p->lines = (SANE_Int)hm_get_u32(in);
	p->depth = (SANE_Int)hm_get_u32(in);
	return hm_in_done(in) == 0 ? st : SANE_STATUS_IO_ERROR;
}

static int
send_read(struct hosted *h)
{
	hm_put_u32(helper_begin(&h->hp, HM_READ), DEVICE_XFER_MAX);
	return helper_send(&h->hp);
}

static SANE_Status
hosted_start(void *hv)
{
	struct hosted *h = hv;
	SANE_Status st;

	st = simple(h, HM_START);
	h->held_len = h->held_off = 0;
	h->ended = SANE_STATUS_GOOD;
	return st;
}

/* Take the READ reply: its status, its data into held; AHEAD: send the next. */
static SANE_Status
take_read(struct hosted *h, int ahead)
{
	const uint8_t *v;
	SANE_Status st;
	size_t n;

	if (helper_reply(&h->hp) < 0)
		return SANE_STATUS_IO_ERROR;
	st = reply_status(h);
	v = hm_get_blob(&h->hp.in, DEVICE_XFER_MAX, &n);
	if (hm_in_done(&h->hp.in) != 0)
		return SANE_STATUS_IO_ERROR;
	if (st == SANE_STATUS_GOOD) {
		memcpy(h->held, v, n);
		h->held_len = n;
		h->held_off = 0;
		/* The next piece is read while this one goes to the client. */
		if (ahead && send_read(h) < 0)
			return SANE_STATUS_IO_ERROR;
	}
	return st;
}

static SANE_Status
hosted_read(void *hv, SANE_Byte *buf, SANE_Int max, SANE_Int *len)
{
	struct hosted *h = hv;
	SANE_Status st;
	size_t n;

	*len = 0;
	if (h->held_off == h->held_len) {
		if (h->ended != SANE_STATUS_GOOD) {
			st = h->ended;
			h->ended = SANE_STATUS_GOOD;
			return st;
		}
		if (h->hp.sent != HM_READ && send_read(h) < 0)
			return SANE_STATUS_IO_ERROR;
		if (h->nonblock && !helper_ready(&h->hp))
			return SANE_STATUS_GOOD;
		if ((st = take_read(h, 1)) != SANE_STATUS_GOOD)
			return st;
	}
	n = h->held_len - h->held_off;
	if (max >= 0 && n > (size_t)max)
		n = (size_t)max;
	memcpy(buf, h->held + h->held_off, n);
	h->held_off += n;
	*len = (SANE_Int)n;
	return SANE_STATUS_GOOD;
}

static void
hosted_cancel(void *hv)
{
	struct hosted *h = hv;

	h->held_len = h->held_off = 0;
	h->nonblock = 0;
	h->ended = SANE_STATUS_GOOD;
	if (drain_read(h) == 0 && helper_alive(&h->hp))
		simple(h, HM_CANCEL);
}

static int
hosted_select_fd(void *hv)
{
	struct hosted *h = hv;

	h->nonblock = 1;
	/* Readable when data comes: ask for it now. */
	if (h->hp.sent != HM_READ && h->held_off == h->held_len &&
	    h->ended == SANE_STATUS_GOOD && send_read(h) < 0)
		return -1;
	return h->hp.fd;
}

const struct device_ops hosted_ops = {
	.open = hosted_open,
	.close = hosted_close,
	.option = hosted_option,
	.control = hosted_control,
	.parameters = hosted_parameters,
	.start = hosted_start,
	.read = hosted_read,
	.cancel = hosted_cancel,
	.select_fd = hosted_select_fd,
};

/*
 * Reachable, and claimed by the backend: a helper opens it once, and the
 * backend's own vendor, model and type are what clients will see.
 */
int
hosted_probe(struct device *dev, char *err, size_t errlen)
{
	struct hosted *h;
	SANE_Device names;
	char n[3][32];
	SANE_Status st;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	h->dev = dev;
	h->hp.pid = h->hp.fd = -1;
	h->opts_stale = 1;
	if ((st = hosted_start_helper(h, &names, n)) != SANE_STATUS_GOOD) {
		snprintf(err, errlen, "backend %s cannot open it: %s", dev->backend,
		    device_status_string(st));
		hosted_free(h);
		return -1;
	}
	simple(h, HM_CLOSE);
	hosted_free(h);
	snprintf(dev->vendor, sizeof(dev->vendor), "%s", names.vendor);
	snprintf(dev->model, sizeof(dev->model), "%s", names.model);
	snprintf(dev->type, sizeof(dev->type), "%s", names.type);
	dev->driver = "hosted";
	dev->ops = &hosted_ops;
	return 0;
}
