/*
 * film.c - the film in a simulated film scanner's holder.
 *
 * A strip of frames (a mounted slide is a strip of one), each a test
 * slide that is a pure function of the position, so any window at any
 * resolution can be computed independently of the scan.  Positions are in
 * film units of 1/108000 inch: 40 per 1/2700 and 27 per 1/4000, so both
 * the 2700 and the 4000 dpi Coolscans hit whole units.
 *
 * Frame f (from 0) starts at y = f * pitch.  Its picture covers
 * [0, width) x [0, height) of the frame; the rest of the pitch is the gap
 * between frames, unexposed film.  The picture, in four bands down the
 * frame:
 *   0  twelve colour patches (6 x 2), their order rotated by the frame
 *      number, so every frame of a strip differs;
 *   1  gradients: red rises across, green down the band, blue falls across;
 *   2  a resolution target: bars whose period halves every eighth of the
 *      width, from 1/20 inch to finer than any Coolscan resolves;
 *      horizontal bars in the upper half, vertical in the lower;
 *   3  the frame number as f + 1 white bars on a grey ramp.
 * Dust: eight specks per frame at positions drawn from the frame number.
 * Dust is opaque to visible and infrared light alike, which is what lets
 * an infrared pass find it.
 *
 * Transmittance (what the scanner measures) in 16 bits: a positive
 * (slide) film passes 1000 + 15/16 of the scene; a negative passes its
 * orange base less the scene, so the unexposed gap reads as the base.
 * All dyes are clear to infrared: the IR channel is flat but for dust.
 */
#include "sim_int.h"

#define DENSE		1000u	/* what the densest film still passes */

static const uint16_t patches[12][3] = {
	{ 0xffff, 0xffff, 0xffff }, { 0xffff, 0xffff, 0x0000 },
	{ 0x0000, 0xffff, 0xffff }, { 0x0000, 0xffff, 0x0000 },
	{ 0xffff, 0x0000, 0xffff }, { 0xffff, 0x0000, 0x0000 },
	{ 0x0000, 0x0000, 0xffff }, { 0x0000, 0x0000, 0x0000 },
	{ 0x8000, 0x8000, 0x8000 }, { 0xc000, 0x6000, 0x3000 },
	{ 0x3000, 0x9000, 0xc000 }, { 0x7000, 0x2000, 0x5000 },
};

/* The orange mask of colour negative film, per channel; and for IR. */
static const uint16_t neg_base[3] = { 56000, 40000, 26000 };
#define IR_CLEAR	60000u

static uint32_t
mix(uint32_t a)
{
	a ^= a >> 16;
	a *= 0x7feb352dU;
	a ^= a >> 15;
	a *= 0x846ca68bU;
	a ^= a >> 16;
	return a;
}

static int
dusty(const struct sim_film *film, uint32_t f, uint32_t x, uint32_t y)
{
	uint32_t k, cx, cy, r;
	int64_t dx, dy;

	for (k = 0; k < 8; k++) {
		cx = mix(f * 16 + k) % film->width;
		cy = mix(f * 16 + k + 8) % film->height;
		r = 300 + mix(f * 16 + k + 100) % 1200;
		dx = (int64_t)x - cx;
		dy = (int64_t)y - cy;
		if (dx * dx + dy * dy <= (int64_t)r * r)
			return 1;
	}
	return 0;
}

static void
scene(const struct sim_film *film, uint32_t f, uint32_t x, uint32_t y, uint16_t rgb[3])
{
	uint32_t band_h = film->height / 4, band = y / band_h, by = y % band_h;
	uint32_t w = film->width, period, group;
	const uint16_t *p;
	uint16_t v;

	switch (band < 3 ? band : 3) {
	case 0:
		p = patches[(x * 6 / w + (by * 2 / band_h) * 6 + f) % 12];
		rgb[0] = p[0];
		rgb[1] = p[1];
		rgb[2] = p[2];
		return;
	case 1:
		rgb[0] = (uint16_t)((uint64_t)x * 65535 / w);
		rgb[1] = (uint16_t)((uint64_t)by * 65535 / band_h);
		rgb[2] = (uint16_t)(65535 - rgb[0]);
		return;
	case 2:
		group = x * 8 / w;
		period = 5400u >> group;
		if (by < band_h / 2)
			v = ((by / (period / 2)) & 1) ? 0xffff : 0;
		else
			v = ((x / (period / 2)) & 1) ? 0xffff : 0;
		break;
	default:
		if (x < (f + 1) * (w / 16) && ((x / (w / 32)) & 1) == 0)
			v = 0xffff;
		else
			v = (uint16_t)(0x2000 + (uint64_t)((x + by) % w) * 0x8000 / w);
		break;
	}
	rgb[0] = rgb[1] = rgb[2] = v;
}

void
sim_film_sample(const struct sim_film *film, uint32_t x, uint32_t y, uint16_t t[4])
{
	uint32_t f = y / film->pitch, fy = y % film->pitch, c;
	uint16_t rgb[3] = { 0, 0, 0 };
	int in = f < film->frames && x < film->width && fy < film->height;

	if (in)
		scene(film, f, x, fy, rgb);
	for (c = 0; c < 3; c++) {
		if (film->negative)
			t[c] = (uint16_t)(neg_base[c] -
			    (uint32_t)(neg_base[c] - DENSE) * rgb[c] / 65535);
		else
			t[c] = (uint16_t)(DENSE + (uint32_t)rgb[c] * 15 / 16);
	}
	t[3] = IR_CLEAR;
	if (in && dusty(film, f, x, fy))
		for (c = 0; c < 4; c++)
			t[c] /= 8;
}
