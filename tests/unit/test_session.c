/*
 * test_session.c - one session, driven byte by byte over loopback TCP.
 *
 * What the stock client never sends but a hostile or buggy one may: bad
 * handles, value sizes that disagree with the option, SET_AUTO, CLOSE in
 * the middle of a scan; and the exact bytes that end the data stream.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "scsaned/config.h"
#include "scsaned/device.h"
#include "scsaned/log.h"
#include "scsaned/server.h"
#include "scsaned/wire.h"

static struct config conf;
static struct devreg reg;
static struct server srv;
static int lfd = -1;
static struct sockaddr_in laddr;

struct cli {
	int fd;
	pthread_t thread;
	uint8_t in[1 << 16];
	size_t len;
};

static void *
serve_one(void *arg)
{
	int fd = accept(lfd, NULL, NULL);

	(void)arg;
	if (fd >= 0)
		session_run(&srv, fd);
	return NULL;
}

static void
cli_open(struct cli *c)
{
	memset(c, 0, sizeof(*c));
	assert_int_equal(pthread_create(&c->thread, NULL, serve_one, NULL), 0);
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(c->fd >= 0);
	assert_int_equal(connect(c->fd, (struct sockaddr *)&laddr, sizeof(laddr)), 0);
}

/* Close our end and wait for the session to finish its teardown. */
static void
cli_close(struct cli *c)
{
	close(c->fd);
	pthread_join(c->thread, NULL);
}

static void
cli_send(struct cli *c, const struct wire_request *q)
{
	struct wire_wr w;

	wire_wr_init(&w);
	wire_encode_request(&w, q);
	assert_int_equal(write(c->fd, w.buf, w.len), (ssize_t)w.len);
	wire_wr_free(&w);
}

/* Read until one whole reply to PROC has arrived (10 s at most). */
static void
cli_reply(struct cli *c, SANE_Word proc, struct wire_reply *r)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	size_t used;
	ssize_t n;

	for (;;) {
		if (c->len > 0 && wire_decode_reply(proc, c->in, c->len, r, &used,
		    NULL) == WIRE_OK) {
			memmove(c->in, c->in + used, c->len - used);
			c->len -= used;
			return;
		}
		if (poll(&p, 1, 10000) != 1)
			fail_msg("no reply to %s", wire_proc_name(proc));
		n = read(c->fd, c->in + c->len, sizeof(c->in) - c->len);
		if (n <= 0)
			fail_msg("connection closed awaiting %s", wire_proc_name(proc));
		c->len += (size_t)n;
	}
}

static void
call(struct cli *c, const struct wire_request *q, struct wire_reply *r)
{
	cli_send(c, q);
	cli_reply(c, q->proc, r);
}

static void
cli_init(struct cli *c)
{
	struct wire_request q = { .proc = WIRE_INIT, .version = 0x01010003 };
	struct wire_reply r;

	cli_open(c);
	call(c, &q, &r);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.version >> 24, 1);
	assert_int_equal(r.version & 0xffff, 3);
	wire_reply_free(&r);
}

static SANE_Word
cli_open_dev(struct cli *c, const char *name, SANE_Status want)
{
	struct wire_request q = { .proc = WIRE_OPEN, .name = (char *)name };
	struct wire_reply r;
	SANE_Word h;

	call(c, &q, &r);
	assert_int_equal(r.status, want);
	assert_null(r.resource);
	h = r.handle;
	wire_reply_free(&r);
	return h;
}

static int
setup(void **state)
{
	const char *text = "device fb sim:scsi2-flatbed\ndevice fb2 sim:scsi2-flatbed\n"
	    "device broken sim:scsi2-flatbed?linkerr=28\n";
	char err[256];
	socklen_t len = sizeof(laddr);

	(void)state;
	log_set_level(LOG_LVL_ERR);
	config_init(&conf);
	conf.data_connect_timeout_ms = 2000;
	if (config_parse(&conf, "test", text, strlen(text), err, sizeof(err)) < 0)
		return -1;
	conf.hosts_file[0] = '\0';	/* hermetic: not the system's files */
	conf.users_file[0] = '\0';
	conf.lock_dir[0] = '\0';	/* nor the system's locks */
	if (devreg_build(&reg, &conf) < 0 || reg.ndevs != 3)
		return -1;
	srv.reg = &reg;
	srv.conf = &conf;
	if (server_access_setup(&srv, &conf, err, sizeof(err)) < 0)
		return -1;
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&laddr, 0, sizeof(laddr));
	laddr.sin_family = AF_INET;
	laddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&laddr, sizeof(laddr)) < 0 ||
	    listen(lfd, 8) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&laddr, &len) < 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	close(lfd);
	devreg_free(&reg);
	config_free(&conf);
	return 0;
}

/* ---- tests ------------------------------------------------------------------ */

static void
test_devices_and_busy(void **state)
{
	struct wire_request q = { .proc = WIRE_GET_DEVICES };
	struct wire_reply r;
	struct cli a, b;
	SANE_Word h;

	(void)state;
	cli_init(&a);
	call(&a, &q, &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.devices[0]->name, "fb");
	assert_string_equal(r.devices[0]->vendor, "SCSANED");
	assert_string_equal(r.devices[1]->name, "fb2");
	assert_string_equal(r.devices[2]->name, "broken");
	assert_null(r.devices[3]);
	wire_reply_free(&r);

	cli_open_dev(&a, "nosuch", SANE_STATUS_INVAL);
	h = cli_open_dev(&a, "", SANE_STATUS_GOOD);	/* "" is the first device */
	cli_init(&b);
	cli_open_dev(&b, "fb", SANE_STATUS_DEVICE_BUSY);
	cli_open_dev(&b, "fb2", SANE_STATUS_GOOD);
	cli_close(&b);		/* a vanished client releases its device */

	q.proc = WIRE_CLOSE;
	q.handle = h;
	call(&a, &q, &r);
	wire_reply_free(&r);
	cli_open_dev(&a, "fb", SANE_STATUS_GOOD);
	cli_open_dev(&a, "fb2", SANE_STATUS_GOOD);
	cli_close(&a);
}

/* Every request naming a bad handle gets a reply, zeroed where it can. */
static void
test_invalid_handles(void **state)
{
	SANE_Word word = 0;
	struct wire_request q;
	struct wire_reply r;
	struct cli c;

	(void)state;
	cli_init(&c);
	memset(&q, 0, sizeof(q));
	q.handle = 1000;
	q.proc = WIRE_GET_PARAMETERS;
	call(&c, &q, &r);
	assert_int_equal(r.status, SANE_STATUS_INVAL);
	assert_int_equal(r.params.bytes_per_line, 0);
	assert_int_equal(r.params.lines, 0);
	wire_reply_free(&r);
	q.proc = WIRE_START;
	call(&c, &q, &r);
	assert_int_equal(r.status, SANE_STATUS_INVAL);
	assert_int_equal(r.port, 0);
	wire_reply_free(&r);
	q.proc = WIRE_CONTROL_OPTION;
	q.handle = -1;
	q.value_type = SANE_TYPE_INT;
	q.value_size = 4;
	q.value = &word;
	q.value_len = 4;
	call(&c, &q, &r);
	assert_int_equal(r.status, SANE_STATUS_INVAL);
	assert_int_equal(r.value_size, 0);
	wire_reply_free(&r);
	q.proc = WIRE_GET_OPTION_DESCRIPTORS;
	call(&c, &q, &r);
	assert_int_equal(r.nopts, 0);
	wire_reply_free(&r);
	q.proc = WIRE_CANCEL;
	call(&c, &q, &r);
	wire_reply_free(&r);
	q.proc = WIRE_CLOSE;
	call(&c, &q, &r);
	wire_reply_free(&r);
	cli_close(&c);
}

static void
test_control_option_sizes(void **state)
{
	SANE_Word n = 0, small = 0;
	char mode[64] = "Color";
	struct wire_request q;
	struct wire_reply r;
	struct cli c;
	SANE_Word h;

	(void)state;
	cli_init(&c);
	h = cli_open_dev(&c, "fb", SANE_STATUS_GOOD);

	memset(&q, 0, sizeof(q));
	q.proc = WIRE_GET_OPTION_DESCRIPTORS;
	q.handle = h;
	call(&c, &q, &r);
	assert_int_equal(r.nopts, 12);
	assert_string_equal(r.opts[2]->name, "mode");
	assert_int_equal(r.opts[2]->size, 16);
	wire_reply_free(&r);

	/* GET option 0: the option count. */
	q.proc = WIRE_CONTROL_OPTION;
	q.action = SANE_ACTION_GET_VALUE;
	q.value_type = SANE_TYPE_INT;
	q.value_size = 4;
	q.value = &n;
	q.value_len = 4;
	call(&c, &q, &r);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.value_size, 4);
	assert_int_equal(*(SANE_Word *)r.value, 12);
	wire_reply_free(&r);

	/* A string SET shorter than the option's size is fine (the stock client). */
	q.option = 2;
	q.action = SANE_ACTION_SET_VALUE;
	q.value_type = SANE_TYPE_STRING;
	q.value_size = 6;
	q.value = mode;
	q.value_len = 6;
	call(&c, &q, &r);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.value_size, 6);	/* echoed exactly */
	assert_true(r.info & SANE_INFO_RELOAD_PARAMS);
	wire_reply_free(&r);

	/* A string longer than the option is refused. */
	q.value_size = 64;
	q.value_len = 64;
	call(&c, &q, &r);
	assert_int_equal(r.status, SANE_STATUS_INVAL);
	wire_reply_free(&r);

	/* value_size and the array disagree: refused, nothing echoed. */
	q.value_size = 10;
	q.value_len = 6;
	call(&c, &q, &r);
	assert_int_equal(r.status, SANE_STATUS_INVAL);
	assert_int_equal(r.value_size, 0);
	wire_reply_free(&r);

	/* An INT GET with a too-small value_size (saned's heap overflow). */
	q.option = 4;
	q.action = SANE_ACTION_GET_VALUE;
	q.value_type = SANE_TYPE_INT;
	q.value_size = 0;
	q.value = &small;
	q.value_len = 0;
	call(&c, &q, &r);
	assert_int_equal(r.status, SANE_STATUS_INVAL);
	wire_reply_free(&r);

	/* The wrong type for the option. */
	q.value_type = SANE_TYPE_FIXED;
	q.value_size = 4;
	q.value_len = 4;
	call(&c, &q, &r);
	assert_int_equal(r.status, SANE_STATUS_INVAL);
	wire_reply_free(&r);

	/* SET_AUTO: the option's type, size 0, no value. */
	memset(&q, 0, sizeof(q));
	q.proc = WIRE_CONTROL_OPTION;
	q.handle = h;
	q.option = 4;
	q.action = SANE_ACTION_SET_AUTO;
	call(&c, &q, &r);
	assert_int_equal(r.value_type, SANE_TYPE_INT);
	assert_int_equal(r.value_size, 0);
	assert_int_equal(r.value_len, 0);
	assert_int_equal(r.status, SANE_STATUS_INVAL);	/* nothing is automatic */
	wire_reply_free(&r);
	cli_close(&c);
}

static int
data_connect(int port)
{
	struct sockaddr_in a = laddr;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_port = htons((uint16_t)port);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* START on handle H, expect GOOD, and open the data connection. */
static int
cli_start(struct cli *c, SANE_Word h)
{
	struct wire_request q = { .proc = WIRE_START, .handle = h };
	struct wire_reply r;
	int dfd;

	call(c, &q, &r);
	assert_int_equal(r.status, 0);
	assert_true(r.port > 0);
	assert_true(r.byte_order == WIRE_LITTLE_ENDIAN || r.byte_order == WIRE_BIG_ENDIAN);
	dfd = data_connect(r.port);
	wire_reply_free(&r);
	return dfd;
}

/* Read the whole data stream; returns payload bytes, *tail the end bytes. */
static size_t
read_stream(int fd, uint8_t *tail, size_t *taillen)
{
	uint8_t hdr[4], buf[65536];
	size_t total = 0, want;
	uint32_t len;
	ssize_t n;

	for (;;) {
		assert_int_equal(recv(fd, hdr, 4, MSG_WAITALL), 4);
		len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
		    (uint32_t)hdr[2] << 8 | hdr[3];
		if (len == 0xffffffff)
			break;
		for (want = len; want > 0; want -= (size_t)n) {
			n = recv(fd, buf, want < sizeof(buf) ? want : sizeof(buf), 0);
			assert_true(n > 0);
		}
		total += len;
	}
	/* After the marker: exactly one status byte, then EOF. */
	n = recv(fd, tail, 16, MSG_WAITALL);
	*taillen = n < 0 ? 0 : (size_t)n;
	return total;
}

/* Scan on handle H: the whole image, then the marker and EOF alone. */
static void
scan_whole(struct cli *c, SANE_Word h)
{
	struct wire_request q = { .proc = WIRE_GET_PARAMETERS, .handle = h };
	struct wire_reply p;
	uint8_t tail[16];
	size_t taillen, got;
	int dfd;

	dfd = cli_start(c, h);
	/* GET_PARAMETERS while the data flows, as scanimage does. */
	call(c, &q, &p);
	assert_int_equal(p.status, 0);
	got = read_stream(dfd, tail, &taillen);
	assert_int_equal(got, (size_t)p.params.bytes_per_line * (size_t)p.params.lines);
	assert_int_equal(taillen, 1);
	assert_int_equal(tail[0], SANE_STATUS_EOF);
	close(dfd);
	wire_reply_free(&p);
}

static void
test_scan_stream_end(void **state)
{
	struct wire_request q;
	struct wire_reply r;
	struct cli c;
	SANE_Word h;

	(void)state;
	cli_init(&c);
	h = cli_open_dev(&c, "fb", SANE_STATUS_GOOD);
	scan_whole(&c, h);
	memset(&q, 0, sizeof(q));
	q.handle = h;
	q.proc = WIRE_CANCEL;
	call(&c, &q, &r);
	assert_int_equal(r.dummy, 0);
	wire_reply_free(&r);
	cli_close(&c);
}

/* CLOSE in the middle of a scan: prompt, and the device is free again. */
static void
test_close_during_scan(void **state)
{
	struct wire_request q;
	struct wire_reply r;
	struct cli c;
	SANE_Word h;
	int dfd, i, busy;

	(void)state;
	cli_init(&c);
	h = cli_open_dev(&c, "fb", SANE_STATUS_GOOD);
	dfd = cli_start(&c, h);
	memset(&q, 0, sizeof(q));
	q.handle = h;
	q.proc = WIRE_START;			/* a second START on a busy handle */
	call(&c, &q, &r);
	assert_int_equal(r.status, SANE_STATUS_DEVICE_BUSY);
	wire_reply_free(&r);
	q.proc = WIRE_CLOSE;
	call(&c, &q, &r);
	wire_reply_free(&r);
	close(dfd);
	h = cli_open_dev(&c, "fb", SANE_STATUS_GOOD);
	/*
	 * A START whose data connection never comes: after the 2 s
	 * data_connect_timeout the scan is over and a new START is accepted.
	 */
	q.handle = h;
	q.proc = WIRE_START;
	call(&c, &q, &r);
	assert_int_equal(r.status, 0);
	wire_reply_free(&r);
	for (i = 0, busy = 1; i < 200 && busy; i++) {
		call(&c, &q, &r);
		busy = r.status == SANE_STATUS_DEVICE_BUSY;
		if (!busy)
			assert_int_equal(r.status, 0);
		wire_reply_free(&r);
		if (busy)
			poll(NULL, 0, 50);
	}
	assert_false(busy);
	/* EXIT with a scan waiting still frees the device. */
	q.proc = WIRE_EXIT;
	cli_send(&c, &q);
	cli_close(&c);
	cli_init(&c);
	cli_open_dev(&c, "fb", SANE_STATUS_GOOD);
	cli_close(&c);
}

/*
 * CANCEL while the pump still streams (the client has read one record and
 * stops reading): the reply comes, the pump's own cancel leaves the device
 * idle, and the next START on the same handle gives the whole image.
 */
static void
test_cancel_while_streaming(void **state)
{
	struct wire_request q;
	struct wire_reply r;
	uint8_t hdr[4];
	struct cli c;
	SANE_Word h;
	int dfd;

	(void)state;
	cli_init(&c);
	h = cli_open_dev(&c, "fb", SANE_STATUS_GOOD);
	dfd = cli_start(&c, h);
	assert_int_equal(recv(dfd, hdr, 4, MSG_WAITALL), 4);	/* data flows */
	memset(&q, 0, sizeof(q));
	q.handle = h;
	q.proc = WIRE_CANCEL;
	call(&c, &q, &r);
	wire_reply_free(&r);
	close(dfd);
	scan_whole(&c, h);
	cli_close(&c);
}

/*
 * saned 1.2.1 answers OPEN of a NULL name with an uninitialised handle and
 * resource; we answer INVAL, handle 0, resource NULL.
 */
static void
test_open_null_name(void **state)
{
	struct wire_request q = { .proc = WIRE_OPEN, .name = NULL };
	struct wire_reply r;
	struct cli c;

	(void)state;
	cli_init(&c);
	call(&c, &q, &r);
	assert_int_equal(r.status, SANE_STATUS_INVAL);
	assert_int_equal(r.handle, 0);
	assert_null(r.resource);
	wire_reply_free(&r);
	cli_close(&c);
}

/*
 * saned 1.2.1 follows an error status byte with up to 32 KiB of stack; a
 * device error mid-scan must end the stream with the marker and exactly
 * one status byte.
 */
static void
test_error_stream_end(void **state)
{
	uint8_t tail[16];
	size_t taillen;
	struct cli c;
	int dfd;

	(void)state;
	cli_init(&c);
	dfd = cli_start(&c, cli_open_dev(&c, "broken", SANE_STATUS_GOOD));
	assert_int_equal(read_stream(dfd, tail, &taillen), 0);
	assert_int_equal(taillen, 1);
	assert_int_equal(tail[0], SANE_STATUS_IO_ERROR);
	close(dfd);
	cli_close(&c);
}

/* Two requests in one write are both answered (no saned-style flush). */
static void
test_pipelined(void **state)
{
	struct wire_request q = { .proc = WIRE_GET_DEVICES };
	struct wire_reply r;
	struct wire_wr w;
	struct cli c;

	(void)state;
	cli_init(&c);
	wire_wr_init(&w);
	wire_encode_request(&w, &q);
	wire_encode_request(&w, &q);
	assert_int_equal(write(c.fd, w.buf, w.len), (ssize_t)w.len);
	wire_wr_free(&w);
	cli_reply(&c, WIRE_GET_DEVICES, &r);
	wire_reply_free(&r);
	cli_reply(&c, WIRE_GET_DEVICES, &r);
	assert_string_equal(r.devices[0]->name, "fb");
	wire_reply_free(&r);
	cli_close(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devices_and_busy),
		cmocka_unit_test(test_invalid_handles),
		cmocka_unit_test(test_control_option_sizes),
		cmocka_unit_test(test_scan_stream_end),
		cmocka_unit_test(test_close_during_scan),
		cmocka_unit_test(test_cancel_while_streaming),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_open_null_name),
		cmocka_unit_test(test_error_stream_end),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
