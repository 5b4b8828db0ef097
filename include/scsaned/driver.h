/*
 * driver.h - how the core finds the driver for a device.
 *
 * Each driver declares which INQUIRY identities it claims.  Probing opens
 * the device's transport, asks INQUIRY, and gives the device to the driver
 * with the highest claim.  Drivers call scsi.h only.
 */
#ifndef SCSANED_DRIVER_H
#define SCSANED_DRIVER_H

#include "device.h"
#include "scsi.h"

struct driver {
	const char *name;
	/*
	 * 0 if the driver cannot drive INQ; otherwise a score: 1 for a generic
	 * command-set driver, 10 for a driver written for that model.
	 */
	int (*claims)(const struct scsi_inquiry *inq);
	/*
	 * Fill DEV's vendor/model/type and driver_data from INQ (and, where the
	 * driver needs it, further pages read through T).  0 or -1.
	 */
	int (*describe)(struct device *dev, struct scsi_target *t,
	    const struct scsi_inquiry *inq);
	const struct device_ops *ops;
};

/*
 * Open DEV->uri, identify the device and attach the best driver to DEV.
 * Returns 0, or -1 with a reason in ERR.
 */
int driver_probe(struct device *dev, char *err, size_t errlen);

extern const struct driver driver_scsi2;
extern const struct driver driver_coolscan;
extern const struct driver driver_fs4000;
extern const struct driver driver_fs2710;

/*
 * The system's SANE backends (libsane.so.1, loaded at run time): call ADD
 * with each local device, unless its backend is left out (ONLY: a comma
 * list of backends to serve, NULL or "" for all; IGNORE: backends or
 * device names to skip).  Returns how many ADD accepted (ADD returns 0).
 * Without libsane, logs one line and returns 0.
 */
int libsane_enumerate(const char *only, const char *ignore,
    int (*add)(void *arg, const struct device *dev), void *arg);
void libsane_unload(void);

#endif
