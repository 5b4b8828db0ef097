/*
 * test_readahead.c - commands in flight: scsi_start/scsi_finish and the
 * drivers' READ queue (src/drivers/readahead.c) against a fake transport
 * that queues, checking order, the queue limit, that no READ in flight
 * shares a buffer with another or with data being handed up, and drains.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scsaned/scsi.h"
#include "../../src/drivers/readahead.h"

#define LEN 64

/* The fake transport's command: what it was asked, in which order. */
struct scsi_cmd {
	int seq;
	uint8_t *buf;
	size_t len;
};

struct fake {
	struct scsi_target head;
	int started, finished;
	struct scsi_cmd *inflight[8];
	int fail_next_start;
	unsigned last_timeout;
	uint8_t last_byte1;
	size_t max_len;		/* the longest command started */
};

static struct scsi_cmd *
fake_start(struct scsi_target *t, const uint8_t *cdb, size_t cdb_len,
    enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms,
    struct scsi_result *res)
{
	struct fake *f = (struct fake *)t;
	struct scsi_cmd *c;
	int i;

	(void)cdb_len;
	assert_int_equal(dir, SCSI_DIR_IN);
	if (f->fail_next_start) {
		f->fail_next_start = 0;
		res->transport_error = SCSI_TERR_LINK;
		return NULL;
	}
	/* No two commands in flight may share a buffer. */
	for (i = f->finished; i < f->started; i++)
		assert_ptr_not_equal(f->inflight[i % 8]->buf, buf);
	c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->seq = f->started;
	c->buf = buf;
	c->len = len;
	f->inflight[f->started++ % 8] = c;
	f->last_timeout = timeout_ms;
	f->last_byte1 = cdb[1];
	f->max_len = len > f->max_len ? len : f->max_len;
	return c;
}

/* Data arrives at finish: each byte is the command's number. */
static int
fake_finish(struct scsi_target *t, struct scsi_cmd *c, struct scsi_result *res)
{
	struct fake *f = (struct fake *)t;

	assert_int_equal(c->seq, f->finished);	/* oldest first */
	f->finished++;
	memset(c->buf, c->seq, c->len);
	res->status = SCSI_STATUS_GOOD;
	res->residual = 0;
	free(c);
	return 0;
}

static int
fake_execute(struct scsi_target *t, const uint8_t *cdb, size_t cdb_len,
    enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms,
    struct scsi_result *res)
{
	struct scsi_cmd *c = fake_start(t, cdb, cdb_len, dir, buf, len, timeout_ms, res);

	return c == NULL ? -1 : fake_finish(t, c, res);
}

static void
fake_close(struct scsi_target *t)
{
	(void)t;
}

static const struct scsi_transport_ops fake_ops = {
	.scheme = "fake:",
	.execute = fake_execute,
	.start = fake_start,
	.finish = fake_finish,
	.close = fake_close,
};

static const uint8_t read_cdb[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, LEN, 0 };

static void
test_sim_does_not_queue(void **state)
{
	struct scsi_target *t;
	struct scsi_result res;
	uint8_t buf[LEN];
	char err[128];

	(void)state;
	assert_int_equal(scsi_open("sim:scsi2-flatbed", &t, err, sizeof(err)), 0);
	assert_false(scsi_can_queue(t));
	assert_null(scsi_start(t, read_cdb, sizeof(read_cdb), SCSI_DIR_IN, buf, LEN,
	    1000, &res));
	assert_int_equal(res.transport_error, SCSI_TERR_INVALID);
	scsi_close(t);
}

static void
test_start_checks_the_request(void **state)
{
	struct fake f = { .head.ops = &fake_ops };
	struct scsi_result res;

	(void)state;
	assert_true(scsi_can_queue(&f.head));
	/* Data expected but no buffer; a CDB of 17 bytes. */
	assert_null(scsi_start(&f.head, read_cdb, sizeof(read_cdb), SCSI_DIR_IN, NULL,
	    LEN, 1000, &res));
	assert_int_equal(res.transport_error, SCSI_TERR_INVALID);
	assert_null(scsi_start(&f.head, read_cdb, 17, SCSI_DIR_IN, &res, 1, 1000, &res));
	assert_int_equal(f.started, 0);
}

static void
test_queue_order_and_buffers(void **state)
{
	struct fake f = { .head.ops = &fake_ops };
	struct device dev;
	struct drv_ra ra;
	struct scsi_result res;
	uint8_t *data;
	size_t len;
	int i, k;

	(void)state;
	memset(&dev, 0, sizeof(dev));
	memset(&ra, 0, sizeof(ra));
	assert_int_equal(drv_ra_init(&ra, LEN), 0);
	/* Fill the queue; a third READ is refused, nothing sent. */
	for (i = 0; i < SCSI_QUEUE_MAX; i++)
		assert_int_equal(drv_ra_start(&ra, &dev, &f.head, read_cdb, 10, LEN,
		    5000, &res), 0);
	assert_false(drv_ra_room(&ra));
	assert_int_equal(drv_ra_start(&ra, &dev, &f.head, read_cdb, 10, LEN, 5000, &res), -1);
	assert_int_equal(res.transport_error, SCSI_TERR_INVALID);
	assert_int_equal(f.started, SCSI_QUEUE_MAX);
	/* Steady state: finish the oldest, hand it up, start the next. */
	for (k = 0; k < 10; k++) {
		assert_int_equal(drv_ra_finish(&ra, &f.head, &data, &len, &res), 0);
		assert_int_equal(len, LEN);
		for (i = 0; i < LEN; i++)
			assert_int_equal(data[i], k);
		assert_true(drv_ra_room(&ra));
		assert_int_equal(drv_ra_start(&ra, &dev, &f.head, read_cdb, 10, LEN,
		    5000, &res), 0);
	}
	assert_int_equal(drv_ra_drain(&ra, &f.head), SCSI_QUEUE_MAX);
	assert_int_equal(f.finished, f.started);
	/* A READ larger than the buffers is refused. */
	assert_int_equal(drv_ra_start(&ra, &dev, &f.head, read_cdb, 10, LEN + 1, 5000,
	    &res), -1);
	/* Nothing queued: finish says so instead of waiting for nothing. */
	assert_int_equal(drv_ra_finish(&ra, &f.head, &data, &len, &res), -1);
	assert_int_equal(res.transport_error, SCSI_TERR_INVALID);
	drv_ra_free(&ra);
}

static void
test_timeout_and_failed_start(void **state)
{
	struct fake f = { .head.ops = &fake_ops };
	struct device dev;
	struct drv_ra ra;
	struct scsi_result res;

	(void)state;
	memset(&dev, 0, sizeof(dev));
	memset(&ra, 0, sizeof(ra));
	assert_int_equal(drv_ra_init(&ra, LEN), 0);
	assert_int_equal(drv_ra_start(&ra, &dev, &f.head, read_cdb, 10, LEN, 5000, &res), 0);
	assert_int_equal(f.last_timeout, 5000);
	dev.timeout_ms = 777;	/* the configured timeout wins */
	f.fail_next_start = 1;
	assert_int_equal(drv_ra_start(&ra, &dev, &f.head, read_cdb, 10, LEN, 5000, &res), -1);
	assert_int_equal(res.transport_error, SCSI_TERR_LINK);
	assert_int_equal(ra.count, 1);	/* the failed one is not queued */
	assert_int_equal(drv_ra_start(&ra, &dev, &f.head, read_cdb, 10, LEN, 5000, &res), 0);
	assert_int_equal(f.last_timeout, 777);
	assert_int_equal(drv_ra_drain(&ra, &f.head), 2);
	drv_ra_free(&ra);
}

/*
 * The FS4000US's case: READs (byte 1 10h) of whole 24240-byte lines
 * within 64 KiB, two lines each, the last one short; two in flight, so
 * each but the last is handed up with the next queued; then nothing left.
 */
static void
test_lines_within_a_limit(void **state)
{
	struct fake f = { .head.ops = &fake_ops };
	struct device dev;
	struct drv_lines r;
	const uint8_t *data;
	size_t lines, got = 0;
	static const size_t want[] = { 2, 2, 2, 1 };
	unsigned k;

	(void)state;
	memset(&dev, 0, sizeof(dev));
	strcpy(dev.name, "fs");
	memset(&r, 0, sizeof(r));
	assert_int_equal(drv_lines_begin(&r, &dev, &f.head, NULL, 0x10, 24240, 7, 5000), 0);
	drv_lines_limit(&r, 65536);
	assert_int_equal(r.per_read, 2);
	for (k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		assert_int_equal(drv_lines_get(&r, 0, 0, &data, &lines), SANE_STATUS_GOOD);
		assert_int_equal(lines, want[k]);
		assert_int_equal(f.last_byte1, 0x10);
		got += lines;
	}
	assert_int_equal(got, 7);
	assert_true(f.max_len <= 65536);
	assert_int_equal(f.started, 4);
	assert_int_equal(f.finished, 4);
	assert_int_equal(r.reads, 4);
	assert_int_equal(r.ahead, 3);
	assert_int_equal(drv_lines_get(&r, 0, 0, &data, &lines), SANE_STATUS_INVAL);
	/* A limit below one line still reads whole lines, one a READ. */
	assert_int_equal(drv_lines_begin(&r, &dev, &f.head, NULL, 0x10, 24240, 3, 5000), 0);
	drv_lines_limit(&r, 1000);
	assert_int_equal(r.per_read, 1);
	assert_int_equal(drv_lines_get(&r, 0, 0, &data, &lines), SANE_STATUS_GOOD);
	assert_int_equal(lines, 1);
	/* Cancelled with one queued: it is finished, and the unit is still inside. */
	assert_int_equal(drv_lines_drop(&r), 1);
	assert_int_equal(f.finished, f.started);
	assert_true(r.unasked > 0);
	drv_lines_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sim_does_not_queue),
		cmocka_unit_test(test_start_checks_the_request),
		cmocka_unit_test(test_queue_order_and_buffers),
		cmocka_unit_test(test_timeout_and_failed_start),
		cmocka_unit_test(test_lines_within_a_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
