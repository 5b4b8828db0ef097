/*
 * sim_core.c - the simulator core: model lookup, spec options, tracing, and the
 * behaviour every model shares (warm-up, autosense for REQUEST SENSE,
 * data-out checks, streaming an image to READ).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scsaned/scsi_opcodes.h"
#include "sim_int.h"

static const struct sim_model *const models[] = {
	&sim_model_scsi2_flatbed,
	&sim_model_coolscan_ls30,
	&sim_model_coolscan_ls2000,
	&sim_model_coolscan_ls4000,
	&sim_model_coolscan_ls8000,
	&sim_model_canon_fs4000us,
	&sim_model_canon_fs2710,
	&sim_model_epson_perfection1640,
	&sim_model_umax_astra1220s,
};

struct sim_device {
	const struct sim_model *model;
	void *st;
	FILE *trace;
	unsigned warmup;	/* TEST UNIT READYs still to answer NOT READY */
	int hang_op;		/* opcode that hangs, -1 none */
	unsigned hang_count;	/* commands of HANG_OP until the one that hangs */
	int lost_op;		/* opcode whose command is lost, -1 none */
	unsigned lost_count;
	int nomedia;
	uint8_t last_sense[32];	/* for REQUEST SENSE after a CHECK CONDITION */
	size_t last_sense_len;
};

const char *const *
sim_models(void)
{
	static const char *names[sizeof(models) / sizeof(models[0]) + 1];
	size_t i;

	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		names[i] = models[i]->name;
	return names;
}

static const struct sim_model *
find_model(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if (strlen(models[i]->name) == len &&
		    strncmp(models[i]->name, name, len) == 0)
			return models[i];
	return NULL;
}

uint32_t
sim_be(const uint8_t *p, size_t n)
{
	uint32_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

void
sim_put_be(uint8_t *p, size_t n, uint32_t v)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

int
sim_kv_parse(const char *text, char sep,
    int (*fn)(void *arg, const char *key, const char *val), void *arg)
{
	char buf[512], *p, *next, *eq;

	if (strlen(text) >= sizeof(buf))
		return -1;
	strcpy(buf, text);
	for (p = buf; p != NULL && *p != '\0'; p = next) {
		if ((next = strchr(p, sep)) != NULL)
			*next++ = '\0';
		if (*p == '\0')
			continue;
		if ((eq = strchr(p, '=')) == NULL)
			return -1;
		*eq = '\0';
		if (fn(arg, p, eq + 1) < 0)
			return -1;
	}
	return 0;
}

int
sim_kv_uint(const char *val, unsigned long max, unsigned long *v)
{
	char *end;

	if (*val < '0' || *val > '9')	/* strtoul would take blanks and a sign */
		return -1;
	errno = 0;
	*v = strtoul(val, &end, 10);
	return *end == '\0' && errno == 0 && *v <= max ? 0 : -1;
}

int
sim_kv_film(const char *val)
{
	return strcmp(val, "negative") == 0 ? 1 : strcmp(val, "positive") == 0 ? 0 : -1;
}

void
sim_trace(struct sim_device *d, const char *fmt, ...)
{
	va_list ap;

	if (d->trace == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(d->trace, fmt, ap);
	va_end(ap);
	fputc('\n', d->trace);
	fflush(d->trace);
}

void
sim_check_info(struct sim_io *io, uint8_t key, uint8_t flags, uint32_t info)
{
	io->status = 0x02;
	memset(io->sense, 0, sizeof(io->sense));
	io->sense[0] = 0x70;
	io->sense[2] = (uint8_t)((key & 0x0f) | (flags & 0xe0));
	if (flags & 0xe0) {
		io->sense[0] |= 0x80;	/* information field valid */
		sim_put_be(io->sense + 3, 4, info);
	}
	io->sense[7] = 10;
	io->sense_len = 18;
}

size_t
sim_cdb_length_scsi2(uint8_t op)
{
	switch (op >> 5) {
	case 0:
		return 6;
	case 1:
	case 2:
		return 10;
	default:
		return 0;
	}
}

void
sim_check(struct sim_io *io, uint8_t key, uint8_t asc, uint8_t ascq)
{
	sim_check_info(io, key, 0, 0);
	io->sense[12] = asc;
	io->sense[13] = ascq;
}

size_t
sim_data_in(struct sim_io *io, const void *data, size_t n, size_t alloc)
{
	if (n > alloc)
		n = alloc;
	if (n > io->buflen)
		n = io->buflen;
	if (io->dir != SIM_DIR_IN || io->buf == NULL)
		n = 0;
	if (n > 0)
		memcpy(io->buf, data, n);
	io->xfer = n;
	return n;
}


int
sim_data_out(struct sim_io *io, size_t want)
{
	if (io->dir != SIM_DIR_OUT || io->buflen < want) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x1a, 0x00);
		return -1;
	}
	io->xfer = want;
	return 0;
}

void
sim_stream_start(struct sim_stream *s, size_t line_len, uint32_t lines,
    const uint8_t *(*line_at)(void *arg, uint32_t n), void *arg)
{
	s->pos = 0;
	s->total = (uint64_t)line_len * lines;
	s->line_len = line_len;
	s->line_no = UINT32_MAX;
	s->line = NULL;
	s->line_at = line_at;
	s->arg = arg;
}

size_t
sim_stream_read(struct sim_stream *s, struct sim_io *io, size_t tl)
{
	size_t n = s->total - s->pos < tl ? (size_t)(s->total - s->pos) : tl;
	size_t room = io->dir == SIM_DIR_IN && io->buf != NULL ? io->buflen : 0;
	size_t moved = 0, off, take;
	uint32_t line;

	while (moved < n) {
		line = (uint32_t)(s->pos / s->line_len);
		off = (size_t)(s->pos % s->line_len);
		if (line != s->line_no) {
			s->line = s->line_at(s->arg, line);
			s->line_no = line;
		}
		take = s->line_len - off < n - moved ? s->line_len - off : n - moved;
		/* The device sends it all; what the initiator has no room for is lost. */
		if (moved < room)
			memcpy(io->buf + moved, s->line + off, take < room - moved ? take : room - moved);
		moved += take;
		s->pos += take;
	}
	io->xfer = moved < room ? moved : room;
	if (n < tl)
		sim_check_info(io, SCSI_SK_NO_SENSE, 0x60, (uint32_t)(tl - n));
	return n;
}

void
sim_pace(uint64_t bytes, size_t line_len, unsigned lps)
{
	uint64_t ns;
	struct timespec ts;

	if (lps == 0 || line_len == 0)
		return;
	ns = bytes * 1000000000ull / line_len / lps;
	ts.tv_sec = (time_t)(ns / 1000000000ull);
	ts.tv_nsec = (long)(ns % 1000000000ull);
	nanosleep(&ts, NULL);
}
struct open_ctx {
	struct sim_device *d;
	char *err;
	size_t errlen;
};

/* "OP[:N]": opcode in hex, the Nth such command (default the first). */
static int
parse_fault(const char *val, int *op, unsigned *count)
{
	char *end;
	unsigned long v = strtoul(val, &end, 16);

	if (*val == '\0' || v > 0xff || (*end != '\0' && *end != ':'))
		return -1;
	*op = (int)v;
	*count = 1;
	if (*end == ':') {
		*count = (unsigned)strtoul(end + 1, &end, 10);
		if (*end != '\0' || *count == 0)
			return -1;
	}
	return 0;
}

static int
open_option(void *arg, const char *key, const char *val)
{
	struct open_ctx *c = arg;
	unsigned long v;

	if (strcmp(key, "trace") == 0) {
		if (c->d->trace != NULL)
			fclose(c->d->trace);
		if ((c->d->trace = fopen(val, "a")) == NULL) {
			snprintf(c->err, c->errlen, "cannot open trace file %s", val);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "hang") == 0 || strcmp(key, "linkerr") == 0) {
		if (parse_fault(val, key[0] == 'h' ? &c->d->hang_op : &c->d->lost_op,
		    key[0] == 'h' ? &c->d->hang_count : &c->d->lost_count) < 0) {
			snprintf(c->err, c->errlen, "bad %s '%s' (OP or OP:N, OP in hex)",
			    key, val);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "nomedia") == 0) {
		if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0) {
			snprintf(c->err, c->errlen, "bad nomedia '%s' (0 or 1)", val);
			return -1;
		}
		c->d->nomedia = val[0] == '1';
		return 0;
	}
	if (strcmp(key, "warmup") == 0) {
		if (sim_kv_uint(val, 100000, &v) < 0) {
			snprintf(c->err, c->errlen, "bad warmup count '%s'", val);
			return -1;
		}
		c->d->warmup = (unsigned)v;
		return 0;
	}
	if (c->d->model->option == NULL ||
	    c->d->model->option(c->d->st, key, val) < 0) {
		snprintf(c->err, c->errlen, "model %s: bad option %s=%s",
		    c->d->model->name, key, val);
		return -1;
	}
	return 0;
}

struct sim_device *
sim_open(const char *spec, char *err, size_t errlen)
{
	struct sim_device *d;
	struct open_ctx ctx;
	const char *q = strchr(spec, '?');
	size_t namelen = q ? (size_t)(q - spec) : strlen(spec);

	if (errlen > 0)
		err[0] = '\0';
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((d->model = find_model(spec, namelen)) == NULL) {
		snprintf(err, errlen, "unknown simulator model '%.*s'",
		    (int)(namelen > 64 ? 64 : namelen), spec);
		free(d);
		return NULL;
	}
	d->hang_op = d->lost_op = -1;
	if ((d->st = d->model->create()) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(d);
		return NULL;
	}
	ctx.d = d;
	ctx.err = err;
	ctx.errlen = errlen;
	if (q != NULL && sim_kv_parse(q + 1, '&', open_option, &ctx) < 0) {
		if (ctx.err[0] == '\0')
			snprintf(err, errlen, "bad simulator options '%s'", q + 1);
		sim_close(d);
		return NULL;
	}
	return d;
}

void
sim_close(struct sim_device *d)
{
	if (d == NULL)
		return;
	if (d->st != NULL)
		d->model->destroy(d->st);
	if (d->trace != NULL)
		fclose(d->trace);
	free(d);
}

static void
trace_cdb(struct sim_device *d, const struct sim_io *io)
{
	static const char *const dirs[] = { "none", "in", "out" };
	char hex[16 * 3 + 1];
	size_t i;

	if (d->trace == NULL)
		return;
	for (i = 0; i < io->cdb_len && i < 16; i++)
		snprintf(hex + 3 * i, 4, "%02x ", io->cdb[i]);
	hex[3 * i - (i > 0)] = '\0';
	sim_trace(d, "cdb %s dir=%s len=%zu", hex, dirs[io->dir], io->buflen);
}

/* REQUEST SENSE: the sense of the last CHECK CONDITION, once. */
static void
request_sense(struct sim_device *d, struct sim_io *io)
{
	uint8_t none[18] = { 0x70, 0, 0, 0, 0, 0, 0, 10 };
	const uint8_t *s = d->last_sense_len ? d->last_sense : none;

	sim_data_in(io, s, d->last_sense_len ? d->last_sense_len : 18, io->cdb[4]);
	d->last_sense_len = 0;
}

void
sim_command(struct sim_device *d, struct sim_io *io)
{
	uint8_t op = io->cdb_len > 0 ? io->cdb[0] : 0xff;

	io->xfer = 0;
	io->status = 0;
	io->sense_len = 0;
	io->hung = 0;
	io->link_error = 0;
	trace_cdb(d, io);
	if (op == d->hang_op && d->hang_count > 0 && --d->hang_count == 0) {
		io->hung = 1;
		sim_trace(d, "hang op=%02x", op);
		return;
	}
	if (op == d->lost_op && d->lost_count > 0 && --d->lost_count == 0) {
		io->link_error = 1;
		sim_trace(d, "linkerr op=%02x", op);
		return;
	}
	if (io->cdb_len < 6 || d->model->cdb_length(op) == 0 ||
	    io->cdb_len < d->model->cdb_length(op)) {
		sim_check(io, SCSI_SK_ILLEGAL_REQUEST, 0x20, 0x00);
	} else if (op == SCSI_OP_REQUEST_SENSE) {
		request_sense(d, io);
	} else if (d->nomedia && op != SCSI_OP_INQUIRY) {
		sim_check(io, SCSI_SK_NOT_READY, 0x3a, 0x00);
	} else if (d->warmup > 0 && op != SCSI_OP_INQUIRY) {
		/* A warming lamp answers everything but INQUIRY this way. */
		if (op == SCSI_OP_TEST_UNIT_READY)
			d->warmup--;
		sim_check(io, SCSI_SK_NOT_READY, 0x04, 0x01);
	} else {
		d->model->command(d, d->st, io);
	}
	if (io->status == 0x02) {
		memcpy(d->last_sense, io->sense, sizeof(d->last_sense));
		d->last_sense_len = io->sense_len;
		sim_trace(d, "check op=%02x sense=%x/%02x/%02x%s%s", op,
		    io->sense[2] & 0x0f, io->sense[12], io->sense[13],
		    (io->sense[2] & 0x40) ? " eom" : "",
		    (io->sense[2] & 0x20) ? " ili" : "");
	}
}

int
sim_render(const char *model, const char *window, FILE *out, char *err,
    size_t errlen)
{
	const struct sim_model *m = find_model(model, strlen(model));

	if (m == NULL) {
		snprintf(err, errlen, "unknown simulator model '%.64s'", model);
		return -1;
	}
	if (m->render == NULL) {
		snprintf(err, errlen, "model %s cannot render", model);
		return -1;
	}
	return m->render(window, out, err, errlen);
}
