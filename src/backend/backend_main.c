/*
 * backend_main.c - scsaned-backend: host one Debian SANE backend for one
 * device, on behalf of scsaned, over the socket it was given.
 *
 *   scsaned-backend -f FD [-d LEVEL] [-S]
 *
 * scsaned starts one per open of a bridged device, in a process group of
 * its own, and talks to it in the messages of scsaned/hostmsg.h.  Whatever
 * the backend does (crash, hang, fork, keep static state), it does it
 * here: the daemon loses one scan at most.  The backend reaches the device
 * through sanei_scsi.c, i.e. scsaned's scsi/ layer (sg:, iscsi://, sim:).
 */
#include <ctype.h>
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "scsaned/hostmsg.h"
#include "scsaned/log.h"
#include "backend_int.h"

#ifndef SANE_BACKEND_DIR
#define SANE_BACKEND_DIR "/usr/lib/x86_64-linux-gnu/sane"
#endif
#ifndef SANE_CONFIG_DEFAULT
#define SANE_CONFIG_DEFAULT "/etc/sane.d"
#endif

#if defined(__SANITIZE_ADDRESS__)
#define HOST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOST_ASAN 1
#endif
#endif
#ifdef HOST_ASAN
/*
 * Debian's backends are built without frame pointers, so ASan's fast
 * unwinder stops at their first frame: a leak of theirs (umax's reader
 * thread, cancelled between its fdopen and its fclose) shows only libc's
 * frames, and tests/lsan.supp cannot tell it is libsane's.  The slow
 * unwinder reads their unwind tables.  Only this process hosts foreign
 * code, so only it pays for the slow unwinder.
 */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}
#endif

static struct {
	void *lib;
	SANE_Status (*init)(SANE_Int *, SANE_Auth_Callback);
	void (*exit)(void);
	SANE_Status (*get_devices)(const SANE_Device ***, SANE_Bool);
	SANE_Status (*open)(SANE_String_Const, SANE_Handle *);
	void (*close)(SANE_Handle);
	const SANE_Option_Descriptor *(*option)(SANE_Handle, SANE_Int);
	SANE_Status (*control)(SANE_Handle, SANE_Int, SANE_Action, void *, SANE_Int *);
	SANE_Status (*parameters)(SANE_Handle, SANE_Parameters *);
	SANE_Status (*start)(SANE_Handle);
	SANE_Status (*read)(SANE_Handle, SANE_Byte *, SANE_Int, SANE_Int *);
	void (*cancel)(SANE_Handle);
	SANE_Handle h;
	int inited;
} be;

static int
valid_backend(const char *name)
{
	if (*name == '\0' || strlen(name) > 32)
		return 0;
	for (; *name != '\0'; name++)
		if (!islower((unsigned char)*name) && !isdigit((unsigned char)*name) &&
		    *name != '_')
			return 0;
	return 1;
}

/* sane_NAME_SUFFIX from the backend, or -1. */
static int
sym(void *field, const char *name, const char *suffix)
{
	char s[80];

	snprintf(s, sizeof(s), "sane_%s_%s", name, suffix);
	return (*(void **)field = dlsym(be.lib, s)) == NULL ? -1 : 0;
}

/*
 * libsane-NAME.so.1 from SCSANED_BACKEND_DIR (tests add backends there),
 * else the system's SANE directory.  Its config comes from
 * SCSANED_BACKEND_CONFIG_DIR or the system's, never from "." (sanei's
 * default search starts there, and the helper's working directory is
 * nobody's choice).  A backend that is not there is logged at LEVEL.
 * Loaded for good (RTLD_NODELETE): a backend's sane_exit may leave
 * threads of its libraries running (libusb's event thread, when it does
 * not call sanei_usb_exit), and unmapping their code under them would
 * crash the helper at the next probe.
 */
static int
load(const char *name, int level)
{
	const char *dir = getenv("SCSANED_BACKEND_DIR");
	const char *conf = getenv("SCSANED_BACKEND_CONFIG_DIR");
	char path[512];

	setenv("SANE_CONFIG_DIR", conf != NULL ? conf : SANE_CONFIG_DEFAULT, 1);
	if (dir != NULL) {
		snprintf(path, sizeof(path), "%s/libsane-%s.so.1", dir, name);
		be.lib = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	}
	if (be.lib == NULL) {
		snprintf(path, sizeof(path), "%s/libsane-%s.so.1", SANE_BACKEND_DIR, name);
		be.lib = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	}
	if (be.lib == NULL) {
		log_msg(level, "backend host: %s", dlerror());
		return -1;
	}
	if (sym(&be.init, name, "init") || sym(&be.exit, name, "exit") ||
	    sym(&be.get_devices, name, "get_devices") || sym(&be.open, name, "open") ||
	    sym(&be.close, name, "close") ||
	    sym(&be.option, name, "get_option_descriptor") ||
	    sym(&be.control, name, "control_option") ||
	    sym(&be.parameters, name, "get_parameters") || sym(&be.start, name, "start") ||
	    sym(&be.read, name, "read") || sym(&be.cancel, name, "cancel")) {
		log_err("backend host: %s lacks the SANE API", path);
		return -1;
	}
	return 0;
}

/* The backend, if any, done: closed, exited, its handle dropped. */
static void
unload(void)
{
	if (be.h != NULL)
		be.close(be.h);
	if (be.inited)
		be.exit();
	if (be.lib != NULL)
		dlclose(be.lib);
	memset(&be, 0, sizeof(be));
}

/*
 * The backend talks SCSI: it carries its own sanei_scsi (the 45 Debian
 * SCSI backends all export it), which our definitions stand in for.
 */
static int
has_scsi(void)
{
	void *own = dlsym(be.lib, "sanei_scsi_find_devices");

	return own != NULL && own != (void *)sanei_scsi_find_devices;
}

/* The backend's device on our LUN: the one whose name holds LUN_NAME. */
static const SANE_Device *
our_device(void)
{
	const SANE_Device **list = NULL;
	int i;

	if (be.get_devices(&list, SANE_TRUE) != SANE_STATUS_GOOD || list == NULL)
		return NULL;
	for (i = 0; list[i] != NULL; i++)
		if (list[i]->name != NULL && strstr(list[i]->name, LUN_NAME) != NULL)
			return list[i];
	return NULL;
}

/*
 * The backend and LUN a request names (backend, uri, timeout_ms), the LUN
 * configured; -1 if the request is bad or a backend is loaded already.
 */
static int
take_lun(struct hm_in *in, char name[40])
{
	char uri[256];
	uint32_t timeout_ms;

	hm_get_str(in, name, 40);
	hm_get_str(in, uri, sizeof(uri));
	timeout_ms = hm_get_u32(in);
	if (hm_in_done(in) != 0 || be.lib != NULL || !valid_backend(name))
		return -1;
	lun_configure(uri, timeout_ms);
	return 0;
}

/* STATUS and the backend's names for the LUN (D, or none). */
static void
put_names(struct hm_out *o, SANE_Status st, const SANE_Device *d)
{
	hm_put_u32(o, (uint32_t)st);
	hm_put_str(o, d ? d->vendor : "");
	hm_put_str(o, d ? d->model : "");
	hm_put_str(o, d ? d->type : "");
}

static void
do_open(struct hm_in *in, struct hm_out *o)
{
	char name[40];
	const SANE_Device *d = NULL;
	SANE_Status st = SANE_STATUS_INVAL;
	SANE_Int version;

	if (take_lun(in, name) == 0 && load(name, LOG_LVL_ERR) == 0) {
		if ((st = be.init(&version, NULL)) == SANE_STATUS_GOOD) {
			be.inited = 1;
			if ((d = our_device()) == NULL) {
				log_err("backend host: %s does not claim the device", name);
				st = SANE_STATUS_INVAL;
			} else {
				st = be.open(d->name, &be.h);
			}
		}
	}
	put_names(o, st, st == SANE_STATUS_GOOD ? d : NULL);
}

/*
 * Would the backend serve the LUN?  It is loaded, runs its own discovery
 * (its config's scsi lines, its model table) against the LUN's INQUIRY,
 * and is unloaded, whatever it answers; the LUN stays reached for the
 * next backend.  Only a scanner or processor is worth asking about: sanei
 * opens no other type.
 */
static void
do_probe(struct hm_in *in, struct hm_out *o)
{
	char name[40];
	const SANE_Device *d = NULL;
	SANE_Status st = SANE_STATUS_INVAL;
	SANE_Int version;
	int type = -1;

	if (take_lun(in, name) == 0) {
		type = lun_type();
		st = SANE_STATUS_UNSUPPORTED;
		if ((type == 3 || type == 6) && load(name, LOG_LVL_DEBUG) == 0 && has_scsi() &&
		    be.init(&version, NULL) == SANE_STATUS_GOOD) {
			be.inited = 1;
			if ((d = our_device()) != NULL)
				st = SANE_STATUS_GOOD;
		}
		log_debug("backend host: %s %s the LUN", name,
		    d != NULL ? "finds" : "does not find");
	}
	put_names(o, st, d);
	hm_put_u32(o, type < 0 ? HM_NULL : (uint32_t)type);
	unload();	/* after the names are copied: they are the backend's */
}

static void
do_options(struct hm_out *o)
{
	const SANE_Option_Descriptor *d;
	size_t count_at;
	uint32_t n;

	hm_put_u32(o, SANE_STATUS_GOOD);
	count_at = o->len;
	hm_put_u32(o, 0);
	for (n = 0; n < HM_OPTIONS_MAX && (d = be.option(be.h, (SANE_Int)n)) != NULL; n++)
		hm_put_option(o, d);
	if (!o->failed) {
		o->buf[count_at] = (uint8_t)(n >> 24);
		o->buf[count_at + 1] = (uint8_t)(n >> 16);
		o->buf[count_at + 2] = (uint8_t)(n >> 8);
		o->buf[count_at + 3] = (uint8_t)n;
	}
}

static void
do_control(struct hm_in *in, struct hm_out *o)
{
	const SANE_Option_Descriptor *d;
	SANE_Int n = (SANE_Int)hm_get_u32(in), info = 0;
	SANE_Action a = (SANE_Action)hm_get_u32(in);
	SANE_Status st = SANE_STATUS_INVAL;
	const uint8_t *v;
	size_t vlen, size = 0;
	uint8_t *buf = NULL;

	v = hm_get_blob(in, HM_DATA_MAX, &vlen);
	if (hm_in_done(in) == 0 && (unsigned)a <= SANE_ACTION_SET_AUTO &&
	    (d = be.option(be.h, n)) != NULL && d->size >= 0 && d->size <= HM_DATA_MAX) {
		size = d->type == SANE_TYPE_BUTTON || d->type == SANE_TYPE_GROUP ?
		    0 : (size_t)d->size;
		/* The backend's own size rules, whatever the daemon sent. */
		if ((buf = calloc(1, size + 1)) != NULL) {
			memcpy(buf, v, vlen < size ? vlen : size);
			if (d->type == SANE_TYPE_STRING && size > 0)
				buf[size - 1] = '\0';
			st = be.control(be.h, n, a, size > 0 ? buf : NULL, &info);
		} else {
			st = SANE_STATUS_NO_MEM;
		}
	}
	hm_put_u32(o, (uint32_t)st);
	hm_put_u32(o, (uint32_t)info);
	hm_put_blob(o, buf, st == SANE_STATUS_GOOD ? size : 0);
	free(buf);
}

static void
do_params(struct hm_out *o)
{
	SANE_Parameters p;
	SANE_Status st;

	memset(&p, 0, sizeof(p));
	st = be.parameters(be.h, &p);
	hm_put_u32(o, (uint32_t)st);
	hm_put_u32(o, (uint32_t)p.format);
	hm_put_u32(o, (uint32_t)p.last_frame);
	hm_put_u32(o, (uint32_t)p.bytes_per_line);
	hm_put_u32(o, (uint32_t)p.pixels_per_line);
	hm_put_u32(o, (uint32_t)p.lines);
	hm_put_u32(o, (uint32_t)p.depth);
}

static void
do_read(struct hm_in *in, struct hm_out *o, uint8_t *data)
{
	uint32_t max = hm_get_u32(in);
	SANE_Status st = SANE_STATUS_INVAL;
	SANE_Int len = 0;

	if (hm_in_done(in) == 0 && max > 0 && max <= HM_DATA_MAX)
		st = be.read(be.h, data, (SANE_Int)max, &len);
	/* A backend's length is checked like anyone's. */
	if (st == SANE_STATUS_GOOD && (len < 0 || (uint32_t)len > max)) {
		log_err("backend host: sane_read gave %d bytes for %u", (int)len, max);
		st = SANE_STATUS_IO_ERROR;
	}
	/* Data the backend read past a lost device is not the scanner's. */
	if ((st == SANE_STATUS_GOOD || st == SANE_STATUS_EOF) && lun_lost_take()) {
		log_err("backend host: the device was lost during the scan; "
		    "the backend's data after it is not an image; ending the scan");
		st = SANE_STATUS_IO_ERROR;
	}
	hm_put_u32(o, (uint32_t)st);
	hm_put_blob(o, data, st == SANE_STATUS_GOOD ? (size_t)len : 0);
}

/* One request; 1 when the helper should exit after replying. */
static int
serve(uint32_t type, struct hm_in *in, struct hm_out *o, uint8_t *data)
{
	int opened = be.h != NULL;

	hm_begin(o, type | HM_REPLY);
	if (type == HM_OPEN) {
		do_open(in, o);
		return 0;
	}
	if (type == HM_PROBE) {
		do_probe(in, o);
		return 0;
	}
	if (!opened || (type != HM_READ && type != HM_CONTROL && hm_in_done(in) != 0)) {
		hm_put_u32(o, SANE_STATUS_INVAL);
		return type == HM_CLOSE;
	}
	switch (type) {
	case HM_OPTIONS: do_options(o); break;
	case HM_CONTROL: do_control(in, o); break;
	case HM_PARAMS: do_params(o); break;
	case HM_START:
		lun_lost_take();	/* a loss before this scan is not its own */
		hm_put_u32(o, (uint32_t)be.start(be.h));
		break;
	case HM_READ: do_read(in, o, data); break;
	case HM_CANCEL: be.cancel(be.h); hm_put_u32(o, SANE_STATUS_GOOD); break;
	case HM_CLOSE:
		be.close(be.h);
		be.h = NULL;
		hm_put_u32(o, SANE_STATUS_GOOD);
		return 1;
	default: hm_put_u32(o, SANE_STATUS_UNSUPPORTED); break;
	}
	return 0;
}

static int
loop(int fd)
{
	static uint8_t req[HM_PAYLOAD_MAX], data[HM_DATA_MAX];
	struct hm_out o = { 0 };
	struct hm_in in;
	uint32_t type, len;
	int last = 0;

	while (!last) {
		if (hm_recv(fd, req, &type, &len, -1) < 0)
			break;		/* the daemon is gone or confused: stop */
		hm_in_init(&in, req, len);
		last = serve(type, &in, &o, data);
		if (hm_end(&o) < 0) {
			hm_begin(&o, type | HM_REPLY);
			hm_put_u32(&o, SANE_STATUS_NO_MEM);
			hm_end(&o);
		}
		if (hm_send(fd, &o) < 0)
			break;
	}
	hm_out_free(&o);
	return last ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct rusage ru;
	int c, fd = -1, rc;

	while ((c = getopt(argc, argv, "f:d:S")) != -1) {
		switch (c) {
		case 'f': fd = atoi(optarg); break;
		case 'd': log_set_level(atoi(optarg)); break;
		case 'S': log_to_syslog(); break;
		default: fd = -1; optind = argc; break;
		}
	}
	if (fd < 0) {
		fprintf(stderr, "usage: scsaned-backend -f FD [-d LEVEL] [-S]\n"
		    "(started by scsaned for a device with backend=NAME)\n");
		return 2;
	}
	/* The daemon watches the socket; a write to it after it went is an error, not death. */
	signal(SIGPIPE, SIG_IGN);
	rc = loop(fd);
	unload();
	lun_shutdown();
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		log_debug("backend host: done, peak RSS %ld KiB", ru.ru_maxrss);
	return rc;
}
