/*
 * test_registry.c - what a device's cross-process lock is named after.
 *
 * Two registries in one process stand for two processes: flock() locks
 * belong to an open file, so a second open of one lock file conflicts with
 * the first just as another daemon's would.
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

#include "scsaned/config.h"
#include "scsaned/device.h"
#include "scsaned/log.h"
#include "scsaned/scsi.h"

static char lockdir[] = "/tmp/test_registry.XXXXXX";

static void
build(struct config *c, struct devreg *reg, const char *text, const char *path)
{
	char err[256];

	config_init(c);
	assert_int_equal(config_parse(c, "t.conf", text, strlen(text), err,
	    sizeof(err)), 0);
	snprintf(c->lock_dir, sizeof(c->lock_dir), "%s", lockdir);
	snprintf(c->path, sizeof(c->path), "%s", path);
	assert_int_equal(devreg_build(reg, c), 0);
}

static void
done(struct config *c, struct devreg *reg)
{
	devreg_free(reg);
	config_free(c);
}

static void
test_shared_schemes(void **state)
{
	(void)state;
	assert_int_equal(scsi_uri_shared("sim:scsi2-flatbed"), 0);
	assert_int_equal(scsi_uri_shared("sim:coolscan-ls2000?lps=100"), 0);
	assert_int_equal(scsi_uri_shared("sg:/dev/sg3"), 1);
	assert_int_equal(scsi_uri_shared("iscsi://host/iqn.x:y/0"), 1);
	assert_int_equal(scsi_uri_shared("nosuch:thing"), 1);	/* when unsure, lock */
}

/* The lock key of a device NAME at URI in a daemon reading CONF. */
static void
key(const char *conf, const char *name, const char *uri, char *out, size_t len)
{
	struct devreg reg = { 0 };
	struct device d = { 0 };

	snprintf(reg.conf_path, sizeof(reg.conf_path), "%s", conf);
	snprintf(d.name, sizeof(d.name), "%s", name);
	snprintf(d.uri, sizeof(d.uri), "%s", uri);
	devreg_lock_key(&reg, &d, out, len);
}

static void
test_real_device_key_is_its_uri(void **state)
{
	char ka[700], kb[700];

	(void)state;
	key("/etc/a.conf", "film", "iscsi://u%secret@host/iqn.x:y/1", ka, sizeof(ka));
	key("/etc/a.conf", "other", "iscsi://host:3260/iqn.x:y/1", kb, sizeof(kb));
	assert_string_equal(ka, kb);	/* one LUN under two names */
	assert_null(strstr(ka, "secret"));
	key("/etc/b.conf", "other", "iscsi://host:3260/iqn.x:y/1", kb, sizeof(kb));
	assert_string_equal(ka, kb);	/* and in another daemon's file */
	key("/etc/a.conf", "fb", "sg:/dev/sg3", ka, sizeof(ka));
	key("/etc/b.conf", "scanner", "sg:/dev/sg3", kb, sizeof(kb));
	assert_string_equal(ka, kb);
}

static void
test_sim_key_is_the_line(void **state)
{
	char ka[700], kb[700];

	(void)state;
	key("/etc/a.conf", "fb1", "sim:scsi2-flatbed", ka, sizeof(ka));
	key("/etc/a.conf", "fb2", "sim:scsi2-flatbed", kb, sizeof(kb));
	assert_string_not_equal(ka, kb);
	key("/etc/b.conf", "fb1", "sim:scsi2-flatbed", kb, sizeof(kb));
	assert_string_not_equal(ka, kb);
	key("/etc/a.conf", "fb1", "sim:scsi2-flatbed", kb, sizeof(kb));
	assert_string_equal(ka, kb);	/* inetd's processes of one file */
}

/* Two lines of one sim: URI are two scanners: both open at once. */
static void
test_same_sim_uri_twice(void **state)
{
	struct config c;
	struct devreg reg;
	struct device *a, *b;

	(void)state;
	build(&c, &reg, "device fb1 sim:scsi2-flatbed\ndevice fb2 sim:scsi2-flatbed\n",
	    "/etc/one.conf");
	assert_int_equal(reg.ndevs, 2);
	a = devreg_find(&reg, "fb1");
	b = devreg_find(&reg, "fb2");
	assert_int_equal(devreg_acquire(&reg, a), SANE_STATUS_GOOD);
	assert_int_equal(devreg_acquire(&reg, b), SANE_STATUS_GOOD);
	assert_true(a->lock_fd >= 0 && b->lock_fd >= 0);
	assert_int_equal(devreg_acquire(&reg, a), SANE_STATUS_DEVICE_BUSY);
	devreg_release(&reg, a);
	devreg_release(&reg, b);
	done(&c, &reg);
}

/*
 * The processes inetd starts from one file serve one scanner per line;
 * another daemon's file with the same line is another scanner.
 */
static void
test_sim_line_across_processes(void **state)
{
	struct config c1, c2, c3;
	struct devreg r1, r2, r3;
	const char *text = "device fb sim:scsi2-flatbed\n";

	(void)state;
	build(&c1, &r1, text, "/etc/one.conf");
	build(&c2, &r2, text, "/etc/one.conf");
	build(&c3, &r3, text, "/etc/two.conf");
	assert_int_equal(devreg_acquire(&r1, &r1.devs[0]), SANE_STATUS_GOOD);
	assert_int_equal(devreg_acquire(&r2, &r2.devs[0]), SANE_STATUS_DEVICE_BUSY);
	assert_int_equal(devreg_acquire(&r3, &r3.devs[0]), SANE_STATUS_GOOD);
	devreg_release(&r1, &r1.devs[0]);
	assert_int_equal(devreg_acquire(&r2, &r2.devs[0]), SANE_STATUS_GOOD);
	devreg_release(&r2, &r2.devs[0]);
	devreg_release(&r3, &r3.devs[0]);
	done(&c1, &r1);
	done(&c2, &r2);
	done(&c3, &r3);
}

static int
setup(void **state)
{
	(void)state;
	log_set_level(LOG_LVL_ERR);
	return mkdtemp(lockdir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", lockdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_schemes),
		cmocka_unit_test(test_real_device_key_is_its_uri),
		cmocka_unit_test(test_sim_key_is_the_line),
		cmocka_unit_test(test_same_sim_uri_twice),
		cmocka_unit_test(test_sim_line_across_processes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
