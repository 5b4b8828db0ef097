/*
 * hosted_int.h - the daemon's end of a backend helper (scsaned-backend):
 * one child process per open handle, one request at a time over a
 * socketpair, in the messages of scsaned/hostmsg.h.
 */
#ifndef SCSANED_HOSTED_INT_H
#define SCSANED_HOSTED_INT_H

#include <sys/types.h>
#include <time.h>

#include "scsaned/device.h"
#include "scsaned/hostmsg.h"

/* A bridged device's operations (hosted.c). */
extern const struct device_ops hosted_ops;

struct helper {
	pid_t pid;		/* -1 once reaped */
	int fd;			/* our end of the socketpair, or -1 */
	const char *what;	/* the device's name, for logs */
	int wait_ms;		/* the longest any answer may take */
	struct hm_out out;	/* the request being built */
	uint32_t building;	/* its type */
	uint8_t *rx;		/* the last reply's payload (HM_PAYLOAD_MAX) */
	struct hm_in in;	/* reading it */
	uint32_t sent;		/* type of the request awaiting its reply, or 0 */
	struct timespec sent_at;
};

/* Start scsaned-backend for WHAT.  0, or -1 (logged). */
int helper_spawn(struct helper *hp, const char *what, int wait_ms);

/* hm_begin for request TYPE into hp->out. */
struct hm_out *helper_begin(struct helper *hp, uint32_t type);
/* Send hp->out; its reply is then awaited.  0, or -1 (the helper is gone). */
int helper_send(struct helper *hp);
/*
 * The reply to what was sent, in hp->in, within what is left of the wait
 * limit counted from the send.  0, or -1: the helper died, hung past the
 * limit or broke the protocol, and has been killed and reaped.
 */
int helper_reply(struct helper *hp);
/* helper_send then helper_reply. */
int helper_call(struct helper *hp);
/* The reply has arrived (never waits). */
int helper_ready(const struct helper *hp);
/* How long the request awaiting its reply has waited, in ms. */
long helper_waited_ms(const struct helper *hp);
int helper_alive(const struct helper *hp);
/*
 * Let the helper exit after HM_CLOSE if it was sent, else kill its whole
 * process group (a forked reader included); reap it; free the buffers.
 */
void helper_end(struct helper *hp);
/* Kill the process group at once and reap it. */
void helper_kill(struct helper *hp, const char *why);

#endif
