/*
 * jpeg.c - baseline JPEG through libjpeg(-turbo), rows compressed as they
 * come and the output sent through a small buffer, at the latest
 * ENC_FLUSH_MS after the last bytes.  The compressor is
 * also PDF's (pdf.c embeds its stream as DCTDecode).  Lineart goes in as
 * 8-bit gray; 16-bit is refused before this (enc_supports).
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

#include "scsaned/log.h"
#include "encode_int.h"

/* The default for quality 0: scans are read, so text must stay crisp. */
#define JPG_DEFAULT_QUALITY	85
/* Bytes a write to the sink: enough to amortise, small for latency. */
#define JPG_OUTBUF		4096

struct jpg {
	struct jpeg_compress_struct cinfo;
	struct jpeg_error_mgr jerr;
	struct jpeg_destination_mgr dest;
	jmp_buf jmp;
	struct enc *out;
	int created;
	unsigned width, depth;
	uint8_t *gray;		/* lineart unpacked to one row of 8-bit gray */
	uint8_t outbuf[JPG_OUTBUF];
};

static void
jpg_error_exit(j_common_ptr c)
{
	struct jpg *j = c->client_data;
	char msg[JMSG_LENGTH_MAX];

	if (!j->out->failed) {
		c->err->format_message(c, msg);
		log_err("encode: libjpeg: %s", msg);
	}
	longjmp(j->jmp, 1);
}

static void
jpg_output_message(j_common_ptr c)
{
	char msg[JMSG_LENGTH_MAX];

	c->err->format_message(c, msg);
	log_debug("encode: libjpeg: %s", msg);
}

static void
jpg_init_dest(j_compress_ptr c)
{
	struct jpg *j = c->client_data;

	j->dest.next_output_byte = j->outbuf;
	j->dest.free_in_buffer = sizeof(j->outbuf);
}

static boolean
jpg_empty_dest(j_compress_ptr c)
{
	struct jpg *j = c->client_data;

	/* libjpeg's contract: the whole buffer, whatever free_in_buffer says. */
	if (enc_emit(j->out, j->outbuf, sizeof(j->outbuf)) != 0)
		longjmp(j->jmp, 1);
	jpg_init_dest(c);
	return TRUE;
}

static void
jpg_term_dest(j_compress_ptr c)
{
	struct jpg *j = c->client_data;

	if (enc_emit(j->out, j->outbuf,
	    sizeof(j->outbuf) - j->dest.free_in_buffer) != 0)
		longjmp(j->jmp, 1);
}

static int
jpg_setup(struct jpg *j, const struct enc_image *img, int quality)
{
	struct jpeg_compress_struct *c = &j->cinfo;

	if (setjmp(j->jmp))
		return -1;
	jpeg_create_compress(c);
	j->created = 1;
	c->dest = &j->dest;
	c->image_width = img->width;
	c->image_height = img->height;
	c->input_components = (int)img->channels;
	c->in_color_space = img->channels == 3 ? JCS_RGB : JCS_GRAYSCALE;
	jpeg_set_defaults(c);
	jpeg_set_quality(c, quality, TRUE);
	if (img->dpi_x != 0 && img->dpi_y != 0) {
		c->density_unit = 1;	/* dots per inch */
		c->X_density = (UINT16)(img->dpi_x > 65535 ? 65535 : img->dpi_x);
		c->Y_density = (UINT16)(img->dpi_y > 65535 ? 65535 : img->dpi_y);
	}
	jpeg_start_compress(c, TRUE);
	return 0;
}

struct jpg *
jpg_new(const struct enc_image *img, int quality, struct enc *out)
{
	struct jpg *j;

	if (img->width > JPEG_MAX_DIMENSION || img->height > JPEG_MAX_DIMENSION) {
		log_err("encode: JPEG holds at most %ld pixels a side, not %ux%u",
		    (long)JPEG_MAX_DIMENSION, img->width, img->height);
		return NULL;
	}
	if (quality < 0 || quality > 100) {
		log_err("encode: JPEG quality %d is not 1..100", quality);
		return NULL;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (img->depth == 1 && (j->gray = malloc(img->width)) == NULL)) {
		log_err("encode: out of memory");
		free(j);
		return NULL;
	}
	j->out = out;
	j->width = img->width;
	j->depth = img->depth;
	j->cinfo.err = jpeg_std_error(&j->jerr);
	j->jerr.error_exit = jpg_error_exit;
	j->jerr.output_message = jpg_output_message;
	j->cinfo.client_data = j;
	j->dest.init_destination = jpg_init_dest;
	j->dest.empty_output_buffer = jpg_empty_dest;
	j->dest.term_destination = jpg_term_dest;
	if (jpg_setup(j, img, quality ? quality : JPG_DEFAULT_QUALITY) != 0) {
		jpg_free(j);
		return NULL;
	}
	return j;
}

int
jpg_row(struct jpg *j, const uint8_t *row)
{
	JSAMPROW r;

	if (j->depth == 1) {
		enc_unpack1(j->gray, row, j->width);
		r = j->gray;
	} else
		r = (JSAMPROW)(uintptr_t)row;	/* libjpeg only reads it */
	if (setjmp(j->jmp))
		return -1;
	jpeg_write_scanlines(&j->cinfo, &r, 1);
	/*
	 * libjpeg empties the buffer only when it is full; between calls the
	 * buffer is ours, so a slow scan's compressed rows go out on time.
	 * Not before the first band of MCUs is in: the headers alone would
	 * restart the clock and hold the first image bytes back a flush.
	 */
	if (j->dest.free_in_buffer < sizeof(j->outbuf) && enc_due(j->out) &&
	    j->cinfo.next_scanline >= (JDIMENSION)(j->cinfo.max_v_samp_factor * DCTSIZE)) {
		if (enc_emit(j->out, j->outbuf, sizeof(j->outbuf) - j->dest.free_in_buffer) != 0)
			return -1;
		jpg_init_dest(&j->cinfo);
	}
	return 0;
}

int
jpg_finish(struct jpg *j)
{
	if (setjmp(j->jmp))
		return -1;
	jpeg_finish_compress(&j->cinfo);
	return 0;
}

void
jpg_free(struct jpg *j)
{
	if (j == NULL)
		return;
	if (j->created)
		jpeg_destroy_compress(&j->cinfo);
	free(j->gray);
	free(j);
}

static int
ejpg_start(struct enc *e)
{
	e->state = jpg_new(&e->img, e->quality, e);
	return e->state != NULL ? 0 : -1;
}

static int
ejpg_row(struct enc *e, const uint8_t *row)
{
	return jpg_row(e->state, row);
}

static int
ejpg_finish(struct enc *e)
{
	return jpg_finish(e->state);
}

static void
ejpg_release(struct enc *e)
{
	jpg_free(e->state);
	e->state = NULL;
}

const struct enc_ops enc_jpeg_ops = {
	ejpg_start, ejpg_row, ejpg_finish, ejpg_release
};
