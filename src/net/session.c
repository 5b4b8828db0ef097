/*
 * session.c - one client's control connection.
 *
 * A session reads requests, answers each one, and owns the handles the
 * client opened.  Every request gets exactly one reply (EXIT none), also
 * one naming a handle that does not exist: saned stays silent there and
 * the stock client hangs.  A request that cannot be decoded ends the
 * session, because without framing the stream cannot be resynchronised.
 *
 * While a scan streams, its data thread (scan.c) calls the driver's read
 * under the handle's lock; requests for the same handle take that lock
 * too, so the driver never sees two calls at once.  GET_PARAMETERS during
 * a scan is answered from the copy taken at START and never waits.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "scsaned/log.h"
#include "scsaned/server.h"
#include "scsaned/wire.h"
#include "scan.h"

#define MAX_HANDLES	64
#define REPLY_TIMEOUT_MS 60000

struct handle {
	int inuse;
	struct device *dev;
	void *drv;
	pthread_mutex_t lock;	/* serialises driver calls for this handle */
	struct scan *scan;	/* the data channel, while one exists */
	SANE_Parameters params;	/* as of START */
};

struct session {
	struct session *next;	/* in srv->sessions */
	time_t since;
	struct server *srv;
	int fd;
	struct sockaddr_storage peer;
	char peername[64];
	int initialized;
	uint8_t *in;		/* received, not yet decoded */
	size_t in_len, in_cap;
	struct wire_wr out;
	struct handle handles[MAX_HANDLES];
};

/* ---- plumbing -------------------------------------------------------------- */

/* Send the reply encoded in s->out. */
static int
send_encoded(struct session *s, SANE_Word proc)
{
	if (s->out.oom) {
		log_err("%s: out of memory encoding %s reply", s->peername,
		    wire_proc_name(proc));
		return -1;
	}
	/* One write per reply: the START reply must be one segment. */
	if (netio_write_all(s->fd, s->out.buf, s->out.len, REPLY_TIMEOUT_MS) < 0) {
		log_info("%s: cannot send %s reply: %s", s->peername,
		    wire_proc_name(proc), strerror(errno));
		return -1;
	}
	return 0;
}

static int
send_reply(struct session *s, const struct wire_reply *rep)
{
	wire_wr_reset(&s->out);
	wire_encode_reply(&s->out, rep);
	return send_encoded(s, rep->proc);
}

/* True while any of the session's scans streams: control is quiet then. */
static int
scanning(const struct session *s)
{
	int i;

	for (i = 0; i < MAX_HANDLES; i++)
		if (s->handles[i].inuse && s->handles[i].scan != NULL &&
		    !atomic_load(&s->handles[i].scan->done))
			return 1;
	return 0;
}

/*
 * Wait for bytes from the client.  Between requests the idle timeout
 * applies (not while a scan streams: clients say nothing on the control
 * connection then); inside a request the request timeout does, so a
 * client that dribbles bytes cannot hold a session forever.
 */
static int
wait_readable(struct session *s)
{
	const struct config *conf = s->srv->conf;
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	unsigned secs, waited = 0;
	int r;

	for (;;) {
		secs = s->in_len > 0 ? conf->request_timeout_s :
		    scanning(s) ? 0 : conf->idle_timeout_s;
		/* Look again every second: a scan may end, making us idle. */
		r = poll(&p, 1, 1000);
		if (r > 0 || (r < 0 && errno != EINTR))
			return 0;
		if (atomic_load(&s->srv->stopping))
			return -1;
		if (r == 0 && secs > 0 && ++waited >= secs) {
			log_warn("%s: %s after %u s; closing", s->peername,
			    s->in_len > 0 ? "request incomplete" : "idle", secs);
			return -1;
		}
		if (r == 0 && secs == 0)
			waited = 0;
	}
}

/* 0 with *req filled, or -1 when the client left or sent garbage. */
static int
read_request(struct session *s, struct wire_request *req)
{
	enum wire_status st;
	const char *why = NULL;
	size_t used;
	uint8_t *nb;
	ssize_t r;

	for (;;) {
		if (s->in_len > 0) {
			st = wire_decode_request(s->in, s->in_len, req, &used, &why);
			if (st == WIRE_OK) {
				memmove(s->in, s->in + used, s->in_len - used);
				s->in_len -= used;
				return 0;
			}
			if (st == WIRE_BAD) {
				log_warn("%s: malformed request: %s; closing",
				    s->peername, why ? why : "?");
				return -1;
			}
		}
		if (s->in_len == s->in_cap) {
			if (s->in_cap >= WIRE_MAX_REQUEST) {
				log_warn("%s: request larger than %d bytes; closing",
				    s->peername, WIRE_MAX_REQUEST);
				return -1;
			}
			nb = realloc(s->in, s->in_cap ? s->in_cap * 2 : 1024);
			if (nb == NULL)
				return -1;
			s->in = nb;
			s->in_cap = s->in_cap ? s->in_cap * 2 : 1024;
		}
		if (wait_readable(s) < 0)
			return -1;
		r = read(s->fd, s->in + s->in_len, s->in_cap - s->in_len);
		if (r > 0) {
			s->in_len += (size_t)r;
		} else if (r == 0) {
			log_debug("%s: connection closed", s->peername);
			return -1;
		} else if (errno != EINTR) {
			log_info("%s: read: %s", s->peername, strerror(errno));
			return -1;
		}
	}
}

static struct handle *
get_handle(struct session *s, SANE_Word h, const char *rpc)
{
	if (h >= 0 && h < MAX_HANDLES && s->handles[h].inuse)
		return &s->handles[h];
	log_warn("%s: %s on invalid handle %d", s->peername, rpc, h);
	return NULL;
}

/*
 * Unlink HD's scan under the sessions lock (the status command reads it),
 * then free it outside; *RES (if not NULL) is how it ended, known only
 * once scan_free has joined the pump.
 */
static void
handle_drop_scan(struct session *s, struct handle *hd, struct scan_result *res)
{
	struct scan *sc;

	pthread_mutex_lock(&s->srv->sessions_lock);
	sc = hd->scan;
	hd->scan = NULL;
	pthread_mutex_unlock(&s->srv->sessions_lock);
	if (sc != NULL)
		scan_free(sc, res);
}

/* End the data channel of HD, if any, and leave the driver idle. */
static void
handle_end_scan(struct session *s, struct handle *hd)
{
	struct scan_result res = { .driver_cancelled = 0 };

	handle_drop_scan(s, hd, &res);
	if (!res.driver_cancelled) {
		pthread_mutex_lock(&hd->lock);
		hd->dev->ops->cancel(hd->drv);
		pthread_mutex_unlock(&hd->lock);
	}
}

/* Close HD.  Called without the sessions lock; takes it to forget HD. */
static void
handle_close(struct session *s, struct handle *hd)
{
	if (hd->scan != NULL)
		handle_end_scan(s, hd);
	hd->dev->ops->close(hd->drv);
	pthread_mutex_destroy(&hd->lock);
	devreg_release(s->srv->reg, hd->dev);
	log_info("%s: closed %s", s->peername, hd->dev->name);
	pthread_mutex_lock(&s->srv->sessions_lock);
	memset(hd, 0, sizeof(*hd));
	pthread_mutex_unlock(&s->srv->sessions_lock);
}

/* ---- the RPCs -------------------------------------------------------------- */

static int
rpc_init(struct session *s, struct wire_request *q)
{
	struct wire_reply rep = { .proc = WIRE_INIT };

	log_debug("%s: INIT version %08x user %s", s->peername,
	    (unsigned)q->version, q->username ? q->username : "(none)");
	/* Any client version is accepted, as saned does; we speak 3. */
	s->initialized = 1;
	rep.status = SANE_STATUS_GOOD;
	rep.version = SANE_VERSION_CODE(SANE_CURRENT_MAJOR, SANE_CURRENT_MINOR,
	    WIRE_PROTOCOL_VERSION);
	return send_reply(s, &rep);
}

static int
rpc_get_devices(struct session *s, struct wire_request *q)
{
	struct wire_reply rep = { .proc = WIRE_GET_DEVICES };
	struct devreg *reg = s->srv->reg;
	const SANE_Device **list;
	SANE_Device *devs;
	int i, n, rc;

	(void)q;
	devreg_refresh(reg);	/* a host back since the last look is listed */
	n = devreg_count(reg);
	list = calloc((size_t)n + 1, sizeof(*list));
	devs = calloc((size_t)n + 1, sizeof(*devs));
	if (list == NULL || devs == NULL) {
		rep.status = SANE_STATUS_NO_MEM;
	} else {
		for (i = 0; i < n; i++) {
			devs[i].name = reg->devs[i].name;
			devs[i].vendor = reg->devs[i].vendor;
			devs[i].model = reg->devs[i].model;
			devs[i].type = reg->devs[i].type;
			list[i] = &devs[i];
		}
		rep.status = SANE_STATUS_GOOD;
	}
	rep.devices = list;	/* NULL still encodes a terminated empty list */
	rc = send_reply(s, &rep);
	free(list);
	free(devs);
	return rc;
}

static SANE_Status
open_device(struct session *s, const char *name, SANE_Word *out)
{
	struct device *dev;
	struct handle *hd = NULL;
	SANE_Status st;
	char who[96];
	int i;

	if (name == NULL || (dev = devreg_find(s->srv->reg, name)) == NULL) {
		log_warn("%s: OPEN of unknown device '%.64s'", s->peername,
		    name ? name : "(null)");
		return SANE_STATUS_INVAL;
	}
	for (i = 0; i < MAX_HANDLES && hd == NULL; i++)
		if (!s->handles[i].inuse)
			hd = &s->handles[i];
	if (hd == NULL) {
		log_warn("%s: more than %d open handles", s->peername, MAX_HANDLES);
		return SANE_STATUS_NO_MEM;
	}
	snprintf(who, sizeof(who), "SANE client %s", s->peername);
	if ((st = devreg_acquire_by(s->srv->reg, dev, who)) != SANE_STATUS_GOOD) {
		log_info("%s: %s is in use", s->peername, dev->name);
		return st;
	}
	if ((st = dev->ops->open(dev, &hd->drv)) != SANE_STATUS_GOOD) {
		log_warn("%s: open %s: %s", s->peername, dev->name,
		    device_status_string(st));
		devreg_release(s->srv->reg, dev);
		hd->drv = NULL;
		return st;
	}
	pthread_mutex_init(&hd->lock, NULL);
	pthread_mutex_lock(&s->srv->sessions_lock);	/* the status reads these */
	hd->inuse = 1;
	hd->dev = dev;
	pthread_mutex_unlock(&s->srv->sessions_lock);
	*out = (SANE_Word)(hd - s->handles);
	log_info("%s: opened %s", s->peername, dev->name);
	return SANE_STATUS_GOOD;
}

/*
 * The $MD5$ exchange for RESOURCE: the challenge as an OPEN reply, the
 * client's AUTHORIZE, its ack on a write of its own (the stock client can
 * lose a reply that shares a segment with the ack).  1 if authorized; 0
 * if refused, after the final OPEN reply; -1 to end the session.
 */
static int
authorize(struct session *s, const char *resource)
{
	struct wire_reply rep = { .proc = WIRE_OPEN };
	struct wire_request a;
	char challenge[192];
	int ok;

	if (auth_challenge(resource, challenge, sizeof(challenge)) < 0) {
		log_err("%s: no random source for a challenge", s->peername);
		rep.status = SANE_STATUS_ACCESS_DENIED;
		return send_reply(s, &rep) < 0 ? -1 : 0;
	}
	rep.resource = challenge;
	if (send_reply(s, &rep) < 0 || read_request(s, &a) < 0)
		return -1;
	if (a.proc != WIRE_AUTHORIZE) {
		log_warn("%s: %s instead of AUTHORIZE; closing", s->peername,
		    wire_proc_name(a.proc));
		wire_request_free(&a);
		return -1;
	}
	ok = a.resource != NULL && strcmp(a.resource, challenge) == 0 &&
	    auth_check(&s->srv->auth, challenge, a.username, a.password);
	if (ok)
		log_info("%s: user %.64s authorized for %s", s->peername, a.username,
		    resource);
	else
		log_warn("%s: authorization for %s refused (user %.64s)", s->peername,
		    resource, a.username ? a.username : "(none)");
	wire_request_free(&a);
	memset(&rep, 0, sizeof(rep));
	rep.proc = WIRE_AUTHORIZE;
	if (send_reply(s, &rep) < 0)
		return -1;
	if (ok)
		return 1;
	memset(&rep, 0, sizeof(rep));
	rep.proc = WIRE_OPEN;
	rep.status = SANE_STATUS_ACCESS_DENIED;
	return send_reply(s, &rep) < 0 ? -1 : 0;
}

static int
rpc_open(struct session *s, struct wire_request *q)
{
	struct wire_reply rep = { .proc = WIRE_OPEN };
	struct device *dev = devreg_find(s->srv->reg, q->name);
	const char *resource = NULL;
	int rc;

	/* saned.users names a backend or a device: ours, a device or a driver. */
	if (dev != NULL)
		resource = auth_resource(&s->srv->auth, dev->name, dev->driver);
	if (resource != NULL && (rc = authorize(s, resource)) <= 0)
		return rc;
	rep.status = open_device(s, q->name, &rep.handle);
	return send_reply(s, &rep);
}

static int
rpc_close(struct session *s, struct wire_request *q)
{
	struct wire_reply rep = { .proc = WIRE_CLOSE };
	struct handle *hd = get_handle(s, q->handle, "CLOSE");

	if (hd != NULL)
		handle_close(s, hd);
	return send_reply(s, &rep);
}

static int
rpc_get_option_descriptors(struct session *s, struct wire_request *q)
{
	struct wire_reply rep = { .proc = WIRE_GET_OPTION_DESCRIPTORS };
	const SANE_Option_Descriptor *opts[512];
	struct handle *hd = get_handle(s, q->handle, "GET_OPTION_DESCRIPTORS");
	SANE_Word n = 0;

	/* This reply has no status word: an invalid handle gets no options. */
	if (hd != NULL) {
		pthread_mutex_lock(&hd->lock);
		if (hd->dev->ops->control(hd->drv, 0, SANE_ACTION_GET_VALUE, &n,
		    NULL) != SANE_STATUS_GOOD || n < 0 || n > 512)
			n = 0;
		/* A NULL descriptor crashes the stock client: stop before one. */
		for (rep.nopts = 0; rep.nopts < n; rep.nopts++) {
			opts[rep.nopts] = hd->dev->ops->option(hd->drv, rep.nopts);
			if (opts[rep.nopts] == NULL)
				break;
		}
		rep.opts = opts;
		/* Encode under the lock; send without it (the client may be slow). */
		wire_wr_reset(&s->out);
		wire_encode_reply(&s->out, &rep);
		pthread_mutex_unlock(&hd->lock);
		return send_encoded(s, rep.proc);
	}
	return send_reply(s, &rep);
}

/*
 * Check the request's value against descriptor D and return a zeroed
 * buffer of at least D's size holding it, so no driver is ever handed less
 * than its option's size (saned's CVE-2017-6318 class).
 */
static SANE_Status
control_buffer(const SANE_Option_Descriptor *d, const struct wire_request *q,
    void **out)
{
	size_t elems, esize, need;
	void *buf;

	*out = NULL;
	if (q->value_type != (SANE_Word)d->type)
		return SANE_STATUS_INVAL;
	if (wire_value_array_len(q->value_type, q->value_size, &elems, &esize) < 0)
		return SANE_STATUS_INVAL;
	/* The array length on the wire must agree with value_size. */
	if (elems * esize != q->value_len)
		return SANE_STATUS_INVAL;
	if (d->type == SANE_TYPE_STRING ? q->value_size > d->size :
	    (d->type != SANE_TYPE_BUTTON && d->type != SANE_TYPE_GROUP &&
	    q->value_size != d->size))
		return SANE_STATUS_INVAL;
	need = (size_t)(d->size > q->value_size ? d->size : q->value_size);
	/* Spare zero bytes keep a string terminated whatever the driver does. */
	if ((buf = calloc(1, need + sizeof(SANE_Word))) == NULL)
		return SANE_STATUS_NO_MEM;
	if (q->value_len > 0)
		memcpy(buf, q->value, q->value_len);
	*out = buf;
	return SANE_STATUS_GOOD;
}

static SANE_Status
control_option(struct handle *hd, const struct wire_request *q,
    struct wire_reply *rep, void **buf)
{
	const SANE_Option_Descriptor *d;
	SANE_Status st;
	SANE_Int info = 0;

	if ((d = hd->dev->ops->option(hd->drv, q->option)) == NULL)
		return SANE_STATUS_INVAL;
	if (hd->scan != NULL && !atomic_load(&hd->scan->done) &&
	    q->action != SANE_ACTION_GET_VALUE)
		return SANE_STATUS_DEVICE_BUSY;
	if (q->action == SANE_ACTION_SET_AUTO) {
		/* Reply with the option's type and no value. */
		rep->value_type = d->type;
		if ((*buf = calloc(1, (size_t)d->size + sizeof(SANE_Word))) == NULL)
			return SANE_STATUS_NO_MEM;
		st = hd->dev->ops->control(hd->drv, q->option, q->action, *buf, &info);
		rep->info = info;
		return st;
	}
	if (q->action != SANE_ACTION_GET_VALUE && q->action != SANE_ACTION_SET_VALUE)
		return SANE_STATUS_INVAL;
	if ((st = control_buffer(d, q, buf)) != SANE_STATUS_GOOD)
		return st;
	st = hd->dev->ops->control(hd->drv, q->option, q->action, *buf, &info);
	rep->info = info;
	rep->value_size = q->value_size;
	rep->value = *buf;
	rep->value_len = q->value_len;
	return st;
}

static int
rpc_control_option(struct session *s, struct wire_request *q)
{
	struct wire_reply rep = { .proc = WIRE_CONTROL_OPTION };
	struct handle *hd = get_handle(s, q->handle, "CONTROL_OPTION");
	void *buf = NULL;
	int rc;

	/* A value type outside 0..5 would derail the client's decoder. */
	rep.value_type = q->value_type >= SANE_TYPE_BOOL &&
	    q->value_type <= SANE_TYPE_GROUP ? q->value_type : SANE_TYPE_BOOL;
	if (hd == NULL) {
		rep.status = SANE_STATUS_INVAL;
	} else {
		pthread_mutex_lock(&hd->lock);
		rep.status = control_option(hd, q, &rep, &buf);
		pthread_mutex_unlock(&hd->lock);
	}
	if (rep.status != SANE_STATUS_GOOD && rep.value == NULL)
		rep.value_size = 0;
	rc = send_reply(s, &rep);
	free(buf);
	return rc;
}

static int
rpc_get_parameters(struct session *s, struct wire_request *q)
{
	struct wire_reply rep = { .proc = WIRE_GET_PARAMETERS };
	struct handle *hd = get_handle(s, q->handle, "GET_PARAMETERS");

	if (hd == NULL) {
		rep.status = SANE_STATUS_INVAL;
	} else if (hd->scan != NULL) {
		rep.params = hd->params;
		rep.status = SANE_STATUS_GOOD;
	} else {
		pthread_mutex_lock(&hd->lock);
		rep.status = hd->dev->ops->parameters(hd->drv, &rep.params);
		pthread_mutex_unlock(&hd->lock);
		if (rep.status != SANE_STATUS_GOOD)
			memset(&rep.params, 0, sizeof(rep.params));
	}
	return send_reply(s, &rep);
}

static SANE_Status
start_scan(struct session *s, struct handle *hd, SANE_Word *port)
{
	struct scan *sc;
	SANE_Status st;
	int p = 0;

	if (hd->scan != NULL) {
		/*
		 * A client that read the previous frame's end marker may ask
		 * for the next frame before the pump has quite finished (a
		 * batch does): that scan is over, joining it is immediate.
		 */
		if (!atomic_load(&hd->scan->done) && !atomic_load(&hd->scan->ended))
			return SANE_STATUS_DEVICE_BUSY;
		handle_drop_scan(s, hd, NULL);	/* the previous frame is finished */
	}
	if ((sc = scan_listen(s->fd, s->srv->acl.port_lo, s->srv->acl.port_hi, &p)) == NULL)
		return SANE_STATUS_IO_ERROR;
	pthread_mutex_lock(&hd->lock);
	st = hd->dev->ops->start(hd->drv);
	if (st == SANE_STATUS_GOOD)
		st = hd->dev->ops->parameters(hd->drv, &hd->params);
	pthread_mutex_unlock(&hd->lock);
	if (st != SANE_STATUS_GOOD) {
		log_warn("%s: start %s: %s", s->peername, hd->dev->name,
		    device_status_string(st));
		scan_free(sc, NULL);
		return st;
	}
	sc->ops = hd->dev->ops;
	sc->drv = hd->drv;
	sc->drv_lock = &hd->lock;
	sc->peer = s->peer;
	sc->connect_timeout_ms = s->srv->data_connect_timeout_ms;
	sc->stall_ms = s->srv->conf->scan_stall_s * 1000;
	snprintf(sc->what, sizeof(sc->what), "%s for %s", hd->dev->name,
	    s->peername);
	if (scan_begin(sc) < 0) {
		scan_free(sc, NULL);
		pthread_mutex_lock(&hd->lock);
		hd->dev->ops->cancel(hd->drv);
		pthread_mutex_unlock(&hd->lock);
		return SANE_STATUS_NO_MEM;
	}
	pthread_mutex_lock(&s->srv->sessions_lock);
	hd->scan = sc;
	pthread_mutex_unlock(&s->srv->sessions_lock);
	*port = p;
	log_info("%s: scan started: %dx%d, %d bits, %s", sc->what,
	    hd->params.pixels_per_line, hd->params.lines, hd->params.depth,
	    hd->params.format == SANE_FRAME_RGB ? "colour" : "gray");
	return SANE_STATUS_GOOD;
}

static int
rpc_start(struct session *s, struct wire_request *q)
{
	struct wire_reply rep = { .proc = WIRE_START };
	struct handle *hd = get_handle(s, q->handle, "START");
	const uint16_t probe = 1;

	/* We send samples in our own order and say which it is. */
	rep.byte_order = *(const uint8_t *)&probe ? WIRE_LITTLE_ENDIAN :
	    WIRE_BIG_ENDIAN;
	rep.status = hd ? start_scan(s, hd, &rep.port) : SANE_STATUS_INVAL;
	return send_reply(s, &rep);
}

static int
rpc_cancel(struct session *s, struct wire_request *q)
{
	struct wire_reply rep = { .proc = WIRE_CANCEL };
	struct handle *hd = get_handle(s, q->handle, "CANCEL");

	if (hd != NULL)
		handle_end_scan(s, hd);
	return send_reply(s, &rep);
}

static int
rpc_authorize(struct session *s, struct wire_request *q)
{
	struct wire_reply rep = { .proc = WIRE_AUTHORIZE };

	(void)q;
	log_warn("%s: AUTHORIZE without a pending authorization", s->peername);
	return send_reply(s, &rep);
}

static int
rpc_exit(struct session *s, struct wire_request *q)
{
	(void)q;
	log_debug("%s: EXIT", s->peername);
	return -1;
}

typedef int (*rpc_fn)(struct session *, struct wire_request *);

static const rpc_fn rpcs[] = {
	[WIRE_INIT] = rpc_init,
	[WIRE_GET_DEVICES] = rpc_get_devices,
	[WIRE_OPEN] = rpc_open,
	[WIRE_CLOSE] = rpc_close,
	[WIRE_GET_OPTION_DESCRIPTORS] = rpc_get_option_descriptors,
	[WIRE_CONTROL_OPTION] = rpc_control_option,
	[WIRE_GET_PARAMETERS] = rpc_get_parameters,
	[WIRE_START] = rpc_start,
	[WIRE_CANCEL] = rpc_cancel,
	[WIRE_AUTHORIZE] = rpc_authorize,
	[WIRE_EXIT] = rpc_exit,
};

/* ---- the session ------------------------------------------------------------ */

static int
dispatch(struct session *s, struct wire_request *q)
{
	log_trace("%s: %s", s->peername, wire_proc_name(q->proc));
	/* Nothing but INIT before INIT: the stream is not a SANE client's. */
	if (!s->initialized && q->proc != WIRE_INIT) {
		log_warn("%s: %s before INIT; closing", s->peername,
		    wire_proc_name(q->proc));
		return -1;
	}
	return rpcs[q->proc](s, q);
}

void
session_run(struct server *srv, int fd)
{
	struct session *s, **link;
	struct wire_request req;
	socklen_t len;
	int i;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		close(fd);
		return;
	}
	s->srv = srv;
	s->fd = fd;
	wire_wr_init(&s->out);
	len = sizeof(s->peer);
	if (getpeername(fd, (struct sockaddr *)&s->peer, &len) < 0)
		s->peer.ss_family = AF_UNIX;
	netio_addr_string(&s->peer, s->peername, sizeof(s->peername));
	log_info("%s: connected", s->peername);
	s->since = time(NULL);
	pthread_mutex_lock(&srv->sessions_lock);
	s->next = srv->sessions;
	srv->sessions = s;
	pthread_mutex_unlock(&srv->sessions_lock);

	while (!atomic_load(&srv->stopping) && read_request(s, &req) == 0) {
		i = dispatch(s, &req);
		wire_request_free(&req);
		if (i < 0)
			break;
	}

	for (i = 0; i < MAX_HANDLES; i++)
		if (s->handles[i].inuse)
			handle_close(s, &s->handles[i]);
	pthread_mutex_lock(&srv->sessions_lock);
	for (link = &srv->sessions; *link != NULL; link = &(*link)->next)
		if (*link == s) {
			*link = s->next;
			break;
		}
	pthread_mutex_unlock(&srv->sessions_lock);
	log_info("%s: disconnected", s->peername);
	close(fd);
	free(s->in);
	wire_wr_free(&s->out);
	free(s);
}

void
server_status(struct server *srv, FILE *out)
{
	const struct session *s;
	const struct handle *hd;
	char when[32];
	struct tm tm;
	int i, n = 0;

	pthread_mutex_lock(&srv->sessions_lock);
	for (s = srv->sessions; s != NULL; s = s->next, n++) {
		localtime_r(&s->since, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(out, "session %s since %s\n", s->peername, when);
		for (i = 0; i < MAX_HANDLES; i++) {
			hd = &s->handles[i];
			if (!hd->inuse)
				continue;
			if (hd->scan != NULL && !atomic_load(&hd->scan->done))
				fprintf(out, "  scanning %s: %llu bytes so far\n", hd->dev->name,
				    (unsigned long long)atomic_load(&hd->scan->bytes));
			else
				fprintf(out, "  open %s\n", hd->dev->name);
		}
	}
	pthread_mutex_unlock(&srv->sessions_lock);
	fprintf(out, "%d session%s\n", n, n == 1 ? "" : "s");
}
