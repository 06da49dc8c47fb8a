/* tests/unit/main.c: runs every registered host unit test, one line each, and ends with the
 * line "unit: N passed, N failed". A test passes when it ran at least one CHECK and none failed.
 * Exit status 1 when any test failed. An optional argument
 * runs only the tests whose name contains it. */
#include <stdio.h>
#include <string.h>

#include "tests/unit/test.h"

int test_failed_checks, test_checks;
static struct test_case *tests_head, **tests_tail = &tests_head;

void test_register(struct test_case *tc)
{
	*tests_tail = tc;
	tests_tail = &tc->next;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	for (struct test_case *tc = tests_head; tc; tc = tc->next) {
		if (argc > 1 && !strstr(tc->name, argv[1]))
			continue;
		int before = test_failed_checks, checks = test_checks;
		tc->fn();
		if (test_checks == checks) {
			failed++;
			printf("FAIL %s (it ran no CHECK: a test must check something)\n", tc->name);
		} else if (test_failed_checks == before) {
			passed++;
			printf("ok   %s\n", tc->name);
		} else {
			failed++;
			printf("FAIL %s\n", tc->name);
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
