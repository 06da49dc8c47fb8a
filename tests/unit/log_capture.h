/* tests/unit/log_capture.h: inspect what pure code logged during a host unit test. */
#ifndef TESTS_UNIT_LOG_CAPTURE_H
#define TESTS_UNIT_LOG_CAPTURE_H

void test_log_clear(void);
const char *test_log_find(const char *needle); /* NULL when no logged line contains needle */
const char *test_log_text(void);

#endif
