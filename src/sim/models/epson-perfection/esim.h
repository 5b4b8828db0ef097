/*
 * esim.h - the Epson Perfection 1640SU model's state, shared by its
 * ESC/I command set (esim.c) and the image it sends (esim_image.c).
 * Private to src/sim/models/epson-perfection/.
 */
#ifndef SCSANED_ESIM_H
#define SCSANED_ESIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../../sim_int.h"

/* ESC/I control bytes. */
#define ESIM_STX	0x02
#define ESIM_ACK	0x06
#define ESIM_NAK	0x15
#define ESIM_CAN	0x18
#define ESIM_ESC	0x1b
#define ESIM_FS		0x1c

/* Status byte of an information block. */
#define ESIM_ST_FER	0x80	/* fatal error */
#define ESIM_ST_AREA_END 0x20	/* last block of the image */
#define ESIM_ST_EXT	0x02	/* FS commands understood (ESC F only) */

/* The flatbed: 8.5 x 11.7 inch, in 1/1200 inch (the chart's unit). */
#define ESIM_BED_X	10200u
#define ESIM_BED_Y	14040u
#define ESIM_MIN_DPI	50u
#define ESIM_MAX_DPI	3200u

/*
 * Everything ESC/I sets that shapes the image: what the trace's "window"
 * line prints and scsaned-sim render reads back.
 */
struct esim_window {
	uint32_t xres, yres;
	uint32_t x, y, w, l;	/* ESC A, in pixels at the resolution */
	uint8_t color;		/* ESC C: 00/10/20/30 mono, 03 GRB, 13 RGB pixels */
	uint8_t depth;		/* ESC D: 1, 8 or 16 */
	uint8_t gamma;		/* ESC Z */
	int8_t bright;		/* ESC L, -4..3 */
	uint8_t halftone;	/* ESC B: 01 none, 03 TET, else a screen */
	uint8_t threshold;	/* ESC t */
	uint8_t mirror;		/* ESC K */
	uint8_t corr;		/* ESC M: 0 none, 1 the ESC m matrix, else built in */
	uint8_t cct[9];		/* ESC m, device order GG GR GB RG RR RB BG BR BB */
	int custom_tables;	/* ESC z loaded something other than identity */
	uint8_t table[3][256];	/* ESC z, R G B */
};

/* How one scan's data is cut into blocks (esim_image.c). */
struct esim_scan {
	struct esim_window win;
	size_t bpl;		/* bytes of one line */
	uint32_t lines_per_block, next_line;
	int ext;		/* FS G: blocks of fixed size with a status byte */
	uint8_t lut[3][256];	/* 8-bit path: curve, tables, brightness */
	uint8_t *line;		/* the line LINE_NO holds */
	uint32_t line_no;
};

struct esim {
	struct esim_window win;	/* the settings ESC/I holds */
	uint8_t sharp, speed, aas, film, option, lcount, zoom[2];
	int ext_commands;	/* ESC F says FS commands work (ext=0: not) */
	unsigned lps;		/* image lines a second the carriage makes; 0: at once */

	/* A setter whose parameter block comes in the next WRITE. */
	uint8_t want_cmd, want_prefix;
	size_t want_len;

	/* What the next READs deliver: a header, then image bytes. */
	uint8_t head[128];
	size_t head_len, head_pos;
	uint64_t data_len, data_pos, data_off;
	uint8_t tail[1];	/* FS G's status byte after the data */
	size_t tail_len, tail_pos;

	int scanning;		/* ESC G or FS G running */
	int awaiting_ack;	/* a block went out, the next waits for ACK */
	struct esim_scan scan;
};

/* esim_image.c */
void esim_window_default(struct esim_window *w);
const char *esim_window_check(const struct esim_window *w);
size_t esim_bytes_per_line(const struct esim_window *w);
int esim_scan_start(struct esim_scan *sc, const struct esim_window *w);
void esim_scan_end(struct esim_scan *sc);
void esim_scan_copy(struct esim_scan *sc, uint64_t off, uint8_t *dst, size_t n);
void esim_window_format(const struct esim_window *w, char *buf, size_t len);
/* The ESC B and ESC M values the firmware takes. */
int esim_halftone_known(uint8_t v);
int esim_correction_known(uint8_t v);
int esim_render(const char *window, FILE *out, char *err, size_t errlen);

#endif
