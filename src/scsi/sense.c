/*
 * sense.c - decode sense data into key/ASC/ASCQ and readable text.
 *
 * Device sense is untrusted input: every field is read only when the
 * reported length covers it.
 */
#include <stdio.h>
#include <string.h>

#include "scsaned/scsi.h"

static void
decode_fixed(const uint8_t *s, size_t len, struct scsi_sense_data *out)
{
	size_t avail = len;

	/* Byte 7 says how much follows; believe it only up to what arrived. */
	if (len >= 8 && (size_t)s[7] + 8 < avail)
		avail = (size_t)s[7] + 8;
	if (avail < 3)
		return;
	out->valid = 1;
	out->key = s[2] & 0x0f;
	out->filemark = !!(s[2] & 0x80);
	out->eom = !!(s[2] & 0x40);
	out->ili = !!(s[2] & 0x20);
	if (avail >= 7 && (s[0] & 0x80)) {
		out->info_valid = 1;
		out->info = (uint32_t)s[3] << 24 | (uint32_t)s[4] << 16 |
		    (uint32_t)s[5] << 8 | s[6];
	}
	if (avail >= 13)
		out->asc = s[12];
	if (avail >= 14)
		out->ascq = s[13];
}

static void
decode_descriptor(const uint8_t *s, size_t len, struct scsi_sense_data *out)
{
	size_t pos, end, dlen;

	if (len < 4)
		return;
	out->valid = 1;
	out->key = s[1] & 0x0f;
	out->asc = s[2];
	out->ascq = s[3];
	end = len;
	if (len >= 8 && (size_t)s[7] + 8 < end)
		end = (size_t)s[7] + 8;
	for (pos = 8; pos + 2 <= end; pos += 2 + dlen) {
		dlen = s[pos + 1];
		if (pos + 2 + dlen > end)
			break;
		if (s[pos] == 0x00 && dlen >= 10) {	/* information */
			out->info_valid = !!(s[pos + 2] & 0x80);
			out->info = (uint32_t)s[pos + 8] << 24 |
			    (uint32_t)s[pos + 9] << 16 |
			    (uint32_t)s[pos + 10] << 8 | s[pos + 11];
		} else if (s[pos] == 0x04 && dlen >= 2) { /* stream commands */
			out->filemark = !!(s[pos + 3] & 0x80);
			out->eom = !!(s[pos + 3] & 0x40);
			out->ili = !!(s[pos + 3] & 0x20);
		}
	}
}

void
scsi_sense_decode(const uint8_t *sense, size_t len, struct scsi_sense_data *out)
{
	memset(out, 0, sizeof(*out));
	if (sense == NULL || len == 0)
		return;
	switch (sense[0] & 0x7f) {
	case 0x70:
	case 0x71:
		decode_fixed(sense, len, out);
		break;
	case 0x72:
	case 0x73:
		decode_descriptor(sense, len, out);
		break;
	default:
		break;
	}
}

static const char *
key_name(uint8_t key)
{
	static const char *const names[16] = {
		"NO SENSE", "RECOVERED ERROR", "NOT READY", "MEDIUM ERROR",
		"HARDWARE ERROR", "ILLEGAL REQUEST", "UNIT ATTENTION",
		"DATA PROTECT", "BLANK CHECK", "VENDOR SPECIFIC", "COPY ABORTED",
		"ABORTED COMMAND", "EQUAL", "VOLUME OVERFLOW", "MISCOMPARE",
		"RESERVED",
	};

	return names[key & 0x0f];
}

/* The additional sense codes scanners use. */
static const char *
asc_name(uint8_t asc, uint8_t ascq)
{
	static const struct {
		uint8_t asc, ascq;
		const char *text;
	} tab[] = {
		{ 0x00, 0x00, "no additional sense information" },
		{ 0x04, 0x00, "logical unit not ready, cause not reportable" },
		{ 0x04, 0x01, "logical unit is becoming ready" },
		{ 0x15, 0x01, "mechanical positioning error" },
		{ 0x1a, 0x00, "parameter list length error" },
		{ 0x20, 0x00, "invalid command operation code" },
		{ 0x24, 0x00, "invalid field in CDB" },
		{ 0x25, 0x00, "logical unit not supported" },
		{ 0x26, 0x00, "invalid field in parameter list" },
		{ 0x29, 0x00, "power on, reset or bus device reset occurred" },
		{ 0x2a, 0x00, "parameters changed" },
		{ 0x2c, 0x00, "command sequence error" },
		{ 0x2c, 0x01, "too many windows specified" },
		{ 0x37, 0x00, "rounded parameter" },
		{ 0x3a, 0x00, "medium not present" },
		{ 0x53, 0x00, "media load or eject failed" },
		{ 0x60, 0x00, "lamp failure" },
		{ 0x62, 0x00, "scan head positioning error" },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].asc == asc && tab[i].ascq == ascq)
			return tab[i].text;
	return "unknown condition";
}

const char *
scsi_sense_string(const struct scsi_sense_data *s, char *buf, size_t len)
{
	if (!s->valid) {
		snprintf(buf, len, "no usable sense data");
		return buf;
	}
	snprintf(buf, len, "%s: %s (%x/%02x/%02x)%s%s", key_name(s->key),
	    asc_name(s->asc, s->ascq), s->key, s->asc, s->ascq,
	    s->eom ? " EOM" : "", s->ili ? " ILI" : "");
	return buf;
}

const char *
scsi_result_string(const struct scsi_result *r, char *buf, size_t len)
{
	static const char *const terr[] = {
		"no error", "command timed out", "connection to device lost",
		"host adapter error", "invalid request",
	};
	struct scsi_sense_data s;
	char sb[160];

	if (r->transport_error != SCSI_TERR_NONE) {
		snprintf(buf, len, "transport: %s",
		    (unsigned)r->transport_error < 5 ? terr[r->transport_error] :
		    "unknown error");
	} else if (r->status == SCSI_STATUS_CHECK_CONDITION) {
		scsi_sense_decode(r->sense, r->sense_len, &s);
		snprintf(buf, len, "CHECK CONDITION, %s",
		    scsi_sense_string(&s, sb, sizeof(sb)));
	} else if (r->status == SCSI_STATUS_BUSY) {
		snprintf(buf, len, "device BUSY");
	} else {
		snprintf(buf, len, "SCSI status 0x%02x", r->status);
	}
	return buf;
}
