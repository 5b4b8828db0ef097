/*
 * test_encode.c - the streaming encoders (src/encode/) read back with the
 * format's own library: PNG with libpng, TIFF with libtiff, JPEG with
 * libjpeg (within its loss), PDF by its xref table and the JPEG inside it,
 * PNM byte for byte.  Every depth and channel count a format carries,
 * bytes out before the last row is in, padding of a short scan with white,
 * and the refusals: too many rows, a sink that stops, a combination the
 * format cannot hold.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jpeglib.h>
#include <png.h>
#include <tiffio.h>

#include "scsaned/encode.h"

#define W 37		/* odd, so 1-bit rows end mid-byte */
#define H 23

struct sink {
	uint8_t *buf;
	size_t len, cap;
	int stop_after;	/* writes before it refuses; 0 = never */
	int writes;
};

static int
collect(void *ctx, const void *p, size_t n)
{
	struct sink *s = ctx;

	if (s->stop_after > 0 && s->writes >= s->stop_after)
		return -1;
	s->writes++;
	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2;
		s->buf = realloc(s->buf, s->cap);
		assert_non_null(s->buf);
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	return 0;
}

static size_t
row_bytes(unsigned ch, unsigned depth)
{
	return depth == 1 ? (W + 7) / 8 : (size_t)W * ch * (depth / 8);
}

/* Sample C of pixel X on row Y, at DEPTH bits (1: 1 = black). */
static unsigned
sample(unsigned x, unsigned y, unsigned c, unsigned depth)
{
	/* Ramps, every pixel's samples distinct, smooth enough for DCT. */
	unsigned v = x * 1000u + y * 400u + c * 3000u + (x * y) % 7u;

	return depth == 16 ? v : depth == 8 ? v >> 8 : ((x + y) % 3 == 0);
}

/* The test image's rows as SANE delivers them (16-bit in host order). */
static uint8_t *
image(unsigned ch, unsigned depth)
{
	size_t bpl = row_bytes(ch, depth);
	uint8_t *rows = calloc(H, bpl), *r;
	unsigned x, y, c;
	uint16_t v;

	assert_non_null(rows);
	for (y = 0; y < H; y++) {
		r = rows + y * bpl;
		for (x = 0; x < W; x++)
			for (c = 0; c < ch; c++) {
				if (depth == 1) {
					if (sample(x, y, 0, 1))
						r[x / 8] |= (uint8_t)(0x80 >> (x % 8));
				} else if (depth == 8) {
					r[x * ch + c] = (uint8_t)sample(x, y, c, 8);
				} else {
					v = (uint16_t)sample(x, y, c, 16);
					memcpy(r + (x * ch + c) * 2, &v, 2);
				}
			}
	}
	return rows;
}

/* Encode the whole image into S; ROWS_FIRST rows, then a check, then the rest. */
static void
encode(enum enc_format f, unsigned ch, unsigned depth, unsigned rows_in, struct sink *s)
{
	struct enc_image img = { W, H, ch, depth, 300, 600 };
	uint8_t *rows = image(ch, depth);
	struct enc *e = enc_open(f, &img, 95, collect, s);
	size_t bpl = row_bytes(ch, depth);

	assert_non_null(e);
	assert_int_equal(enc_rows(e, rows, bpl, H / 2), 0);
	if (f != ENC_JPEG && f != ENC_PDF)
		assert_true(s->len > 0);	/* streaming: bytes before the end */
	assert_int_equal(enc_rows(e, rows + (H / 2) * bpl, bpl, rows_in - H / 2), 0);
	assert_int_equal(enc_close(e), 0);
	enc_free(e);
	free(rows);
}

/* ---- PNG ---------------------------------------------------------------- */

struct reader {
	const uint8_t *p;
	size_t len, at;
};

static void
png_from_mem(png_structp png, png_bytep out, png_size_t n)
{
	struct reader *r = png_get_io_ptr(png);

	if (r->at + n > r->len)
		png_error(png, "short");
	memcpy(out, r->p + r->at, n);
	r->at += n;
}

static void
check_png(unsigned ch, unsigned depth)
{
	struct sink s = { 0 };
	struct reader r;
	png_structp png;
	png_infop info;
	uint8_t row[W * 3 * 2];
	unsigned x, y, c, got, want;

	encode(ENC_PNG, ch, depth, H, &s);
	r = (struct reader){ s.buf, s.len, 0 };
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png_create_info_struct(png);
	assert_int_equal(setjmp(png_jmpbuf(png)), 0);
	png_set_read_fn(png, &r, png_from_mem);
	png_read_info(png, info);
	assert_int_equal(png_get_image_width(png, info), W);
	assert_int_equal(png_get_image_height(png, info), H);
	assert_int_equal(png_get_bit_depth(png, info), depth);
	assert_int_equal(png_get_channels(png, info), ch);
	for (y = 0; y < H; y++) {
		png_read_row(png, row, NULL);
		for (x = 0; x < W; x++)
			for (c = 0; c < ch; c++) {
				if (depth == 1)
					got = !((row[x / 8] >> (7 - x % 8)) & 1);	/* 0 = black */
				else if (depth == 8)
					got = row[x * ch + c];
				else
					got = (unsigned)row[(x * ch + c) * 2] << 8 | row[(x * ch + c) * 2 + 1];
				want = sample(x, y, c, depth);
				assert_int_equal(got, want);
			}
	}
	png_destroy_read_struct(&png, &info, NULL);
	free(s.buf);
}

/*
 * A big noisy RGB48 image: deflate cannot shrink it below many 64 KiB IDAT
 * chunks, and libpng reads every one back, CRCs and the IEND included.
 */
static void
test_png_many_chunks(void **st)
{
	enum { BW = 700, BH = 300 };
	struct enc_image img = { BW, BH, 3, 16, 0, 0 };
	struct sink s = { 0 };
	struct reader r;
	png_structp png;
	png_infop info;
	size_t bpl = (size_t)BW * 6, i, idats = 0;
	uint8_t *rows = malloc(bpl * BH), *row = malloc(bpl);
	uint32_t x = 12345;
	uint16_t v;
	struct enc *e;
	unsigned y, k;

	(void)st;
	assert_non_null(rows);
	assert_non_null(row);
	for (i = 0; i < bpl * BH / 2; i++) {
		x = x * 1103515245u + 12345u;
		v = (uint16_t)(x >> 16);
		memcpy(rows + i * 2, &v, 2);	/* host order, as SANE gives it */
	}
	assert_non_null(e = enc_open(ENC_PNG, &img, 0, collect, &s));
	assert_int_equal(enc_rows(e, rows, bpl, BH), 0);
	assert_int_equal(enc_close(e), 0);
	enc_free(e);
	for (i = 8; i + 8 <= s.len; ) {
		uint32_t n = (uint32_t)s.buf[i] << 24 | s.buf[i + 1] << 16 |
		    s.buf[i + 2] << 8 | s.buf[i + 3];

		idats += memcmp(s.buf + i + 4, "IDAT", 4) == 0;
		i += 12 + (size_t)n;
	}
	assert_true(idats > 10);
	r = (struct reader){ s.buf, s.len, 0 };
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png_create_info_struct(png);
	assert_int_equal(setjmp(png_jmpbuf(png)), 0);
	png_set_read_fn(png, &r, png_from_mem);
	png_read_info(png, info);
	for (y = 0; y < BH; y++) {
		png_read_row(png, row, NULL);
		for (k = 0; k < BW * 3; k++) {
			memcpy(&v, rows + y * bpl + k * 2, 2);
			assert_int_equal((unsigned)row[k * 2] << 8 | row[k * 2 + 1], v);
		}
	}
	png_read_end(png, NULL);
	assert_int_equal(r.at, s.len);		/* IEND last, nothing after it */
	png_destroy_read_struct(&png, &info, NULL);
	free(rows);
	free(row);
	free(s.buf);
}

static void test_png_gray1(void **st) { (void)st; check_png(1, 1); }
static void test_png_gray8(void **st) { (void)st; check_png(1, 8); }
static void test_png_gray16(void **st) { (void)st; check_png(1, 16); }
static void test_png_rgb8(void **st) { (void)st; check_png(3, 8); }
static void test_png_rgb16(void **st) { (void)st; check_png(3, 16); }

/* ---- TIFF --------------------------------------------------------------- */

static void
check_tiff(unsigned ch, unsigned depth)
{
	struct sink s = { 0 };
	char path[] = "/tmp/test_encode_XXXXXX";
	uint8_t *want = image(ch, depth), *row;
	uint32_t w, h;
	uint16_t bps, spp, photo, unit;
	float xres;
	size_t bpl = row_bytes(ch, depth);
	unsigned y;
	int fd;
	TIFF *t;

	encode(ENC_TIFF, ch, depth, H, &s);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, s.buf, s.len), (ssize_t)s.len);
	close(fd);
	assert_non_null(t = TIFFOpen(path, "r"));
	TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
	TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
	TIFFGetField(t, TIFFTAG_BITSPERSAMPLE, &bps);
	TIFFGetField(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
	TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &photo);
	assert_int_equal(TIFFGetField(t, TIFFTAG_XRESOLUTION, &xres), 1);
	assert_int_equal(w, W);
	assert_int_equal(h, H);
	assert_int_equal(bps, depth);
	assert_int_equal(spp, ch);
	assert_int_equal((int)(xres + 0.5f), 300);
	assert_int_equal(TIFFGetField(t, TIFFTAG_RESOLUTIONUNIT, &unit), 1);
	assert_int_equal(unit, RESUNIT_INCH);
	/* One image, one directory: no pointer to a next one. */
	assert_int_equal(TIFFNumberOfDirectories(t), 1);
	/* Lineart as SANE sends it: 1 = black. */
	assert_int_equal(photo, depth == 1 ? PHOTOMETRIC_MINISWHITE :
	    ch == 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
	assert_int_equal((size_t)TIFFScanlineSize(t), bpl);
	assert_non_null(row = malloc(bpl));
	for (y = 0; y < H; y++) {
		assert_int_equal(TIFFReadScanline(t, row, y, 0), 1);
		/* libtiff hands 16-bit samples back in host order. */
		assert_memory_equal(row, want + y * bpl, bpl);
	}
	TIFFClose(t);
	unlink(path);
	free(row);
	free(want);
	free(s.buf);
}

static void test_tiff_gray1(void **st) { (void)st; check_tiff(1, 1); }
static void test_tiff_gray16(void **st) { (void)st; check_tiff(1, 16); }
static void test_tiff_rgb8(void **st) { (void)st; check_tiff(3, 8); }
static void test_tiff_rgb16(void **st) { (void)st; check_tiff(3, 16); }

/* ---- JPEG, and PDF's JPEG ----------------------------------------------- */

/* Mean absolute difference between the JPEG at P and the 8-bit image. */
static double
jpeg_error(const uint8_t *p, size_t len, unsigned ch, unsigned depth)
{
	struct jpeg_decompress_struct d;
	struct jpeg_error_mgr jerr;
	uint8_t row[W * 3];
	JSAMPROW rp = row;
	double sum = 0;
	unsigned x, c, y = 0, want;

	d.err = jpeg_std_error(&jerr);
	jpeg_create_decompress(&d);
	jpeg_mem_src(&d, p, (unsigned long)len);
	assert_int_equal(jpeg_read_header(&d, TRUE), JPEG_HEADER_OK);
	jpeg_start_decompress(&d);
	assert_int_equal(d.output_width, W);
	assert_int_equal(d.output_height, H);
	assert_int_equal(d.output_components, ch);
	while (d.output_scanline < d.output_height) {
		assert_int_equal(jpeg_read_scanlines(&d, &rp, 1), 1);
		for (x = 0; x < W; x++)
			for (c = 0; c < ch; c++) {
				want = depth == 1 ? (sample(x, y, 0, 1) ? 0 : 255) :
				    sample(x, y, c, 8);
				sum += abs((int)row[x * ch + c] - (int)want);
			}
		y++;
	}
	jpeg_finish_decompress(&d);
	jpeg_destroy_decompress(&d);
	return sum / (W * H * ch);
}

/* Quality 95 on ramps; a wrong layout or channel order is far past it. */
#define JPEG_TOLERANCE	4.0

static void
check_jpeg(unsigned ch, unsigned depth)
{
	struct sink s = { 0 };

	encode(ENC_JPEG, ch, depth, H, &s);
	double err = jpeg_error(s.buf, s.len, ch, depth);

	print_message("JPEG %u channel(s), %u bits: mean error %.2f\n", ch, depth, err);
	assert_true(err < (depth == 1 ? 4 * JPEG_TOLERANCE : JPEG_TOLERANCE));
	free(s.buf);
}

static void test_jpeg_gray1(void **st) { (void)st; check_jpeg(1, 1); }
static void test_jpeg_gray8(void **st) { (void)st; check_jpeg(1, 8); }
static void test_jpeg_rgb8(void **st) { (void)st; check_jpeg(3, 8); }

static const uint8_t *
find(const uint8_t *p, size_t len, const char *what)
{
	return memmem(p, len, what, strlen(what));
}

static void
test_pdf(void **st)
{
	struct sink s = { 0 };
	const uint8_t *x, *start, *end;
	char *tail;
	unsigned long xref, off;
	int n, i;

	(void)st;
	encode(ENC_PDF, 3, 8, H, &s);
	assert_memory_equal(s.buf, "%PDF-1.", 7);
	assert_memory_equal(s.buf + s.len - 6, "%%EOF\n", 6);
	/* startxref points at the xref table, and every entry at its object. */
	assert_non_null(x = find(s.buf, s.len, "startxref\n"));
	xref = strtoul((const char *)x + 10, NULL, 10);
	assert_true(xref < s.len);
	assert_memory_equal(s.buf + xref, "xref\n0 ", 7);
	n = (int)strtol((const char *)s.buf + xref + 7, &tail, 10);
	assert_true(n >= 6);
	tail = strchr(tail, '\n') + 1 + 20;	/* past entry 0 */
	for (i = 1; i < n; i++, tail += 20) {
		char obj[32];

		off = strtoul(tail, NULL, 10);
		snprintf(obj, sizeof(obj), "%d 0 obj", i);
		assert_true(off < s.len);
		assert_memory_equal(s.buf + off, obj, strlen(obj));
	}
	/* The image stream is a JPEG of the scan. */
	assert_non_null(find(s.buf, s.len, "/DCTDecode"));
	assert_non_null(start = find(s.buf, s.len, "stream\n\xff\xd8"));
	start += 7;
	assert_non_null(end = find(start, s.len - (size_t)(start - s.buf), "\nendstream"));
	assert_true(jpeg_error(start, (size_t)(end - start), 3, 8) < JPEG_TOLERANCE);
	free(s.buf);
}

/* ---- PNM, padding and refusals ------------------------------------------ */

static void
test_pnm_exact(void **st)
{
	struct sink s = { 0 };
	uint8_t *want = image(3, 16);
	char head[32];
	int hl = snprintf(head, sizeof(head), "P6\n%d %d\n65535\n", W, H);
	size_t i, bpl = row_bytes(3, 16);

	(void)st;
	encode(ENC_PNM, 3, 16, H, &s);
	assert_int_equal(s.len, (size_t)hl + bpl * H);
	assert_memory_equal(s.buf, head, (size_t)hl);
	/* PNM's 16-bit samples are big-endian. */
	for (i = 0; i < bpl * H; i += 2) {
		uint16_t v;

		memcpy(&v, want + i, 2);
		assert_int_equal(s.buf[hl + i], v >> 8);
		assert_int_equal(s.buf[hl + i + 1], v & 0xff);
	}
	free(want);
	free(s.buf);
}

static void
test_short_scan_padded_white(void **st)
{
	struct sink s = { 0 };
	char head[32];
	int hl = snprintf(head, sizeof(head), "P5\n%d %d\n255\n", W, H);
	size_t bpl = row_bytes(1, 8), i;

	(void)st;
	encode(ENC_PNM, 1, 8, H - 5, &s);	/* five rows never came */
	assert_int_equal(s.len, (size_t)hl + bpl * H);
	for (i = (size_t)hl + bpl * (H - 5); i < s.len; i++)
		assert_int_equal(s.buf[i], 0xff);
	free(s.buf);
}

static void
test_refusals(void **st)
{
	struct enc_image img = { W, H, 1, 8, 0, 0 }, bad16 = { W, H, 3, 16, 0, 0 };
	struct enc_image two = { W, H, 2, 8, 0, 0 }, huge = { 1u << 21, 1, 1, 8, 0, 0 };
	struct sink s = { 0 }, stop = { .stop_after = 1 };
	uint8_t *rows = image(1, 8);
	struct enc *e;
	enum enc_format f;

	(void)st;
	assert_null(enc_open(ENC_JPEG, &bad16, 0, collect, &s));
	assert_null(enc_open(ENC_PDF, &bad16, 0, collect, &s));
	assert_null(enc_open(ENC_PNG, &two, 0, collect, &s));
	assert_null(enc_open(ENC_PNG, &huge, 0, collect, &s));
	assert_null(enc_open(ENC_JPEG, &img, 101, collect, &s));
	/* More rows than the height said. */
	assert_non_null(e = enc_open(ENC_PNM, &img, 0, collect, &s));
	assert_int_equal(enc_rows(e, rows, row_bytes(1, 8), H), 0);
	assert_int_equal(enc_rows(e, rows, row_bytes(1, 8), 1), -1);
	enc_free(e);
	/* A sink that stops (the peer went away) stops the encoder. */
	assert_non_null(e = enc_open(ENC_PNM, &img, 0, collect, &stop));
	assert_int_equal(enc_rows(e, rows, row_bytes(1, 8), H), -1);
	enc_free(e);
	enc_free(NULL);
	/* MIME types, parameters ignored. */
	assert_int_equal(enc_from_mime("image/png; q=1", &f), 0);
	assert_int_equal(f, ENC_PNG);
	assert_int_equal(enc_from_mime("IMAGE/TIFF", &f), 0);
	assert_int_equal(f, ENC_TIFF);
	assert_int_equal(enc_from_mime("image/gif", &f), -1);
	assert_int_equal(enc_from_mime(NULL, &f), -1);
	assert_string_equal(enc_mime(ENC_PDF), "application/pdf");
	free(rows);
	free(s.buf);
	free(stop.buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png_gray1),
		cmocka_unit_test(test_png_many_chunks),
		cmocka_unit_test(test_png_gray8),
		cmocka_unit_test(test_png_gray16),
		cmocka_unit_test(test_png_rgb8),
		cmocka_unit_test(test_png_rgb16),
		cmocka_unit_test(test_tiff_gray1),
		cmocka_unit_test(test_tiff_gray16),
		cmocka_unit_test(test_tiff_rgb8),
		cmocka_unit_test(test_tiff_rgb16),
		cmocka_unit_test(test_jpeg_gray1),
		cmocka_unit_test(test_jpeg_gray8),
		cmocka_unit_test(test_jpeg_rgb8),
		cmocka_unit_test(test_pdf),
		cmocka_unit_test(test_pnm_exact),
		cmocka_unit_test(test_short_scan_padded_white),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
