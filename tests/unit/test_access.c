/*
 * test_access.c - saned.conf host matching: exact CIDR at every prefix
 * length (saned 1.2.1 gets /32 and /128 wrong), IPv4-mapped peers,
 * loopback always in, options, and errors that name the line.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "scsaned/access.h"

static struct sockaddr_storage
peer(const char *text)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, text, &s4->sin_addr) == 1)
		s4->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, text, &s6->sin6_addr) == 1)
		s6->sin6_family = AF_INET6;
	else
		fail_msg("bad test address %s", text);
	return ss;
}

static int
allowed(const char *rules, const char *who)
{
	struct access_list l;
	struct sockaddr_storage p = peer(who);
	char err[256], why[128];
	int r;

	access_init(&l);
	if (access_parse(&l, "t", rules, strlen(rules), err, sizeof(err)) < 0)
		fail_msg("%s", err);
	r = access_allowed(&l, &p, why, sizeof(why));
	access_free(&l);
	return r;
}

static void
test_loopback_only_by_default(void **state)
{
	(void)state;
	assert_true(allowed("", "127.0.0.1"));
	assert_true(allowed("", "127.9.8.7"));
	assert_true(allowed("", "::1"));
	assert_true(allowed("", "::ffff:127.0.0.1"));
	assert_false(allowed("", "10.0.0.1"));
	assert_false(allowed("# only comments\n\n", "fd00::1"));
}

static void
test_ipv4_cidr(void **state)
{
	(void)state;
	assert_true(allowed("10.77.0.0/24\n", "10.77.0.200"));
	assert_false(allowed("10.77.0.0/24\n", "10.77.1.1"));
	assert_true(allowed("10.77.0.0/24\n", "::ffff:10.77.0.5"));	/* IPv4-mapped */
	assert_true(allowed("10.77.0.9/32\n", "10.77.0.9"));
	assert_false(allowed("10.77.0.9/32\n", "10.77.0.8"));		/* saned: /32 breaks */
	assert_true(allowed("10.77.0.9\n", "10.77.0.9"));
	assert_false(allowed("10.77.0.9\n", "10.77.0.10"));
	assert_true(allowed("10.64.0.0/10\n", "10.127.255.255"));
	assert_false(allowed("10.64.0.0/10\n", "10.128.0.0"));
	assert_true(allowed("0.0.0.0/0\n", "203.0.113.7"));
	assert_false(allowed("0.0.0.0/0\n", "fd00::1"));
}

static void
test_ipv6_cidr(void **state)
{
	(void)state;
	assert_true(allowed("[fd77::]/64\n", "fd77::1234"));
	assert_false(allowed("[fd77::]/64\n", "fd77:0:0:1::1"));
	assert_true(allowed("[fd77::5]/128\n", "fd77::5"));		/* saned: /128 overflows */
	assert_false(allowed("[fd77::5]/128\n", "fd77::4"));
	assert_true(allowed("fd77::5\n", "fd77::5"));
	assert_true(allowed("[fd77:0:0:0:0:0:0:5]\n", "fd77::5"));
	assert_true(allowed("[fd00::]/7\n", "fdff::1"));
	assert_false(allowed("[fd00::]/8\n", "fe80::1"));
	assert_true(allowed("[::]/0\n", "2001:db8::1"));
	assert_false(allowed("[fd77::]/64\n", "10.0.0.1"));
}

static void
test_plus_and_order(void **state)
{
	(void)state;
	assert_true(allowed("+\n", "198.51.100.1"));
	assert_true(allowed("+\n", "2001:db8::9"));
	assert_true(allowed("10.0.0.0/8\n  192.0.2.5  \n", "192.0.2.5"));
}

static void
test_options_and_errors(void **state)
{
	const char *conf = "# saned.conf\ndata_portrange = 10000 - 10100\n"
	    "data_connect_timeout = 500\n10.0.0.0/8\n";
	struct access_list l;
	char err[256];

	(void)state;
	access_init(&l);
	assert_int_equal(access_parse(&l, "t", conf, strlen(conf), err, sizeof(err)), 0);
	assert_int_equal(l.port_lo, 10000);
	assert_int_equal(l.port_hi, 10100);
	assert_int_equal(l.connect_timeout_ms, 500);
	assert_int_equal(l.n, 1);
	access_free(&l);

	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "10.0.0.0/33\n", "t:1: '10.0.0.0/33': prefix must be 0-32" },
		{ "\n[fd77::]/129\n", "t:2: '[fd77::]/129': prefix must be 0-128" },
		{ "[fd77::/64\n", "t:1: '[fd77::/64': missing ']'" },
		{ "/24\n", "t:1: '/24' is not an address" },
		{ "bad host!\n", "t:1: 'bad host!' is not an address" },
		{ "data_portrange = 9 - 3\n", "t:1: data_portrange wants" },
		{ "colour = blue\n", "t:1: unknown option" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		access_init(&l);
		assert_int_equal(access_parse(&l, "t", bad[i].text, strlen(bad[i].text),
		    err, sizeof(err)), -1);
		if (strstr(err, bad[i].want) == NULL)
			fail_msg("'%s' does not contain '%s'", err, bad[i].want);
		access_free(&l);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback_only_by_default),
		cmocka_unit_test(test_ipv4_cidr),
		cmocka_unit_test(test_ipv6_cidr),
		cmocka_unit_test(test_plus_and_order),
		cmocka_unit_test(test_options_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
