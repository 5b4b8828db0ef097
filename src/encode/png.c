/*
 * png.c - PNG through libpng, rows written as they come.  16-bit stays
 * 16-bit (big-endian, as PNG stores it); lineart is 1-bit gray, inverted
 * because PNG's 0 is black.  libpng reports errors by longjmp, so every
 * call into it sits behind a setjmp in a function that keeps no state of
 * its own across it.
 */
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/log.h"
#include "encode_int.h"

struct epng {
	png_structp png;
	png_infop info;
	uint8_t *buf;		/* one row in PNG's form */
};

static void
epng_error(png_structp png, png_const_charp msg)
{
	struct enc *e = png_get_error_ptr(png);

	/* A peer that left is no encoder error: enc_emit logged it. */
	if (!e->failed)
		log_err("encode: libpng: %s", msg);
	png_longjmp(png, 1);
}

static void
epng_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	log_debug("encode: libpng: %s", msg);
}

static void
epng_write(png_structp png, png_bytep data, size_t len)
{
	struct enc *e = png_get_io_ptr(png);

	if (enc_emit(e, data, len) != 0)
		png_error(png, "sink stopped");
}

static void
epng_flush(png_structp png)
{
	(void)png;
}

/* Pixels per metre, PNG's unit, from dots per inch. */
static png_uint_32
epng_ppm(unsigned dpi)
{
	return (png_uint_32)(((unsigned long long)dpi * 10000 + 127) / 254);
}

static int
epng_header(struct enc *e, struct epng *s)
{
	if (setjmp(png_jmpbuf(s->png)))
		return -1;
	png_set_write_fn(s->png, e, epng_write, epng_flush);
	png_set_IHDR(s->png, s->info, e->img.width, e->img.height,
	    (int)e->img.depth,
	    e->img.channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	    PNG_FILTER_TYPE_DEFAULT);
	if (e->img.dpi_x != 0 && e->img.dpi_y != 0)
		png_set_pHYs(s->png, s->info, epng_ppm(e->img.dpi_x),
		    epng_ppm(e->img.dpi_y), PNG_RESOLUTION_METER);
	png_write_info(s->png, s->info);
	return 0;
}

static int
epng_start(struct enc *e)
{
	struct epng *s;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (e->state = s, s->buf = malloc(e->row_bytes)) == NULL) {
		log_err("encode: out of memory");
		return -1;
	}
	s->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, e,
	    epng_error, epng_warning);
	if (s->png == NULL || (s->info = png_create_info_struct(s->png)) == NULL) {
		log_err("encode: libpng could not start");
		return -1;
	}
	return epng_header(e, s);
}

static int
epng_row(struct enc *e, const uint8_t *row)
{
	struct epng *s = e->state;
	size_t i;

	if (e->img.depth == 16)
		enc_be16(s->buf, row, e->row_bytes / 2);
	else if (e->img.depth == 1)
		for (i = 0; i < e->row_bytes; i++)
			s->buf[i] = (uint8_t)~row[i];
	else
		memcpy(s->buf, row, e->row_bytes);
	if (setjmp(png_jmpbuf(s->png)))
		return -1;
	png_write_row(s->png, s->buf);
	return 0;
}

static int
epng_finish(struct enc *e)
{
	struct epng *s = e->state;

	if (setjmp(png_jmpbuf(s->png)))
		return -1;
	png_write_end(s->png, NULL);
	return 0;
}

static void
epng_release(struct enc *e)
{
	struct epng *s = e->state;

	if (s == NULL)
		return;
	if (s->png != NULL)
		png_destroy_write_struct(&s->png, &s->info);
	free(s->buf);
	free(s);
	e->state = NULL;
}

const struct enc_ops enc_png_ops = {
	epng_start, epng_row, epng_finish, epng_release
};
