/*
 * encode.h - streaming image encoders for the HTTP front.
 *
 * Rows go in as SANE delivers them and encoded bytes go out through a sink
 * as soon as the format allows, so a scan of any height takes a few rows of
 * memory (plus the codec library's own state) and a client sees the first
 * bytes while the scanner is still working.  The height must be known at
 * the start (SANE's parameters after sane_start); rows missing at close are
 * padded with white.
 */
#ifndef SCSANED_ENCODE_H
#define SCSANED_ENCODE_H

#include <stddef.h>
#include <stdint.h>

enum enc_format { ENC_PNM, ENC_PNG, ENC_JPEG, ENC_TIFF, ENC_PDF };

struct enc_image {
	unsigned width;		/* pixels per line */
	unsigned height;	/* lines, known at the start */
	unsigned channels;	/* 1 (gray/lineart) or 3 (RGB, interleaved) */
	unsigned depth;		/* 1, 8 or 16 bits a sample */
	unsigned dpi_x, dpi_y;	/* written where the format has room; 0 = none */
};

/* Where encoded bytes go: 0 to go on, -1 to stop (the peer is gone). */
typedef int (*enc_sink)(void *ctx, const void *buf, size_t len);

struct enc;

/*
 * NULL on a combination the format cannot carry (16-bit JPEG, say) or a
 * size it cannot hold, logged.  QUALITY is JPEG's 1..100, 0 for the default;
 * the other formats ignore it.
 */
struct enc *enc_open(enum enc_format f, const struct enc_image *img,
    int quality, enc_sink sink, void *ctx);

/*
 * NROWS whole rows exactly as SANE delivers them, BYTES_PER_LINE apart (at
 * least the row's size; padding past it is ignored): 16-bit samples in host
 * byte order, 1-bit rows packed MSB first with 1 = black.  0, or -1 when the
 * sink stopped, the encoder failed or more rows came than the height said.
 */
int enc_rows(struct enc *e, const uint8_t *rows, size_t bytes_per_line,
    size_t nrows);

/* Finish the file, padding missing rows with white (logged).  0 or -1. */
int enc_close(struct enc *e);

/* Release E, closed or not; NULL is a no-op. */
void enc_free(struct enc *e);

const char *enc_mime(enum enc_format f);
/* 0, or -1 for a type no encoder writes.  Parameters after ';' are ignored. */
int enc_from_mime(const char *mime, enum enc_format *f);
/* 1 if format F carries CHANNELS x DEPTH, else 0. */
int enc_supports(enum enc_format f, unsigned channels, unsigned depth);

#endif
