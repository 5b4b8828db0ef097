/*
 * pdf.c - one page holding the scan as a JPEG (DCTDecode) image, streamed.
 *
 * The image's length is not known until the compressor is done, so the
 * stream's /Length is an indirect object written after it, and the xref
 * table goes last with the offsets counted on the way out.  Numbers are
 * printed as integers (thousandths by hand), never through the locale.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "scsaned/log.h"
#include "encode_int.h"

/* Object numbers, in the order they are written. */
enum { OBJ_CATALOG = 1, OBJ_PAGES, OBJ_PAGE, OBJ_CONTENT, OBJ_IMAGE,
    OBJ_LENGTH, NOBJ };

struct epdf {
	struct jpg *jpg;
	uint64_t off[NOBJ];	/* where each object starts */
	uint64_t image_start;	/* first byte of the image stream */
};

static int
epdf_printf(struct enc *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
epdf_printf(struct enc *e, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		log_err("encode: PDF text too long");
		return -1;
	}
	return enc_emit(e, buf, (size_t)n);
}

/* Begin object N, noting its offset for the xref. */
static int
epdf_obj(struct enc *e, int n)
{
	struct epdf *s = e->state;

	s->off[n] = e->written;
	return epdf_printf(e, "%d 0 obj\n", n);
}

/* Page size in points (1/72 in) as "W.WWW", in thousandths. */
static unsigned long long
epdf_milli_points(unsigned pixels, unsigned dpi)
{
	return ((unsigned long long)pixels * 72000 + (dpi ? dpi : 72) / 2) /
	    (dpi ? dpi : 72);
}

static int
epdf_start(struct enc *e)
{
	struct epdf *s;
	unsigned long long w, h;
	char content[128];
	int n;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_err("encode: out of memory");
		return -1;
	}
	e->state = s;
	w = epdf_milli_points(e->img.width, e->img.dpi_x);
	h = epdf_milli_points(e->img.height, e->img.dpi_y);
	n = snprintf(content, sizeof(content),
	    "q %llu.%03llu 0 0 %llu.%03llu 0 0 cm /Im0 Do Q\n",
	    w / 1000, w % 1000, h / 1000, h % 1000);
	/* The second line's high bytes mark the file as binary. */
	if (epdf_printf(e, "%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n") != 0 ||
	    epdf_obj(e, OBJ_CATALOG) != 0 ||
	    epdf_printf(e, "<< /Type /Catalog /Pages %d 0 R >>\nendobj\n",
	    OBJ_PAGES) != 0 ||
	    epdf_obj(e, OBJ_PAGES) != 0 ||
	    epdf_printf(e, "<< /Type /Pages /Kids [%d 0 R] /Count 1 >>\n"
	    "endobj\n", OBJ_PAGE) != 0 ||
	    epdf_obj(e, OBJ_PAGE) != 0 ||
	    epdf_printf(e, "<< /Type /Page /Parent %d 0 R "
	    "/MediaBox [0 0 %llu.%03llu %llu.%03llu] "
	    "/Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>\n"
	    "endobj\n", OBJ_PAGES, w / 1000, w % 1000, h / 1000, h % 1000,
	    OBJ_IMAGE, OBJ_CONTENT) != 0 ||
	    epdf_obj(e, OBJ_CONTENT) != 0 ||
	    epdf_printf(e, "<< /Length %d >>\nstream\n%sendstream\nendobj\n",
	    n, content) != 0 ||
	    epdf_obj(e, OBJ_IMAGE) != 0 ||
	    epdf_printf(e, "<< /Type /XObject /Subtype /Image /Width %u "
	    "/Height %u /ColorSpace /%s /BitsPerComponent 8 "
	    "/Filter /DCTDecode /Length %d 0 R >>\nstream\n", e->img.width,
	    e->img.height, e->img.channels == 3 ? "DeviceRGB" : "DeviceGray",
	    OBJ_LENGTH) != 0)
		return -1;
	s->image_start = e->written;
	s->jpg = jpg_new(&e->img, e->quality, e);
	return s->jpg != NULL ? 0 : -1;
}

static int
epdf_row(struct enc *e, const uint8_t *row)
{
	struct epdf *s = e->state;

	return jpg_row(s->jpg, row);
}

static int
epdf_finish(struct enc *e)
{
	struct epdf *s = e->state;
	uint64_t len, xref;
	int i;

	if (jpg_finish(s->jpg) != 0)
		return -1;
	len = e->written - s->image_start;
	if (epdf_printf(e, "\nendstream\nendobj\n") != 0 ||
	    epdf_obj(e, OBJ_LENGTH) != 0 ||
	    epdf_printf(e, "%llu\nendobj\n", (unsigned long long)len) != 0)
		return -1;
	xref = e->written;
	/* Each xref entry is exactly 20 bytes, its end of line " \n". */
	if (epdf_printf(e, "xref\n0 %d\n0000000000 65535 f \n", NOBJ) != 0)
		return -1;
	for (i = 1; i < NOBJ; i++)
		if (epdf_printf(e, "%010llu 00000 n \n",
		    (unsigned long long)s->off[i]) != 0)
			return -1;
	return epdf_printf(e, "trailer\n<< /Size %d /Root %d 0 R >>\n"
	    "startxref\n%llu\n%%%%EOF\n", NOBJ, OBJ_CATALOG,
	    (unsigned long long)xref);
}

static void
epdf_release(struct enc *e)
{
	struct epdf *s = e->state;

	if (s == NULL)
		return;
	jpg_free(s->jpg);
	free(s);
	e->state = NULL;
}

const struct enc_ops enc_pdf_ops = {
	epdf_start, epdf_row, epdf_finish, epdf_release
};
