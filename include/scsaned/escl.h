/*
 * escl.h - what the eSCL front needs from its parsers: a client's
 * ScanSettings ticket, read strictly into a plain struct.  Knows nothing
 * of SANE, SCSI or HTTP.
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

#endif
