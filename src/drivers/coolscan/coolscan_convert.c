/*
 * coolscan_convert.c - from what a Coolscan sends to what SANE wants, and
 * the device's page C1.  Pure functions: the driver and the tests call
 * them with bytes in, bytes out.
 *
 * The device sends each line as planes (all red samples, then all green,
 * then all blue; or the one infrared plane), once per multi-sampling
 * pass, samples right-aligned and big-endian, 8-bit planes of odd width
 * on some models behind a pad byte.  SANE wants pixel-interleaved samples,
 * 16-bit ones in host order using the whole 16-bit range.  Negatives are
 * inverted by the scanner; what is left is the film base, which the
 * scanner's inversion turns into a coloured black: we subtract it and
 * stretch each channel back to full scale.
 */
#include <string.h>

#include "scsaned/scsi_opcodes.h"
#include "../scsiutil.h"
#include "coolscan.h"

static uint32_t
averaged(const struct cs_pass *p, const uint8_t *line, unsigned c, uint32_t i)
{
	size_t plane = p->pad + (size_t)p->width * p->bps, at;
	uint32_t sum = 0;
	unsigned s;

	for (s = 0; s < p->samples; s++) {
		at = ((size_t)s * p->nplanes + c) * plane + p->pad + (size_t)i * p->bps;
		sum += p->bps == 2 ? (uint32_t)line[at] << 8 | line[at + 1] : line[at];
	}
	return (sum + p->samples / 2) / p->samples;
}

static uint32_t
base_corrected(const struct cs_pass *p, unsigned c, uint32_t v)
{
	uint32_t maxv = (1u << p->bits) - 1, base = p->base[c];

	if (base >= maxv)
		return 0;
	if (v <= base)
		return 0;
	v = (uint32_t)(((uint64_t)(v - base) * maxv + (maxv - base) / 2) / (maxv - base));
	return v > maxv ? maxv : v;
}

void
cs_convert(const struct cs_pass *p, const uint8_t *src, size_t lines, uint8_t *dst)
{
	unsigned c, bits = p->bits;
	uint32_t i, v;
	uint16_t w;
	size_t n;

	for (n = 0; n < lines; n++, src += p->dev_line) {
		for (i = 0; i < p->width; i++) {
			for (c = 0; c < p->nplanes; c++) {
				v = averaged(p, src, c, i);
				if (p->negative && c < 3)
					v = base_corrected(p, c, v);
				if (p->bps == 1) {
					*dst++ = (uint8_t)v;
					continue;
				}
				/* Full range: repeat the top bits in the empty low ones. */
				w = (uint16_t)(v << (16 - bits) | v >> (2 * bits - 16));
				memcpy(dst, &w, 2);
				dst += 2;
			}
		}
	}
}

/*
 * Page C1 as the Coolscans send it.  The LS-30 claims 12 bits but its
 * A/D gives 10; only the LS-30 lacks multi-sampling; the FireWire models
 * pad odd 8-bit planes and want the vendor flag in SET WINDOW.
 */
int
cs_caps_parse(const uint8_t *page, size_t got, const char *product, struct cs_caps *c)
{
	int ls30 = strncmp(product, "COOLSCANIII", 11) == 0;
	int firewire = strncmp(product, "LS-4000", 7) == 0 || strncmp(product, "LS-8000", 7) == 0;

	memset(c, 0, sizeof(*c));
	if (got < 83 || page[1] != NIKON_VPD_CAPABILITIES)
		return -1;
	c->max_dpi = drv_be(page + 20, 2);
	c->min_dpi = drv_be(page + 22, 2);
	c->x_boundary = drv_be(page + 36, 4);
	c->y_boundary = drv_be(page + 58, 4);
	c->frames = page[75] ? page[75] : 1;
	c->focus_min = drv_be(page + 76, 2);
	c->focus_max = drv_be(page + 78, 2);
	c->bits = page[82];
	if (ls30)
		c->bits = 10;
	if (c->max_dpi < 100 || c->max_dpi > 10000 || c->min_dpi == 0 ||
	    c->min_dpi > c->max_dpi || c->x_boundary == 0 || c->y_boundary == 0 ||
	    c->x_boundary > 1000000 || c->y_boundary > 1000000 ||
	    c->bits < 8 || c->bits > 16 || c->focus_min > c->focus_max ||
	    c->y_boundary > c->max_dpi * 3 / 2)
		return -1;
	c->max_samples = ls30 ? 1 : 16;
	c->odd_pad = firewire;
	c->vendor_window_flag = strncmp(product, "LS-4000", 7) == 0;
	return 0;
}
