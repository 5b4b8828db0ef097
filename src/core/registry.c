/*
 * registry.c - the devices this daemon serves and who holds each one.
 *
 * Built once at start-up; afterwards only the busy flags change, under the
 * registry's lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scsaned/config.h"
#include "scsaned/device.h"
#include "scsaned/driver.h"
#include "scsaned/log.h"
#include "scsaned/scsi.h"

/* Room for one more device; NULL on memory exhaustion. */
static struct device *
grow(struct devreg *reg, int *cap)
{
	struct device *d;

	if (reg->ndevs == *cap) {
		d = realloc(reg->devs, (size_t)(*cap ? *cap * 2 : 8) * sizeof(*d));
		if (d == NULL)
			return NULL;
		reg->devs = d;
		*cap = *cap ? *cap * 2 : 8;
	}
	d = &reg->devs[reg->ndevs];
	memset(d, 0, sizeof(*d));
	d->lock_fd = -1;
	return d;
}

static int
name_taken(const struct devreg *reg, const char *name)
{
	int i;

	for (i = 0; i < reg->ndevs; i++)
		if (strcmp(reg->devs[i].name, name) == 0)
			return 1;
	return 0;
}

static int
uri_taken(const struct devreg *reg, const char *uri)
{
	int i;

	for (i = 0; i < reg->ndevs; i++)
		if (scsi_uri_same(reg->devs[i].uri, uri))
			return 1;
	return 0;
}

/* Probe DEV (filled with name and URI); keep it if a driver claims it. */
static void
add_probed(struct devreg *reg, struct device *dev, int discovered)
{
	char err[256], shown[256];

	scsi_uri_display(dev->uri, shown, sizeof(shown));
	if ((dev->backend[0] != '\0' ? hosted_probe(dev, err, sizeof(err)) :
	    driver_probe(dev, err, sizeof(err))) < 0) {
		/* Discovery finds disks and controllers too: not worth an error. */
		log_msg(discovered ? LOG_LVL_DEBUG : LOG_LVL_ERR,
		    "device %s (%s): %s; not served", dev->name, shown, err);
		return;
	}
	log_info("device %s: %s %s (%s) at %s, driver %s%s%s%s", dev->name,
	    dev->vendor, dev->model, dev->type, shown, dev->driver,
	    dev->backend[0] != '\0' ? " of backend " : "", dev->backend,
	    discovered ? " (discovered)" : "");
	reg->ndevs++;
}

static void
discover(struct devreg *reg, int *cap, const char *spec)
{
	struct scsi_found found[64];
	struct device *dev;
	char err[256];
	int n, i;

	if ((n = scsi_discover(spec, found, 64, err, sizeof(err))) < 0) {
		log_err("discover %s: %s", spec, err);
		return;
	}
	for (i = 0; i < n; i++) {
		/* A device named in the config keeps that name. */
		if (uri_taken(reg, found[i].uri) || (dev = grow(reg, cap)) == NULL)
			continue;
		memcpy(dev->name, name_taken(reg, found[i].name) ||
		    found[i].name[0] == '\0' ? found[i].alt : found[i].name,
		    sizeof(dev->name));
		dev->name[sizeof(dev->name) - 1] = '\0';
		if (name_taken(reg, dev->name))
			continue;
		memcpy(dev->uri, found[i].uri, sizeof(dev->uri));
		dev->uri[sizeof(dev->uri) - 1] = '\0';
		add_probed(reg, dev, 1);
	}
}

/*
 * Put the config's CHAP credentials into DEV's iscsi:// URI, where
 * libiscsi takes them from: user%secret@ for CHAP, target_user= and
 * target_password= for mutual CHAP.  -1 if the result would not fit.
 */
static int
fold_chap(struct device *dev, const struct config_device *cd)
{
	char uri[sizeof(dev->uri)], user[CONFIG_CHAP_MAX + 1];
	const char *rest = cd->uri + 8, *secret;
	int n;

	if (cd->chap[0] == '\0' && cd->target_chap[0] == '\0')
		return 0;
	if (cd->chap[0] != '\0') {
		snprintf(user, sizeof(user), "%s", cd->chap);
		secret = strchr(user, ':');
		user[secret - user] = '\0';
		n = snprintf(uri, sizeof(uri), "iscsi://%s%%%s@%s", user, secret + 1, rest);
	} else {
		n = snprintf(uri, sizeof(uri), "%s", cd->uri);
	}
	if (n < 0 || (size_t)n >= sizeof(uri))
		return -1;
	if (cd->target_chap[0] != '\0') {
		snprintf(user, sizeof(user), "%s", cd->target_chap);
		secret = strchr(user, ':');
		user[secret - user] = '\0';
		n = snprintf(dev->uri, sizeof(dev->uri), "%s%ctarget_user=%s&target_password=%s",
		    uri, strchr(uri, '?') ? '&' : '?', user, secret + 1);
		if (n < 0 || (size_t)n >= sizeof(dev->uri))
			return -1;
	} else {
		memcpy(dev->uri, uri, sizeof(dev->uri));
	}
	explicit_bzero(uri, sizeof(uri));
	return 0;
}

struct bridge_ctx {
	struct devreg *reg;
	int *cap;
};

/*
 * A libsane device, unless its name is taken or it sits on an sg node we
 * already drive ourselves (SANE names carry the node: coolscan3:scsi:/dev/sg3).
 */
static int
add_bridged(void *arg, const struct device *tmpl)
{
	struct bridge_ctx *b = arg;
	struct device *dev;
	const char *node;
	int i;

	if (name_taken(b->reg, tmpl->name)) {
		log_warn("backends: %s: a device of that name exists; not served", tmpl->name);
		return -1;
	}
	for (i = 0; i < b->reg->ndevs; i++) {
		if (strncmp(b->reg->devs[i].uri, "sg:", 3) != 0)
			continue;
		node = strstr(tmpl->name, b->reg->devs[i].uri + 3);
		if (node != NULL && node[strlen(b->reg->devs[i].uri + 3)] == '\0') {
			log_info("backends: %s is %s, driven natively; not served twice",
			    tmpl->name, b->reg->devs[i].name);
			return -1;
		}
	}
	if ((dev = grow(b->reg, b->cap)) == NULL)
		return -1;
	*dev = *tmpl;
	dev->lock_fd = -1;
	log_info("device %s: %s %s (%s), system SANE backend", dev->name, dev->vendor,
	    dev->model, dev->type);
	b->reg->ndevs++;
	return 0;
}

int
devreg_build(struct devreg *reg, const struct config *conf)
{
	struct device *dev;
	int i, cap = 0;

	memset(reg, 0, sizeof(*reg));
	pthread_mutex_init(&reg->lock, NULL);
	snprintf(reg->conf_path, sizeof(reg->conf_path), "%s", conf->path);
	/* Lock files let processes share the busy rule; without them, one process. */
	if (conf->lock_dir[0] != '\0') {
		if (mkdir(conf->lock_dir, 0750) == 0 || errno == EEXIST)
			snprintf(reg->lock_dir, sizeof(reg->lock_dir), "%s", conf->lock_dir);
		else
			log_info("lock_dir %s: %s; the busy rule holds within this "
			    "process only", conf->lock_dir, strerror(errno));
	}
	for (i = 0; i < conf->ndevices; i++) {
		if ((dev = grow(reg, &cap)) == NULL)
			return -1;
		strcpy(dev->name, conf->devices[i].name);
		strcpy(dev->uri, conf->devices[i].uri);
		dev->timeout_ms = conf->devices[i].timeout_ms;
		strcpy(dev->backend, conf->devices[i].backend);
		dev->stall_ms = conf->scan_stall_s * 1000;
		if (fold_chap(dev, &conf->devices[i]) < 0) {
			log_err("device %s: URI with CHAP credentials longer than %zu "
			    "bytes; not served", dev->name, sizeof(dev->uri) - 1);
			continue;
		}
		add_probed(reg, dev, 0);
	}
	for (i = 0; i < conf->ndiscover; i++)
		discover(reg, &cap, conf->discover[i]);
	if (conf->backends) {
		struct bridge_ctx b = { reg, &cap };

		libsane_enumerate(conf->backends_only, conf->backends_ignore,
		    add_bridged, &b);
	}
	return 0;
}

void
devreg_free(struct devreg *reg)
{
	libsane_unload();
	free(reg->devs);
	pthread_mutex_destroy(&reg->lock);
	memset(reg, 0, sizeof(*reg));
}

struct device *
devreg_find(struct devreg *reg, const char *name)
{
	int i;

	if (name == NULL)
		return NULL;
	/* SANE convention: the empty name opens the first device. */
	if (name[0] == '\0')
		return reg->ndevs > 0 ? &reg->devs[0] : NULL;
	for (i = 0; i < reg->ndevs; i++)
		if (strcmp(reg->devs[i].name, name) == 0)
			return &reg->devs[i];
	return NULL;
}

/*
 * What DEV's lock file stands for.  A device that processes reach in common
 * (sg:, iscsi://) is named by its canonical URI, not its name here: two
 * daemons may call one scanner by two names, or two scanners by one.  A
 * simulated scanner is made anew by every open, so there is no hardware to
 * share and each device line is a scanner of its own, whatever its URI: it
 * is named by the line's name and the config file (the processes inetd
 * starts from one file serve one such scanner).
 */
void
devreg_lock_key(const struct devreg *reg, const struct device *dev, char *out,
    size_t len)
{
	char uri[300];

	scsi_uri_canonical(dev->uri, uri, sizeof(uri));
	if (scsi_uri_shared(dev->uri))
		snprintf(out, len, "%s", uri);
	else
		snprintf(out, len, "%s as %s in %s", uri, dev->name,
		    reg->conf_path[0] != '\0' ? reg->conf_path : "(no file)");
}

/*
 * The lock file of DEV: -1 with errno EWOULDBLOCK if another process has
 * it, -2 if no lock file can be had (then the in-process rule alone holds).
 * The file says which device it stands for, for an administrator looking
 * at lock_dir.
 */
static int
lock_file(const struct devreg *reg, const struct device *dev)
{
	char path[512], key[700], shown[700];
	uint64_t h = 14695981039346656037ULL;	/* FNV-1a */
	const char *p;
	int fd;

	devreg_lock_key(reg, dev, key, sizeof(key));
	for (p = key; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ULL;
	snprintf(path, sizeof(path), "%s/dev-%016llx.lock", reg->lock_dir,
	    (unsigned long long)h);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0660)) < 0)
		return -2;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		return -1;
	}
	if (ftruncate(fd, 0) == 0)
		dprintf(fd, "%s\n", scsi_uri_display(key, shown, sizeof(shown)));
	return fd;
}

SANE_Status
devreg_acquire(struct devreg *reg, struct device *dev)
{
	SANE_Status st = SANE_STATUS_GOOD;
	int fd = -2;

	pthread_mutex_lock(&reg->lock);
	if (dev->busy) {
		st = SANE_STATUS_DEVICE_BUSY;
	} else if (reg->lock_dir[0] != '\0' && (fd = lock_file(reg, dev)) == -1) {
		st = SANE_STATUS_DEVICE_BUSY;	/* another process has it */
	} else {
		dev->busy = 1;
		dev->lock_fd = fd >= 0 ? fd : -1;
	}
	pthread_mutex_unlock(&reg->lock);
	return st;
}

void
devreg_release(struct devreg *reg, struct device *dev)
{
	pthread_mutex_lock(&reg->lock);
	if (dev->lock_fd >= 0)
		close(dev->lock_fd);	/* closing drops the flock */
	dev->lock_fd = -1;
	dev->busy = 0;
	pthread_mutex_unlock(&reg->lock);
}
