/* tests/guests/vmtest/exitcount.c: HC_EXIT_COUNT counts exactly the exits the guest caused: CPUID
 * and VMCALL always exit (Intel SDM Vol. 3C, 26.1.2 "Instructions That Cause VM Exits
 * Unconditionally"), so the count must move by exactly the number executed. vCPU 0. */
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/vmtest/vmtest.h"

#define CPUIDS 100
#define VERSION_CALLS 10

/* Both counts must be valid; then their difference is the check. */
static void check_delta(const char *name, const char *what, int32_t before, int32_t after,
			int32_t want)
{
	if (before < 0 || after < 0) {
		int32_t bad = before < 0 ? before : after;

		check_fail(name, "HC_EXIT_COUNT (got %d %s, want a count)", bad, hc_strerror(bad));
		return;
	}
	check_int(name, what, after - before, want);
}

static void count_cpuid(void)
{
	int32_t before = hc_exit_count(HC_SELF, EXIT_REASON_CPUID);

	for (unsigned i = 0; i < CPUIDS; i++)
		cpuid(0, 0); /* asm volatile: none of them is dropped or merged */
	check_delta("exitcount.cpuid", "CPUID exits across 100 CPUIDs", before,
		    hc_exit_count(HC_SELF, EXIT_REASON_CPUID), CPUIDS);
}

/* The two queries are VMCALLs themselves. The hypervisor counts an exit when it happens, before
 * handling it, so the first query's count already includes that query, and the second's includes
 * the second: between them lie the 10 HC_VERSION calls plus the second query, 11 exits. (Were
 * exits counted after handling instead, the first query would count in the difference and the
 * second not: 11 again. Either way exactly one of the two queries falls in between.) */
static void count_vmcall(void)
{
	int32_t before = hc_exit_count(HC_SELF, EXIT_REASON_VMCALL);

	for (unsigned i = 0; i < VERSION_CALLS; i++)
		hc_version();
	check_delta("exitcount.vmcall", "VMCALL exits across 10 HC_VERSION and one query", before,
		    hc_exit_count(HC_SELF, EXIT_REASON_VMCALL), VERSION_CALLS + 1);
}

void suite_exitcount(void)
{
	count_cpuid();
	count_vmcall();
}
