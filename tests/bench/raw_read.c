/*
 * raw_read.c - the baseline for bench-iscsi: set a window on a SCSI-2
 * scanner and READ the whole image with the transfer size scsaned's scsi2
 * driver uses (whole lines, at most 256 KiB), with nothing else around it.
 *
 *   raw_read iscsi URL XRES X Y W L COMP BPP [DEPTH]   plain libiscsi
 *   raw_read sim XRES X Y W L COMP BPP                 the simulator, in process
 *
 * DEPTH 1 (the default) is the plain loop: libiscsi's sync API, one READ
 * after another.  DEPTH 2 keeps two READs in flight with the async API,
 * as scsaned does on iSCSI, to show what the target itself can deliver.
 *
 * Prints "<bytes> <seconds>" for the READ phase.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#include "scsaned/device.h"
#include "scsaned/sim.h"

/* The size the drivers READ at a time, so the baseline does the same. */
#define XFER_MAX DEVICE_XFER_MAX

struct dev {
	struct iscsi_context *ctx;	/* iSCSI, or */
	int lun;
	struct sim_device *sim;		/* the simulator */
};

static void
put_be(uint8_t *p, size_t n, uint32_t v)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

/* One command; returns bytes moved, -1 on failure. */
static long
cmd(struct dev *d, uint8_t *cdb, int cdb_len, int dir, uint8_t *buf, int len)
{
	struct iscsi_data out = { .size = (size_t)len, .data = buf };
	struct scsi_task *t;
	struct sim_io io;
	long got;

	if (d->sim != NULL) {
		memset(&io, 0, sizeof(io));
		io.cdb = cdb;
		io.cdb_len = (size_t)cdb_len;
		io.dir = dir == 1 ? SIM_DIR_IN : dir == 2 ? SIM_DIR_OUT : SIM_DIR_NONE;
		io.buf = buf;
		io.buflen = (size_t)len;
		sim_command(d->sim, &io);
		return io.status == 0 || io.status == 2 ? (long)io.xfer : -1;
	}
	t = scsi_create_task(cdb_len, cdb, dir == 1 ? SCSI_XFER_READ : dir == 2 ?
	    SCSI_XFER_WRITE : SCSI_XFER_NONE, len);
	if (dir == 1)
		scsi_task_add_data_in_buffer(t, len, buf);
	if (iscsi_scsi_command_sync(d->ctx, d->lun, t, dir == 2 ? &out : NULL) == NULL ||
	    (t->status != SCSI_STATUS_GOOD && t->status != SCSI_STATUS_CHECK_CONDITION)) {
		fprintf(stderr, "raw_read: %s\n", iscsi_get_error(d->ctx));
		scsi_free_scsi_task(t);
		return -1;
	}
	got = len - (t->residual_status == SCSI_RESIDUAL_UNDERFLOW ? (long)t->residual : 0);
	scsi_free_scsi_task(t);
	return got;
}

/* A READ in flight for read_queued(). */
struct queued {
	int done;
	int status;
	long got;
};

static void
queued_cb(struct iscsi_context *ctx, int status, void *data, void *priv)
{
	struct scsi_task *t = data;
	struct queued *q = priv;

	(void)ctx;
	q->status = status;
	q->got = (long)t->expxferlen - (t->residual_status == SCSI_RESIDUAL_UNDERFLOW ?
	    (long)t->residual : 0);
	q->done = 1;
	scsi_free_scsi_task(t);
}

static struct queued *
queue_read(struct dev *d, uint8_t *buf, long len)
{
	uint8_t read[10] = { 0x28 };
	struct scsi_task *t;
	struct queued *q;

	put_be(read + 6, 3, (uint32_t)len);
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	if ((t = scsi_create_task(10, read, SCSI_XFER_READ, (int)len)) == NULL ||
	    scsi_task_add_data_in_buffer(t, (int)len, buf) != 0 ||
	    iscsi_scsi_command_async(d->ctx, d->lun, t, queued_cb, NULL, q) != 0) {
		if (t != NULL)
			scsi_free_scsi_task(t);
		free(q);
		return NULL;
	}
	return q;
}

/* TOTAL bytes in READs of PER, DEPTH of them in flight; bytes read or -1. */
static long long
read_queued(struct dev *d, unsigned long long total, long per, int depth)
{
	struct queued *q[8] = { NULL };
	uint8_t *buf[8];
	unsigned long long asked = 0, done = 0;
	struct pollfd p;
	int head = 0, n = 0, i;
	long len;

	for (i = 0; i < depth; i++)
		if ((buf[i] = malloc((size_t)per)) == NULL)
			return -1;
	while (done < total) {
		while (n < depth && asked < total) {
			len = total - asked < (unsigned long long)per ? (long)(total - asked) : per;
			if ((q[(head + n) % depth] = queue_read(d, buf[(head + n) % depth], len)) == NULL)
				return -1;
			asked += (unsigned long long)len;
			n++;
		}
		while (!q[head]->done) {
			p.fd = iscsi_get_fd(d->ctx);
			p.events = (short)iscsi_which_events(d->ctx);
			if (poll(&p, 1, 5000) <= 0 || iscsi_service(d->ctx, p.revents) < 0)
				return -1;
		}
		if (q[head]->status != SCSI_STATUS_GOOD &&
		    q[head]->status != SCSI_STATUS_CHECK_CONDITION)
			return -1;
		done += (unsigned long long)q[head]->got;
		free(q[head]);
		head = (head + 1) % depth;
		n--;
	}
	for (i = 0; i < depth; i++)
		free(buf[i]);
	return (long long)done;
}

int
main(int argc, char **argv)
{
	uint8_t modesel[6] = { 0x15, 0x10, 0, 0, 12, 0 };
	uint8_t page[12] = { 0, 0, 0, 0, 0x03, 6, 0, 0, 0x04, 0xb0, 0, 0 };
	uint8_t setwin[10] = { 0x24, 0, 0, 0, 0, 0, 0, 0, 48, 0 };
	uint8_t scan[6] = { 0x1b, 0, 0, 0, 1, 0 }, id = 0;
	uint8_t read[10] = { 0x28 }, win[48], *buf;
	struct iscsi_url *url;
	struct timespec t0, t1;
	struct dev d;
	char err[256];
	long xres, x, y, w, l, comp, bpp, ppl, lines, bpl, per, got;
	unsigned long long total, left, done = 0;
	int a, depth = 1;

	memset(&d, 0, sizeof(d));
	if (argc >= 10 && strcmp(argv[1], "iscsi") == 0) {
		d.ctx = iscsi_create_context("iqn.2026-11.org.scsaned:bench");
		iscsi_set_session_type(d.ctx, ISCSI_SESSION_NORMAL);
		url = iscsi_parse_full_url(d.ctx, argv[2]);
		if (url == NULL || iscsi_full_connect_sync(d.ctx, url->portal, -1) != 0) {
			fprintf(stderr, "raw_read: %s\n", iscsi_get_error(d.ctx));
			return 1;
		}
		d.lun = url->lun;
		iscsi_destroy_url(url);
		a = 3;
		if (argc >= 11)
			depth = atoi(argv[10]);
		if (depth < 1 || depth > 8)
			depth = 1;
	} else if (argc >= 9 && strcmp(argv[1], "sim") == 0) {
		if ((d.sim = sim_open("scsi2-flatbed", err, sizeof(err))) == NULL)
			return 1;
		a = 2;
	} else {
		fprintf(stderr, "usage: raw_read iscsi URL|sim XRES X Y W L COMP BPP\n");
		return 2;
	}
	xres = atol(argv[a]);
	x = atol(argv[a + 1]);
	y = atol(argv[a + 2]);
	w = atol(argv[a + 3]);
	l = atol(argv[a + 4]);
	comp = atol(argv[a + 5]);
	bpp = atol(argv[a + 6]);
	memset(win, 0, sizeof(win));
	put_be(win + 6, 2, 40);
	put_be(win + 10, 2, (uint32_t)xres);
	put_be(win + 12, 2, (uint32_t)xres);
	put_be(win + 14, 4, (uint32_t)x);
	put_be(win + 18, 4, (uint32_t)y);
	put_be(win + 22, 4, (uint32_t)w);
	put_be(win + 26, 4, (uint32_t)l);
	win[33] = (uint8_t)comp;
	win[34] = (uint8_t)bpp;
	if (cmd(&d, modesel, 6, 2, page, 12) < 0 || cmd(&d, setwin, 10, 2, win, 48) < 0 ||
	    cmd(&d, scan, 6, 2, &id, 1) < 0)
		return 1;
	ppl = w * xres / 1200;
	lines = l * xres / 1200;
	bpl = comp == 0 ? (ppl + 7) / 8 : ppl * (bpp / 8) * (comp == 5 ? 3 : 1);
	per = (XFER_MAX / bpl) * bpl;
	total = (unsigned long long)bpl * (unsigned long long)lines;
	buf = malloc(XFER_MAX);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (depth > 1) {
		long long got_all = read_queued(&d, total, per, depth);

		if (got_all < 0) {
			fprintf(stderr, "raw_read: %s\n", iscsi_get_error(d.ctx));
			return 1;
		}
		done = (unsigned long long)got_all;
	}
	for (left = depth > 1 ? 0 : total; left > 0; left -= (unsigned long long)got) {
		got = left < (unsigned long long)per ? (long)left : per;
		put_be(read + 6, 3, (uint32_t)got);
		if ((got = cmd(&d, read, 10, 1, buf, (int)got)) <= 0)
			return 1;
		done += (unsigned long long)got;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%llu %.6f\n", done, (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	free(buf);
	if (d.ctx != NULL) {
		iscsi_logout_sync(d.ctx);
		iscsi_destroy_context(d.ctx);
	}
	sim_close(d.sim);
	return 0;
}
