/*
 * coolscan.h - the Nikon Coolscan driver, shared between its options
 * (coolscan_opts.c), its image conversion (coolscan_convert.c) and its
 * commands (coolscan.c).  Private to src/drivers/coolscan/.
 */
#ifndef SCSANED_DRIVERS_COOLSCAN_H
#define SCSANED_DRIVERS_COOLSCAN_H

#include <stddef.h>
#include <stdint.h>
#include <sane/sane.h>

#include "scsaned/device.h"
#include "scsaned/scsi.h"
#include "../optutil.h"
#include "../readahead.h"
#include "../scsiutil.h"

enum cs_opt {
	CS_OPT_NUM,
	CS_OPT_MODE_GROUP,
	CS_OPT_RESOLUTION,
	CS_OPT_DEPTH,
	CS_OPT_FILM,
	CS_OPT_INFRARED,
	CS_OPT_SAMPLES,
	CS_OPT_PREVIEW,
	CS_OPT_FRAME_GROUP,
	CS_OPT_FRAME,
	CS_OPT_ALL_FRAMES,
	CS_OPT_FOCUS_GROUP,
	CS_OPT_AUTOFOCUS,
	CS_OPT_FOCUS,
	CS_OPT_EXPOSURE_GROUP,
	CS_OPT_AE,
	CS_OPT_EXPOSURE_R,
	CS_OPT_EXPOSURE_G,
	CS_OPT_EXPOSURE_B,
	CS_OPT_GEOMETRY_GROUP,
	CS_OPT_TL_X,
	CS_OPT_TL_Y,
	CS_OPT_BR_X,
	CS_OPT_BR_Y,
	CS_OPT_BUTTON_GROUP,
	CS_OPT_LOAD,
	CS_OPT_EJECT,
	CS_OPT_RESET,
	CS_OPT_COUNT
};

/* What page C1 says, corrected where a model is known to misreport. */
struct cs_caps {
	unsigned max_dpi, min_dpi;
	uint32_t x_boundary, y_boundary;	/* one frame, 1/max_dpi inch */
	unsigned frames;
	unsigned focus_min, focus_max;
	unsigned bits;			/* the A/D's real bits */
	unsigned max_samples;		/* 1: no multi-sampling */
	int odd_pad;			/* 8-bit planes of odd width are padded */
	int vendor_window_flag;		/* SET WINDOW control byte 80h */
};

/* One scan pass as the device delivers it and we convert it. */
struct cs_pass {
	unsigned nplanes;		/* 3 (RGB) or 1 (IR) */
	uint8_t ids[4];
	uint32_t width, lines;		/* pixels */
	unsigned bps, samples;		/* bytes per sample, passes per line */
	size_t pad;			/* leading pad byte per plane */
	size_t dev_line;		/* bytes per line from the device */
	int negative;			/* correct against the film base */
	uint32_t base[3];		/* inverted film base, in the pass's depth */
	unsigned bits;			/* significant bits per sample */
};

struct cs {
	struct device *dev;
	struct scsi_target *t;
	struct cs_caps caps;

	SANE_Option_Descriptor opt[CS_OPT_COUNT];
	SANE_Word res_list[33], depth_list[3];
	SANE_Range samples_range, frame_range, focus_range, exposure_range;
	SANE_Range x_range, y_range;

	/* Option values. */
	SANE_Word resolution, depth, infrared, samples, preview;
	SANE_Word frame, all_frames, autofocus, focus;
	SANE_Fixed exposure[3];		/* microseconds */
	SANE_Fixed area[4];		/* tl-x, tl-y, br-x, br-y, mm */
	char film[16], ae[16];

	/* Scan state. */
	int scanning, cancelled;
	unsigned next_frame;		/* for all-frames batches */
	uint32_t frame_top;		/* y of the frame being scanned */
	uint32_t win_x, win_y, win_w, win_l;	/* its window, 1/max_dpi inch */
	uint32_t exp10ns[3];		/* exposures the colour pass used */
	SANE_Parameters params;
	struct cs_pass pass;
	uint64_t left;			/* device bytes still owed */
	struct drv_lines rd;		/* the READs of the pass */
	uint8_t *dbuf, *obuf;		/* device data; lines for small reads */
	struct drv_out out;		/* what is left of OBUF to hand up */
};

/* coolscan_opts.c */
void cs_opts_init(struct cs *s);
const SANE_Option_Descriptor *cs_option(void *h, SANE_Int n);
/*
 * sane_control_option for the options; a button pressed is left to the
 * caller (*NEXT is OPT_BUTTON), everything else is done (OPT_DONE).
 */
SANE_Status cs_opts_control(struct cs *s, SANE_Int n, SANE_Action a, void *v, SANE_Int *info,
    enum opt_next *next);
unsigned cs_effective_res(const struct cs *s);
int cs_effective_depth(const struct cs *s);

/* coolscan_convert.c: device lines (LINES of them at SRC) to SANE lines. */
void cs_convert(const struct cs_pass *p, const uint8_t *src, size_t lines, uint8_t *dst);
/* Page C1 into *c; 0, or -1 if the page is unusable. */
int cs_caps_parse(const uint8_t *page, size_t got, const char *product, struct cs_caps *c);

#endif
