/*
 * broken.c - a SANE SCSI backend that fails on purpose, for the backend
 * host's fault tests.  Built twice (Makefile, TEST_BACKENDS):
 *
 *   libsane-broken.so.1  crashes (SIGSEGV) in sane_start
 *   libsane-hang.so.1    scans, but hangs for good in its second sane_read
 *
 * Otherwise it behaves as a SCSI backend does: it finds its device through
 * sanei_scsi_find_devices (any scanner), opens it and sends TEST UNIT
 * READY, so the host's sanei_scsi is exercised on the way to the fault.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sane/sane.h>
#include <sane/saneopts.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define STR2(a) #a
#define STR(a) STR2(a)
#define ENTRY(fn) CAT(CAT(sane_, BACKEND), CAT(_, fn))

/* sane-backends' sanei_scsi API, which the host defines. */
typedef SANE_Status (*sense_handler)(int fd, unsigned char *sense, void *arg);
void sanei_scsi_find_devices(const char *vendor, const char *model, const char *type,
    int bus, int channel, int id, int lun, SANE_Status (*attach)(const char *dev));
SANE_Status sanei_scsi_open(const char *dev, int *fd, sense_handler h, void *arg);
SANE_Status sanei_scsi_cmd(int fd, const void *src, size_t src_size, void *dst,
    size_t *dst_size);
void sanei_scsi_close(int fd);

SANE_Status ENTRY(init)(SANE_Int *v, SANE_Auth_Callback cb);
void ENTRY(exit)(void);
SANE_Status ENTRY(get_devices)(const SANE_Device ***list, SANE_Bool local);
SANE_Status ENTRY(open)(SANE_String_Const name, SANE_Handle *h);
void ENTRY(close)(SANE_Handle h);
const SANE_Option_Descriptor *ENTRY(get_option_descriptor)(SANE_Handle h, SANE_Int n);
SANE_Status ENTRY(control_option)(SANE_Handle h, SANE_Int n, SANE_Action a, void *v,
    SANE_Int *info);
SANE_Status ENTRY(get_parameters)(SANE_Handle h, SANE_Parameters *p);
SANE_Status ENTRY(start)(SANE_Handle h);
SANE_Status ENTRY(read)(SANE_Handle h, SANE_Byte *buf, SANE_Int max, SANE_Int *len);
void ENTRY(cancel)(SANE_Handle h);

static char devname[256];
static SANE_Device dev = { devname, "Broken", "on purpose", "flatbed scanner" };
static const SANE_Device *devs[2];
static int fd = -1, reads;
static SANE_Word count = 1;
static const SANE_Option_Descriptor opt0 = {
	SANE_NAME_NUM_OPTIONS, SANE_TITLE_NUM_OPTIONS, SANE_DESC_NUM_OPTIONS,
	SANE_TYPE_INT, SANE_UNIT_NONE, sizeof(SANE_Word), SANE_CAP_SOFT_DETECT,
	SANE_CONSTRAINT_NONE, { NULL }
};

static SANE_Status
attach(const char *name)
{
	strncpy(devname, name, sizeof(devname) - 1);
	devs[0] = &dev;
	return SANE_STATUS_GOOD;
}

SANE_Status
ENTRY(init)(SANE_Int *v, SANE_Auth_Callback cb)
{
	(void)cb;
	*v = SANE_VERSION_CODE(1, 0, 0);
	sanei_scsi_find_devices(NULL, NULL, "Scanner", -1, -1, -1, -1, attach);
	return SANE_STATUS_GOOD;
}

void
ENTRY(exit)(void)
{
}

SANE_Status
ENTRY(get_devices)(const SANE_Device ***list, SANE_Bool local)
{
	(void)local;
	*list = devs;
	return SANE_STATUS_GOOD;
}

SANE_Status
ENTRY(open)(SANE_String_Const name, SANE_Handle *h)
{
	static const unsigned char tur[6];
	SANE_Status st;

	if ((st = sanei_scsi_open(name, &fd, NULL, NULL)) != SANE_STATUS_GOOD)
		return st;
	if ((st = sanei_scsi_cmd(fd, tur, sizeof(tur), NULL, NULL)) != SANE_STATUS_GOOD) {
		sanei_scsi_close(fd);
		return st;
	}
	*h = &dev;
	return SANE_STATUS_GOOD;
}

void
ENTRY(close)(SANE_Handle h)
{
	(void)h;
	sanei_scsi_close(fd);
	fd = -1;
}

const SANE_Option_Descriptor *
ENTRY(get_option_descriptor)(SANE_Handle h, SANE_Int n)
{
	(void)h;
	return n == 0 ? &opt0 : NULL;
}

SANE_Status
ENTRY(control_option)(SANE_Handle h, SANE_Int n, SANE_Action a, void *v, SANE_Int *info)
{
	(void)h;
	if (info != NULL)
		*info = 0;
	if (n != 0 || a != SANE_ACTION_GET_VALUE)
		return SANE_STATUS_INVAL;
	memcpy(v, &count, sizeof(count));
	return SANE_STATUS_GOOD;
}

SANE_Status
ENTRY(get_parameters)(SANE_Handle h, SANE_Parameters *p)
{
	(void)h;
	p->format = SANE_FRAME_GRAY;
	p->last_frame = SANE_TRUE;
	p->bytes_per_line = p->pixels_per_line = 64;
	p->lines = 64;
	p->depth = 8;
	return SANE_STATUS_GOOD;
}

SANE_Status
ENTRY(start)(SANE_Handle h)
{
	(void)h;
	reads = 0;
	if (strcmp(STR(BACKEND), "broken") == 0)
		raise(SIGSEGV);		/* as a wild pointer would */
	return SANE_STATUS_GOOD;
}

SANE_Status
ENTRY(read)(SANE_Handle h, SANE_Byte *buf, SANE_Int max, SANE_Int *len)
{
	(void)h;
	if (++reads > 1)
		for (;;)
			pause();	/* a device that never answers, a backend that never gives up */
	*len = max < 64 ? max : 64;
	memset(buf, 0x80, (size_t)*len);
	return SANE_STATUS_GOOD;
}

void
ENTRY(cancel)(SANE_Handle h)
{
	(void)h;
}
