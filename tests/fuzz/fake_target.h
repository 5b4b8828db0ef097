/*
 * fake_target.h - a SCSI target whose answers are the fuzzer's bytes, for
 * harnesses that drive a whole driver through its device_ops, as if the
 * device had replied.  Header-only: each harness is one program.
 *
 * The input is FAKE_OPT_BYTES bytes that set the handle's options, then
 * replies, each
 *     opcode, how, n, n bytes of data
 * how: 0 GOOD with the data (a data-in command gets min(n, asked) bytes,
 * the rest is residual); 1 CHECK CONDITION with the data as sense; 2 a
 * transport error; 4 GOOD, a data-in getting what the last data-out
 * command sent (GET WINDOW's answer to SET WINDOW); any other GOOD with
 * the whole length asked for, the data repeated (zeros if n is 0): what
 * a READ needs.
 * A command takes the first reply for its opcode it has not used yet, or
 * again the last one when all are used; with none for its opcode, a
 * data-in command is GOOD with nothing transferred and any other command
 * GOOD.  So a reply stands where the driver asks for it, whatever the
 * order of the other commands, and polling loops see one answer.
 */
#ifndef FAKE_TARGET_H
#define FAKE_TARGET_H

#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sane/sane.h>

#include "scsaned/device.h"
#include "scsaned/log.h"
#include "scsaned/scsi.h"

#define FAKE_OPT_BYTES	16
#define FAKE_REPLIES	64
#define FAKE_READS	6	/* read calls a frame, enough to cross a READ */
#define FAKE_FRAMES	3	/* starts of an all-frames batch */

struct fake_reply {
	uint8_t op, how;
	const uint8_t *data;
	size_t n;
	int used;
};

struct fake_target {
	struct scsi_target head;
	struct fake_reply r[FAKE_REPLIES];
	size_t nr;
	uint8_t sent[256];	/* the last data-out, for replies of how 4 */
	size_t nsent;
};

/*
 * The drivers' waits (lamp warm-up, polls for ready) cost no time here:
 * while a driver runs, nanosleep returns at once.  libFuzzer's own
 * sleeps are not the driver's and still sleep.
 */
static int fake_in_driver;

int nanosleep(const struct timespec *req, struct timespec *rem);

int
nanosleep(const struct timespec *req, struct timespec *rem)
{
	int rc;

	if (fake_in_driver)
		return 0;
	if ((rc = clock_nanosleep(CLOCK_MONOTONIC, 0, req, rem)) != 0) {
		errno = rc;
		return -1;
	}
	return 0;
}

static struct fake_reply *
fake_find(struct fake_target *f, uint8_t op)
{
	struct fake_reply *last = NULL;
	size_t i;

	for (i = 0; i < f->nr; i++) {
		if (f->r[i].op != op)
			continue;
		if (!f->r[i].used) {
			f->r[i].used = 1;
			return &f->r[i];
		}
		last = &f->r[i];
	}
	return last;
}

static int
fake_execute(struct scsi_target *t, const uint8_t *cdb, size_t cdb_len,
    enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms,
    struct scsi_result *res)
{
	struct fake_target *f = (struct fake_target *)t;
	struct fake_reply *r = fake_find(f, cdb[0]);
	size_t n, i;

	(void)cdb_len;
	(void)timeout_ms;
	memset(res, 0, sizeof(*res));
	res->residual = dir == SCSI_DIR_IN ? len : 0;
	if (dir == SCSI_DIR_OUT) {
		f->nsent = len < sizeof(f->sent) ? len : sizeof(f->sent);
		memcpy(f->sent, buf, f->nsent);
	}
	if (r == NULL)
		return 0;
	switch (r->how) {
	case 0:
		if (dir == SCSI_DIR_IN) {
			n = r->n < len ? r->n : len;
			memcpy(buf, r->data, n);
			res->residual = len - n;
		}
		return 0;
	case 1:
		res->status = SCSI_STATUS_CHECK_CONDITION;
		res->sense_len = r->n < SCSI_SENSE_MAX ? r->n : SCSI_SENSE_MAX;
		memcpy(res->sense, r->data, res->sense_len);
		return 1;
	case 2:
		res->transport_error = SCSI_TERR_TIMEOUT;
		return -1;
	case 4:
		if (dir == SCSI_DIR_IN) {
			n = f->nsent < len ? f->nsent : len;
			memcpy(buf, f->sent, n);
			res->residual = len - n;
		}
		return 0;
	default:
		if (dir == SCSI_DIR_IN) {
			for (i = 0; i < len; i++)
				((uint8_t *)buf)[i] = r->n ? r->data[i % r->n] : 0;
			res->residual = 0;
		}
		return 0;
	}
}

static void
fake_close(struct scsi_target *t)
{
	(void)t;	/* the harness owns it */
}

static const struct scsi_transport_ops fake_ops = {
	.scheme = "fake:",
	.execute = fake_execute,
	.close = fake_close,
};

/*
 * A target that queues, as iSCSI does, for harnesses that want the
 * drivers' READs ahead (readahead.h) fuzzed too: a command runs at its
 * start, its answer is kept until it is finished.  A command the driver
 * never finishes leaks, which LeakSanitizer reports.
 */
struct scsi_cmd {
	int rc;
	struct scsi_result res;
};

static struct scsi_cmd *
fake_start(struct scsi_target *t, const uint8_t *cdb, size_t cdb_len,
    enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms,
    struct scsi_result *res)
{
	struct scsi_cmd *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		memset(res, 0, sizeof(*res));
		res->transport_error = SCSI_TERR_HOST;
		return NULL;
	}
	c->rc = fake_execute(t, cdb, cdb_len, dir, buf, len, timeout_ms, &c->res);
	return c;
}

static int
fake_finish(struct scsi_target *t, struct scsi_cmd *c, struct scsi_result *res)
{
	int rc = c->rc;

	(void)t;
	*res = c->res;
	free(c);
	return rc;
}

static const struct scsi_transport_ops fake_queue_ops = {
	.scheme = "fake:",
	.execute = fake_execute,
	.start = fake_start,
	.finish = fake_finish,
	.close = fake_close,
};

/* The target queues from here on. */
static inline void
fake_queue(struct fake_target *f)
{
	f->head.ops = &fake_queue_ops;
}

/* Split DATA after the option bytes into replies; *OPTS gets those bytes. */
static void
fake_init(struct fake_target *f, const uint8_t *data, size_t size, uint8_t opts[FAKE_OPT_BYTES])
{
	size_t at = FAKE_OPT_BYTES, n;

	memset(f, 0, sizeof(*f));
	f->head.ops = &fake_ops;
	strcpy(f->head.uri, "fake:");
	memset(opts, 0, FAKE_OPT_BYTES);
	memcpy(opts, data, size < FAKE_OPT_BYTES ? size : FAKE_OPT_BYTES);
	while (at + 3 <= size && f->nr < FAKE_REPLIES) {
		n = data[at + 2];
		if (n > size - at - 3)
			n = size - at - 3;
		f->r[f->nr].op = data[at];
		f->r[f->nr].how = data[at + 1];
		f->r[f->nr].data = data + at + 3;
		f->r[f->nr].n = n;
		f->nr++;
		at += 3 + n;
	}
}

/*
 * Set every option of handle H that can be set from the option bytes
 * (option i from byte i % FAKE_OPT_BYTES), through the driver's own
 * control: whatever value the byte gives is brought within the
 * constraint there, or refused.  Buttons are left alone.
 */
static void
fake_set_options(const struct device_ops *ops, void *h, const uint8_t opts[FAKE_OPT_BYTES])
{
	const SANE_Option_Descriptor *o;
	SANE_Word count = 0, v;
	SANE_Int i, n;
	uint8_t b;
	char str[64];

	if (ops->control(h, 0, SANE_ACTION_GET_VALUE, &count, NULL) != SANE_STATUS_GOOD)
		return;
	for (i = 1; i < count; i++) {
		if ((o = ops->option(h, i)) == NULL)
			abort();	/* the count said it exists */
		if (!SANE_OPTION_IS_SETTABLE(o->cap) || !SANE_OPTION_IS_ACTIVE(o->cap))
			continue;
		b = opts[i % FAKE_OPT_BYTES];
		switch (o->type) {
		case SANE_TYPE_BOOL:
			v = b & 1;
			break;
		case SANE_TYPE_INT:
		case SANE_TYPE_FIXED:
			if (o->constraint_type == SANE_CONSTRAINT_WORD_LIST)
				v = o->constraint.word_list[0] > 0 ? o->constraint.word_list[1 +
				    b % o->constraint.word_list[0]] : 0;
			else if (o->constraint_type == SANE_CONSTRAINT_RANGE)
				v = o->constraint.range->min + (SANE_Word)(((int64_t)
				    o->constraint.range->max - o->constraint.range->min) * b / 255);
			else
				v = b;
			break;
		case SANE_TYPE_STRING:
			if (o->constraint_type != SANE_CONSTRAINT_STRING_LIST || o->size > 64)
				continue;
			for (n = 0; o->constraint.string_list[n] != NULL; n++)
				;
			if (n == 0)
				continue;
			snprintf(str, sizeof(str), "%s", o->constraint.string_list[b % n]);
			(void)ops->control(h, i, SANE_ACTION_SET_VALUE, str, NULL);
			continue;
		default:
			continue;
		}
		(void)ops->control(h, i, SANE_ACTION_SET_VALUE, &v, NULL);
	}
}

/*
 * Scan with handle H: start, read a few times (sizes from the option
 * bytes), cancel; an all-frames batch starts again.  What the driver
 * reports must hold together whatever the device said.
 */
static void
fake_scan(const struct device_ops *ops, void *h, const uint8_t opts[FAKE_OPT_BYTES])
{
	static uint8_t buf[1 << 18];
	SANE_Parameters p;
	SANE_Int len, max;
	SANE_Status st;
	int frame, i;

	for (frame = 0; frame < FAKE_FRAMES; frame++) {
		if (ops->parameters(h, &p) != SANE_STATUS_GOOD)
			abort();
		if (ops->start(h) != SANE_STATUS_GOOD)
			break;
		if (ops->parameters(h, &p) != SANE_STATUS_GOOD || p.bytes_per_line <= 0 ||
		    p.lines <= 0 || p.pixels_per_line <= 0 ||
		    p.bytes_per_line < p.pixels_per_line * (p.depth == 16 ? 2 : 1))
			abort();
		for (i = 0; i < FAKE_READS; i++) {
			max = opts[i] & 1 ? (SANE_Int)sizeof(buf) : 1 + opts[i];
			st = ops->read(h, buf, max, &len);
			if (len < 0 || len > max || (st != SANE_STATUS_GOOD && len != 0))
				abort();
			if (st != SANE_STATUS_GOOD)
				break;
		}
		ops->cancel(h);
	}
}

static struct device fake_dev = { .name = "fuzz", .uri = "fake:" };

/* Quiet drivers, and no time spent in their waits. */
static void
fake_enter(void)
{
	log_set_level(-1);
	fake_in_driver = 1;
}

static void
fake_leave(void)
{
	fake_in_driver = 0;
}

/* The rest of every harness once the handle H is open: options, scans, close. */
static void
fake_drive(const struct device_ops *ops, void *h, const uint8_t opts[FAKE_OPT_BYTES])
{
	fake_set_options(ops, h, opts);
	fake_scan(ops, h, opts);
	ops->close(h);
	fake_leave();
}

/* A handle whose open failed against the device's answers. */
static inline int
fake_refused(void *h)
{
	free(h);
	fake_leave();
	return 0;
}

#endif
