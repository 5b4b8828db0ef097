/*
 * pnm.c - Netpbm: P4 for lineart (whose 1 = black is SANE's own), P5 gray,
 * P6 colour, 16-bit as maxval 65535 in big-endian.  No room for the dpi.
 */
#include <stdio.h>
#include <stdlib.h>

#include "scsaned/log.h"
#include "encode_int.h"

static int
epnm_start(struct enc *e)
{
	char hdr[64];
	int n;

	if (e->img.depth == 1)
		n = snprintf(hdr, sizeof(hdr), "P4\n%u %u\n", e->img.width,
		    e->img.height);
	else
		n = snprintf(hdr, sizeof(hdr), "P%c\n%u %u\n%u\n",
		    e->img.channels == 3 ? '6' : '5', e->img.width,
		    e->img.height, e->img.depth == 16 ? 65535u : 255u);
	if (e->img.depth == 16 && (e->state = malloc(e->row_bytes)) == NULL) {
		log_err("encode: out of memory");
		return -1;
	}
	return enc_emit(e, hdr, (size_t)n);
}

static int
epnm_row(struct enc *e, const uint8_t *row)
{
	if (e->img.depth != 16)
		return enc_emit(e, row, e->row_bytes);
	enc_be16(e->state, row, e->row_bytes / 2);
	return enc_emit(e, e->state, e->row_bytes);
}

const struct enc_ops enc_pnm_ops = {
	epnm_start, epnm_row, NULL, NULL
};
