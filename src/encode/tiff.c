/*
 * tiff.c - baseline TIFF, uncompressed strips, written front to back.
 *
 * Why not libtiff for writing: it needs a seekable file.  It writes the
 * strips first and the directory last, then seeks back to patch the
 * header's pointer to it, so to a socket it could send nothing before the
 * scan ended, or would need the whole image held.  But with the height
 * known and no compression, every offset is known at the start: the header,
 * the directory (IFD) and the strip tables go first, then each row's bytes
 * exactly as SANE delivered them.  TIFF's byte order is the writer's
 * choice, so the file takes the host's and 16-bit samples go out untouched;
 * lineart is WhiteIsZero, whose 1 = black is SANE's.  Classic TIFF's 32-bit
 * offsets cap a file at 4 GiB, refused at open.  (The tests read the files
 * back with libtiff.)
 */
#include <stdlib.h>
#include <string.h>

#include "scsaned/log.h"
#include "encode_int.h"

/* About this many bytes a strip, the size readers are tuned for. */
#define TIFF_STRIP_BYTES	65536

enum { T_SHORT = 3, T_LONG = 4, T_RATIONAL = 5 };

#define TIFF_NENTRIES	14	/* the entry() calls in etiff_start */
#define OFF_IFD		8
#define OFF_BPS		(OFF_IFD + 2 + 12 * TIFF_NENTRIES + 4)
#define OFF_XRES	(OFF_BPS + 8)
#define OFF_YRES	(OFF_XRES + 8)
#define OFF_TABLES	(OFF_YRES + 8)	/* strip offsets, then byte counts */

static void
put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* One IFD entry at P; VALUE is the datum itself or its offset. */
static uint8_t *
entry(uint8_t *p, uint16_t tag, uint16_t type, uint32_t count, uint32_t value)
{
	put16(p, tag);
	put16(p + 2, type);
	put32(p + 4, count);
	if (type == T_SHORT && count == 1) {
		put32(p + 8, 0);
		put16(p + 8, (uint16_t)value);	/* left-justified */
	} else
		put32(p + 8, value);
	return p + 12;
}

struct etiff {
	uint32_t rps, nstrips, data;	/* rows a strip, strips, first byte */
};

/* Write one strip table (offsets or byte counts) in small pieces. */
static int
etiff_table(struct enc *e, const struct etiff *t, int counts)
{
	uint8_t buf[1024];
	uint32_t strip_bytes = t->rps * (uint32_t)e->row_bytes, i, v;
	size_t n = 0;

	for (i = 0; i < t->nstrips; i++) {
		if (!counts)
			v = t->data + i * strip_bytes;
		else if (i + 1 < t->nstrips)
			v = strip_bytes;
		else
			v = (e->img.height - i * t->rps) * (uint32_t)e->row_bytes;
		put32(buf + n, v);
		if ((n += 4) == sizeof(buf)) {
			if (enc_emit(e, buf, n) != 0)
				return -1;
			n = 0;
		}
	}
	return enc_emit(e, buf, n);
}

static int
etiff_start(struct enc *e)
{
	uint8_t h[OFF_TABLES], *p;
	struct etiff *t;
	uint32_t spp = e->img.channels, tables, unit;
	unsigned long long total;
	size_t rps;

	rps = TIFF_STRIP_BYTES / e->row_bytes;
	if (rps == 0)
		rps = 1;
	if (rps > e->img.height)
		rps = e->img.height;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		log_err("encode: out of memory");
		return -1;
	}
	e->state = t;
	t->rps = (uint32_t)rps;
	t->nstrips = (e->img.height + t->rps - 1) / t->rps;
	/* With one strip both tables fit in their entries. */
	tables = t->nstrips > 1 ? 8 * t->nstrips : 0;
	total = OFF_TABLES + (unsigned long long)tables +
	    (unsigned long long)e->row_bytes * e->img.height;
	if (total > UINT32_MAX) {
		log_err("encode: a %ux%u TIFF is past classic TIFF's 4 GiB",
		    e->img.width, e->img.height);
		return -1;
	}
	t->data = OFF_TABLES + tables;

	memset(h, 0, sizeof(h));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	memcpy(h, "MM", 2);
#else
	memcpy(h, "II", 2);
#endif
	put16(h + 2, 42);
	put32(h + 4, OFF_IFD);
	p = h + OFF_IFD;
	put16(p, TIFF_NENTRIES);
	p += 2;
	p = entry(p, 254, T_LONG, 1, 0);		/* NewSubfileType */
	p = entry(p, 256, T_LONG, 1, e->img.width);
	p = entry(p, 257, T_LONG, 1, e->img.height);
	if (spp == 3)				/* BitsPerSample */
		p = entry(p, 258, T_SHORT, 3, OFF_BPS);
	else
		p = entry(p, 258, T_SHORT, 1, e->img.depth);
	p = entry(p, 259, T_SHORT, 1, 1);		/* no compression */
	/* Photometric: WhiteIsZero, BlackIsZero or RGB. */
	p = entry(p, 262, T_SHORT, 1, spp == 3 ? 2 : e->img.depth == 1 ? 0 : 1);
	p = entry(p, 273, T_LONG, t->nstrips,	/* StripOffsets */
	    t->nstrips > 1 ? OFF_TABLES : t->data);
	p = entry(p, 277, T_SHORT, 1, spp);	/* SamplesPerPixel */
	p = entry(p, 278, T_LONG, 1, t->rps);	/* RowsPerStrip */
	p = entry(p, 279, T_LONG, t->nstrips,	/* StripByteCounts */
	    t->nstrips > 1 ? OFF_TABLES + 4 * t->nstrips :
	    (uint32_t)(e->row_bytes * e->img.height));
	p = entry(p, 282, T_RATIONAL, 1, OFF_XRES);
	p = entry(p, 283, T_RATIONAL, 1, OFF_YRES);
	p = entry(p, 284, T_SHORT, 1, 1);		/* chunky */
	/* ResolutionUnit: inch, or none when the dpi is not known. */
	unit = e->img.dpi_x != 0 && e->img.dpi_y != 0 ? 2 : 1;
	p = entry(p, 296, T_SHORT, 1, unit);
	/*
	 * The directory's count is a constant the entries above must match:
	 * one entry more than it counts once overlaid the next-IFD pointer,
	 * and readers went looking for a second image.
	 */
	if (p != h + OFF_BPS - 4) {
		log_err("encode: the TIFF directory holds %d entries, not %d",
		    (int)((p - (h + OFF_IFD + 2)) / 12), TIFF_NENTRIES);
		return -1;
	}
	put32(p, 0);					/* no next IFD */
	put16(h + OFF_BPS, (uint16_t)e->img.depth);
	put16(h + OFF_BPS + 2, (uint16_t)e->img.depth);
	put16(h + OFF_BPS + 4, (uint16_t)e->img.depth);
	put32(h + OFF_XRES, unit == 2 ? e->img.dpi_x : 1);
	put32(h + OFF_XRES + 4, 1);
	put32(h + OFF_YRES, unit == 2 ? e->img.dpi_y : 1);
	put32(h + OFF_YRES + 4, 1);
	if (enc_emit(e, h, sizeof(h)) != 0)
		return -1;
	if (t->nstrips > 1 &&
	    (etiff_table(e, t, 0) != 0 || etiff_table(e, t, 1) != 0))
		return -1;
	return 0;
}

static int
etiff_row(struct enc *e, const uint8_t *row)
{
	return enc_emit(e, row, e->row_bytes);
}

const struct enc_ops enc_tiff_ops = {
	etiff_start, etiff_row, NULL, NULL
};
