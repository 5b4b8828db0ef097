/*
 * chart.c - the test chart every flatbed model scans.
 *
 * A pure function of the physical position (in 1/1200 inch), so any window
 * at any resolution has pixels that can be computed independently of the
 * scan.  Half-inch bands repeat down the platen:
 *   0  colour bars (white yellow cyan green magenta red blue black), each
 *      darkening slightly towards the bottom of the band;
 *   1  smooth gradients: red rises left to right, green falls, blue rises
 *      top to bottom within the band;
 *   2  a fine line wedge: black/white stripes 1..8 units wide, the width
 *      stepping every inch across;
 *   3  a 1/8-inch checkerboard with diagonal shading.
 */
#include "sim_int.h"

#define BAND 600	/* half an inch */

static void
bars(uint32_t x, uint32_t y, uint16_t rgb[3])
{
	uint32_t bar = 7 - (x / BAND) % 8;	/* white first */
	uint16_t level = (uint16_t)(0xffff - (y % BAND) * 40);

	rgb[0] = (bar & 4) ? level : 0;
	rgb[1] = (bar & 2) ? level : 0;
	rgb[2] = (bar & 1) ? level : 0;
}

static void
gradients(uint32_t x, uint32_t y, uint16_t rgb[3])
{
	uint32_t r = (x % 8192) * 8;

	rgb[0] = (uint16_t)r;
	rgb[1] = (uint16_t)(0xffff - r);
	rgb[2] = (uint16_t)((y % BAND) * 109);
}

static void
wedge(uint32_t x, uint32_t y, uint16_t rgb[3])
{
	uint32_t width = 1 + (x / 1200) % 8;
	uint16_t v = ((x / width) & 1) ? 0xffff : 0x0000;

	(void)y;
	rgb[0] = rgb[1] = rgb[2] = v;
}

static void
checker(uint32_t x, uint32_t y, uint16_t rgb[3])
{
	uint32_t shade = ((x + y) % 4096) * 8;
	uint16_t v;

	if (((x / 150) ^ (y / 150)) & 1)
		v = (uint16_t)(0xc000 - shade);
	else
		v = (uint16_t)(0x2000 + shade);
	rgb[0] = v;
	rgb[1] = (uint16_t)(v ^ 0x0f0f);
	rgb[2] = (uint16_t)(0xffff - v);
}

void
sim_chart_rgb16(uint32_t x, uint32_t y, uint16_t rgb[3])
{
	switch ((y / BAND) % 4) {
	case 0:
		bars(x, y, rgb);
		break;
	case 1:
		gradients(x, y, rgb);
		break;
	case 2:
		wedge(x, y, rgb);
		break;
	default:
		checker(x, y, rgb);
		break;
	}
}
