/*
 * discovery.c - finding the devices of the config, all at once and again
 * later.
 *
 * Every device line is probed and every discover line run in a job of
 * its own, the jobs on a few threads at once: a host that does not answer
 * costs its own lines one connect timeout and nobody else anything, and
 * eight hosts take about as long as one.  While the daemon serves, a
 * thread runs a pass again every `rediscover` seconds (and sooner when a
 * client asks for the list), so a host that comes back, or a scanner
 * newly exported, is served without a restart.  Devices once served stay
 * served: a session may hold one, and a host that is down answers its
 * next open with an error.
 *
 * libiscsi is not thread-safe: every job opens its own contexts
 * (scsi_discover, scsi_open in the probe) and closes them before it ends,
 * so no context is ever seen by two threads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scsaned/config.h"
#include "scsaned/driver.h"
#include "scsaned/log.h"
#include "scsaned/scsi.h"
#include "registry_int.h"

#define DISCOVERY_THREADS	64	/* jobs at once; a dead host holds one */
#define DISCOVERY_FOUND_MAX	64	/* devices one discover line finds, at most */
#define DISCOVERY_LIST_GAP_S	10	/* a list request starts a pass at most this often */
#define DISCOVERY_LIST_WAIT_MS	1000	/* and waits for it this long, at most */
#define DISCOVERY_TICK_MS	200	/* how soon a pass notices it is stopped */

/* A device a discover line found and a driver claimed. */
struct found {
	struct scsi_found names;
	struct device dev;
};

/* One device line to probe, or one discover line to run. */
struct job {
	const char *spec;	/* the discover line; NULL: probe dev */
	int line;		/* its index */
	struct device dev;	/* the device line, probed in place */
	int quiet;		/* failed last time too: say so only at debug */
	int first;
	struct found *found;	/* discover: what answered and was claimed */
	int nfound;
	int ok;
	int finished, merged;
};

/*
 * One pass: its jobs and the threads running them.  Freed by the last of
 * the coordinator and the workers, so a coordinator told to stop can leave
 * workers still waiting on a dead host behind.
 */
struct pass {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* Held by a job on an exclusive transport (sg:): see scsi_uri_exclusive. */
	pthread_mutex_t one_at_a_time;
	int refs, next, done, njobs;
	struct job *jobs;
	char (*known)[256];	/* URIs served or named by a device line */
	int nknown;
	const atomic_int *stop;
};

/* A device line no driver has claimed yet. */
struct pending {
	struct device dev;
	int down;		/* its last probe failed */
};

struct discovery {
	char (*lines)[CONFIG_DISCOVER_MAX + 1];
	int *line_down;		/* the line's last run failed */
	int nlines;
	struct pending *pending;
	int npending;
	unsigned every_s;	/* rediscover; 0: at start-up only */

	pthread_mutex_t mu;	/* the fields below */
	pthread_cond_t cv;
	pthread_t thread;
	int started, kicked, running;
	atomic_int stopping;
	unsigned long passes;	/* passes completed */
	struct timespec began;	/* when the last pass began */
};

static long
ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static void
deadline_in(struct timespec *t, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* Timed waits count on the monotonic clock: a clock step is no timeout. */
static void
cond_init(pthread_cond_t *cv)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(cv, &a);
	pthread_condattr_destroy(&a);
}

/* ---- jobs (on worker threads) ------------------------------------------ */

static int
known(const struct pass *p, const char *uri)
{
	int i;

	for (i = 0; i < p->nknown; i++)
		if (scsi_uri_same(p->known[i], uri))
			return 1;
	return 0;
}

static void
probe_line(struct job *j)
{
	char err[256], shown[256];
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	scsi_uri_display(j->dev.uri, shown, sizeof(shown));
	if ((j->dev.backend[0] != '\0' ? hosted_probe(&j->dev, err, sizeof(err)) :
	    driver_probe(&j->dev, err, sizeof(err))) == 0) {
		j->ok = 1;
		return;
	}
	log_msg(j->quiet ? LOG_LVL_DEBUG : LOG_LVL_ERR,
	    "device %s (%s): %s; not served%s (%.2f s)", j->dev.name, shown, err,
	    j->first ? "" : " yet", (double)ms_since(&t0) / 1000);
}

static void
run_line(struct pass *p, struct job *j)
{
	struct scsi_found *sf;
	struct timespec t0;
	char err[256], why[256], shown[300];
	int n, i, k = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	scsi_uri_display(j->spec, shown, sizeof(shown));
	if ((sf = calloc(DISCOVERY_FOUND_MAX, sizeof(*sf))) == NULL ||
	    (j->found = calloc(DISCOVERY_FOUND_MAX, sizeof(*j->found))) == NULL) {
		free(sf);
		log_err("discover %s: out of memory", shown);
		return;
	}
	if ((n = scsi_discover(j->spec, sf, DISCOVERY_FOUND_MAX, err, sizeof(err))) < 0) {
		log_msg(j->quiet ? LOG_LVL_DEBUG : LOG_LVL_ERR,
		    "discover %s: %s (%.2f s)", shown, err, (double)ms_since(&t0) / 1000);
		free(sf);
		return;
	}
	for (i = 0; i < n; i++) {
		struct device *d = &j->found[k].dev;

		/* Never a second session to a device someone may be scanning on. */
		if (known(p, sf[i].uri))
			continue;
		memset(d, 0, sizeof(*d));
		d->lock_fd = -1;
		snprintf(d->name, sizeof(d->name), "%s", sf[i].name);
		snprintf(d->uri, sizeof(d->uri), "%s", sf[i].uri);
		if (hosted_claim(d, &sf[i], why, sizeof(why)) < 0) {
			/* Discovery finds disks and controllers too: not worth an error. */
			scsi_uri_display(d->uri, shown, sizeof(shown));
			log_debug("device %s (%s): %s; not served", d->name, shown, why);
			continue;
		}
		j->found[k++].names = sf[i];
	}
	free(sf);
	j->nfound = k;
	j->ok = 1;
	scsi_uri_display(j->spec, shown, sizeof(shown));
	log_msg(j->first || j->quiet || k > 0 ? LOG_LVL_INFO : LOG_LVL_DEBUG,
	    "discover %s: %d found, %d new (%.2f s)", shown, n, k,
	    (double)ms_since(&t0) / 1000);
	if (err[0] != '\0')
		log_msg(j->first || j->quiet ? LOG_LVL_WARN : LOG_LVL_DEBUG,
		    "discover %s: %s", shown, err);
}

static void
pass_unref(struct pass *p)
{
	int i, last;

	pthread_mutex_lock(&p->mu);
	last = --p->refs == 0;
	pthread_mutex_unlock(&p->mu);
	if (!last)
		return;
	for (i = 0; i < p->njobs; i++)
		free(p->jobs[i].found);
	free(p->jobs);
	free(p->known);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	pthread_mutex_destroy(&p->one_at_a_time);
	free(p);
}

/*
 * Local sg nodes are opened O_EXCL and probed in milliseconds: taking
 * turns costs nothing, while two lines naming one node (through a udev
 * symlink) probed at once would find it busy.
 */
static void
run_job(struct pass *p, struct job *j)
{
	int serial = scsi_uri_exclusive(j->spec != NULL ? j->spec : j->dev.uri);

	if (serial)
		pthread_mutex_lock(&p->one_at_a_time);
	if (j->spec != NULL)
		run_line(p, j);
	else
		probe_line(j);
	if (serial)
		pthread_mutex_unlock(&p->one_at_a_time);
}

/* Take jobs until none is left. */
static void *
worker(void *arg)
{
	struct pass *p = arg;
	struct job *j;
	int i;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		i = p->next < p->njobs && !atomic_load(p->stop) ? p->next++ : -1;
		pthread_mutex_unlock(&p->mu);
		if (i < 0)
			break;
		j = &p->jobs[i];
		run_job(p, j);
		pthread_mutex_lock(&p->mu);
		j->finished = 1;
		p->done++;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	pass_unref(p);
	return NULL;
}

/* ---- the coordinator ---------------------------------------------------- */

/* Jobs for every pending device line and every discover line; NULL if none. */
static struct pass *
pass_new(struct discovery *d, struct devreg *reg, int first)
{
	struct pass *p;
	int i, n = 0;

	if (d->npending + d->nlines == 0 || (p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->jobs = calloc((size_t)(d->npending + d->nlines), sizeof(*p->jobs));
	pthread_mutex_lock(&reg->lock);
	p->known = calloc((size_t)(reg->ndevs + d->npending) + 1, sizeof(*p->known));
	if (p->jobs != NULL && p->known != NULL) {
		for (i = 0; i < reg->ndevs; i++)
			memcpy(p->known[p->nknown++], reg->devs[i].uri, sizeof(p->known[0]));
		for (i = 0; i < d->npending; i++)
			memcpy(p->known[p->nknown++], d->pending[i].dev.uri, sizeof(p->known[0]));
	}
	pthread_mutex_unlock(&reg->lock);
	if (p->jobs == NULL || p->known == NULL) {
		free(p->jobs);
		free(p->known);
		free(p);
		log_err("discovery: out of memory");
		return NULL;
	}
	for (i = 0; i < d->npending; i++, n++) {
		p->jobs[n].dev = d->pending[i].dev;
		p->jobs[n].quiet = d->pending[i].down;
		p->jobs[n].first = first;
	}
	for (i = 0; i < d->nlines; i++, n++) {
		p->jobs[n].spec = d->lines[i];
		p->jobs[n].line = i;
		p->jobs[n].quiet = d->line_down[i];
		p->jobs[n].first = first;
	}
	p->njobs = n;
	p->stop = &d->stopping;
	pthread_mutex_init(&p->mu, NULL);
	pthread_mutex_init(&p->one_at_a_time, NULL);
	cond_init(&p->cv);
	p->refs = 1;
	return p;
}

/* Pending line I is served now: it leaves the list. */
static void
pending_drop(struct discovery *d, int i)
{
	memmove(&d->pending[i], &d->pending[i + 1],
	    (size_t)(d->npending - i - 1) * sizeof(d->pending[0]));
	d->npending--;
}

static int
name_reserved(const struct discovery *d, const struct devreg *reg, const char *name)
{
	int i;

	if (name[0] == '\0' || devreg_name_taken(reg, name))
		return 1;
	for (i = 0; i < d->npending; i++)
		if (strcmp(d->pending[i].dev.name, name) == 0)
			return 1;
	return 0;
}

/*
 * Serve what job J found; the registry's lock held.  A device line keeps
 * its name; a discovered device takes its identity's name, or the more
 * specific one when that is taken (also by a device line still pending,
 * which will want it when its host answers).
 */
static void
merge(struct discovery *d, struct devreg *reg, const struct job *j)
{
	struct found *f;
	const char *name;
	int i;

	if (j->spec == NULL) {
		for (i = 0; i < d->npending; i++)
			if (strcmp(d->pending[i].dev.name, j->dev.name) == 0)
				break;
		if (i == d->npending)
			return;
		d->pending[i].down = !j->ok;
		if (j->ok && devreg_name_taken(reg, j->dev.name)) {
			/* A system SANE backend's device came first (backends yes). */
			log_err("device %s: a device of that name is served; not served",
			    j->dev.name);
			pending_drop(d, i);
		} else if (j->ok && devreg_append(reg, &j->dev, 0) == 0) {
			pending_drop(d, i);
		}
		return;
	}
	d->line_down[j->line] = !j->ok;
	for (i = 0; i < j->nfound; i++) {
		f = &j->found[i];
		if (devreg_uri_taken(reg, f->dev.uri))
			continue;
		name = f->names.name;
		if (name_reserved(d, reg, name))
			name = f->names.alt;
		if (name_reserved(d, reg, name))
			continue;
		snprintf(f->dev.name, sizeof(f->dev.name), "%s", name);
		if (devreg_append(reg, &f->dev, 1) < 0)
			break;
	}
}

/* Serve every job that has finished and is not served yet, in job order. */
static void
merge_finished(struct discovery *d, struct devreg *reg, struct pass *p)
{
	int i, fin;

	for (i = 0; i < p->njobs; i++) {
		pthread_mutex_lock(&p->mu);
		fin = p->jobs[i].finished;
		pthread_mutex_unlock(&p->mu);
		if (!fin || p->jobs[i].merged)
			continue;
		pthread_mutex_lock(&reg->lock);
		merge(d, reg, &p->jobs[i]);
		pthread_mutex_unlock(&reg->lock);
		p->jobs[i].merged = 1;
	}
}

/*
 * Run a pass.  At start-up the devices are served once all jobs are done,
 * in the config's order, so a name two hosts offer goes to the same one
 * on every start; later, each job's devices as soon as it is done, so a
 * host that answers is not kept waiting for one that does not.
 */
static void
pass_run(struct discovery *d, struct devreg *reg, int first)
{
	struct pass *p = pass_new(d, reg, first);
	pthread_t t[DISCOVERY_THREADS];
	struct timespec until;
	int nt, want, all, stopped = 0, i;

	if (p == NULL)
		return;
	want = p->njobs < DISCOVERY_THREADS ? p->njobs : DISCOVERY_THREADS;
	for (nt = 0; nt < want; nt++) {
		pthread_mutex_lock(&p->mu);
		p->refs++;
		pthread_mutex_unlock(&p->mu);
		if (pthread_create(&t[nt], NULL, worker, p) != 0) {
			pass_unref(p);
			break;
		}
	}
	if (nt == 0) {
		/* No thread to be had: one job after another, here. */
		p->refs++;
		worker(p);
	}
	for (;;) {
		pthread_mutex_lock(&p->mu);
		deadline_in(&until, DISCOVERY_TICK_MS);
		if (p->done < p->njobs && !atomic_load(&d->stopping))
			pthread_cond_timedwait(&p->cv, &p->mu, &until);
		all = p->done == p->njobs;
		pthread_mutex_unlock(&p->mu);
		if (atomic_load(&d->stopping)) {
			stopped = 1;
			break;
		}
		if (!first || all)
			merge_finished(d, reg, p);
		if (all)
			break;
	}
	/* Stopped: a worker still waiting on a host ends on its own timeout. */
	for (i = 0; i < nt; i++)
		if (stopped)
			pthread_detach(t[i]);
		else
			pthread_join(t[i], NULL);
	pass_unref(p);
}

/* ---- the re-discovery thread ------------------------------------------ */

static void *
watch(void *arg)
{
	struct devreg *reg = arg;
	struct discovery *d = reg->disc;
	struct timespec until;

	pthread_mutex_lock(&d->mu);
	while (!atomic_load(&d->stopping)) {
		if (!d->kicked && ms_since(&d->began) < (long)d->every_s * 1000) {
			until = d->began;
			until.tv_sec += d->every_s;
			pthread_cond_timedwait(&d->cv, &d->mu, &until);
			continue;
		}
		log_debug("discovery: a pass, %s", d->kicked ? "for a client's list" :
		    "as every rediscover");
		d->kicked = 0;
		d->running = 1;
		clock_gettime(CLOCK_MONOTONIC, &d->began);
		pthread_mutex_unlock(&d->mu);
		pass_run(d, reg, 0);
		pthread_mutex_lock(&d->mu);
		d->running = 0;
		d->passes++;
		pthread_cond_broadcast(&d->cv);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

int
devreg_watch(struct devreg *reg)
{
	struct discovery *d = reg->disc;

	if (d == NULL || d->every_s == 0 || d->npending + d->nlines == 0)
		return 0;
	if (pthread_create(&d->thread, NULL, watch, reg) != 0)
		return -1;
	d->started = 1;
	log_info("discovery: again every %u s, and on a list request at most "
	    "every %u s", d->every_s, d->every_s < DISCOVERY_LIST_GAP_S ?
	    d->every_s : DISCOVERY_LIST_GAP_S);
	return 0;
}

void
devreg_refresh(struct devreg *reg)
{
	struct discovery *d = reg->disc;
	struct timespec until;
	unsigned long target;
	long gap;

	if (d == NULL || !d->started)
		return;
	gap = (long)(d->every_s < DISCOVERY_LIST_GAP_S ? d->every_s :
	    DISCOVERY_LIST_GAP_S) * 1000;
	pthread_mutex_lock(&d->mu);
	if (!d->running && ms_since(&d->began) < gap) {
		pthread_mutex_unlock(&d->mu);
		return;
	}
	/* A pass on its way, or one started now: the list waits a little for it. */
	target = d->passes + 1;
	if (!d->running) {
		d->kicked = 1;
		pthread_cond_broadcast(&d->cv);
	}
	deadline_in(&until, DISCOVERY_LIST_WAIT_MS);
	while (d->passes < target && !atomic_load(&d->stopping))
		if (pthread_cond_timedwait(&d->cv, &d->mu, &until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&d->mu);
}

/* ---- life -------------------------------------------------------------- */

struct discovery *
discovery_new(const struct config *conf, const struct device *templates,
    int ntemplates)
{
	struct discovery *d;
	int i;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	pthread_mutex_init(&d->mu, NULL);
	cond_init(&d->cv);
	d->lines = calloc((size_t)conf->ndiscover + 1, sizeof(*d->lines));
	d->line_down = calloc((size_t)conf->ndiscover + 1, sizeof(*d->line_down));
	d->pending = calloc((size_t)ntemplates + 1, sizeof(*d->pending));
	if (d->lines == NULL || d->line_down == NULL || d->pending == NULL) {
		discovery_free(d);
		return NULL;
	}
	for (i = 0; i < conf->ndiscover; i++)
		memcpy(d->lines[i], conf->discover[i], sizeof(d->lines[0]));
	d->nlines = conf->ndiscover;
	for (i = 0; i < ntemplates; i++)
		d->pending[i].dev = templates[i];
	d->npending = ntemplates;
	d->every_s = conf->rediscover_s;
	clock_gettime(CLOCK_MONOTONIC, &d->began);
	return d;
}

void
discovery_pass(struct discovery *d, struct devreg *reg, int first)
{
	if (first && d->npending + d->nlines > 1)
		log_info("discovery: %d device line%s and %d discover line%s at once",
		    d->npending, d->npending == 1 ? "" : "s", d->nlines,
		    d->nlines == 1 ? "" : "s");
	pass_run(d, reg, first);
}

int
discovery_room(const struct discovery *d)
{
	return d->every_s == 0 ? 0 : d->npending + DISCOVERY_FOUND_MAX * d->nlines;
}

void
discovery_free(struct discovery *d)
{
	if (d == NULL)
		return;
	if (d->started) {
		pthread_mutex_lock(&d->mu);
		atomic_store(&d->stopping, 1);
		pthread_cond_broadcast(&d->cv);
		pthread_mutex_unlock(&d->mu);
		pthread_join(d->thread, NULL);
	}
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	free(d->lines);
	free(d->line_down);
	free(d->pending);
	free(d);
}
