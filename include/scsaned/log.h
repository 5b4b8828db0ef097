/*
 * log.h - one line per event, to stderr, with a level filter.
 *
 * Levels follow saned's -d: 0 errors only, 1 warnings, 2 informational (the
 * default), 3 debug, 4 and up trace.  Every function is thread-safe: each
 * call writes one whole line with a single write(2).
 */
#ifndef SCSANED_LOG_H
#define SCSANED_LOG_H

enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN = 1,
	LOG_LVL_INFO = 2,
	LOG_LVL_DEBUG = 3,
	LOG_LVL_TRACE = 4,
};

/* Messages above LEVEL are dropped. */
void log_set_level(int level);
int log_get_level(void);

/* Send lines to syslog (facility daemon) instead of stderr, from now on. */
void log_to_syslog(void);

/* True when a message at LEVEL would be written (to skip costly formatting). */
int log_enabled(int level);

void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)   log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_trace(...) log_msg(LOG_LVL_TRACE, __VA_ARGS__)

#endif
