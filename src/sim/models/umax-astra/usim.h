/*
 * usim.h - the UMAX Astra 1220S model's state, shared by its command set
 * (usim.c) and the data it delivers (usim_image.c).  Private to
 * src/sim/models/umax-astra/.  Facts: hw-notes/umax-astra1220s.md.
 */
#ifndef SCSANED_USIM_H
#define SCSANED_USIM_H

#include <stddef.h>
#include <stdint.h>

#include "scsaned/scsi_opcodes.h"
#include "../../sim_int.h"

#define USIM_OPT_RES	600	/* CCD pixels per inch */
#define USIM_MAX_XRES	600
#define USIM_MAX_YRES	1200	/* half steps of the carriage */
#define USIM_BASE	1200	/* window coordinates: 1/1200 inch */
#define USIM_FB_W	850	/* platen, 1/100 inch (8.5 x 11.7 in) */
#define USIM_FB_L	1170
#define USIM_WDB_LEN	0x53	/* window descriptor bytes the firmware takes */
#define USIM_CAL_LINES	66	/* shading lines per calibration */
#define USIM_WHITE	3968	/* 12-bit CCD level of the white strip */
#define USIM_GAMMA_IN	4096	/* 12-bit gamma input */
#define USIM_SENSE_LEN	0x1f	/* UMAX sense: 18 standard + 13 vendor bytes */

/* Window descriptor offsets (UMAX layout, window id first). */
#define USIM_W_XRES	0x02
#define USIM_W_YRES	0x04
#define USIM_W_ULX	0x06
#define USIM_W_ULY	0x0a
#define USIM_W_WIDTH	0x0e
#define USIM_W_LENGTH	0x12
#define USIM_W_THRESH	0x17
#define USIM_W_COMP	0x19
#define USIM_W_BPP	0x1a
#define USIM_W_RIF	0x1d	/* bit 7 reverse, bits 2-0 padding */
#define USIM_W_GAMMA	0x2e	/* 0 downloaded, 1-4 built in, 0x0f linear */
#define USIM_W_MODULE	0x2f	/* 0x11 flatbed, 0xff transparency */
#define USIM_W_FLAGS	0x30	/* bit 7 HBT (low byte first), bit 6 DOR */
#define USIM_W_ORDER	0x3a	/* bits 4-0 colour ordering */
#define USIM_W_XBASE	0x4c
#define USIM_W_YBASE	0x4e

/* A window as the firmware understood it. */
struct usim_window {
	uint16_t xres, yres;
	uint32_t x, y, w, l;	/* 1/1200 inch */
	uint8_t comp, bpp, threshold;
	uint8_t rif, lsb_first, gamma_sel;
	uint8_t ids;		/* descriptors: 1 (gray, lineart) or 3 (RGB) */
};

/* What one scan delivers. */
struct usim_geometry {
	uint32_t ppl, lines;
	size_t bpl;
};

/* A downloaded curve: 4096 entries of 1 or 2 bytes; out 8 or 12 bits. */
struct usim_gamma {
	int set;
	unsigned out_bits;
	uint16_t v[USIM_GAMMA_IN];
};

struct usim {
	char rev[5];		/* firmware revision, 4 characters */
	int uta;		/* transparency adapter attached */
	unsigned lps;		/* image lines a second the carriage makes; 0: at once */
	int lamp_on;

	int have_window;
	struct usim_window win;
	struct usim_gamma gamma[4];	/* gray, red, green, blue */

	/* calibration by driver: requested, lines read, shading received */
	int cal_wanted, cal_done;
	size_t cal_bpl;
	uint64_t cal_pos;

	int scanning;
	struct usim_geometry geo;
	struct sim_stream stream;
	uint8_t *line;
};

/* usim_image.c */
uint32_t usim_pixels(uint32_t size, unsigned res, unsigned base);
unsigned usim_ybase(unsigned yres);
void usim_geometry(const struct usim_window *w, struct usim_geometry *g);
const char *usim_window_check(const struct usim_window *w, int uta,
    unsigned *field);
size_t usim_cal_bpl(const struct usim_window *w);
void usim_cal_line(const struct usim_window *w, uint8_t *buf, size_t len,
    uint64_t pos);
int usim_gamma_ramp(const struct usim_gamma *g);
int usim_scan_start(struct usim *u);
int usim_render(const char *window, FILE *out, char *err, size_t errlen);

#endif
