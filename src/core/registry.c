/*
 * registry.c - the devices this daemon serves and who holds each one.
 *
 * Built once at start-up; afterwards only the busy flags change, under the
 * registry's lock.
 */
#include <stdlib.h>
#include <string.h>

#include "scsaned/config.h"
#include "scsaned/device.h"
#include "scsaned/driver.h"
#include "scsaned/log.h"
#include "scsaned/scsi.h"

int
devreg_build(struct devreg *reg, const struct config *conf)
{
	struct device *dev;
	char err[256], shown[256];
	int i;

	memset(reg, 0, sizeof(*reg));
	pthread_mutex_init(&reg->lock, NULL);
	if (conf->ndevices == 0)
		return 0;
	reg->devs = calloc((size_t)conf->ndevices, sizeof(*reg->devs));
	if (reg->devs == NULL)
		return -1;
	for (i = 0; i < conf->ndevices; i++) {
		dev = &reg->devs[reg->ndevs];
		memset(dev, 0, sizeof(*dev));
		strcpy(dev->name, conf->devices[i].name);
		strcpy(dev->uri, conf->devices[i].uri);
		dev->timeout_ms = conf->devices[i].timeout_ms;
		scsi_uri_display(dev->uri, shown, sizeof(shown));
		if (driver_probe(dev, err, sizeof(err)) < 0) {
			log_err("device %s (%s): %s; not served", dev->name,
			    shown, err);
			continue;
		}
		log_info("device %s: %s %s (%s) at %s, driver %s", dev->name,
		    dev->vendor, dev->model, dev->type, shown, dev->driver);
		reg->ndevs++;
	}
	return 0;
}

void
devreg_free(struct devreg *reg)
{
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

SANE_Status
devreg_acquire(struct devreg *reg, struct device *dev)
{
	SANE_Status st = SANE_STATUS_GOOD;

	pthread_mutex_lock(&reg->lock);
	if (dev->busy)
		st = SANE_STATUS_DEVICE_BUSY;
	else
		dev->busy = 1;
	pthread_mutex_unlock(&reg->lock);
	return st;
}

void
devreg_release(struct devreg *reg, struct device *dev)
{
	pthread_mutex_lock(&reg->lock);
	dev->busy = 0;
	pthread_mutex_unlock(&reg->lock);
}
