/*
 * job.c - one scan for the HTTP front, on a thread of its own.
 *
 * The thread owns the driver handle from open to close: it applies the
 * request's options, starts, reads rows, feeds the encoder, and calls
 * cancel/close itself, so the driver never sees two threads (device.h).
 * Encoded bytes go into a bounded ring that the HTTP response drains as
 * a chunked body: the client gets the first bytes while the scanner is
 * still scanning, and memory is the ring whatever the image size.  When
 * the ring is full the scan waits for the client; a client that reads
 * nothing for the stall limit, or leaves, ends the scan and frees the
 * scanner.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sane/saneopts.h>

#include "scsaned/log.h"
#include "scsaned/slots.h"
#include "http_int.h"

#define QUEUE_BYTES	(1024 * 1024)
#define JOBS_KEPT	16	/* finished jobs kept for ScannerStatus */

static void
job_free(struct job *j)
{
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->cond);
	free(j->q);
	free(j);
}

void
job_put(struct job *j)
{
	int last;

	if (j == NULL)
		return;
	pthread_mutex_lock(&j->lock);
	last = --j->refs == 0;
	pthread_mutex_unlock(&j->lock);
	if (last)
		job_free(j);
}

static void
job_hold(struct job *j)
{
	pthread_mutex_lock(&j->lock);
	j->refs++;
	pthread_mutex_unlock(&j->lock);
}

void
job_cancel(struct job *j)
{
	atomic_store(&j->cancel, 1);
	pthread_mutex_lock(&j->lock);
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
}

static int
ended(const struct job *j)
{
	return j->state == JOB_COMPLETED || j->state == JOB_CANCELED ||
	    j->state == JOB_ABORTED;
}

static void
finish(struct job *j, enum job_state st, const char *why)
{
	pthread_mutex_lock(&j->lock);
	j->state = st;
	if (why != NULL && j->why[0] == '\0')
		snprintf(j->why, sizeof(j->why), "%s", why);
	/* A failed scan's bytes are never served (409/410): nor kept. */
	if (st != JOB_COMPLETED && !j->taken) {
		free(j->q);
		j->q = NULL;
		j->qlen = 0;
	}
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
}

/* The encoder's sink: wait for room, never past a cancel or the stall limit. */
static int
sink(void *ctx, const void *buf, size_t len)
{
	struct job *j = ctx;
	const uint8_t *p = buf;
	unsigned stall_s = j->fr->env->conf->scan_stall_s;
	time_t last = time(NULL);
	struct timespec until;
	size_t room, tail, n;

	pthread_mutex_lock(&j->lock);
	while (len > 0) {
		while (j->q != NULL && j->qlen == j->qcap && !atomic_load(&j->cancel)) {
			if (stall_s > 0 && time(NULL) - last >= (time_t)stall_s) {
				snprintf(j->why, sizeof(j->why), "no client read the "
				    "image for %u s", stall_s);
				pthread_mutex_unlock(&j->lock);
				return -1;
			}
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 1;
			pthread_cond_timedwait(&j->cond, &j->lock, &until);
		}
		if (atomic_load(&j->cancel) || j->q == NULL) {
			pthread_mutex_unlock(&j->lock);
			return -1;
		}
		last = time(NULL);
		tail = (j->qhead + j->qlen) % j->qcap;
		room = j->qcap - j->qlen;
		n = len < room ? len : room;
		if (n > j->qcap - tail)
			n = j->qcap - tail;
		memcpy(j->q + tail, p, n);
		j->qlen += n;
		p += n;
		len -= n;
		pthread_cond_broadcast(&j->cond);
	}
	pthread_mutex_unlock(&j->lock);
	return 0;
}

static int
frame_channels(const SANE_Parameters *p)
{
	if (p->format == SANE_FRAME_GRAY)
		return 1;
	if (p->format == SANE_FRAME_RGB)
		return 3;
	return 0;	/* three-pass frames: no encoder takes them one by one */
}

/* Apply the request's options; GOOD or INVAL with why in the job. */
static SANE_Status
setup(struct job *j, struct devh *d)
{
	char err[160] = "";
	int i;

	if (j->req.have_escl && opt_apply_escl(d, &j->req.escl, err, sizeof(err)) !=
	    SANE_STATUS_GOOD)
		goto bad;
	for (i = 0; i < j->req.nsets; i++)
		if (opt_set_text(d, j->req.set_name[i], j->req.set_value[i], err,
		    sizeof(err)) != SANE_STATUS_GOOD)
			goto bad;
	return SANE_STATUS_GOOD;
bad:
	snprintf(j->why, sizeof(j->why), "%s", err);
	return SANE_STATUS_INVAL;
}

/*
 * The device's bytes pass to the encoder through FEED_SLOTS slots of one
 * device read each (core/slots.c, as the SANE front's reader and pump), so
 * that reading the scanner (the driver, its transport, a simulator
 * in-process) and encoding (deflate above all) run on two cores at once: a
 * PNG of an unpaced 1200 dpi flatbed otherwise took the sum of both.  The
 * job thread reads; a thread of the scan's own cuts rows and encodes.
 */
#define FEED_SLOTS	4

struct feed {
	struct slots ring;
	struct enc *e;
	size_t bpl;
	int failed;		/* the encoder stopped: the sink is gone */
};

/* The encoder's side: whole rows from the slots, a split one carried. */
static void *
feed_encode(void *arg)
{
	struct feed *f = arg;
	uint8_t *row = malloc(f->bpl);
	struct slot *s;
	size_t have = 0, off, whole, len;
	int bad = row == NULL;

	while (!bad && (s = slots_oldest(&f->ring)) != NULL && s->status == SANE_STATUS_GOOD) {
		len = (size_t)s->len;
		off = 0;
		if (have > 0) {
			off = f->bpl - have < len ? f->bpl - have : len;
			memcpy(row + have, s->data, off);
			have += off;
			if (have == f->bpl) {
				bad = enc_rows(f->e, row, f->bpl, 1) < 0;
				have = 0;
			}
		}
		whole = (len - off) / f->bpl;
		if (!bad && whole > 0) {
			bad = enc_rows(f->e, s->data + off, f->bpl, whole) < 0;
			off += whole * f->bpl;
		}
		if (!bad && off < len) {
			memcpy(row, s->data + off, len - off);
			have = len - off;
		}
		slots_release(&f->ring);
	}
	if (bad) {
		f->failed = 1;		/* read after the join */
		slots_stop(&f->ring);	/* the reader stops at its next slot */
	}
	free(row);
	return NULL;
}

/*
 * The reader's side: device reads into free slots; the last slot carries
 * the frame's end (EOF) or the error, so the encoder drains all before it.
 */
static SANE_Status
feed_read(struct job *j, struct devh *d, struct feed *f)
{
	unsigned long long total = 0;
	struct slot *s;
	SANE_Status st;
	SANE_Int len;

	do {
		if ((s = slots_empty(&f->ring)) == NULL)
			return SANE_STATUS_IO_ERROR;	/* the encoder stopped */
		st = atomic_load(&j->cancel) ? SANE_STATUS_CANCELLED :
		    d->dev->ops->read(d->h, s->data, DEVICE_XFER_MAX, &len);
		if (st == SANE_STATUS_GOOD && (len < 0 || len > DEVICE_XFER_MAX))
			st = SANE_STATUS_IO_ERROR;
		s->status = st;
		s->len = st == SANE_STATUS_GOOD ? len : 0;
		if (st == SANE_STATUS_GOOD) {
			total += (unsigned long long)len;
			atomic_store(&j->lines, (unsigned)(total / f->bpl));
		}
		slots_put(&f->ring);
	} while (st == SANE_STATUS_GOOD);
	return st == SANE_STATUS_EOF ? SANE_STATUS_GOOD : st;
}

/* Rows from the device into the encoder until the end of the frame. */
static SANE_Status
pump(struct job *j, struct devh *d, struct enc *e, const SANE_Parameters *p)
{
	struct feed f = { .e = e, .bpl = (size_t)p->bytes_per_line };
	SANE_Status st = SANE_STATUS_NO_MEM;
	pthread_t t;

	if (slots_init(&f.ring, FEED_SLOTS, DEVICE_XFER_MAX) == 0 &&
	    pthread_create(&t, NULL, feed_encode, &f) == 0) {
		st = feed_read(j, d, &f);
		pthread_join(t, NULL);
		if (st == SANE_STATUS_GOOD && f.failed)
			st = SANE_STATUS_IO_ERROR;
		if (atomic_load(&j->cancel))
			st = SANE_STATUS_CANCELLED;
	}
	slots_free(&f.ring);
	return st;
}

static SANE_Status
scan(struct job *j, struct devh *d)
{
	struct enc_image img;
	SANE_Parameters p;
	struct enc *e;
	SANE_Status st;
	double dpi;

	if ((st = setup(j, d)) != SANE_STATUS_GOOD)
		return st;
	if (atomic_load(&j->cancel))
		return SANE_STATUS_CANCELLED;
	if ((st = d->dev->ops->start(d->h)) != SANE_STATUS_GOOD) {
		snprintf(j->why, sizeof(j->why), "start: %s", device_status_string(st));
		return st;
	}
	if ((st = d->dev->ops->parameters(d->h, &p)) != SANE_STATUS_GOOD)
		return st;
	memset(&img, 0, sizeof(img));
	img.channels = (unsigned)frame_channels(&p);
	if (img.channels == 0 || p.lines <= 0 || p.pixels_per_line <= 0 ||
	    p.bytes_per_line <= 0 || p.bytes_per_line > DEVICE_XFER_MAX ||
	    (p.depth != 1 && p.depth != 8 && p.depth != 16)) {
		snprintf(j->why, sizeof(j->why), "the scanner's frame (format %d, %d "
		    "lines, depth %d) is not one an image file can hold", (int)p.format,
		    (int)p.lines, (int)p.depth);
		return SANE_STATUS_UNSUPPORTED;
	}
	img.width = (unsigned)p.pixels_per_line;
	img.height = (unsigned)p.lines;
	img.depth = (unsigned)p.depth;
	img.dpi_x = img.dpi_y = opt_number(d, SANE_NAME_SCAN_RESOLUTION, &dpi) == 0 ?
	    (unsigned)lround(dpi) : 0;
	pthread_mutex_lock(&j->lock);
	j->width = img.width;
	j->height = img.height;
	pthread_mutex_unlock(&j->lock);
	if ((e = enc_open(j->req.format, &img, j->req.quality, sink, j)) == NULL) {
		snprintf(j->why, sizeof(j->why), "%s cannot carry %u channel(s) of %u "
		    "bits", enc_mime(j->req.format), img.channels, img.depth);
		return SANE_STATUS_UNSUPPORTED;
	}
	st = pump(j, d, e, &p);
	if (st == SANE_STATUS_GOOD && enc_close(e) < 0)
		st = atomic_load(&j->cancel) ? SANE_STATUS_CANCELLED : SANE_STATUS_IO_ERROR;
	enc_free(e);
	return st;
}

static void *
job_main(void *arg)
{
	struct job *j = arg;
	struct front *fr = j->fr;
	struct devh d = { j->dev, NULL };
	SANE_Status st;

	pthread_mutex_lock(&j->lock);
	j->state = JOB_PROCESSING;
	pthread_mutex_unlock(&j->lock);
	st = j->dev->ops->open(j->dev, &d.h);
	if (st != SANE_STATUS_GOOD)
		snprintf(j->why, sizeof(j->why), "open: %s", device_status_string(st));
	else {
		st = scan(j, &d);
		j->dev->ops->cancel(d.h);	/* SANE's end of every frame */
		j->dev->ops->close(d.h);
	}
	devreg_release(fr->env->reg, j->dev);
	if (st == SANE_STATUS_GOOD) {
		log_info("http: %s for %s: done, %u lines", j->dev->name, j->who,
		    atomic_load(&j->lines));
		pthread_mutex_lock(&j->lock);
		j->eof = 1;
		pthread_mutex_unlock(&j->lock);
		finish(j, JOB_COMPLETED, NULL);
	} else if (st == SANE_STATUS_CANCELLED || atomic_load(&j->cancel)) {
		log_info("http: %s for %s: cancelled", j->dev->name, j->who);
		finish(j, JOB_CANCELED, "cancelled");
	} else {
		log_warn("http: %s for %s: %s%s%s", j->dev->name, j->who,
		    device_status_string(st), j->why[0] ? ": " : "", j->why);
		finish(j, JOB_ABORTED, device_status_string(st));
	}
	job_put(j);
	pthread_mutex_lock(&fr->jobs_lock);
	fr->running--;
	pthread_cond_broadcast(&fr->jobs_cond);
	pthread_mutex_unlock(&fr->jobs_lock);
	return NULL;
}

/* Drop the oldest finished jobs past JOBS_KEPT.  jobs_lock held. */
static void
prune(struct front *fr)
{
	struct job **pp, *j, **oldest;

	while (fr->njobs > JOBS_KEPT) {
		oldest = NULL;
		for (pp = &fr->jobs; (j = *pp) != NULL; pp = &j->next) {
			pthread_mutex_lock(&j->lock);
			if (ended(j))
				oldest = pp;	/* the list is newest first */
			pthread_mutex_unlock(&j->lock);
		}
		if (oldest == NULL)
			return;
		j = *oldest;
		*oldest = j->next;
		fr->njobs--;
		job_put(j);
	}
}

SANE_Status
job_create(struct front *fr, struct device *dev, const char *who,
    const struct job_request *req, struct job **out)
{
	pthread_attr_t attr;
	pthread_t t;
	struct job *j;
	SANE_Status st;
	int rc;

	if ((st = devreg_acquire_by(fr->env->reg, dev, who)) != SANE_STATUS_GOOD)
		return st;
	if ((j = calloc(1, sizeof(*j))) == NULL || (j->q = malloc(QUEUE_BYTES)) == NULL ||
	    uuid_random(j->id) < 0) {
		if (j != NULL)
			free(j->q);
		free(j);
		devreg_release(fr->env->reg, dev);
		return SANE_STATUS_NO_MEM;
	}
	j->dev = dev;
	j->fr = fr;
	snprintf(j->who, sizeof(j->who), "%s", who);
	j->req = *req;
	j->created = time(NULL);
	j->qcap = QUEUE_BYTES;
	j->state = JOB_PENDING;
	j->refs = 3;		/* the list, the thread, the caller */
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->cond, NULL);
	pthread_mutex_lock(&fr->jobs_lock);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, job_main, j);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		pthread_mutex_unlock(&fr->jobs_lock);
		devreg_release(fr->env->reg, dev);
		job_free(j);
		return SANE_STATUS_NO_MEM;
	}
	fr->running++;
	j->next = fr->jobs;
	fr->jobs = j;
	fr->njobs++;
	prune(fr);
	pthread_mutex_unlock(&fr->jobs_lock);
	log_info("http: %s for %s: job %s, %s", dev->name, who, j->id,
	    enc_mime(req->format));
	*out = j;
	return SANE_STATUS_GOOD;
}

struct job *
job_get(struct front *fr, const char *id)
{
	struct job *j;

	pthread_mutex_lock(&fr->jobs_lock);
	for (j = fr->jobs; j != NULL && strcmp(j->id, id) != 0; j = j->next)
		;
	if (j != NULL)
		job_hold(j);
	pthread_mutex_unlock(&fr->jobs_lock);
	return j;
}

/* The response's reader: block until bytes, the end or a failure. */
static ssize_t
pull(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct job *j = cls;
	struct timespec until;
	size_t n;

	(void)pos;
	pthread_mutex_lock(&j->lock);
	while (j->qlen == 0 && !j->eof && !ended(j) && !atomic_load(&j->fr->stop)) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&j->cond, &j->lock, &until);
	}
	if (j->qlen > 0) {
		n = j->qlen < max ? j->qlen : max;
		if (n > j->qcap - j->qhead)
			n = j->qcap - j->qhead;
		memcpy(buf, j->q + j->qhead, n);
		j->qhead = (j->qhead + n) % j->qcap;
		j->qlen -= n;
		atomic_fetch_add(&j->sent, n);
		pthread_cond_broadcast(&j->cond);
		pthread_mutex_unlock(&j->lock);
		return (ssize_t)n;
	}
	if (j->eof) {
		j->served = 1;
		pthread_mutex_unlock(&j->lock);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	pthread_mutex_unlock(&j->lock);
	/* Cut short: the client must not take a truncated file for a whole one. */
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

/* The response is gone: a client that left mid-image frees the scanner. */
static void
pull_done(void *cls)
{
	struct job *j = cls;
	int cut;

	pthread_mutex_lock(&j->lock);
	cut = !j->served && !ended(j);
	pthread_mutex_unlock(&j->lock);
	if (cut) {
		log_info("http: %s for %s: the client left mid-image", j->dev->name, j->who);
		job_cancel(j);
	}
	/*
	 * Nobody reads this job's image again (a second NextDocument is 404):
	 * its ring goes now, not when the job drops off the status list, or
	 * the 16 jobs kept there would hold 16 MiB.  A scan still running
	 * was cancelled above, and the sink looks for the ring under the lock.
	 */
	pthread_mutex_lock(&j->lock);
	free(j->q);
	j->q = NULL;
	j->qlen = 0;
	pthread_mutex_unlock(&j->lock);
	job_put(j);
}

struct MHD_Response *
job_response(struct job *j)
{
	struct MHD_Response *r;

	pthread_mutex_lock(&j->lock);
	if (j->taken) {
		pthread_mutex_unlock(&j->lock);
		return NULL;
	}
	j->taken = 1;
	j->refs++;
	pthread_mutex_unlock(&j->lock);
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, pull, j,
	    pull_done);
	if (r == NULL) {
		job_put(j);
		return NULL;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, enc_mime(j->req.format));
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	return r;
}

size_t
job_list(struct front *fr, const struct device *dev, struct job_view **out)
{
	struct job_view *v;
	struct job *j;
	size_t n = 0;
	time_t now = time(NULL);

	pthread_mutex_lock(&fr->jobs_lock);
	v = calloc((size_t)fr->njobs + 1, sizeof(*v));
	for (j = fr->jobs; v != NULL && j != NULL; j = j->next) {
		if (dev != NULL && j->dev != dev)
			continue;
		pthread_mutex_lock(&j->lock);
		snprintf(v[n].id, sizeof(v[n].id), "%s", j->id);
		snprintf(v[n].dev, sizeof(v[n].dev), "%s", j->dev->name);
		snprintf(v[n].who, sizeof(v[n].who), "%s", j->who);
		snprintf(v[n].why, sizeof(v[n].why), "%s", j->why);
		v[n].state = j->state;
		v[n].age_s = (unsigned)(now - j->created);
		v[n].width = j->width;
		v[n].height = j->height;
		v[n].lines = atomic_load(&j->lines);
		v[n].sent = atomic_load(&j->sent);
		v[n].served = j->served;
		pthread_mutex_unlock(&j->lock);
		n++;
	}
	pthread_mutex_unlock(&fr->jobs_lock);
	*out = v;
	return v != NULL ? n : 0;
}

void
job_stop_all(struct front *fr)
{
	struct timespec until;
	struct job *j;
	int i;

	pthread_mutex_lock(&fr->jobs_lock);
	for (j = fr->jobs; j != NULL; j = j->next)
		job_cancel(j);
	/* Bounded: a driver stuck in a device command keeps its thread. */
	for (i = 0; i < 10 && fr->running > 0; i++) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&fr->jobs_cond, &fr->jobs_lock, &until);
	}
	while ((j = fr->jobs) != NULL) {
		fr->jobs = j->next;
		job_put(j);
	}
	fr->njobs = 0;
	pthread_mutex_unlock(&fr->jobs_lock);
}
