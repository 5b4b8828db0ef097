/*
 * scsi2.h - the generic ANSI SCSI-2 scanner driver, shared between its
 * option code (scsi2_opts.c) and its command code (scsi2.c).
 * Private to src/drivers/scsi2/.
 */
#ifndef SCSANED_DRIVERS_SCSI2_H
#define SCSANED_DRIVERS_SCSI2_H

#include <stddef.h>
#include <stdint.h>
#include <sane/sane.h>

#include "scsaned/device.h"
#include "scsaned/scsi.h"
#include "../scsiutil.h"
#include "../readahead.h"

enum s2_opt {
	S2_OPT_NUM,
	S2_OPT_MODE_GROUP,
	S2_OPT_MODE,
	S2_OPT_DEPTH,
	S2_OPT_RESOLUTION,
	S2_OPT_PREVIEW,
	S2_OPT_THRESHOLD,
	S2_OPT_GEOMETRY_GROUP,
	S2_OPT_TL_X,
	S2_OPT_TL_Y,
	S2_OPT_BR_X,
	S2_OPT_BR_Y,
	S2_OPT_COUNT
};

/* What the device can do (VPD page F0h, or conservative defaults). */
struct s2_caps {
	SANE_Int min_res, max_res;
	SANE_Int width_u, length_u;	/* platen in 1/1200 inch */
	unsigned comps;			/* bit n: composition code n */
	unsigned depths;		/* bit 0: 1, bit 3: 8, bit 4: 16 */
};

/* A window as sent to, or read back from, the device (1/1200 inch). */
struct s2_window {
	SANE_Int xres, yres;
	SANE_Int x, y, w, l;
	uint8_t comp, bpp, threshold;
};

struct s2 {
	struct device *dev;
	struct scsi_target *t;
	struct s2_caps caps;

	SANE_Option_Descriptor opt[S2_OPT_COUNT];
	SANE_String_Const modes[4];
	SANE_Word depth_list[3];
	SANE_Range res_range, x_range, y_range, threshold_range;

	/* Option values. */
	char mode[16];
	SANE_Word depth, resolution, preview, threshold;
	SANE_Fixed tl_x, tl_y, br_x, br_y;

	/* Scan state. */
	int scanning;
	int cancelled;
	SANE_Parameters params;
	uint64_t left;		/* image bytes the device still owes */
	uint64_t unasked;	/* of those, not yet asked for by a READ */
	size_t xfer_max;	/* bytes per READ: whole lines */
	uint8_t *buf;		/* for callers asking less than one READ */
	struct drv_out out;	/* data not yet handed up: in buf or ra's */
	int queue;		/* the transport queues: READ ahead */
	struct drv_ra ra;
	unsigned long reads;	/* this image's READs handed up so far */
	unsigned long ahead;	/* ... of them with the next one queued */
};

/*
 * Pure decoders of device replies, for the driver and the fuzzers.
 * s2_caps_parse: VPD page F0h (GOT bytes) into *c, which holds the
 * defaults beforehand; returns 1 if the page was used, 0 if ignored.
 * s2_window_parse: a GET WINDOW reply; 0, or -1 if it is too short.
 */
void s2_caps_defaults(struct s2_caps *c);
int s2_caps_parse(const uint8_t *page, size_t got, struct s2_caps *c);
int s2_window_parse(const uint8_t *data, size_t len, struct s2_window *w);

/* 1 if the device's window GOT is one we asked for (WANT) and can convert. */
int s2_window_usable(const struct s2_window *want, const struct s2_window *got);

/* Set up descriptors and default values from s->caps. */
void s2_opts_init(struct s2 *s);

const SANE_Option_Descriptor *s2_option(void *h, SANE_Int n);
SANE_Status s2_control(void *h, SANE_Int n, SANE_Action a, void *v,
    SANE_Int *info);

/* The window the current options ask for. */
void s2_window_from_opts(const struct s2 *s, struct s2_window *w);

/* SANE parameters of the image the device returns for W. */
void s2_params_from_window(const struct s2_window *w, SANE_Parameters *p);

#endif
