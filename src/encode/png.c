/*
 * png.c - PNG, rows deflated as they come and sent as soon as there is
 * something to send.  16-bit stays 16-bit (big-endian, as PNG stores it);
 * lineart is 1-bit gray, inverted because PNG's 0 is black.
 *
 * Why zlib and not libpng for writing: libpng 1.6 holds compressed data
 * until its buffer (8 KiB) is full and writes no partial IDAT chunk on a
 * flush, so a client saw nothing of a film scan's first thousand rows (12 s
 * at an LS-2000's pace) after the header.  The container is three chunk
 * kinds around one zlib stream, so this file writes it itself: every row
 * is deflated at once, and when ENC_FLUSH_MS has passed since the last
 * bytes went out, a sync flush ends the pending IDAT chunk.  Rows take
 * the Sub filter, one pass and the one that suits scans best among the
 * cheap ones, and deflate its fastest level: a network scanner must keep
 * up with a 1200 dpi flatbed, and the file is a transfer format here.
 * (The tests read every file back with libpng.)
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "scsaned/log.h"
#include "encode_int.h"

#define PNG_IDAT_MAX	65536	/* bytes an IDAT chunk holds at most */
#define PNG_LEVEL	1	/* deflate's fastest */

struct epng {
	z_stream z;
	int zinit;
	size_t bpp;		/* bytes a pixel, for the Sub filter (1 for lineart) */
	uint8_t *row;		/* filter byte, then the row in PNG's form */
	uint8_t *filt;		/* filter byte, then the Sub-filtered row */
	uint8_t out[8 + PNG_IDAT_MAX + 4];	/* one IDAT chunk, framed */
};

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A whole chunk: length, TYPE, DATA (LEN bytes), CRC. */
static int
chunk(struct enc *e, const char *type, const uint8_t *data, size_t len)
{
	uint8_t head[8], tail[4];
	uLong crc;

	put32(head, (uint32_t)len);
	memcpy(head + 4, type, 4);
	crc = crc32(crc32(0, NULL, 0), head + 4, 4);
	if (len > 0)
		crc = crc32(crc, data, (uInt)len);
	put32(tail, (uint32_t)crc);
	return enc_emit(e, head, 8) != 0 || enc_emit(e, data, len) != 0 ||
	    enc_emit(e, tail, 4) != 0 ? -1 : 0;
}

/* The IDAT chunk built in s->out so far, if it holds anything. */
static int
idat_out(struct enc *e, struct epng *s)
{
	size_t len = PNG_IDAT_MAX - s->z.avail_out;
	uLong crc;

	if (len == 0)
		return 0;
	put32(s->out, (uint32_t)len);
	memcpy(s->out + 4, "IDAT", 4);
	crc = crc32(crc32(0, NULL, 0), s->out + 4, (uInt)(len + 4));
	put32(s->out + 8 + len, (uint32_t)crc);
	s->z.next_out = s->out + 8;
	s->z.avail_out = PNG_IDAT_MAX;
	return enc_emit(e, s->out, 8 + len + 4);
}

/* Feed IN (or nothing) with FLUSH, sending each IDAT chunk that fills. */
static int
deflate_in(struct enc *e, struct epng *s, uint8_t *in, size_t len, int flush)
{
	int rc;

	s->z.next_in = in;
	s->z.avail_in = (uInt)len;
	for (;;) {
		rc = deflate(&s->z, flush);
		if (rc == Z_STREAM_ERROR) {
			log_err("encode: zlib: %s", s->z.msg ? s->z.msg : "stream error");
			return -1;
		}
		if (s->z.avail_out == 0) {
			if (idat_out(e, s) != 0)
				return -1;
			continue;
		}
		/* Room left and all input taken: done, flushed as asked. */
		if (s->z.avail_in == 0 && (flush != Z_FINISH || rc == Z_STREAM_END))
			return 0;
	}
}

/* Pixels per metre, PNG's unit, from dots per inch. */
static uint32_t
ppm(unsigned dpi)
{
	return (uint32_t)(((unsigned long long)dpi * 10000 + 127) / 254);
}

static int
epng_start(struct enc *e)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	struct epng *s;
	uint8_t ihdr[13], phys[9];

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (e->state = s, s->row = malloc(e->row_bytes + 1)) == NULL ||
	    (s->filt = malloc(e->row_bytes + 1)) == NULL) {
		log_err("encode: out of memory");
		return -1;
	}
	s->bpp = e->img.depth == 1 ? 1 : e->img.channels * (e->img.depth / 8);
	if (deflateInit2(&s->z, PNG_LEVEL, Z_DEFLATED, 15, 8, Z_FILTERED) != Z_OK) {
		log_err("encode: zlib could not start");
		return -1;
	}
	s->zinit = 1;
	s->z.next_out = s->out + 8;
	s->z.avail_out = PNG_IDAT_MAX;
	put32(ihdr, e->img.width);
	put32(ihdr + 4, e->img.height);
	ihdr[8] = (uint8_t)e->img.depth;
	ihdr[9] = e->img.channels == 3 ? 2 : 0;		/* truecolour or gray */
	ihdr[10] = ihdr[11] = ihdr[12] = 0;	/* deflate, adaptive filters, no interlace */
	if (enc_emit(e, sig, sizeof(sig)) != 0 || chunk(e, "IHDR", ihdr, 13) != 0)
		return -1;
	if (e->img.dpi_x != 0 && e->img.dpi_y != 0) {
		put32(phys, ppm(e->img.dpi_x));
		put32(phys + 4, ppm(e->img.dpi_y));
		phys[8] = 1;				/* the metre */
		if (chunk(e, "pHYs", phys, 9) != 0)
			return -1;
	}
	return 0;
}

static int
epng_row(struct enc *e, const uint8_t *row)
{
	struct epng *s = e->state;
	uint8_t *p = s->row + 1, *f = s->filt + 1, *in;
	size_t i, n = e->row_bytes;

	if (e->img.depth == 16)
		enc_be16(p, row, n / 2);
	else if (e->img.depth == 1)
		for (i = 0; i < n; i++)
			p[i] = (uint8_t)~row[i];
	else
		memcpy(p, row, n);
	if (e->img.depth == 1) {
		s->row[0] = 0;		/* None: lineart gains nothing from Sub */
		in = s->row;
	} else {
		s->filt[0] = 1;		/* Sub */
		memcpy(f, p, s->bpp < n ? s->bpp : n);
		for (i = s->bpp; i < n; i++)
			f[i] = (uint8_t)(p[i] - p[i - s->bpp]);
		in = s->filt;
	}
	if (deflate_in(e, s, in, n + 1, Z_NO_FLUSH) != 0)
		return -1;
	if (enc_due(e) && (deflate_in(e, s, NULL, 0, Z_SYNC_FLUSH) != 0 ||
	    idat_out(e, s) != 0))
		return -1;
	return 0;
}

static int
epng_finish(struct enc *e)
{
	struct epng *s = e->state;

	if (deflate_in(e, s, NULL, 0, Z_FINISH) != 0 || idat_out(e, s) != 0)
		return -1;
	return chunk(e, "IEND", NULL, 0);
}

static void
epng_release(struct enc *e)
{
	struct epng *s = e->state;

	if (s == NULL)
		return;
	if (s->zinit)
		deflateEnd(&s->z);
	free(s->row);
	free(s->filt);
	free(s);
	e->state = NULL;
}

const struct enc_ops enc_png_ops = {
	epng_start, epng_row, epng_finish, epng_release
};
