/*
 * log.c - leveled log lines on stderr.
 *
 * One write(2) per line keeps lines from different sessions whole without
 * a lock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "scsaned/log.h"

static volatile int log_level = LOG_LVL_INFO;
static volatile int use_syslog;

void
log_to_syslog(void)
{
	openlog("scsaned", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	use_syslog = 1;
}

void
log_set_level(int level)
{
	log_level = level;
}

int
log_get_level(void)
{
	return log_level;
}

int
log_enabled(int level)
{
	return level <= log_level;
}

void
log_msg(int level, const char *fmt, ...)
{
	static const char *const tags[] = { "error", "warn", "info", "debug", "trace" };
	char line[1024];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	size_t n;
	int r;

	if (!log_enabled(level))
		return;
	if (use_syslog) {
		static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG, LOG_DEBUG };

		va_start(ap, fmt);
		vsnprintf(line, sizeof(line), fmt, ap);
		va_end(ap);
		syslog(prio[level < 0 ? 0 : level > 4 ? 4 : level], "%s", line);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = strftime(line, sizeof(line), "%H:%M:%S", &tm);
	r = snprintf(line + n, sizeof(line) - n, ".%03ld scsaned[%d] %s: ",
	    ts.tv_nsec / 1000000, (int)getpid(),
	    tags[level < 0 ? 0 : level > 4 ? 4 : level]);
	if (r > 0)
		n += (size_t)r < sizeof(line) - n ? (size_t)r : sizeof(line) - n - 1;
	va_start(ap, fmt);
	r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (r > 0)
		n += (size_t)r < sizeof(line) - n ? (size_t)r : sizeof(line) - n - 1;
	if (n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		return;	/* nowhere left to report it */
}
