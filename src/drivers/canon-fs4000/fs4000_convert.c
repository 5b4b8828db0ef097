/*
 * fs4000_convert.c - FS4000US device lines to SANE lines.
 *
 * A device line is 40 dark margin pixels, then the window's pixels in
 * mirrored order, samples interleaved R, G, B (or one infrared sample);
 * bytes, or little-endian words holding the 14-bit value times 4.  The
 * CCD's rows are 8/4000 inch apart, so green arrives k lines after red
 * and blue 2k after (k = 8 x yres / 4000): output line m takes red from
 * device line m, green from m + k and blue from m + 2k.  A ring of 2k + 1
 * device lines is all the state that needs.  Each sample is calibrated
 * (when the scan is), developed (a negative) and scaled to the output.
 */
#include <stdlib.h>
#include <string.h>

#include "fs4000.h"

int
fs_ring_init(struct fs_ring *r, const struct fs_pass *p)
{
	size_t n = p->spp == 3 ? 2 * (size_t)p->k + 1 : 1;

	r->p = p;
	r->seen = 0;
	r->lines = malloc(n * p->dev_line);
	return r->lines != NULL ? 0 : -1;
}

void
fs_ring_free(struct fs_ring *r)
{
	free(r->lines);
	r->lines = NULL;
}

uint32_t
fs_sample14(const struct fs_pass *p, const uint8_t *l, uint32_t i, unsigned c)
{
	const uint8_t *s = l + ((size_t)FS_MARGIN + (p->pixels - 1 - i)) * p->spp * p->bps +
	    (size_t)c * p->bps;

	if (p->bps == 1)
		return (uint32_t)s[0] << 6;
	return (uint32_t)(s[0] | s[1] << 8) >> 2;
}

/* Dark off, then the pixel brought to the gain of the brightest (fs4000_calib.c). */
static uint32_t
calibrate(const struct fs_pass *p, uint32_t i, unsigned c, uint32_t v)
{
	size_t k = (size_t)i * p->spp + c;
	uint64_t w;

	if (p->cal == NULL)
		return v;
	v = v > p->cal->dark[k] ? v - p->cal->dark[k] : 0;
	w = ((uint64_t)v * p->cal->mul[k]) >> 16;
	return w > 16383 ? 16383 : (uint32_t)w;
}

/* A negative is inverted against its film base: the base becomes black. */
static uint32_t
develop(const struct fs_pass *p, unsigned c, uint32_t v)
{
	uint32_t b = p->base[c];

	if (!p->negative)
		return v;
	if (b == 0 || v >= b)
		return 0;
	return (b - v) * 16383u / b;
}

static void
fs_put(const struct fs_pass *p, uint8_t *o, uint32_t v14)
{
	uint16_t w;

	if (p->bps == 1) {
		*o = (uint8_t)(v14 >> 6);
		return;
	}
	w = (uint16_t)(v14 << 2 | v14 >> 12);	/* the full 16-bit range */
	memcpy(o, &w, 2);
}

int
fs_ring_push(struct fs_ring *r, const uint8_t *line, uint8_t *out)
{
	const struct fs_pass *p = r->p;
	uint32_t n = r->seen++, m, i, slots = 2 * p->k + 1;
	const uint8_t *src[3];
	unsigned c;

	if (p->spp == 1) {
		for (i = 0; i < p->pixels; i++)
			fs_put(p, out + (size_t)i * p->bps,
			    develop(p, 0, calibrate(p, i, 0, fs_sample14(p, line, i, 0))));
		return 1;
	}
	memcpy(r->lines + (size_t)(n % slots) * p->dev_line, line, p->dev_line);
	if (n < 2 * p->k)
		return 0;
	m = n - 2 * p->k;
	for (c = 0; c < 3; c++)
		src[c] = r->lines + (size_t)((m + c * p->k) % slots) * p->dev_line;
	for (i = 0; i < p->pixels; i++)
		for (c = 0; c < 3; c++)
			fs_put(p, out + ((size_t)i * 3 + c) * p->bps,
			    develop(p, c, calibrate(p, i, c, fs_sample14(p, src[c], i, c))));
	return 1;
}
