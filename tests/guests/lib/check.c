/* tests/guests/lib/check.c: check results on the console, counted across vCPUs, for the test guests
 * (vmtest, apictest). Any vCPU. */
#include <stdarg.h>

#include "tests/guests/lib/check.h"
#include "tests/guests/lib/console.h"
#include "tests/guests/lib/spinlock.h"
#include "lib/printf.h"

static uint32_t passed, failed;

void check_pass(const char *name)
{
	atomic_inc(&passed);
	con_printf("ok   %s", name);
}

void check_fail(const char *name, const char *fmt, ...)
{
	char detail[120];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	atomic_inc(&failed);
	con_printf("FAIL %s: %s", name, detail);
}

void check_skip(const char *name, const char *why)
{
	con_printf("skip %s (%s)", name, why);
}

bool check_hex(const char *name, const char *what, uint32_t got, uint32_t want)
{
	if (got != want) {
		check_fail(name, "%s (got 0x%x, want 0x%x)", what, got, want);
		return false;
	}
	check_pass(name);
	return true;
}

bool check_hex64(const char *name, const char *what, uint64_t got, uint64_t want)
{
	if (got != want) {
		check_fail(name, "%s (got 0x%llx, want 0x%llx)", what, got, want);
		return false;
	}
	check_pass(name);
	return true;
}

bool check_int(const char *name, const char *what, int32_t got, int32_t want)
{
	if (got != want) {
		check_fail(name, "%s (got %d, want %d)", what, got, want);
		return false;
	}
	check_pass(name);
	return true;
}

bool check_gp(const char *name, const char *what, bool faulted, bool want_gp)
{
	if (faulted != want_gp) {
		check_fail(name, "%s (got %s, want %s)", what, faulted ? "#GP" : "no fault",
			   want_gp ? "#GP" : "no fault");
		return false;
	}
	check_pass(name);
	return true;
}

const char *check_name(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, CHECK_NAME_MAX, fmt, ap);
	va_end(ap);
	return buf;
}

void check_summary(void)
{
	con_printf("%u passed, %u failed", atomic_load(&passed), atomic_load(&failed));
}
