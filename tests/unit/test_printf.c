/* tests/unit/test_printf.c: fmt_snprintf against the C library's snprintf for every conversion,
 * flag and length the hypervisor uses, plus truncation. */
#include <stdint.h>
#include <stdio.h>

#include "lib/printf.h"
#include "tests/unit/test.h"

/* Both formatters on the same arguments must agree byte for byte. */
#define SAME(...)                                                           \
	do {                                                                \
		char ours[256], libc[256];                                  \
		fmt_snprintf(ours, sizeof(ours), __VA_ARGS__);              \
		snprintf(libc, sizeof(libc), __VA_ARGS__);                  \
		CHECK_STR(ours, libc);                                      \
	} while (0)

TEST(printf_integers)
{
	SAME("%d %d %d", 0, 42, -42);
	SAME("%i|%u", -2147483647 - 1, 4294967295u);
	SAME("%ld %lu", (long)INT64_MIN, (unsigned long)UINT64_MAX);
	SAME("%lld %llu", (long long)-1, (unsigned long long)1234567890123ull);
	SAME("%zu", (size_t)77);
	SAME("%x %X %lx", 0xdeadbeefu, 0xabcdefu, 0x123456789abcdef0ul);
	SAME("%llx", 0ull);
}

TEST(printf_width_and_flags)
{
	SAME("[%5d] [%-5d] [%05d]", 42, 42, 42);
	SAME("[%05d] [%8d]", -42, -42);
	SAME("[%016lx] [%08x]", 0xfee00000ul, 0x1fu);
	SAME("[%*d] [%-*d]", 6, 7, 6, 7);
	SAME("[%10s] [%-10s] [%s]", "abc", "abc", "");
	SAME("[%3c] [%-3c]", 'x', 'y');
	SAME("100%%");
	SAME("[%2d]", 12345);
}

TEST(printf_pointer_and_null_string)
{
	char buf[64];

	fmt_snprintf(buf, sizeof(buf), "%p", (void *)0x1000);
	CHECK_STR(buf, "0x1000");
	const char *volatile null_str = NULL;

	fmt_snprintf(buf, sizeof(buf), "%s", null_str);
	CHECK_STR(buf, "(null)");
}

TEST(printf_truncates_and_terminates)
{
	char buf[8];
	size_t n;

	memset(buf, 'Z', sizeof(buf));
	n = fmt_snprintf(buf, sizeof(buf), "%s", "0123456789");
	CHECK_STR(buf, "0123456");
	CHECK_EQ(n, 7);
	n = fmt_snprintf(buf, 1, "abc");
	CHECK_EQ(buf[0], 0);
	CHECK_EQ(n, 0);
	/* size 0 writes nothing at all */
	buf[0] = 'Q';
	fmt_snprintf(buf, 0, "abc");
	CHECK_EQ(buf[0], 'Q');
}

/* Deliberately bad formats: the compiler is right to warn, and we test what happens anyway. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
TEST(printf_unknown_conversion_is_visible)
{
	char buf[32];

	fmt_snprintf(buf, sizeof(buf), "a%qb");
	CHECK_STR(buf, "a%qb");
	fmt_snprintf(buf, sizeof(buf), "end%");
	CHECK_STR(buf, "end%");
}
