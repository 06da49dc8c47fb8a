/* tests/unit/test.h: the host unit-test harness. Each test file defines TEST(name) functions;
 * they register themselves and tests/unit/main.c runs them all. A test fails when any CHECK in it
 * fails, and so does one that ran no CHECK at all; each failed CHECK prints its file, line and
 * expression. */
#ifndef TESTS_UNIT_TEST_H
#define TESTS_UNIT_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
	struct test_case *next;
};

void test_register(struct test_case *tc);
extern int test_failed_checks;
/* Every CHECK and MUST evaluated, passed or not: a test that evaluated none checked nothing and
 * fails (tests/unit/main.c). */
extern int test_checks;

#define TEST(name)                                                          \
	static void name(void);                                             \
	static struct test_case name##_case = { #name, name, 0 };           \
	__attribute__((constructor)) static void name##_register(void)      \
	{                                                                   \
		test_register(&name##_case);                                \
	}                                                                   \
	static void name(void)

#define CHECK(cond)                                                         \
	do {                                                                \
		test_checks++;                                              \
		if (!(cond)) {                                              \
			printf("    %s:%d: CHECK(%s) failed\n", __FILE__,   \
			       __LINE__, #cond);                            \
			test_failed_checks++;                               \
		}                                                           \
	} while (0)

#define CHECK_EQ(a, b)                                                      \
	do {                                                                \
		test_checks++;                                              \
		unsigned long long _a = (unsigned long long)(a);            \
		unsigned long long _b = (unsigned long long)(b);            \
		if (_a != _b) {                                             \
			printf("    %s:%d: CHECK_EQ(%s, %s) failed: 0x%llx != 0x%llx\n", \
			       __FILE__, __LINE__, #a, #b, _a, _b);         \
			test_failed_checks++;                               \
		}                                                           \
	} while (0)

#define CHECK_STR(a, b)                                                     \
	do {                                                                \
		test_checks++;                                              \
		const char *_a = (a), *_b = (b);                            \
		if (!_a || !_b || strcmp(_a, _b) != 0) {                    \
			printf("    %s:%d: CHECK_STR(%s, %s) failed: \"%s\" != \"%s\"\n", \
			       __FILE__, __LINE__, #a, #b, _a ? _a : "(null)", \
			       _b ? _b : "(null)");                         \
			test_failed_checks++;                               \
		}                                                           \
	} while (0)

/* For a step the rest of the test depends on: on failure, count it and end the test (going on
 * from a failed step would only crash). */
#define MUST(cond)                                                                   \
	do {                                                                         \
		test_checks++;                                                       \
		if (!(cond)) {                                                       \
			printf("    %s:%d: MUST(%s) failed\n", __FILE__, __LINE__, #cond); \
			test_failed_checks++;                                        \
			return;                                                      \
		}                                                                    \
	} while (0)

#endif
