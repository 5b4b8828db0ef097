/*
 * probe.c - find the driver for a device from its INQUIRY identity.
 */
#include <stdio.h>
#include <string.h>

#include "scsaned/driver.h"
#include "scsaned/scsi_opcodes.h"

static const struct driver *const drivers[] = {
	&driver_coolscan,
	&driver_fs4000,
	&driver_fs2710,
	&driver_scsi2,
};

/*
 * The driver for INQ and, if it was written for the model, that model:
 * a driver that names it, else a generic driver for any scanner.
 */
static const struct driver *
match(const struct scsi_inquiry *inq, const struct driver_model **model)
{
	const struct driver *generic = NULL;
	const struct driver_model *m;
	size_t i;

	*model = NULL;
	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		if (drivers[i]->models == NULL) {
			if (generic == NULL && inq->peripheral_type == SCSI_TYPE_SCANNER)
				generic = drivers[i];
			continue;
		}
		for (m = drivers[i]->models; m->vendor != NULL; m++)
			if (strcmp(inq->vendor, m->vendor) == 0 &&
			    strcmp(inq->product, m->product) == 0) {
				*model = m;
				return drivers[i];
			}
	}
	return generic;
}

int
driver_probe(struct device *dev, char *err, size_t errlen)
{
	const struct driver *drv;
	const struct driver_model *m;
	struct scsi_target *t;
	struct scsi_inquiry inq;
	struct scsi_result res;
	char why[200];
	int rc;

	if (scsi_open(dev->uri, &t, err, errlen) < 0)
		return -1;
	rc = scsi_inquiry(t, &inq, &res);
	scsi_close(t);
	if (rc != 0) {
		snprintf(err, errlen, "INQUIRY failed: %s",
		    scsi_result_string(&res, why, sizeof(why)));
		return -1;
	}
	if ((drv = match(&inq, &m)) == NULL) {
		snprintf(err, errlen, "no driver for '%s' '%s' (%s, type %u)",
		    inq.vendor, inq.product, scsi_type_name(inq.peripheral_type),
		    inq.peripheral_type);
		return -1;
	}
	snprintf(dev->vendor, sizeof(dev->vendor), "%s", m != NULL ? m->sane_vendor : inq.vendor);
	snprintf(dev->model, sizeof(dev->model), "%s", m != NULL ? m->sane_model : inq.product);
	snprintf(dev->type, sizeof(dev->type), "%s", drv->type);
	dev->driver = drv->name;
	dev->ops = drv->ops;
	return 0;
}
