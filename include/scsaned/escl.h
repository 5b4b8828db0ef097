/*
 * escl.h - the eSCL front's documents: a client's ScanSettings ticket,
 * read strictly into a plain struct, and the ScannerCapabilities written
 * from one.  Knows nothing of SANE, SCSI or HTTP.
 */
#ifndef SCSANED_ESCL_H
#define SCSANED_ESCL_H

#include <stddef.h>
#include <stdint.h>

/* A ticket bigger than this is refused before any parsing. */
#define ESCL_SETTINGS_MAX	(64 * 1024)
/* Regions and resolutions past any scanner's, in 1/300 in and dpi. */
#define ESCL_REGION_MAX		(300u * 1000u)	/* 1000 inches */
#define ESCL_RES_MAX		100000u

enum escl_source { ESCL_SRC_PLATEN, ESCL_SRC_FEEDER, ESCL_SRC_CAMERA };

struct escl_settings {
	char version[16];	/* pwg:Version, "" if absent */
	char intent[32];	/* scan:Intent, "" if absent */
	int have_region;	/* a pwg:ScanRegion was given */
	uint32_t x, y, w, h;	/* in 1/300 inch */
	enum escl_source source;	/* Platen if absent */
	int have_mode;
	unsigned channels, depth;	/* from scan:ColorMode */
	uint32_t xres, yres;	/* 0 if absent */
	char format[64];	/* DocumentFormatExt, else DocumentFormat, else "" */
};

/*
 * Parse the LEN bytes at XML (not NUL-terminated) into S.  0, or -1 with
 * why in ERR: not well-formed, a DTD or entity (never expanded), an
 * unknown colour mode or source, a number that is not a plain decimal in
 * range, an element twice, units other than 1/300 inch.
 */
int escl_settings_parse(const char *xml, size_t len, struct escl_settings *s,
    char *err, size_t errlen);

/* What a device offers over eSCL, filled by the front from its SANE options. */
#define ESCL_RES_LIST_MAX	32
struct escl_caps {
	const char *make_and_model;	/* pwg:MakeAndModel */
	const char *manufacturer;
	const char *serial;		/* stable: the device's name */
	const char *uuid;		/* stable across restarts */
	const char *admin_uri;		/* the web page, absolute; NULL for none */
	uint32_t min_w, max_w, min_h, max_h;	/* area, 1/300 inch */
	uint32_t res[ESCL_RES_LIST_MAX];	/* discrete resolutions, ascending */
	unsigned nres;
	uint32_t max_optical;			/* dpi */
	/* Colour modes offered: ESCL_MODE_* bits. */
	unsigned modes;
	int sixteen_bit_formats;	/* offer TIFF beside PNG (16-bit kept) */
};
#define ESCL_MODE_BW1		(1u << 0)
#define ESCL_MODE_GRAY8		(1u << 1)
#define ESCL_MODE_GRAY16	(1u << 2)
#define ESCL_MODE_RGB24		(1u << 3)
#define ESCL_MODE_RGB48		(1u << 4)

/*
 * The ScannerCapabilities document for C, as eSCL 2.x clients read it:
 * a Platen source, discrete resolutions (never only a range), JPEG and
 * PNG always, PDF, and TIFF where 16-bit is offered.  A malloc'ed,
 * NUL-terminated string (its length in *LEN), or NULL with why in ERR:
 * no resolution, no mode, an empty area.
 */
char *escl_caps_xml(const struct escl_caps *c, size_t *len, char *err, size_t errlen);

/* ScannerStatus: the scanner's state and its jobs, newest first. */
enum escl_state { ESCL_IDLE, ESCL_PROCESSING, ESCL_TESTING, ESCL_STOPPED, ESCL_DOWN };
enum escl_job_state { ESCL_JOB_PENDING, ESCL_JOB_PROCESSING, ESCL_JOB_COMPLETED,
    ESCL_JOB_CANCELED, ESCL_JOB_ABORTED };
struct escl_job {
	const char *uri;	/* absolute path, /eSCL/ScanJobs/UUID */
	const char *uuid;
	enum escl_job_state state;
	unsigned age_s;		/* since it was created */
	unsigned images_completed, images_to_transfer;
};

/* As escl_caps_xml: a malloc'ed document, or NULL with why in ERR. */
char *escl_status_xml(enum escl_state st, const struct escl_job *jobs, size_t njobs,
    size_t *len, char *err, size_t errlen);

#endif
