/*
 * fsim.h - the Canon CanoScan FS4000US model's state, shared by its
 * command set (fsim.c) and the image it delivers (fsim_image.c).
 * Private to src/sim/models/canon-fs4000/.
 */
#ifndef SCSANED_FSIM_H
#define SCSANED_FSIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../../sim_int.h"

#define FSIM_WIN_LEN	72	/* SET/GET WINDOW block: header + descriptor */
#define FSIM_MODE_LEN	38	/* GET/DEFINE SCAN MODE page 20h */
#define FSIM_MARGIN	40	/* dark pixels before every line */
#define FSIM_X_RANGE	4000	/* 1/4000 inch across the film */
#define FSIM_Y_RANGE	5904	/* 1/4000 inch along it */
#define FSIM_CARRIAGE_MAX	11807	/* 1/8000 inch */
#define FSIM_HOLDER_MAX	4000	/* holder positions, "1/360 inch" */

/* Offsets in the 72-byte window block. */
#define FSIM_W_XRES	10
#define FSIM_W_YRES	12
#define FSIM_W_X		14
#define FSIM_W_Y		18
#define FSIM_W_WIDTH	22
#define FSIM_W_LENGTH	26
#define FSIM_W_COMP	33
#define FSIM_W_BPP	34
#define FSIM_W_PAD	37

/* Offsets in the 38-byte scan mode block. */
#define FSIM_M_SPEED	15
#define FSIM_M_FORMAT	20	/* sample format bits */
#define FSIM_M_GAIN	22	/* 3 bytes */
#define FSIM_M_OFFSET	25	/* 3 x BE16 */
#define FSIM_M_SHUTTER	31	/* 3 x BE16 */
#define FSIM_M_MODS	37

#define FSIM_FMT_BIG_ENDIAN	0x01
#define FSIM_FMT_NO_SHIFT		0x02
#define FSIM_FMT_TIMES4		0x10
#define FSIM_FMT_NO_MARGIN	0x20

/* GET FILM STATUS holder types. */
#define FSIM_HOLDER_NONE	0
#define FSIM_HOLDER_STRIP	1
#define FSIM_HOLDER_SLIDE	2

/* SET FRAME motion modes (bits 2-0) and the no-return bit. */
#define FSIM_FRAME_REVERSE	1
#define FSIM_FRAME_NO_RETURN	0x08

struct fsim_holder {
	unsigned frames;
	uint16_t start[6];	/* holder position where each frame's scan starts */
	uint16_t clear, opaque;	/* calibration spots */
};

/* A scan in progress, fixed at SCAN time. */
struct fsim_job {
	int active, thumbnail;
	uint32_t xres, yres, x0, y0, pitch_x, pitch_y;
	uint32_t pixels, lines, k;
	int reverse;
	int stationary;		/* one line scanned over and over */
	int32_t stat_y;		/* its device Y */
	unsigned spp, bps;	/* samples per pixel (3 or 1), bytes per sample */
	uint8_t comp, format, mods;
	uint8_t gain[3];
	int32_t offset[3];	/* in 16-bit counts before the gain */
	uint32_t exposure[3];	/* shutter x speed */
	uint32_t lamp_vis, lamp_ir;	/* intensity, 1024 = full */
	int64_t base;		/* holder coordinate of device Y 0, film units */
	int spot;		/* 1 clear, -1 opaque calibration spot, 0 film */
	size_t bpl;
	struct sim_stream stream;
	uint8_t *line;
	/* Film transmittance of image lines, a ring of 2k + 1 rows. */
	uint16_t *rows;
	int64_t *row_tag;
	uint32_t nrows;
};

struct fsim {
	int holder;		/* FSIM_HOLDER_* as inserted */
	int negative;		/* the film in it */
	uint8_t sense_ascq;	/* pending holder event, 0 none */
	uint8_t sense_key;
	uint16_t holder_pos, carriage;
	uint8_t frame_mode;
	uint8_t focus;
	uint16_t af_first, af_last;
	uint32_t af_sum[3];
	uint8_t best_focus[3];
	int vis_on, ir_on;
	uint64_t vis_since, ir_since;	/* simulated milliseconds */
	uint64_t power_on;	/* real ms at power-on */
	uint64_t clock_base;	/* simulated ms at power-on */
	unsigned timescale;	/* simulated seconds per real second */
	unsigned lps;		/* lines per second at speed 2, 0 = instant */
	uint8_t led;
	uint8_t mode[FSIM_MODE_LEN];
	uint8_t window[FSIM_WIN_LEN];
	uint8_t thumb[FSIM_WIN_LEN];
	struct sim_film film;
	struct fsim_job job;
};

/*
 * fsim_image.c: the holders, the lamps, the front end's power-on scan
 * mode, and the data of a scan (NOW is the unit's clock, in ms).
 */
const struct fsim_holder *fsim_holder(int type);
uint32_t fsim_lamp_level(int on, uint64_t since, uint64_t now);
void fsim_default_mode(uint8_t mode[FSIM_MODE_LEN]);
void fsim_film_setup(struct fsim *fs);
int fsim_job_setup(struct fsim *fs, const uint8_t *win, int thumbnail, uint64_t now);
void fsim_job_free(struct fsim_job *j);
void fsim_af_measure(struct fsim *fs, uint64_t now);
int fsim_render(const char *window, FILE *out, char *err, size_t errlen);

#endif
