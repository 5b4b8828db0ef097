/*
 * libsane.c - serve the system's own SANE backends next to our drivers.
 *
 * libsane.so.1 (the dll meta-backend) is loaded at run time with dlopen,
 * so scsaned builds and runs where it is absent.  Its devices keep their
 * SANE names (test:0, epson2:libusb:001:004, ...) and pass through
 * unchanged: option descriptors, values, parameters and data.
 *
 * SANE backends are written for one frontend in one process.  saned gives
 * every client a process; we serve clients from threads, so every call
 * into libsane except sane_read holds one bridge lock, and sane_read is
 * only ever called for a handle by the thread that holds the handle's own
 * lock (net/ guarantees that).  net: devices are never served (no
 * loops), and a device whose name shows an sg node we drive natively is
 * left to our driver.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/driver.h"
#include "scsaned/log.h"

static struct {
	void *lib;
	int inited;
	pthread_mutex_t lock;
	SANE_Status (*init)(SANE_Int *, SANE_Auth_Callback);
	SANE_Status (*get_devices)(const SANE_Device ***, SANE_Bool);
	SANE_Status (*open)(SANE_String_Const, SANE_Handle *);
	void (*close)(SANE_Handle);
	const SANE_Option_Descriptor *(*get_option_descriptor)(SANE_Handle, SANE_Int);
	SANE_Status (*control_option)(SANE_Handle, SANE_Int, SANE_Action, void *,
	    SANE_Int *);
	SANE_Status (*get_parameters)(SANE_Handle, SANE_Parameters *);
	SANE_Status (*start)(SANE_Handle);
	SANE_Status (*read)(SANE_Handle, SANE_Byte *, SANE_Int, SANE_Int *);
	void (*cancel)(SANE_Handle);
	SANE_Status (*set_io_mode)(SANE_Handle, SANE_Bool);
	SANE_Status (*get_select_fd)(SANE_Handle, SANE_Int *);
} ls = { .lock = PTHREAD_MUTEX_INITIALIZER };

#define LOCKED(expr) do { pthread_mutex_lock(&ls.lock); expr; \
	pthread_mutex_unlock(&ls.lock); } while (0)

static SANE_Status
ls_open(struct device *dev, void **handle)
{
	SANE_Status st;
	SANE_Handle h = NULL;

	LOCKED(st = ls.open(dev->name, &h));
	*handle = h;
	return st;
}

static void
ls_close(void *h)
{
	LOCKED(ls.close(h));
}

static const SANE_Option_Descriptor *
ls_option(void *h, SANE_Int n)
{
	const SANE_Option_Descriptor *d;

	LOCKED(d = ls.get_option_descriptor(h, n));
	return d;
}

static SANE_Status
ls_control(void *h, SANE_Int n, SANE_Action a, void *v, SANE_Int *info)
{
	SANE_Status st;

	LOCKED(st = ls.control_option(h, n, a, v, info));
	return st;
}

static SANE_Status
ls_parameters(void *h, SANE_Parameters *p)
{
	SANE_Status st;

	LOCKED(st = ls.get_parameters(h, p));
	return st;
}

static SANE_Status
ls_start(void *h)
{
	SANE_Status st;

	LOCKED(st = ls.start(h));
	return st;
}

/*
 * Non-blocking mode where the backend offers it: the data thread then
 * waits on the backend's fd (and its own stop signal) instead of inside
 * a read a cancel cannot interrupt.
 */
static int
ls_select_fd(void *h)
{
	SANE_Int fd = -1;
	SANE_Status st;

	pthread_mutex_lock(&ls.lock);
	st = ls.get_select_fd(h, &fd);
	if (st == SANE_STATUS_GOOD && fd >= 0)
		st = ls.set_io_mode(h, SANE_TRUE);
	pthread_mutex_unlock(&ls.lock);
	return st == SANE_STATUS_GOOD ? fd : -1;
}

/* Not under the bridge lock: a slow scanner must not stall the others. */
static SANE_Status
ls_read(void *h, SANE_Byte *buf, SANE_Int max, SANE_Int *len)
{
	return ls.read(h, buf, max, len);
}

static void
ls_cancel(void *h)
{
	LOCKED(ls.cancel(h));
}

static const struct device_ops ls_ops = {
	.open = ls_open,
	.close = ls_close,
	.option = ls_option,
	.control = ls_control,
	.parameters = ls_parameters,
	.start = ls_start,
	.read = ls_read,
	.cancel = ls_cancel,
	.select_fd = ls_select_fd,
};

static void *
exit_at_once(void *arg)
{
	(void)arg;
	pthread_exit(NULL);
}

/*
 * Backends built on sanei_thread stop their reader threads with an
 * asynchronous pthread_cancel.  glibc loads libgcc_s, holding the dynamic
 * loader's lock, the first time any thread of the process exits or is
 * cancelled; a reader cancelled in that moment dies holding the lock, and
 * every later pthread_create in the daemon waits for ever (seen: the next
 * client after the first bridged scan hung).  One thread exiting here,
 * before any backend runs, has glibc load it where nothing interrupts it.
 */
static void
warm_unwinder(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, exit_at_once, NULL) == 0)
		pthread_join(t, NULL);
}

#define SYM(field, name) \
	(*(void **)&ls.field = dlsym(ls.lib, name)) == NULL

static int
load(void)
{
	SANE_Int version = 0;

	if (ls.inited)
		return 0;
	warm_unwinder();
	if ((ls.lib = dlopen("libsane.so.1", RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_info("backends: libsane.so.1 not found (%s); serving own devices only",
		    dlerror());
		return -1;
	}
	if (SYM(init, "sane_init") ||
	    SYM(get_devices, "sane_get_devices") || SYM(open, "sane_open") ||
	    SYM(close, "sane_close") ||
	    SYM(get_option_descriptor, "sane_get_option_descriptor") ||
	    SYM(control_option, "sane_control_option") ||
	    SYM(get_parameters, "sane_get_parameters") || SYM(start, "sane_start") ||
	    SYM(read, "sane_read") || SYM(cancel, "sane_cancel") ||
	    SYM(set_io_mode, "sane_set_io_mode") ||
	    SYM(get_select_fd, "sane_get_select_fd")) {
		log_err("backends: libsane.so.1 lacks the SANE API");
		dlclose(ls.lib);
		ls.lib = NULL;
		return -1;
	}
	/* No auth callback: backends asking for passwords are not served. */
	if (ls.init(&version, NULL) != SANE_STATUS_GOOD) {
		log_err("backends: sane_init failed");
		dlclose(ls.lib);
		ls.lib = NULL;
		return -1;
	}
	ls.inited = 1;
	log_info("backends: libsane %d.%d.%d loaded", SANE_VERSION_MAJOR(version),
	    SANE_VERSION_MINOR(version), SANE_VERSION_BUILD(version));
	return 0;
}

/* Is BACKEND (the part of NAME before ':') in the comma list LIST? */
static int
in_list(const char *list, const char *name)
{
	size_t n = strcspn(name, ":"), k;
	const char *p = list;

	while (*p != '\0') {
		k = strcspn(p, ",");
		if ((k == n && strncmp(p, name, n) == 0) ||
		    (k == strlen(name) && strncmp(p, name, k) == 0))
			return 1;
		p += k;
		if (*p == ',')
			p++;
	}
	return 0;
}

int
libsane_enumerate(const char *only, const char *ignore,
    int (*add)(void *arg, const struct device *dev), void *arg)
{
	const SANE_Device **list = NULL;
	struct device dev;
	SANE_Status st;
	int i, n = 0;

	if (load() < 0)
		return 0;
	LOCKED(st = ls.get_devices(&list, SANE_TRUE));
	if (st != SANE_STATUS_GOOD || list == NULL) {
		log_warn("backends: sane_get_devices: status %d", st);
		return 0;
	}
	for (i = 0; list[i] != NULL; i++) {
		if (list[i]->name == NULL || strncmp(list[i]->name, "net:", 4) == 0)
			continue;	/* never re-export a network scanner */
		if ((only != NULL && only[0] != '\0' && !in_list(only, list[i]->name)) ||
		    (ignore != NULL && in_list(ignore, list[i]->name))) {
			log_debug("backends: %s left out by the config", list[i]->name);
			continue;
		}
		memset(&dev, 0, sizeof(dev));
		if (strlen(list[i]->name) >= sizeof(dev.name)) {
			log_warn("backends: %.80s: name too long", list[i]->name);
			continue;
		}
		strcpy(dev.name, list[i]->name);
		snprintf(dev.uri, sizeof(dev.uri), "sane:%s", list[i]->name);
		snprintf(dev.vendor, sizeof(dev.vendor), "%s", list[i]->vendor ? list[i]->vendor : "");
		snprintf(dev.model, sizeof(dev.model), "%s", list[i]->model ? list[i]->model : "");
		snprintf(dev.type, sizeof(dev.type), "%s", list[i]->type ? list[i]->type : "");
		dev.driver = "libsane";
		dev.ops = &ls_ops;
		if (add(arg, &dev) == 0)
			n++;
	}
	return n;
}

void
libsane_unload(void)
{
	/*
	 * Nothing to do at exit: every handle was closed by its session, and
	 * sane_exit() would make the dll backend dlclose() backends whose
	 * never-freed strings leak checkers could then no longer attribute.
	 * The process's end releases the rest.
	 */
	ls.inited = 0;
}
