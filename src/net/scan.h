/*
 * scan.h - the data channel of one scan.  Private to src/net/.
 *
 * START opens a listener on the control connection's local address.  Two
 * threads then move the image: a reader pulls data from the driver into a
 * small ring of large buffers (starting at once, so the device works while
 * the client connects), and the pump accepts the client's data connection
 * and sends each filled buffer as one length-prefixed record, ending with
 * the marker FF FF FF FF and one status byte.  Device and network work
 * overlap; memory is the ring, whatever the image size.  The session
 * thread keeps serving the control connection; it stops both with
 * scan_free(), which hands back the scan's result once the pump is joined.
 */
#ifndef SCSANED_NET_SCAN_H
#define SCSANED_NET_SCAN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/socket.h>

#include "scsaned/device.h"
#include "scsaned/slots.h"

#define SCAN_RING	3		/* buffers in the ring */

/*
 * How a scan ended.  The pump writes it until its very end, so nobody
 * else reads it before the join: scan_free() copies it out after.
 */
struct scan_result {
	SANE_Status status;
	long first_data_ms;	/* from START to the first image byte sent, -1 none */
	int driver_cancelled;	/* the pump cancelled the driver itself */
};

struct scan {
	pthread_t thread;
	int started;		/* THREAD exists and must be joined */

	/* The ring between the reader and the pump. */
	pthread_t reader;
	int reader_started;
	struct slots ring;	/* SCAN_RING slots of RECORD_MAX */
	int listen_fd;
	int wake[2];		/* a byte here interrupts the pump's waits */
	atomic_int stop;
	atomic_int done;	/* the pump has finished (joinable at once) */
	atomic_int ended;	/* the end marker is going out: the frame is over
				   for the client, and the pump about to finish */

	/* Borrowed from the session for the scan's lifetime. */
	const struct device_ops *ops;
	void *drv;
	pthread_mutex_t *drv_lock;	/* held around every driver call */
	struct sockaddr_storage peer;	/* control peer: the data peer must match */
	unsigned connect_timeout_ms;
	unsigned stall_ms;		/* the driver gives nothing this long: give up */
	int select_fd;			/* the driver's, once started; -1 if reads block */
	char what[160];			/* "device for client", for logs */

	atomic_ullong bytes;	/* sent so far; read by the status command */
	struct scan_result res;	/* the pump's alone until scan_free joins it */
};

/*
 * Open the data listener on CTL_FD's local address, on the first free
 * port in LO..HI (0-0: any).  On success fills *port and returns a scan
 * to hand to scan_begin(); NULL on failure.
 */
struct scan *scan_listen(int ctl_fd, int lo, int hi, int *port);

/* Start the pump thread.  0, or -1 (then call scan_free). */
int scan_begin(struct scan *sc);

/*
 * Stop the pump if it runs, wait for it, fill *RES (if not NULL) with
 * how the scan ended, and free SC.
 */
void scan_free(struct scan *sc, struct scan_result *res);

#endif
