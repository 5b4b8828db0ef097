/*
 * fs4000.h - the Canon CanoScan FS4000US driver, shared between its
 * scans (fs4000.c), the unit's commands (fs4000_cmd.c), its calibration
 * (fs4000_calib.c), its options (fs4000_opts.c) and its line conversion
 * (fs4000_convert.c).  Private to src/drivers/canon-fs4000/.
 */
#ifndef SCSANED_DRIVERS_FS4000_H
#define SCSANED_DRIVERS_FS4000_H

#include <stddef.h>
#include <stdint.h>
#include <sane/sane.h>

#include "scsaned/device.h"
#include "scsaned/scsi.h"
#include "../optutil.h"
#include "../readahead.h"
#include "../scsiutil.h"

#define FS_DPI		4000	/* device units per inch, and the optical resolution */
#define FS_WIDTH	4000	/* the CCD line, device units */
#define FS_LENGTH	5904	/* a frame's scan length, device units */
#define FS_MARGIN	40	/* dark pixels that start every line */
#define FS_CAL_LINES	8	/* lines of a stationary calibration scan */
/*
 * The most a READ asks for.  Every host on record keeps its READs within
 * 64 KiB (FilmGet 19 lines of 3240 bytes, Burns and Saunderson as many
 * lines as fit in 65536) and nothing is known of larger ones.
 */
#define FS_READ_MAX	65536

/* MOVE POSITION: CDB byte 1 says what moves, byte 2 how. */
#define FS_MOVE_CARRIAGE	0
#define FS_MOVE_HOLDER		1
#define FS_MOVE_HOME		0
#define FS_MOVE_OUT		1	/* the holder: eject */
#define FS_MOVE_TO		4	/* to the position given */

/* SET FRAME motion modes: a normal scan, or one line over and over. */
#define FS_FRAME_NORMAL		0
#define FS_FRAME_STATIONARY	12

/* EXECUTE AF/AE: find the focus, or set the one given. */
#define FS_AF_AUTO		1
#define FS_AF_SET		2

/* DEFINE SCAN MODE sample formats. */
#define FS_FORMAT_WORDS		0x02	/* 14 bits x 4 in 16 */
#define FS_FORMAT_BYTES		0x03

/* GET FILM STATUS: its length, the bytes we read, and byte 0's holders. */
#define FS_STATUS_LEN		28
#define FS_STATUS_HOLDER	0
#define FS_STATUS_FRAMES	1
#define FS_STATUS_FOCUS		7	/* where AF left the lens */
#define HOLDER_NONE	0
#define HOLDER_STRIP	1
#define HOLDER_SLIDE	2
#define FS_STRIP_FRAMES	6	/* positions of a holder */
#define FS_SLIDE_FRAMES	4

enum fs_opt {
	FS_OPT_NUM,
	FS_OPT_MODE_GROUP,
	FS_OPT_RESOLUTION,
	FS_OPT_DEPTH,
	FS_OPT_FILM,
	FS_OPT_INFRARED,
	FS_OPT_PREVIEW,
	FS_OPT_FRAME_GROUP,
	FS_OPT_FRAME,
	FS_OPT_ALL_FRAMES,
	FS_OPT_FOCUS_GROUP,
	FS_OPT_AUTOFOCUS,
	FS_OPT_FOCUS,
	FS_OPT_EXPOSURE_GROUP,
	FS_OPT_AE,
	FS_OPT_EXPOSURE_R,
	FS_OPT_EXPOSURE_G,
	FS_OPT_EXPOSURE_B,
	FS_OPT_CALIBRATION,
	FS_OPT_GEOMETRY_GROUP,
	FS_OPT_TL_X,
	FS_OPT_TL_Y,
	FS_OPT_BR_X,
	FS_OPT_BR_Y,
	FS_OPT_BUTTON_GROUP,
	FS_OPT_EJECT,
	FS_OPT_COUNT
};

/* The analogue front end of one pass, as DEFINE SCAN MODE sets it. */
struct fs_front {
	uint8_t gain[3];
	uint16_t offset[3];	/* 256 + n is -n */
	uint16_t shutter[3];
	uint8_t speed;
};

/*
 * Shading calibration: each pixel's dark level and its gain relative to
 * the brightest pixel of the line, [pixel * spp + colour], pixels in
 * window order (not mirrored).
 */
struct fs_cal {
	uint16_t *dark;		/* 14-bit */
	uint32_t *mul;		/* 16.16 */
	size_t n;
	uint32_t dark_mean[3];
};

/*
 * One pass as the device sends it and we turn it into SANE lines: RAW
 * lines of [margin][pixels mirrored], RGB interleaved (or one IR sample),
 * the colours K and 2K lines apart.
 */
struct fs_pass {
	unsigned spp;		/* samples per pixel: 3 RGB, 1 infrared */
	unsigned bps;		/* bytes per sample from the device: 1 or 2 */
	uint32_t pixels;	/* per line, without the margin */
	uint32_t raw_lines;	/* the device sends */
	uint32_t lines;		/* we deliver: raw_lines - 2k for RGB */
	unsigned k;
	size_t dev_line;	/* bytes per device line */
	size_t out_line;	/* bytes per SANE line */
	int negative;
	uint32_t base[3];	/* 14-bit film base of a negative */
	const struct fs_cal *cal;	/* NULL: uncalibrated */
};

/*
 * The colour realignment: the last 2k + 1 device lines, enough to finish
 * the oldest output line.  Bounded by the lag, never by the frame.
 */
struct fs_ring {
	const struct fs_pass *p;
	uint8_t *lines;		/* (2k + 1) device lines */
	uint32_t seen;		/* device lines pushed */
};

struct fs {
	struct device *dev;
	struct scsi_target *t;

	SANE_Option_Descriptor opt[FS_OPT_COUNT];
	SANE_Word res_list[12], depth_list[3];
	SANE_Range frame_range, focus_range, exposure_range, x_range, y_range;

	/* Option values. */
	SANE_Word resolution, depth, infrared, preview;
	SANE_Word frame, all_frames, autofocus, focus, ae, calibration;
	SANE_Fixed exposure[3];		/* percent of Canon's own */
	SANE_Fixed area[4];		/* tl-x, tl-y, br-x, br-y, mm */
	char film[16];

	/* Scan state. */
	int holder, frames;		/* from GET FILM STATUS */
	int scanning, cancelled;
	unsigned next_frame;		/* for all-frames batches */
	uint8_t found_focus;		/* the visible focus of this frame */
	uint16_t shutter[3];
	uint8_t speed;
	struct fs_cal cal;
	SANE_Parameters params;
	struct fs_pass pass;
	struct fs_ring ring;
	uint64_t left;			/* device bytes still owed */
	struct drv_lines rd;		/* the READs of a pass, prepass or reference */
	uint8_t *dbuf, *obuf;		/* device data; lines for small reads */
	struct drv_out out;		/* what is left of OBUF to hand up */
};

/* fs4000_cmd.c: the unit's commands */
SANE_Status fs_settle(struct fs *s);
SANE_Status fs_cancel_unit(struct fs *s);
SANE_Status fs_reserve(struct fs *s, int on);
SANE_Status fs_led(struct fs *s, int on);
SANE_Status fs_move(struct fs *s, uint8_t what, uint8_t how, uint16_t pos);
SANE_Status fs_eject(struct fs *s);
/* GET FILM STATUS into R (FS_STATUS_LEN bytes); sets the holder and its frames. */
SANE_Status fs_film_status(struct fs *s, uint8_t *r);
SANE_Status fs_set_frame(struct fs *s, uint8_t mode);
SANE_Status fs_set_lamp(struct fs *s, int visible, int ir);
SANE_Status fs_lamp(struct fs *s, int ir);
SANE_Status fs_afae(struct fs *s, uint8_t mode, uint8_t focus, uint16_t first, uint16_t last);
SANE_Status fs_scan_mode(struct fs *s, uint8_t format, const struct fs_front *f);
SANE_Status fs_window(struct fs *s, unsigned res, uint32_t x, uint32_t y, uint32_t w,
    uint32_t l, int rgb, int bits);
SANE_Status fs_scan(struct fs *s, const struct fs_pass *p);
/*
 * After fs_scan: the READs (byte 1 10h, whole lines, at most FS_READ_MAX
 * bytes) of P's RAW_LINES lines into s->rd, taken with drv_lines_get.  A
 * READ ends GOOD with all it asked for, and one past the pass would be
 * refused, so none goes past it.
 */
SANE_Status fs_lines_begin(struct fs *s, const struct fs_pass *p);

/* fs4000_calib.c */
/*
 * Take the dark and white references for pass P (RES dpi, X and W in
 * device units) with the scan's front end SCAN and the white one WHITE,
 * and leave the holder at SCAN_POS again.
 */
SANE_Status fs_calibrate(struct fs *s, const struct fs_pass *p, unsigned res, uint32_t x,
    uint32_t w, const struct fs_front *scan, const struct fs_front *white, uint16_t scan_pos);
void fs_cal_free(struct fs_cal *cal);

/* fs4000_opts.c */
void fs_opts_init(struct fs *s);
const SANE_Option_Descriptor *fs_option(void *h, SANE_Int n);
/*
 * sane_control_option for the options; a button pressed is left to the
 * caller (*NEXT is OPT_BUTTON), everything else is done (OPT_DONE).
 */
SANE_Status fs_opts_control(struct fs *s, SANE_Int n, SANE_Action a, void *v, SANE_Int *info,
    enum opt_next *next);
unsigned fs_effective_res(const struct fs *s);
int fs_effective_depth(const struct fs *s);

/* fs4000_convert.c */
/* Sample C of pixel I (window order) of device line L, as a 14-bit value. */
uint32_t fs_sample14(const struct fs_pass *p, const uint8_t *l, uint32_t i, unsigned c);
int fs_ring_init(struct fs_ring *r, const struct fs_pass *p);
void fs_ring_free(struct fs_ring *r);
/*
 * Push one device line; if it completes an output line, write it to OUT
 * (p->out_line bytes, samples in host order) and return 1, else 0.
 */
int fs_ring_push(struct fs_ring *r, const uint8_t *line, uint8_t *out);

#endif
