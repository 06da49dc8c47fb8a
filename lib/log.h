/* lib/log.h: leveled logging. Each log_*() call is one line on the console: the implementation
 * adds the timestamp/CPU prefix and the newline, and never interleaves two CPUs' lines. Any
 * context, any CPU, from the first C line on. Pure code may log too: the host unit tests link a
 * capturing implementation (tests/unit/log_capture.c) so a test can check what was said. */
#ifndef LIB_LOG_H
#define LIB_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

void log_printf(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Whether lines of this level reach the console (to skip work that only feeds them). */
bool log_enabled(enum log_level level);

#define log_error(...) log_printf(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

#endif
