/*
 * encode.c - the dispatcher: checks rows against the image, counts them,
 * pads a short scan with white and hands each row to its format.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "scsaned/log.h"
#include "encode_int.h"

/* Past any scanner's page at any resolution; keeps every size in range. */
#define ENC_MAX_DIM	(1u << 20)

static const struct {
	const char *mime;
	const struct enc_ops *ops;
} formats[] = {
	[ENC_PNM] = { "image/x-portable-anymap", &enc_pnm_ops },
	[ENC_PNG] = { "image/png", &enc_png_ops },
	[ENC_JPEG] = { "image/jpeg", &enc_jpeg_ops },
	[ENC_TIFF] = { "image/tiff", &enc_tiff_ops },
	[ENC_PDF] = { "application/pdf", &enc_pdf_ops },
};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

const char *
enc_mime(enum enc_format f)
{
	if ((unsigned)f >= NFORMATS)
		return NULL;
	return formats[f].mime;
}

int
enc_from_mime(const char *mime, enum enc_format *f)
{
	/* Netpbm's own subtypes name the one format PNM writes. */
	static const char *const pnm_alias[] = { "image/x-portable-pixmap",
	    "image/x-portable-graymap", "image/x-portable-bitmap" };
	size_t len, i;

	if (mime == NULL)
		return -1;
	mime += strspn(mime, " \t");
	len = strcspn(mime, "; \t");
	for (i = 0; i < NFORMATS; i++)
		if (strlen(formats[i].mime) == len &&
		    strncasecmp(mime, formats[i].mime, len) == 0) {
			*f = (enum enc_format)i;
			return 0;
		}
	for (i = 0; i < sizeof(pnm_alias) / sizeof(pnm_alias[0]); i++)
		if (strlen(pnm_alias[i]) == len &&
		    strncasecmp(mime, pnm_alias[i], len) == 0) {
			*f = ENC_PNM;
			return 0;
		}
	return -1;
}

int
enc_supports(enum enc_format f, unsigned channels, unsigned depth)
{
	if ((unsigned)f >= NFORMATS)
		return 0;
	if (channels == 1 && (depth == 1 || depth == 8 || depth == 16))
		;
	else if (channels == 3 && (depth == 8 || depth == 16))
		;
	else
		return 0;
	/* DCT is 8-bit only: lineart goes in as gray, 16-bit not at all. */
	if ((f == ENC_JPEG || f == ENC_PDF) && depth == 16)
		return 0;
	return 1;
}

struct enc *
enc_open(enum enc_format f, const struct enc_image *img, int quality,
    enc_sink sink, void *ctx)
{
	struct enc *e;

	if ((unsigned)f >= NFORMATS || img == NULL || sink == NULL) {
		log_err("encode: bad arguments");
		return NULL;
	}
	if (!enc_supports(f, img->channels, img->depth)) {
		log_err("encode: %s cannot carry %u channel(s) of %u bits",
		    formats[f].mime, img->channels, img->depth);
		return NULL;
	}
	if (img->width == 0 || img->height == 0 ||
	    img->width > ENC_MAX_DIM || img->height > ENC_MAX_DIM) {
		log_err("encode: image %ux%u out of range", img->width,
		    img->height);
		return NULL;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		log_err("encode: out of memory");
		return NULL;
	}
	e->ops = formats[f].ops;
	e->img = *img;
	e->quality = quality;
	e->row_bytes = ((size_t)img->width * img->channels * img->depth + 7) / 8;
	e->sink = sink;
	e->ctx = ctx;
	if (e->ops->start(e) != 0) {
		enc_free(e);
		return NULL;
	}
	return e;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
enc_due(const struct enc *e)
{
	return now_ms() - e->last_emit_ms >= ENC_FLUSH_MS;
}

int
enc_emit(struct enc *e, const void *buf, size_t len)
{
	if (e->failed)
		return -1;
	if (len == 0)
		return 0;
	if (e->sink(e->ctx, buf, len) != 0) {
		log_debug("encode: the sink stopped after %llu bytes",
		    (unsigned long long)e->written);
		e->failed = 1;
		return -1;
	}
	e->written += len;
	e->last_emit_ms = now_ms();
	return 0;
}

int
enc_rows(struct enc *e, const uint8_t *rows, size_t bytes_per_line,
    size_t nrows)
{
	size_t i;

	if (e == NULL || e->failed || e->closed)
		return -1;
	if (nrows == 0)
		return 0;
	if (bytes_per_line < e->row_bytes) {
		log_err("encode: %zu bytes a line, a row needs %zu",
		    bytes_per_line, e->row_bytes);
		e->failed = 1;
		return -1;
	}
	if (nrows > e->img.height - e->rows_done) {
		log_err("encode: %zu more rows after %u of %u", nrows,
		    e->rows_done, e->img.height);
		e->failed = 1;
		return -1;
	}
	for (i = 0; i < nrows; i++) {
		if (e->ops->row(e, rows + i * bytes_per_line) != 0) {
			e->failed = 1;
			return -1;
		}
		e->rows_done++;
	}
	return 0;
}

int
enc_close(struct enc *e)
{
	uint8_t *white;
	int rc;

	if (e == NULL || e->failed)
		return -1;
	if (e->closed)
		return 0;
	if (e->rows_done < e->img.height) {
		log_warn("encode: the scan ended after %u of %u rows; "
		    "padding with white", e->rows_done, e->img.height);
		if ((white = malloc(e->row_bytes)) == NULL) {
			log_err("encode: out of memory");
			e->failed = 1;
			return -1;
		}
		/* SANE's white: 0 in lineart (1 = black), full scale else. */
		memset(white, e->img.depth == 1 ? 0x00 : 0xff, e->row_bytes);
		rc = 0;
		while (rc == 0 && e->rows_done < e->img.height)
			rc = enc_rows(e, white, e->row_bytes, 1);
		free(white);
		if (rc != 0)
			return -1;
	}
	if (e->ops->finish != NULL && e->ops->finish(e) != 0) {
		e->failed = 1;
		return -1;
	}
	e->closed = 1;
	return 0;
}

void
enc_free(struct enc *e)
{
	if (e == NULL)
		return;
	if (e->ops->release != NULL)
		e->ops->release(e);
	else
		free(e->state);
	e->state = NULL;
	free(e);
}

void
enc_be16(uint8_t *dst, const uint8_t *src, size_t nsamples)
{
	uint16_t v;
	size_t i;

	for (i = 0; i < nsamples; i++) {
		memcpy(&v, src + 2 * i, 2);
		dst[2 * i] = (uint8_t)(v >> 8);
		dst[2 * i + 1] = (uint8_t)v;
	}
}

void
enc_unpack1(uint8_t *dst, const uint8_t *src, unsigned width)
{
	unsigned x;

	for (x = 0; x < width; x++)
		dst[x] = (src[x / 8] & (0x80 >> (x % 8))) ? 0 : 255;
}
