/*
 * fs2710.h - the Canon CanoScan 2710 (FS2710S) driver, shared between its
 * options (fs2710_opts.c) and its commands (fs2710.c).  Private to
 * src/drivers/canon-fs2710/.
 */
#ifndef SCSANED_DRIVERS_FS2710_H
#define SCSANED_DRIVERS_FS2710_H

#include <stddef.h>
#include <stdint.h>
#include <sane/sane.h>

#include "scsaned/device.h"
#include "scsaned/scsi.h"
#include "../optutil.h"
#include "../readahead.h"
#include "../scsiutil.h"

enum fs27_opt {
	FS27_OPT_NUM,
	FS27_OPT_MODE_GROUP,
	FS27_OPT_RESOLUTION,
	FS27_OPT_DEPTH,
	FS27_OPT_FILM,
	FS27_OPT_PREVIEW,
	FS27_OPT_FOCUS_GROUP,
	FS27_OPT_AUTOFOCUS,
	FS27_OPT_FOCUS,
	FS27_OPT_GEOMETRY_GROUP,
	FS27_OPT_TL_X,
	FS27_OPT_TL_Y,
	FS27_OPT_BR_X,
	FS27_OPT_BR_Y,
	FS27_OPT_BUTTON_GROUP,
	FS27_OPT_EJECT,
	FS27_OPT_COUNT
};

/* What the unit says of itself: INQUIRY page F0 and MODE SENSE page 03h. */
struct fs27_caps {
	unsigned max_dpi, min_dpi;
	unsigned mud;			/* measurement units per inch */
	uint32_t x_range, y_range;	/* the scan area, in those units */
};

struct fs27 {
	struct device *dev;
	struct scsi_target *t;
	struct fs27_caps caps;

	SANE_Option_Descriptor opt[FS27_OPT_COUNT];
	SANE_Word res_list[16], depth_list[3];
	SANE_Range focus_range, x_range, y_range;

	/* Option values. */
	SANE_Word resolution, depth, preview, autofocus, focus;
	SANE_Fixed area[4];		/* tl-x, tl-y, br-x, br-y, mm */
	char film[16];

	/* Scan state. */
	int scanning, cancelled;
	SANE_Parameters params;
	uint64_t left;			/* device bytes still owed */
	struct drv_lines rd;		/* the READs of the image */
	uint8_t *dbuf, *obuf;		/* device data; lines for small reads */
	struct drv_out out;		/* what is left of OBUF to hand up */
};

/* fs2710_opts.c */
void fs27_opts_init(struct fs27 *s);
const SANE_Option_Descriptor *fs27_option(void *h, SANE_Int n);
/*
 * sane_control_option for the options; a button pressed is left to the
 * caller (*NEXT is OPT_BUTTON), everything else is done (OPT_DONE).
 */
SANE_Status fs27_opts_control(struct fs27 *s, SANE_Int n, SANE_Action a, void *v,
    SANE_Int *info, enum opt_next *next);
unsigned fs27_effective_res(const struct fs27 *s);
int fs27_effective_depth(const struct fs27 *s);
int fs27_negative(const struct fs27 *s);

/*
 * fs2710.c: the unit's own description (page F0, MODE SENSE page 03h)
 * into s->caps, as open reads it; also for the fuzzer, which answers it.
 */
SANE_Status fs27_read_caps(struct fs27 *s);

#endif
