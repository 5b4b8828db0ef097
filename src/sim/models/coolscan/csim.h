/*
 * csim.h - the Nikon Coolscan models' state, shared by the command set
 * (csim.c) and the image they deliver (csim_image.c).  Private to
 * src/sim/models/coolscan/.
 */
#ifndef SCSANED_CSIM_H
#define SCSANED_CSIM_H

#include <stddef.h>
#include <stdint.h>

#include "../../sim_int.h"

#define CSIM_DESC_LEN	50
#define CSIM_PLANES	4		/* R, G, B, IR: one window each */

/* Film holders. */
#define CSIM_HOLDER_NONE	0
#define CSIM_HOLDER_SLIDE	1	/* a slide mount: one frame */
#define CSIM_HOLDER_STRIP	2

/* Window ids. */
#define CSIM_WIN_RED	1
#define CSIM_WIN_GREEN	2
#define CSIM_WIN_BLUE	3
#define CSIM_WIN_IR	9

/* Window descriptor offsets (from the window id byte). */
#define CSIM_W_XRES	2
#define CSIM_W_YRES	4
#define CSIM_W_X		6
#define CSIM_W_Y		10
#define CSIM_W_WIDTH	14
#define CSIM_W_HEIGHT	18
#define CSIM_W_COMP	25
#define CSIM_W_BPP	26
#define CSIM_W_SAMPLES	40	/* (samples - 1) << 4 */
#define CSIM_W_FLAGS	41	/* bit 0: positive film */
#define CSIM_W_KIND	42	/* CSIM_KIND_* */
#define CSIM_W_MODE	43
#define CSIM_W_INTERLEAVE	44
#define CSIM_W_EXPOSURE	46	/* 10 ns units, 0 = the scanner's own */

/* What SCAN does with a window. */
#define CSIM_KIND_SCAN	0x01	/* an image */
#define CSIM_KIND_AE	0x20	/* auto-exposure */
#define CSIM_KIND_AE_WB	0x40	/* auto-exposure and white balance */

struct csim_model {
	const char *product;	/* 16 characters, space padded */
	unsigned max_dpi, min_dpi;
	unsigned x_boundary, y_boundary;	/* one frame, in 1/max_dpi inch */
	unsigned strip_frames;	/* frames in the strip holder */
	unsigned reported_bits;	/* page C1 byte 82 */
	unsigned bits;		/* what the A/D really delivers */
	unsigned max_samples;	/* multi-sampling passes */
	int odd_pad;		/* 8-bit planes of odd width carry a pad byte */
};

struct csim {
	const struct csim_model *m;
	struct sim_film film;
	int holder;		/* CSIM_HOLDER_* */
	int loaded;		/* the holder is in (not ejected) */
	uint8_t desc[CSIM_PLANES][CSIM_DESC_LEN];
	int set[CSIM_PLANES];
	uint32_t exposure[CSIM_PLANES];	/* last auto-exposure result, 0 = none */
	uint32_t focus, best_focus;
	uint8_t pending_op;	/* what the next EXECUTE does */
	unsigned busy_polls, busy_left;
	int reissue;
	unsigned lps;		/* emulated lines per second, 0 = instant */
	uint16_t *lut[3];	/* 2^bits entries per colour; NULL = identity */

	/* The scan in progress. */
	int scanning;
	unsigned nplanes, plane[CSIM_PLANES];
	uint32_t width, lines, pitch_x, pitch_y, x0, y0, samples, bps;
	int negative;		/* the window asks the scanner to invert */
	uint32_t exp[CSIM_PLANES];	/* exposure per plane of the list */
	size_t pad;		/* bytes before each plane's samples */
	struct sim_stream stream;
	uint8_t *line;
	size_t line_len;
};

/* csim_image.c */
int csim_scan_setup(struct csim *cs);
void csim_make_line(struct csim *cs, uint32_t n);
void csim_auto_exposure(struct csim *cs, int white_balance);
int csim_render(const struct csim_model *m, const char *window, FILE *out,
    char *err, size_t errlen);
void csim_film_geometry(const struct csim_model *m, struct sim_film *film);

#endif
