/*
 * probe.c - find the driver for a device from its INQUIRY identity.
 */
#include <stdio.h>
#include <string.h>

#include "scsaned/driver.h"
#include "scsaned/log.h"

/* Specific drivers first; the generic SCSI-2 driver claims with score 1. */
static const struct driver *const drivers[] = {
	&driver_coolscan,
	&driver_fs4000,
	&driver_fs2710,
	&driver_scsi2,
};

int
driver_probe(struct device *dev, char *err, size_t errlen)
{
	const struct driver *best = NULL;
	struct scsi_target *t;
	struct scsi_inquiry inq;
	struct scsi_result res;
	char why[200];
	size_t i;
	int score, best_score = 0, rc;

	if (scsi_open(dev->uri, &t, err, errlen) < 0)
		return -1;
	if ((rc = scsi_inquiry(t, &inq, &res)) != 0) {
		snprintf(err, errlen, "INQUIRY failed: %s",
		    scsi_result_string(&res, why, sizeof(why)));
		scsi_close(t);
		return -1;
	}
	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		score = drivers[i]->claims(&inq);
		if (score > best_score) {
			best_score = score;
			best = drivers[i];
		}
	}
	if (best == NULL) {
		snprintf(err, errlen, "no driver for '%s' '%s' (%s, type %u)",
		    inq.vendor, inq.product, scsi_type_name(inq.peripheral_type),
		    inq.peripheral_type);
		scsi_close(t);
		return -1;
	}
	snprintf(dev->vendor, sizeof(dev->vendor), "%s", inq.vendor);
	snprintf(dev->model, sizeof(dev->model), "%s", inq.product);
	snprintf(dev->type, sizeof(dev->type), "%s", "scanner");
	dev->driver = best->name;
	dev->ops = best->ops;
	rc = best->describe != NULL ? best->describe(dev, t, &inq) : 0;
	scsi_close(t);
	if (rc < 0) {
		snprintf(err, errlen, "driver %s could not set the device up",
		    best->name);
		return -1;
	}
	return 0;
}
