/*
 * registry.c - the devices this daemon serves and who holds each one.
 *
 * Built at start-up (discovery.c finds the devices); afterwards discovery
 * may append devices and the busy flags change, all under the registry's
 * lock (see registry_int.h).
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
#include "registry_int.h"

/*
 * Room for one more device at devs[ndevs]; NULL on memory exhaustion, or
 * when the registry is fixed (sessions hold pointers into it) and full.
 */
static struct device *
grow(struct devreg *reg)
{
	struct device *d;
	int cap = reg->cap ? reg->cap * 2 : 8;

	if (reg->ndevs == reg->cap) {
		if (reg->fixed || (d = realloc(reg->devs, (size_t)cap * sizeof(*d))) == NULL)
			return NULL;
		reg->devs = d;
		reg->cap = cap;
	}
	d = &reg->devs[reg->ndevs];
	memset(d, 0, sizeof(*d));
	d->lock_fd = -1;
	return d;
}

int
devreg_name_taken(const struct devreg *reg, const char *name)
{
	int i;

	for (i = 0; i < reg->ndevs; i++)
		if (strcmp(reg->devs[i].name, name) == 0)
			return 1;
	return 0;
}

int
devreg_uri_taken(const struct devreg *reg, const char *uri)
{
	int i;

	for (i = 0; i < reg->ndevs; i++)
		if (scsi_uri_same(reg->devs[i].uri, uri))
			return 1;
	return 0;
}

int
devreg_append(struct devreg *reg, const struct device *dev, int discovered)
{
	struct device *slot;
	char shown[256];

	if ((slot = grow(reg)) == NULL) {
		log_warn("device %s: no room for more devices (%d); not served",
		    dev->name, reg->ndevs);
		return -1;
	}
	*slot = *dev;
	slot->busy = 0;
	slot->lock_fd = -1;
	log_info("device %s: %s %s (%s) at %s, driver %s%s%s%s", dev->name,
	    dev->vendor, dev->model, dev->type,
	    scsi_uri_display(dev->uri, shown, sizeof(shown)), dev->driver,
	    dev->backend[0] != '\0' ? " of backend " : "", dev->backend,
	    discovered ? " (discovered)" : "");
	reg->ndevs++;
	return 0;
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

/*
 * A libsane device, unless its name is taken or it sits on an sg node we
 * already drive ourselves (SANE names carry the node: coolscan3:scsi:/dev/sg3).
 */
static int
add_bridged(void *arg, const struct device *tmpl)
{
	struct devreg *reg = arg;
	struct device *dev;
	const char *node;
	int i;

	if (devreg_name_taken(reg, tmpl->name)) {
		log_warn("backends: %s: a device of that name exists; not served", tmpl->name);
		return -1;
	}
	for (i = 0; i < reg->ndevs; i++) {
		if (strncmp(reg->devs[i].uri, "sg:", 3) != 0)
			continue;
		node = strstr(tmpl->name, reg->devs[i].uri + 3);
		if (node != NULL && node[strlen(reg->devs[i].uri + 3)] == '\0') {
			log_info("backends: %s is %s, driven natively; not served twice",
			    tmpl->name, reg->devs[i].name);
			return -1;
		}
	}
	if ((dev = grow(reg)) == NULL)
		return -1;
	*dev = *tmpl;
	dev->lock_fd = -1;
	log_info("device %s: %s %s (%s), system SANE backend", dev->name, dev->vendor,
	    dev->model, dev->type);
	reg->ndevs++;
	return 0;
}

/*
 * The device lines as devices to probe, CHAP folded into their URIs; a
 * line whose URI would not fit is left out.  *N set; NULL if out of memory.
 */
static struct device *
templates_of(const struct config *conf, int *n)
{
	struct device *t, *dev;
	int i;

	*n = 0;
	if ((t = calloc((size_t)conf->ndevices + 1, sizeof(*t))) == NULL)
		return NULL;
	for (i = 0; i < conf->ndevices; i++) {
		dev = &t[*n];
		dev->lock_fd = -1;
		strcpy(dev->name, conf->devices[i].name);
		strcpy(dev->uri, conf->devices[i].uri);
		dev->timeout_ms = conf->devices[i].timeout_ms;
		strcpy(dev->backend, conf->devices[i].backend);
		dev->stall_ms = conf->scan_stall_s * 1000;
		dev->escl_port = conf->devices[i].escl_port;
		if (fold_chap(dev, &conf->devices[i]) < 0) {
			log_err("device %s: URI with CHAP credentials longer than %zu "
			    "bytes; not served", dev->name, sizeof(dev->uri) - 1);
			continue;
		}
		(*n)++;
	}
	return t;
}

int
devreg_build(struct devreg *reg, const struct config *conf)
{
	struct device *tmpl, *d;
	int n, room;

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
	if ((tmpl = templates_of(conf, &n)) == NULL)
		return -1;
	hosted_offer_config(conf->backends, conf->backends_only, conf->backends_ignore,
	    conf->scan_stall_s * 1000);
	reg->disc = discovery_new(conf, tmpl, n);
	explicit_bzero(tmpl, ((size_t)conf->ndevices + 1) * sizeof(*tmpl));
	free(tmpl);
	if (reg->disc == NULL)
		return -1;
	discovery_pass(reg->disc, reg, 1);
	if (conf->backends)
		libsane_enumerate(conf->backends_only, conf->backends_ignore,
		    add_bridged, reg);
	/* From here on sessions hold pointers into devs: it never moves again. */
	room = reg->ndevs + discovery_room(reg->disc);
	if (room > reg->cap) {
		if ((d = realloc(reg->devs, (size_t)room * sizeof(*d))) == NULL)
			return -1;
		reg->devs = d;
		reg->cap = room;
	}
	reg->fixed = 1;
	return 0;
}

void
devreg_free(struct devreg *reg)
{
	discovery_free(reg->disc);
	libsane_unload();
	free(reg->devs);
	pthread_mutex_destroy(&reg->lock);
	memset(reg, 0, sizeof(*reg));
}

int
devreg_count(struct devreg *reg)
{
	int n;

	pthread_mutex_lock(&reg->lock);
	n = reg->ndevs;
	pthread_mutex_unlock(&reg->lock);
	return n;
}

struct device *
devreg_find(struct devreg *reg, const char *name)
{
	int i, n;

	if (name == NULL)
		return NULL;
	n = devreg_count(reg);
	/* SANE convention: the empty name opens the first device. */
	if (name[0] == '\0')
		return n > 0 ? &reg->devs[0] : NULL;
	for (i = 0; i < n; i++)
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
	return devreg_acquire_by(reg, dev, "");
}

SANE_Status
devreg_acquire_by(struct devreg *reg, struct device *dev, const char *who)
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
		snprintf(dev->holder, sizeof(dev->holder), "%s", who);
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
	dev->holder[0] = '\0';
	pthread_mutex_unlock(&reg->lock);
}

int
devreg_holder(struct devreg *reg, struct device *dev, char *who, size_t len)
{
	int busy;

	pthread_mutex_lock(&reg->lock);
	busy = dev->busy;
	if (len > 0)
		snprintf(who, len, "%s", busy ? dev->holder : "");
	pthread_mutex_unlock(&reg->lock);
	return busy;
}
