/*
 * coolscan.h - the Nikon Coolscan models' state, shared by the command set
 * (coolscan.c) and the image they deliver (coolscan_image.c).  Private to
 * src/sim/.
 */
#ifndef SCSANED_SIM_COOLSCAN_H
#define SCSANED_SIM_COOLSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "sim_int.h"

#define CS_DESC_LEN	50
#define CS_PLANES	4		/* R, G, B, IR: window ids 1, 2, 3, 9 */

/* Window descriptor offsets (from the window id byte). */
#define CS_W_XRES	2
#define CS_W_YRES	4
#define CS_W_X		6
#define CS_W_Y		10
#define CS_W_WIDTH	14
#define CS_W_HEIGHT	18
#define CS_W_COMP	25
#define CS_W_BPP	26
#define CS_W_SAMPLES	40	/* (samples - 1) << 4 */
#define CS_W_FLAGS	41	/* bit 0: positive film */
#define CS_W_KIND	42	/* 01 normal, 20 AE, 40 AE + white balance */
#define CS_W_MODE	43
#define CS_W_INTERLEAVE	44
#define CS_W_EXPOSURE	46	/* 10 ns units, 0 = the scanner's own */

struct cs_model {
	const char *product;	/* 16 characters, space padded */
	unsigned max_dpi, min_dpi;
	unsigned x_boundary, y_boundary;	/* one frame, in 1/max_dpi inch */
	unsigned strip_frames;	/* frames in the strip holder */
	unsigned reported_bits;	/* page C1 byte 82 */
	unsigned bits;		/* what the A/D really delivers */
	unsigned max_samples;	/* multi-sampling passes */
	int odd_pad;		/* 8-bit planes of odd width carry a pad byte */
};

struct coolscan {
	const struct cs_model *m;
	struct sim_film film;
	int holder;		/* 0 none, 1 slide mount, 2 strip */
	int loaded;		/* the holder is in (not ejected) */
	uint8_t desc[CS_PLANES][CS_DESC_LEN];
	int set[CS_PLANES];
	uint32_t exposure[CS_PLANES];	/* last auto-exposure result, 0 = none */
	uint32_t focus, best_focus;
	uint8_t pending_op;	/* what the next EXECUTE does */
	unsigned busy_polls, busy_left;
	int reissue;
	unsigned lps;		/* emulated lines per second, 0 = instant */
	uint16_t *lut[3];	/* 2^bits entries per colour; NULL = identity */

	/* The scan in progress. */
	int scanning;
	unsigned nplanes, plane[CS_PLANES];
	uint32_t width, lines, pitch_x, pitch_y, x0, y0, samples, bps;
	int negative;		/* the window asks the scanner to invert */
	uint32_t exp[CS_PLANES];	/* exposure per plane of the list */
	size_t pad;		/* bytes before each plane's samples */
	struct sim_stream stream;
	uint8_t *line;
	size_t line_len;
};

/* coolscan_image.c */
int csim_scan_setup(struct coolscan *cs);
void csim_make_line(struct coolscan *cs, uint32_t n);
void csim_auto_exposure(struct coolscan *cs, int white_balance);
int csim_render(const struct cs_model *m, const char *window, FILE *out,
    char *err, size_t errlen);
void csim_film_geometry(const struct cs_model *m, struct sim_film *film);

#endif
