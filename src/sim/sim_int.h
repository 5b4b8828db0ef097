/*
 * sim_int.h - what a simulated model implements, and the helpers the
 * simulator core gives it.  Private to src/sim/.
 */
#ifndef SCSANED_SIM_INT_H
#define SCSANED_SIM_INT_H

#include "scsaned/sim.h"

struct sim_model {
	const char *name;
	void *(*create)(void);
	/* A model-specific key=value from the spec: 0, or -1 if unknown/bad. */
	int (*option)(void *st, const char *key, const char *val);
	/*
	 * How long a CDB with opcode OP is on this device, 0 if the device has
	 * no such command: the core refuses a shorter CDB (5/20/00).  Longer
	 * ones pass, as iSCSI and tgt pad every CDB to 16 bytes.
	 */
	size_t (*cdb_length)(uint8_t op);
	void (*command)(struct sim_device *d, void *st, struct sim_io *io);
	void (*destroy)(void *st);
	int (*render)(const char *window, FILE *out, char *err, size_t errlen);
};

extern const struct sim_model sim_model_scsi2_flatbed;
extern const struct sim_model sim_model_coolscan_ls30;
extern const struct sim_model sim_model_coolscan_ls2000;
extern const struct sim_model sim_model_coolscan_ls4000;
extern const struct sim_model sim_model_coolscan_ls8000;
extern const struct sim_model sim_model_canon_fs4000us;
extern const struct sim_model sim_model_canon_fs2710;
extern const struct sim_model sim_model_epson_perfection1640;
extern const struct sim_model sim_model_umax_astra1220s;

/*
 * The CDB lengths of SCSI-2's command groups a plain scanner knows: group
 * 0 six bytes, groups 1 and 2 ten, no others (vendor groups 6 and 7 are
 * each model's own).  For models whose commands all follow that rule.
 */
size_t sim_cdb_length_scsi2(uint8_t op);

/* End IO with CHECK CONDITION and fixed-format sense KEY/ASC/ASCQ. */
void sim_check(struct sim_io *io, uint8_t key, uint8_t asc, uint8_t ascq);

/*
 * As sim_check, with the EOM/ILI bits (0x40/0x20 of byte 2) and a valid
 * information field: what a scanner reports when a READ ends short.
 */
void sim_check_info(struct sim_io *io, uint8_t key, uint8_t flags,
    uint32_t info);

/*
 * Move data-in: at most N bytes of DATA, limited by the CDB allocation
 * length ALLOC and the initiator's buffer.  Returns the bytes moved.
 */
size_t sim_data_in(struct sim_io *io, const void *data, size_t n, size_t alloc);

/*
 * A scan's data as READ delivers it: TOTAL bytes of lines LINE_LEN long,
 * each made when first needed by LINE_AT (which returns the model's own
 * buffer holding line N).  The one way every model streams an image.
 */
struct sim_stream {
	uint64_t pos, total;
	size_t line_len;
	uint32_t line_no;	/* the line LINE holds, UINT32_MAX none */
	const uint8_t *line;
	const uint8_t *(*line_at)(void *arg, uint32_t n);
	void *arg;
};

void sim_stream_start(struct sim_stream *s, size_t line_len, uint32_t lines,
    const uint8_t *(*line_at)(void *arg, uint32_t n), void *arg);

/*
 * READ of TL bytes: what is left of the image, up to TL, into the
 * initiator's buffer (as much as fits); a READ past the end is cut short
 * with EOM + ILI and the residue as SCSI-2 says.  Returns the bytes the
 * device sent.
 */
size_t sim_stream_read(struct sim_stream *s, struct sim_io *io, size_t tl);

/* Take as long as BYTES of lines of LINE_LEN take at LPS lines a second. */
void sim_pace(uint64_t bytes, size_t line_len, unsigned lps);

/* Data-out of exactly WANT bytes, or CHECK 5/1A/00 (parameter list length). */
int sim_data_out(struct sim_io *io, size_t want);

/* Append a line to the device's trace file, if it has one. */
void sim_trace(struct sim_device *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Big-endian field helpers for CDBs and parameter data. */
uint32_t sim_be(const uint8_t *p, size_t n);
void sim_put_be(uint8_t *p, size_t n, uint32_t v);

/* Parse "key=value key=value" (blank separated); calls FN for each pair. */
int sim_kv_parse(const char *text, char sep,
    int (*fn)(void *arg, const char *key, const char *val), void *arg);

/* VAL, a decimal number up to MAX, into *V: 0, or -1 if it is not one. */
int sim_kv_uint(const char *val, unsigned long max, unsigned long *v);

/* A film= value: 1 negative, 0 positive, -1 neither. */
int sim_kv_film(const char *val);

/* The test chart: 16-bit RGB at (X, Y) in 1/1200 inch from the origin. */
void sim_chart_rgb16(uint32_t x, uint32_t y, uint16_t rgb[3]);

/*
 * The film in a film scanner (film.c), in units of 1/108000 inch: FRAMES
 * frames PITCH apart, each picture WIDTH x HEIGHT; NEGATIVE film or slide.
 */
struct sim_film {
	uint32_t pitch, width, height, frames;
	int negative;
};
#define SIM_FILM_UNITS	108000u

/* Transmittance R, G, B, IR (16 bits) of FILM at (X, Y). */
void sim_film_sample(const struct sim_film *film, uint32_t x, uint32_t y,
    uint16_t t[4]);

#endif
