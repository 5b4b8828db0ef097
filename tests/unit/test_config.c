/*
 * test_config.c - scsaned.conf parsing: what is accepted, and that every
 * error names the line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "scsaned/config.h"

static void
test_valid(void **state)
{
	const char *text =
	    "# comment\n"
	    "\n"
	    "device flatbed   sim:scsi2-flatbed   # trailing comment\n"
	    "\tdevice film-1 sim:scsi2-flatbed?warmup=3 timeout=45\r\n"
	    "data_connect_timeout 2500\n"
	    "max_clients 8\n"
	    "idle_timeout 0\n"
	    "request_timeout 5\n"
	    "users_file none\n"
	    "auth_plaintext yes\n"
	    "allow 10.0.0.0/8\n"
	    "hosts_file /x/saned.conf\n"
	    "data_portrange 10000 10100\n"
	    "discover sg sysfs=/x dev=/y\n"
	    "rediscover 0\n"
	    "discover iscsi://portal:3261";
	struct config c;
	char err[256];

	(void)state;
	config_init(&c);
	assert_int_equal(config_parse(&c, "t.conf", text, strlen(text), err,
	    sizeof(err)), 0);
	assert_int_equal(c.ndevices, 2);
	assert_string_equal(c.devices[0].name, "flatbed");
	assert_string_equal(c.devices[0].uri, "sim:scsi2-flatbed");
	assert_int_equal(c.devices[0].line, 3);
	assert_string_equal(c.devices[1].name, "film-1");
	assert_string_equal(c.devices[1].uri, "sim:scsi2-flatbed?warmup=3");
	assert_int_equal(c.devices[1].timeout_ms, 45000);
	assert_int_equal(c.devices[0].timeout_ms, 0);
	assert_int_equal(c.data_connect_timeout_ms, 2500);
	assert_int_equal(c.max_clients, 8);
	assert_int_equal(c.idle_timeout_s, 0);
	assert_int_equal(c.request_timeout_s, 5);
	assert_string_equal(c.users_file, "");
	assert_int_equal(c.auth_plaintext, 1);
	assert_int_equal(c.nallow, 1);
	assert_string_equal(c.allow[0], "10.0.0.0/8");
	assert_string_equal(c.hosts_file, "/x/saned.conf");
	assert_int_equal(c.port_lo, 10000);
	assert_int_equal(c.port_hi, 10100);
	assert_int_equal(c.ndiscover, 2);
	assert_string_equal(c.discover[0], "sg sysfs=/x dev=/y");
	assert_string_equal(c.discover[1], "iscsi://portal:3261");
	assert_int_equal(c.rediscover_s, 0);
	config_free(&c);
	config_init(&c);
	assert_int_equal(c.rediscover_s, 60);
}

static void
expect_error_n(const char *text, size_t len, const char *want)
{
	struct config c;
	char err[256] = "";

	config_init(&c);
	assert_int_equal(config_parse(&c, "t.conf", text, len, err,
	    sizeof(err)), -1);
	/* Options may hold secrets: an error never repeats them. */
	assert_null(strstr(err, "secret"));
	if (strstr(err, want) == NULL)
		fail_msg("error '%s' does not contain '%s'", err, want);
	/* Nothing half-applied. */
	assert_int_equal(c.ndevices, 0);
	config_free(&c);
}

#define expect_error(text, want) expect_error_n(text, strlen(text), want)

static void
test_errors_name_the_line(void **state)
{
	char longline[1200];

	(void)state;
	expect_error("device a sim:x\nfrobnicate 1\n", "t.conf:2: unknown keyword 'frobnicate'");
	expect_error("device onlyname\n", "t.conf:1: usage: device NAME URI");
	expect_error("device a\n", "t.conf:1: usage: device NAME URI");
	expect_error("device a b c\n", "t.conf:1: bad device option 1");
	expect_error("device a b timeout=0\n", "t.conf:1: bad device option");
	expect_error("device a sg:/dev/sg1 chap=u:secret\n", "CHAP only for iscsi://");
	expect_error("device a iscsi://h/i/1 chap=nocolon\n", "t.conf:1: bad device option 1");
	expect_error("device a iscsi://h/i/1 timeout=5 chap=u:p@ss\n", "t.conf:1: bad device option 2");
	expect_error("\n\ndevice bad:name sim:x\n", "t.conf:3: bad device name");
	expect_error("device a sim:x\ndevice a sim:y\n", "t.conf:2: device 'a' already defined on line 1");
	expect_error("data_connect_timeout -1\n", "t.conf:1: usage: data_connect_timeout");
	expect_error("data_connect_timeout 99999999999\n", "t.conf:1:");
	expect_error("max_clients 0\n", "t.conf:1: usage: max_clients");
	expect_error("request_timeout 0\n", "t.conf:1: usage: request_timeout");
	expect_error("scan_stall_timeout 0\n", "t.conf:1: usage: scan_stall_timeout");
	expect_error("idle_timeout x\n", "t.conf:1: usage: idle_timeout");
	expect_error("auth_plaintext maybe\n", "t.conf:1: usage: auth_plaintext");
	expect_error("data_portrange 9 3\n", "t.conf:1: usage: data_portrange");
	expect_error("allow\n", "t.conf:1: usage: allow");
	expect_error("discover usb\n", "t.conf:1: usage: discover");
	expect_error("rediscover -1\n", "t.conf:1: usage: rediscover");
	expect_error("rediscover 90000\n", "t.conf:1: usage: rediscover");
	expect_error("discover sg color=red\n", "t.conf:1: unknown discover option 'color=red'");
	expect_error("discover iscsi://h extra\n", "t.conf:1: usage: discover");
	expect_error_n("device a sim:x\ndevice b\0c sim:y\n", 31, "t.conf:2: line too long or NUL byte");
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	expect_error(longline, "t.conf:1: line too long or NUL byte");
}

/* http [ADDR:]PORT|no, with an IPv6 address in brackets; escl_port=. */
static void
test_http(void **state)
{
	static const struct { const char *text, *addr; unsigned port; } ok[] = {
		{ "http 8090\n", "", 8090 },
		{ "http 127.0.0.1:8090\n", "127.0.0.1", 8090 },
		{ "http [::1]:8091\n", "::1", 8091 },
		{ "http 8090\nhttp no\n", "", 0 },
	};
	struct config c;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		config_init(&c);
		assert_int_equal(config_parse(&c, "t.conf", ok[i].text, strlen(ok[i].text),
		    err, sizeof(err)), 0);
		assert_string_equal(c.http_addr, ok[i].addr);
		assert_int_equal(c.http_port, ok[i].port);
		config_free(&c);
	}
	config_init(&c);
	assert_int_equal(c.http_port, 0);	/* off unless asked for */
	assert_int_equal(config_parse(&c, "t.conf", "device a sim:x escl_port=9001\n", 30,
	    err, sizeof(err)), 0);
	assert_int_equal(c.devices[0].escl_port, 9001);
	config_free(&c);
	expect_error("http\n", "t.conf:1: usage: http");
	expect_error("http 0\n", "t.conf:1: usage: http");
	expect_error("http 70000\n", "t.conf:1: usage: http");
	expect_error("http [::1\n", "t.conf:1: usage: http");
	expect_error("http :8090\n", "t.conf:1: usage: http");
	expect_error("http 1.2.3.4:x\n", "t.conf:1: usage: http");
	expect_error("device a sim:x escl_port=0\n", "t.conf:1: bad device option 1");
	expect_error("device a sim:x escl_port=65536\n", "t.conf:1: bad device option 1");
}

static void
test_missing_file(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	config_init(&c);
	assert_int_equal(config_load(&c, "/nonexistent/scsaned.conf", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/scsaned.conf: No such file"));
	config_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_errors_name_the_line),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_http),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
