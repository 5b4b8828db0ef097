/*
 * device.h - the device registry and the SANE-backend-shaped interface that
 * net/ uses to drive any scanner.
 *
 * struct device_ops mirrors the SANE backend API one handle at a time, so a
 * driver written against it could equally be wrapped as a libsane backend.
 * net/ never sees what is behind it (SCSI, a simulator, a libsane device).
 */
#ifndef SCSANED_DEVICE_H
#define SCSANED_DEVICE_H

#include <pthread.h>
#include <sane/sane.h>

struct device;

/*
 * The most bytes one read() hands up, and so the payload of one data
 * record: net/ offers a driver this much per record and a driver asks the
 * device for at most this much per READ, so one READ fills one record.
 */
#define DEVICE_XFER_MAX	(256 * 1024)

struct device_ops {
	/* Open DEV; on success *handle is the driver's per-open state. */
	SANE_Status (*open)(struct device *dev, void **handle);
	/* Release everything.  Never called while a read() runs. */
	void (*close)(void *h);
	/* Descriptor N, or NULL past the end.  Valid until the next control(). */
	const SANE_Option_Descriptor *(*option)(void *h, SANE_Int n);
	/*
	 * As sane_control_option().  VALUE points to at least the option's
	 * descriptor size bytes (the caller guarantees this).
	 */
	SANE_Status (*control)(void *h, SANE_Int n, SANE_Action a, void *value,
	    SANE_Int *info);
	SANE_Status (*parameters)(void *h, SANE_Parameters *p);
	SANE_Status (*start)(void *h);
	/*
	 * Fill up to MAX bytes.  GOOD with *len > 0, or EOF at the end of the
	 * frame, or an error.  May block on the device; never on the network.
	 */
	SANE_Status (*read)(void *h, SANE_Byte *buf, SANE_Int max, SANE_Int *len);
	/*
	 * Stop the scan and return the device to idle.  Called from the thread
	 * that owns the handle, never concurrently with read().
	 */
	void (*cancel)(void *h);
	/*
	 * Optional.  After start(): an fd that becomes readable when read()
	 * has data, read() then never blocks (it may answer GOOD with 0
	 * bytes); or -1 if reads block.  NULL means -1.
	 */
	int (*select_fd)(void *h);
};

/* A device the daemon serves.  Fields are fixed once it is served. */
struct device {
	char name[64];		/* the SANE name clients see after "net:host:" */
	char uri[256];		/* sim:..., sg:..., iscsi://... */
	char vendor[32];
	char model[32];
	char type[32];		/* "flatbed scanner", "film scanner", ... */
	unsigned timeout_ms;	/* limit for every SCSI command; 0 = the driver's */
	const char *driver;	/* name of the driver that claimed it */
	const struct device_ops *ops;
	char backend[33];	/* a Debian SANE backend hosts it (backend=), or "" */
	unsigned stall_ms;	/* how long a hosted backend may take to answer */

	unsigned escl_port;	/* escl_port= of its line; 0 = the front picks */

	/* Owned by the registry; see devreg_acquire(). */
	int busy;
	int lock_fd;		/* the cross-process lock while busy, or -1 */
	char holder[80];	/* who has it while busy, for status pages */
};

struct discovery;

/*
 * The registry: every device named by the configuration that answered.
 * Discovery may append devices while sessions run (devreg_watch), so
 * other threads read ndevs through devreg_count(); devs never moves once
 * built, and a device once served stays at its place.
 */
struct devreg {
	struct device *devs;
	int ndevs;
	int cap;		/* slots in devs */
	int fixed;		/* built: devs never moves again */
	pthread_mutex_t lock;
	char lock_dir[256];	/* per-device lock files; "" = none */
	char conf_path[256];	/* the config file: it names simulated devices' locks */
	struct discovery *disc;	/* the lines still to find (discovery.c) */
};

struct config;

/*
 * Probe every device of CONF and keep those a driver claims.  A device that
 * cannot be reached or claimed is logged and left out; it never stops the
 * others.  Device lines and discover lines are tried all at once, so a
 * host that does not answer delays the build by one connect timeout
 * whatever the number of hosts.  Returns 0, or -1 only on memory
 * exhaustion.
 */
int devreg_build(struct devreg *reg, const struct config *conf);
void devreg_free(struct devreg *reg);

/*
 * While the daemon serves: every `rediscover` seconds of the config, a
 * thread tries again the device lines not served and runs the discover
 * lines again, and serves what answers.  Nothing if rediscover is 0 or
 * there is nothing to find.  Call after any fork (the thread does not
 * cross it).  0, or -1 if the thread cannot start.
 */
int devreg_watch(struct devreg *reg);

/*
 * A client asks for the list: when watched and the last pass began long
 * enough ago (10 s, or rediscover if shorter), start one now; wait for
 * the pass on its way at most 1 s.  Thread-safe.
 */
void devreg_refresh(struct devreg *reg);

/* How many devices are served: devs[0..n-1] stay valid.  Thread-safe. */
int devreg_count(struct devreg *reg);

/* Device by SANE name; "" means the first device.  NULL if none. */
struct device *devreg_find(struct devreg *reg, const char *name);

/*
 * Take exclusive ownership of DEV for one open handle, within this process
 * and, through a lock file in the registry's lock_dir, across processes
 * (inetd mode, two daemons).  Returns SANE_STATUS_GOOD or
 * SANE_STATUS_DEVICE_BUSY.  Thread-safe.
 */
SANE_Status devreg_acquire(struct devreg *reg, struct device *dev);
/* The same, naming the holder WHO ("SANE client 10.0.0.5") for status pages. */
SANE_Status devreg_acquire_by(struct devreg *reg, struct device *dev,
    const char *who);
void devreg_release(struct devreg *reg, struct device *dev);
/*
 * 1 if DEV is held in this process, with its holder's name copied to WHO;
 * 0 if not.  Thread-safe.
 */
int devreg_holder(struct devreg *reg, struct device *dev, char *who, size_t len);

/*
 * The text DEV's cross-process lock is named after: the canonical URI of a
 * device processes share (sg:, iscsi://); for a simulated one, which every
 * open makes anew, the URI with the device's name and the config file.
 */
void devreg_lock_key(const struct devreg *reg, const struct device *dev,
    char *out, size_t len);

/* "Device busy" etc.: the text SANE gives each status, without libsane. */
const char *device_status_string(SANE_Status st);

#endif
