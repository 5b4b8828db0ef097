/*
 * encode_int.h - what the dispatcher (encode.c) and the formats share.
 *
 * Each format is a table of four steps; encode.c checks the rows, counts
 * them, pads a short scan with white and owns the sink, so a format only
 * turns one valid SANE row into its own bytes.
 */
#ifndef SCSANED_ENCODE_INT_H
#define SCSANED_ENCODE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "scsaned/encode.h"

struct enc;

struct enc_ops {
	int (*start)(struct enc *);	/* allocate state, write the header */
	int (*row)(struct enc *, const uint8_t *row);	/* one SANE row */
	int (*finish)(struct enc *);	/* every row is in: the trailer; NULL: none */
	void (*release)(struct enc *);	/* after any step; NULL: free(state) */
};

struct enc {
	const struct enc_ops *ops;
	struct enc_image img;
	int quality;
	size_t row_bytes;	/* one SANE row without padding */
	unsigned rows_done;
	int failed;		/* the sink stopped or a step failed */
	int closed;
	enc_sink sink;
	void *ctx;
	uint64_t written;	/* bytes handed to the sink (PDF's offsets) */
	uint64_t last_emit_ms;	/* when bytes last went to the sink */
	void *state;		/* the format's */
};

extern const struct enc_ops enc_pnm_ops, enc_png_ops, enc_jpeg_ops,
    enc_tiff_ops, enc_pdf_ops;

/* Hand LEN bytes to the sink, counting them; -1 once it has stopped. */
int enc_emit(struct enc *e, const void *buf, size_t len);

/*
 * A format holding bytes back (deflate's window, JPEG's buffer) sends what
 * it has once this is 1: ENC_FLUSH_MS since bytes last went out, so a
 * client sees a slow scanner's rows about as they come, at the price of a
 * flush a tenth of a second.
 */
#define ENC_FLUSH_MS	100
int enc_due(const struct enc *e);

/* NSAMPLES host-order 16-bit samples to big-endian. */
void enc_be16(uint8_t *dst, const uint8_t *src, size_t nsamples);

/* One SANE 1-bit row (1 = black) to WIDTH 8-bit gray samples. */
void enc_unpack1(uint8_t *dst, const uint8_t *src, unsigned width);

/*
 * JPEG compression with the bytes going to an emitter, shared by the JPEG
 * and PDF formats (PDF embeds the same stream as DCTDecode).  Takes 1-bit
 * (as 8-bit gray) and 8-bit images.
 */
struct jpg;
struct jpg *jpg_new(const struct enc_image *img, int quality, struct enc *out);
int jpg_row(struct jpg *j, const uint8_t *row);
int jpg_finish(struct jpg *j);
void jpg_free(struct jpg *j);

#endif
