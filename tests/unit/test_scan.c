/*
 * test_scan.c - the data channel on its own, with drivers made for the
 * purpose: one that never has data (the stall watchdog must end the scan
 * with an I/O error instead of spinning), one that trickles, one that
 * answers an impossible length, one with a select fd that behaves like
 * Debian's test backend in non-blocking mode, and one that never ends, to
 * stop the pump in mid-stream and check the result it leaves.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>

#include "scsaned/log.h"
#include "../../src/net/scan.h"

static int trickle_left;

static SANE_Status
read_nothing(void *h, SANE_Byte *buf, SANE_Int max, SANE_Int *len)
{
	(void)h;
	(void)buf;
	(void)max;
	*len = 0;
	return SANE_STATUS_GOOD;
}

/* Every other call gives 3 bytes; 10 calls with data, then EOF. */
static SANE_Status
read_trickle(void *h, SANE_Byte *buf, SANE_Int max, SANE_Int *len)
{
	static int call;

	(void)h;
	(void)max;
	*len = 0;
	if (trickle_left == 0)
		return SANE_STATUS_EOF;
	if (call++ % 2 == 0) {
		memcpy(buf, "abc", 3);
		*len = 3;
		trickle_left--;
	}
	return SANE_STATUS_GOOD;
}

static SANE_Status
read_negative(void *h, SANE_Byte *buf, SANE_Int max, SANE_Int *len)
{
	(void)h;
	(void)buf;
	(void)max;
	*len = -1;
	return SANE_STATUS_GOOD;
}

/*
 * Debian's test backend (1.2.1) in non-blocking mode: a read of its empty
 * pipe answers GOOD with length -1 and takes the frame for finished.  The
 * data channel must never read before the fd says there is something.
 */
static int nb_pipe[2] = { -1, -1 };
static int nb_eof;
static atomic_int nb_early;	/* reads while the pipe was empty */

static SANE_Status
read_nonblocking(void *h, SANE_Byte *buf, SANE_Int max, SANE_Int *len)
{
	ssize_t n;

	(void)h;
	*len = 0;
	if (nb_eof)
		return SANE_STATUS_EOF;
	n = read(nb_pipe[0], buf, (size_t)(max < 8 ? max : 8));
	if (n <= 0) {
		if (n < 0)
			atomic_fetch_add(&nb_early, 1);
		nb_eof = 1;
		*len = n < 0 && errno == EAGAIN ? -1 : 0;
		return n == 0 ? SANE_STATUS_EOF : SANE_STATUS_GOOD;
	}
	*len = (SANE_Int)n;
	return SANE_STATUS_GOOD;
}

static int
select_nb(void *h)
{
	(void)h;
	return nb_pipe[0];
}

/*
 * Called once the data connection is up (TOTAL 0), then after each
 * record with the bytes received so far: the "device" produces its image
 * a chunk at a time, each only after the last was delivered, so the pipe
 * is empty whenever a reader that does not wait looks at it.
 */
static void (*on_record)(size_t total);

static void
write_chunk(size_t total)
{
	if (total % 8 != 0)
		return;
	if (total < 40)
		assert_int_equal(write(nb_pipe[1], "01234567", 8), 8);
	else
		close(nb_pipe[1]);
}

static void
cancel_none(void *h)
{
	(void)h;
}

/* A device that always has more: the pump runs until it is stopped. */
static SANE_Status
read_endless(void *h, SANE_Byte *buf, SANE_Int max, SANE_Int *len)
{
	(void)h;
	(void)max;
	memcpy(buf, "endless!", 8);
	*len = 8;
	return SANE_STATUS_GOOD;
}

static atomic_int cancels;

static void
cancel_count(void *h)
{
	(void)h;
	atomic_fetch_add(&cancels, 1);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* A control connection pair on loopback: the server's end is *srv. */
static void
control_pair(int *srv, int *cli, struct sockaddr_storage *peer)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &len), 0);
	*cli = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(*cli, (struct sockaddr *)&a, sizeof(a)), 0);
	len = sizeof(*peer);
	*srv = accept(l, (struct sockaddr *)peer, &len);
	close(l);
}

/* A scan of OPS on a fresh control pair; *SRV and *CLI are its ends. */
static struct scan *
begin(const struct device_ops *ops, unsigned stall_ms, int *srv, int *cli,
    int *port)
{
	struct sockaddr_storage peer;
	struct scan *sc;

	control_pair(srv, cli, &peer);
	assert_non_null(sc = scan_listen(*srv, 0, 0, port));
	sc->ops = ops;
	sc->drv = NULL;
	sc->drv_lock = &lock;
	sc->peer = peer;
	sc->connect_timeout_ms = 2000;
	sc->stall_ms = stall_ms;
	snprintf(sc->what, sizeof(sc->what), "test");
	assert_int_equal(scan_begin(sc), 0);
	return sc;
}

static int
data_connect(int port)
{
	struct sockaddr_in a;
	int d;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	d = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(d, (struct sockaddr *)&a, sizeof(a)), 0);
	return d;
}

/*
 * Run a scan with OPS; return the payload bytes and the final status.
 * The result scan_free hands back must tell the same story as the stream.
 */
static size_t
run(const struct device_ops *ops, unsigned stall_ms, int *status)
{
	struct scan_result res;
	struct scan *sc;
	uint8_t b[8];
	size_t total = 0;
	uint32_t n;
	int srv, cli, port, d;

	sc = begin(ops, stall_ms, &srv, &cli, &port);
	d = data_connect(port);
	if (on_record != NULL)
		on_record(0);
	for (;;) {
		assert_int_equal(recv(d, b, 4, MSG_WAITALL), 4);
		n = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
		if (n == 0xffffffff)
			break;
		assert_true(n <= 8);
		assert_int_equal(recv(d, b, n, MSG_WAITALL), (ssize_t)n);
		total += n;
		if (on_record != NULL)
			on_record(total);
	}
	assert_int_equal(recv(d, b, 1, MSG_WAITALL), 1);
	*status = b[0];
	assert_int_equal(recv(d, b, 1, 0), 0);	/* nothing after the status */
	close(d);
	scan_free(sc, &res);
	assert_int_equal(res.status, *status);
	assert_int_equal(res.driver_cancelled, *status != SANE_STATUS_EOF);
	close(srv);
	close(cli);
	return total;
}

static void
test_stalled_driver_ends_the_scan(void **state)
{
	static const struct device_ops ops = { .read = read_nothing, .cancel = cancel_none };
	struct timespec t0, t1;
	int status;
	long ms;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(run(&ops, 300, &status), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(status, SANE_STATUS_IO_ERROR);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 300);		/* not before the watchdog's time */
}

static void
test_trickling_driver_is_not_cut_off(void **state)
{
	static const struct device_ops ops = { .read = read_trickle, .cancel = cancel_none };
	int status;

	(void)state;
	trickle_left = 10;
	assert_int_equal(run(&ops, 300, &status), 30);
	assert_int_equal(status, SANE_STATUS_EOF);
}

static void
test_impossible_length_is_an_error(void **state)
{
	static const struct device_ops ops = { .read = read_negative, .cancel = cancel_none };
	int status;

	(void)state;
	assert_int_equal(run(&ops, 300, &status), 0);
	assert_int_equal(status, SANE_STATUS_IO_ERROR);
}

static void
test_select_fd_is_waited_on_before_reading(void **state)
{
	static const struct device_ops ops = {
		.read = read_nonblocking, .cancel = cancel_none, .select_fd = select_nb,
	};
	int status;

	(void)state;
	assert_int_equal(pipe(nb_pipe), 0);
	assert_int_equal(fcntl(nb_pipe[0], F_SETFL, O_NONBLOCK), 0);
	nb_eof = 0;
	atomic_store(&nb_early, 0);
	on_record = write_chunk;
	assert_int_equal(run(&ops, 2000, &status), 40);
	assert_int_equal(status, SANE_STATUS_EOF);
	assert_int_equal(atomic_load(&nb_early), 0);
	on_record = NULL;
	close(nb_pipe[0]);
}

/*
 * scan_free while the pump still streams: the pump cancels the driver
 * and writes the result as it finishes, so the result is read only after
 * the join (a copy taken earlier would say the driver was not cancelled,
 * and TSan would see it race with the pump's write).
 */
static void
test_free_while_streaming_gives_the_final_result(void **state)
{
	static const struct device_ops ops = { .read = read_endless, .cancel = cancel_count };
	struct scan_result res;
	struct scan *sc;
	uint8_t b[12];
	int srv, cli, port, d;

	(void)state;
	atomic_store(&cancels, 0);
	sc = begin(&ops, 2000, &srv, &cli, &port);
	d = data_connect(port);
	/* One whole record: the pump is past accept and streaming. */
	assert_int_equal(recv(d, b, 12, MSG_WAITALL), 12);
	assert_memory_equal(b, "\0\0\0\x08" "endless!", 12);
	scan_free(sc, &res);
	assert_int_equal(res.status, SANE_STATUS_CANCELLED);
	assert_int_equal(res.driver_cancelled, 1);
	assert_true(res.first_data_ms >= 0);
	assert_int_equal(atomic_load(&cancels), 1);	/* by the pump, once */
	close(d);
	close(srv);
	close(cli);
}

/* The same before the client has connected: the pump is in accept. */
static void
test_free_before_connect_gives_the_final_result(void **state)
{
	static const struct device_ops ops = { .read = read_endless, .cancel = cancel_count };
	struct scan_result res;
	struct scan *sc;
	int srv, cli, port;

	(void)state;
	atomic_store(&cancels, 0);
	sc = begin(&ops, 2000, &srv, &cli, &port);
	scan_free(sc, &res);
	assert_int_equal(res.status, SANE_STATUS_CANCELLED);
	assert_int_equal(res.driver_cancelled, 1);
	assert_int_equal(res.first_data_ms, -1);
	assert_int_equal(atomic_load(&cancels), 1);
	close(srv);
	close(cli);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stalled_driver_ends_the_scan),
		cmocka_unit_test(test_trickling_driver_is_not_cut_off),
		cmocka_unit_test(test_impossible_length_is_an_error),
		cmocka_unit_test(test_select_fd_is_waited_on_before_reading),
		cmocka_unit_test(test_free_while_streaming_gives_the_final_result),
		cmocka_unit_test(test_free_before_connect_gives_the_final_result),
	};

	log_set_level(LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
