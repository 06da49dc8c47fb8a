/* tests/unit/log_capture.c: the host tests' log_printf(). It keeps the lines logged since the
 * last test_log_clear() so a test can check that bad input was reported, and echoes them when
 * TEST_VERBOSE is set in the environment. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "tests/unit/log_capture.h"

static char log_buf[65536];
static size_t log_len;

bool log_enabled(enum log_level level)
{
	return true;
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (getenv("TEST_VERBOSE"))
		printf("    log%d: %s\n", (int)level, line);
	size_t n = strlen(line);
	if (log_len + n + 2 < sizeof(log_buf)) {
		memcpy(log_buf + log_len, line, n);
		log_len += n;
		log_buf[log_len++] = '\n';
		log_buf[log_len] = 0;
	}
}

void test_log_clear(void)
{
	log_len = 0;
	log_buf[0] = 0;
}

const char *test_log_find(const char *needle)
{
	return strstr(log_buf, needle);
}

const char *test_log_text(void)
{
	return log_buf;
}
