/*
 * test_scsi.c - the SCSI layer: sense decoding of well-formed, truncated
 * and hostile sense bytes, INQUIRY parsing, transport selection, and
 * commands through the sim: transport.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "scsaned/scsi.h"

static void
test_fixed_sense(void **state)
{
	const uint8_t s[18] = { 0xf0, 0, 0x60, 0, 0, 0x0f, 0xa0, 10, 0, 0, 0, 0,
	    0x00, 0x00 };
	const uint8_t nr[18] = { 0x70, 0, 0x02, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x04, 0x01 };
	struct scsi_sense_data d;
	char buf[160];

	(void)state;
	scsi_sense_decode(s, sizeof(s), &d);
	assert_true(d.valid);
	assert_int_equal(d.key, 0);
	assert_true(d.eom);
	assert_true(d.ili);
	assert_true(d.info_valid);
	assert_int_equal(d.info, 4000);
	scsi_sense_decode(nr, sizeof(nr), &d);
	assert_int_equal(d.key, 2);
	assert_int_equal(d.asc, 4);
	assert_int_equal(d.ascq, 1);
	scsi_sense_string(&d, buf, sizeof(buf));
	assert_string_equal(buf, "NOT READY: logical unit is becoming ready (2/04/01)");
}

/* Fields beyond what arrived, or beyond byte 7's length, are not read. */
static void
test_truncated_sense(void **state)
{
	const uint8_t s[18] = { 0x70, 0, 0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0x24, 0 };
	struct scsi_sense_data d;
	char buf[160];

	(void)state;
	scsi_sense_decode(s, 2, &d);
	assert_false(d.valid);
	scsi_sense_decode(s, 14, &d);	/* additional length 4: 12 bytes only */
	assert_true(d.valid);
	assert_int_equal(d.key, 5);
	assert_int_equal(d.asc, 0);
	scsi_sense_decode(s, 0, &d);
	assert_false(d.valid);
	scsi_sense_decode(NULL, 18, &d);
	assert_false(d.valid);
	scsi_sense_string(&d, buf, sizeof(buf));
	assert_string_equal(buf, "no usable sense data");
}

static void
test_descriptor_sense(void **state)
{
	const uint8_t s[] = { 0x72, 0x05, 0x24, 0x00, 0, 0, 0, 14,
	    0x00, 10, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, /* information = 16 */
	    0x04, 60 };				/* a descriptor running off the end */
	struct scsi_sense_data d;

	(void)state;
	scsi_sense_decode(s, sizeof(s), &d);
	assert_true(d.valid);
	assert_int_equal(d.key, 5);
	assert_int_equal(d.asc, 0x24);
	assert_true(d.info_valid);
	assert_int_equal(d.info, 16);
}

static void
test_inquiry_parse(void **state)
{
	uint8_t b[36] = { 0x06, 0, 2, 2, 31 };
	struct scsi_inquiry inq;

	(void)state;
	memcpy(b + 8, "Nikon   LS-2000         1.30", 28);
	assert_int_equal(scsi_inquiry_parse(b, sizeof(b), &inq), 0);
	assert_int_equal(inq.peripheral_type, 6);
	assert_string_equal(inq.vendor, "Nikon");
	assert_string_equal(inq.product, "LS-2000");
	assert_string_equal(inq.revision, "1.30");
	assert_int_equal(scsi_inquiry_parse(b, 35, &inq), -1);
	b[10] = 0x01;			/* control bytes are not printed */
	scsi_inquiry_parse(b, sizeof(b), &inq);
	assert_string_equal(inq.vendor, "Ni on");
}

static void
test_sim_transport(void **state)
{
	struct scsi_target *t;
	struct scsi_inquiry inq;
	struct scsi_result res;
	uint8_t cdb[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 16, 0 }, buf[16];
	char err[256];

	(void)state;
	assert_int_equal(scsi_open("tape:/dev/st0", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown URI scheme"));
	assert_int_equal(scsi_open("sim:nothing", &t, err, sizeof(err)), -1);
	assert_int_equal(scsi_open("sim:scsi2-flatbed?warmup=1", &t, err, sizeof(err)), 0);
	assert_int_equal(scsi_inquiry(t, &inq, &res), 0);
	assert_string_equal(inq.vendor, "SCSANED");
	assert_int_equal(scsi_test_unit_ready(t, &res), 1);
	assert_int_equal(res.status, SCSI_STATUS_CHECK_CONDITION);
	assert_int_equal(scsi_request_sense(t, &res), 0);
	assert_int_equal(res.sense[12], 0x04);
	assert_int_equal(scsi_test_unit_ready(t, &res), 0);
	/* READ before SCAN: CHECK CONDITION with the whole buffer as residual. */
	assert_int_equal(scsi_execute(t, cdb, 10, SCSI_DIR_IN, buf, 16, 1000, &res), 1);
	assert_int_equal(res.residual, 16);
	/* An impossible request never reaches the device. */
	assert_int_equal(scsi_execute(t, cdb, 0, SCSI_DIR_IN, buf, 16, 1000, &res), -1);
	assert_int_equal(res.transport_error, SCSI_TERR_INVALID);
	scsi_close(t);
}

static void
test_uri_display(void **state)
{
	char b[256];

	(void)state;
	assert_string_equal(scsi_uri_display("iscsi://u%secret@h:3261/iqn.x:y/1", b,
	    sizeof(b)), "iscsi://u%****@h:3261/iqn.x:y/1");
	assert_string_equal(scsi_uri_display("iscsi://h/iqn.x:y/1?target_user=t&"
	    "target_password=pw&header_digest=crc32c", b, sizeof(b)),
	    "iscsi://h/iqn.x:y/1?target_user=t&target_password=****&header_digest=crc32c");
	assert_string_equal(scsi_uri_display("iscsi://user@h/iqn/1", b, sizeof(b)),
	    "iscsi://user@h/iqn/1");
	assert_string_equal(scsi_uri_display("sg:/dev/sg3", b, sizeof(b)), "sg:/dev/sg3");
	/* A short secret near the end of a full buffer (found by fuzz_scsi). */
	assert_string_equal(scsi_uri_display("iscsi://h/i/1?target_password=a", b, 33),
	    "iscsi://h/i/1?target_password=**");
	/* An '@' in the path is not a user part. */
	assert_string_equal(scsi_uri_display("iscsi://h/iqn%40x/1", b, sizeof(b)),
	    "iscsi://h/iqn%40x/1");
}

static void
test_uri_same(void **state)
{
	(void)state;
	assert_true(scsi_uri_same("iscsi://h/iqn.a:b/1", "iscsi://h:3260/iqn.a:b/1"));
	assert_true(scsi_uri_same("iscsi://u%p@h/iqn.a:b/1", "iscsi://h:3260/iqn.a:b/1"));
	assert_true(scsi_uri_same("iscsi://[::1]/iqn/1", "iscsi://[::1]:3260/iqn/1"));
	assert_false(scsi_uri_same("iscsi://h:3261/iqn/1", "iscsi://h/iqn/1"));
	assert_false(scsi_uri_same("iscsi://h/iqn/1", "iscsi://h/iqn/2"));
	assert_true(scsi_uri_same("sg:/dev/sg1", "sg:/dev/sg1"));
	assert_false(scsi_uri_same("sg:/dev/sg1", "sg:/dev/sg2"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_sense),
		cmocka_unit_test(test_truncated_sense),
		cmocka_unit_test(test_descriptor_sense),
		cmocka_unit_test(test_inquiry_parse),
		cmocka_unit_test(test_sim_transport),
		cmocka_unit_test(test_uri_display),
		cmocka_unit_test(test_uri_same),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
