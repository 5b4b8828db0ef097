/*
 * driver.h - how the core finds the driver for a device.
 *
 * Each driver names the INQUIRY identities it was written for.  Probing
 * opens the device's transport, asks INQUIRY, and gives the device to the
 * driver that names it, or else to the generic one.  Drivers call scsi.h
 * only.
 */
#ifndef SCSANED_DRIVER_H
#define SCSANED_DRIVER_H

#include "device.h"
#include "scsi.h"

/* A model a driver was written for: its INQUIRY strings, and its name to clients. */
struct driver_model {
	const char *vendor, *product;	/* INQUIRY, exactly */
	const char *sane_vendor, *sane_model;
};

struct driver {
	const char *name;
	const char *type;	/* the SANE device type: "film scanner", ... */
	/*
	 * The models it was written for, ending with a zeroed entry; a device
	 * whose INQUIRY matches one goes to this driver.  NULL for a generic
	 * command-set driver, which takes any scanner no other driver names,
	 * under its INQUIRY strings.
	 */
	const struct driver_model *models;
	const struct device_ops *ops;
};

/*
 * Open DEV->uri, identify the device and attach the best driver to DEV.
 * Returns 0, or -1 with a reason in ERR.
 */
int driver_probe(struct device *dev, char *err, size_t errlen);

/*
 * DEV (name, URI, backend set) driven by the Debian SANE backend
 * DEV->backend in a helper process of its own (drivers/hosted/).  Reaches
 * the device and asks the backend for its names; 0, or -1 with ERR.
 */
int hosted_probe(struct device *dev, char *err, size_t errlen);

/*
 * DEV (name and URI set), found by discovery: the driver written for its
 * model; else, with backends on, the first SCSI backend whose own
 * discovery finds it (DEV is then hosted, its backend's names shown, and
 * its name and FOUND's, if given, become "BACKEND:NAME"); else the
 * generic driver.  0, or -1 with ERR.  Thread-safe after the config.
 */
int hosted_claim(struct device *dev, struct scsi_found *found, char *err, size_t errlen);
/*
 * The backends rule of the config, before any hosted_claim: ON (backends
 * yes|LIST), ONLY (the LIST, "" for every backend of the system's
 * dll.conf, asked in its order), IGNORE (backends not to ask), and the
 * scan stall timeout hosted devices get.
 */
void hosted_offer_config(int on, const char *only, const char *ignore, unsigned stall_ms);

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
