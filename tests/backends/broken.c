/*
 * broken.c - a SANE SCSI backend that fails on purpose, or forks, for
 * the backend host's tests.  Built three times (Makefile, TEST_BACKENDS):
 *
 *   libsane-broken.so.1  crashes (SIGSEGV) in sane_start
 *   libsane-hang.so.1    scans, but hangs for good in its second sane_read
 *   libsane-forker.so.1  reads its image in a forked reader, as sharp
 *                        does: the child sends INQUIRY four times on the
 *                        inherited fd (queued, two at a time) and pipes
 *                        the 96-byte answers up as four lines, while the
 *                        parent sends TEST UNIT READY
 *
 * Otherwise it behaves as a SCSI backend does: it finds its device through
 * sanei_scsi_find_devices (any scanner), opens it and sends TEST UNIT
 * READY, so the host's sanei_scsi is exercised on the way to the fault.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testbackend.h"

static char devname[256];
static SANE_Device dev = { devname, "Broken", "on purpose", "flatbed scanner" };
static const SANE_Device *devs[2];
#define INQ_LEN 96

static int fd = -1, reads;
static int forker = 0, rfd = -1;	/* the forked reader's pipe */
static pid_t child = -1;
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
	forker = strcmp(STR(BACKEND), "forker") == 0;
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
	p->bytes_per_line = p->pixels_per_line = forker ? INQ_LEN : 64;
	p->lines = forker ? 4 : 64;
	p->depth = 8;
	return SANE_STATUS_GOOD;
}

/* The reader: four INQUIRYs, two queued at a time, each a line to the pipe. */
static void
reader(int out)
{
	static const unsigned char inq[6] = { 0x12, 0, 0, 0, INQ_LEN, 0 };
	unsigned char line[2][INQ_LEN];
	size_t n[2];
	void *id[2];
	int round, i;

	memset(line, 0, sizeof(line));	/* a short answer leaves zeros */
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 2; i++) {
			n[i] = INQ_LEN;
			if (sanei_scsi_req_enter(fd, inq, sizeof(inq), line[i], &n[i], &id[i]) !=
			    SANE_STATUS_GOOD)
				_exit(1);
		}
		for (i = 0; i < 2; i++)
			if (sanei_scsi_req_wait(id[i]) != SANE_STATUS_GOOD ||
			    write(out, line[i], INQ_LEN) != INQ_LEN)
				_exit(1);
	}
	_exit(0);
}

static void
reap(void)
{
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	child = -1;
	if (rfd >= 0)
		close(rfd);
	rfd = -1;
}

SANE_Status
ENTRY(start)(SANE_Handle h)
{
	int p[2];

	(void)h;
	reads = 0;
	if (strcmp(STR(BACKEND), "broken") == 0)
		raise(SIGSEGV);		/* as a wild pointer would */
	if (!forker)
		return SANE_STATUS_GOOD;
	reap();
	if (pipe(p) < 0)
		return SANE_STATUS_NO_MEM;
	if ((child = fork()) == 0) {
		close(p[0]);
		reader(p[1]);
	}
	close(p[1]);
	rfd = p[0];
	return child < 0 ? SANE_STATUS_NO_MEM : SANE_STATUS_GOOD;
}

/* The forker's data: what its reader piped up; EOF once it exited well. */
static SANE_Status
read_child(SANE_Byte *buf, SANE_Int max, SANE_Int *len)
{
	static const unsigned char tur[6];
	ssize_t n;
	int status;

	*len = 0;
	if (reads++ == 0 && sanei_scsi_cmd(fd, tur, sizeof(tur), NULL, NULL) != SANE_STATUS_GOOD)
		return SANE_STATUS_IO_ERROR;
	if ((n = read(rfd, buf, (size_t)max)) > 0) {
		*len = (SANE_Int)n;
		return SANE_STATUS_GOOD;
	}
	status = -1;
	if (child > 0 && waitpid(child, &status, 0) == child)
		child = -1;
	reap();
	return n == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ?
	    SANE_STATUS_EOF : SANE_STATUS_IO_ERROR;
}

SANE_Status
ENTRY(read)(SANE_Handle h, SANE_Byte *buf, SANE_Int max, SANE_Int *len)
{
	(void)h;
	if (forker)
		return read_child(buf, max, len);
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
	reap();
}
