/*
 * iscsi_loop.c - driving a libiscsi context from our own poll() loop, with
 * a deadline; shared by the transport and discovery.
 */
#include <poll.h>
#include <time.h>
#include <iscsi/iscsi.h>

#include "scsaned/log.h"
#include "iscsi_int.h"

void
iscsi_log_to_ours(int level, const char *msg)
{
	log_debug("libiscsi[%d]: %s", level, msg);
}

/*
 * libiscsi formats every log line into one static buffer shared by all
 * contexts, so two threads logging at once (sessions, discovery jobs) race
 * on it.  Its lines are wanted only when tracing (-d 4), where a garbled
 * line is the price; our own messages carry the reasons (SendTargets and
 * login failures say why) at every level.
 */
void
iscsi_quiet_or_verbose(struct iscsi_context *ctx)
{
	iscsi_set_log_fn(ctx, iscsi_log_to_ours);
	iscsi_set_log_level(ctx, log_enabled(LOG_LVL_TRACE) ? 5 : 0);
}

static long
ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

void
iscsi_deadline_in(struct timespec *d, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, d);
	d->tv_sec += ms / 1000;
	d->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (d->tv_nsec >= 1000000000L) {
		d->tv_sec++;
		d->tv_nsec -= 1000000000L;
	}
}

/*
 * Run the context until *DONE or the deadline.  0 when done, 1 on
 * timeout, -1 when the connection failed.
 */
int
iscsi_run_until(struct iscsi_context *ctx, const int *done,
    const struct timespec *deadline)
{
	struct pollfd pfd;
	long left;

	while (!*done) {
		if ((left = ms_left(deadline)) <= 0)
			return 1;
		/* libiscsi may switch fds; and timeouts are checked in service. */
		pfd.fd = iscsi_get_fd(ctx);
		pfd.events = (short)iscsi_which_events(ctx);
		pfd.revents = 0;
		if (pfd.fd < 0)
			return -1;
		if (poll(&pfd, 1, left < 1000 ? (int)left : 1000) < 0)
			continue;
		if (iscsi_service(ctx, pfd.revents) < 0)
			return -1;
	}
	return 0;
}

