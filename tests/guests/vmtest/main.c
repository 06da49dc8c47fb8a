/* tests/guests/vmtest/main.c: the test guest. The command line's `test=NAME` picks a suite (default
 * `all`: every non-destructive one); each check prints ok or FAIL, the totals follow, then ACPI
 * power-off. vCPU 0 runs the suites; the others take jobs from them (ap.c). */
#include <stdbool.h>
#include <stdint.h>

#include "lib/array.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/console.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/lib/multiboot.h"
#include "tests/guests/lib/power.h"
#include "tests/guests/lib/smp.h"
#include "tests/guests/vmtest/vmtest.h"
#include "lib/string.h"

const char guest_name[] = "vmtest";
uint32_t vmtest_nvcpus = 1;

struct suite {
	const char *name;
	void (*run)(void);
	bool destructive;
};

static const struct suite suites[] = {
	{ "cpuid", suite_cpuid, false },
	{ "exitcount", suite_exitcount, false },
	{ "msr", suite_msr, false },
	{ "ports", suite_ports, false },
	{ "vmcall", suite_vmcall, false },
	{ "hlt", suite_hlt, false },
	{ "hvmem", suite_hvmem, false },
	{ "apic", suite_apic, false },
	{ "xsetbv", suite_xsetbv, false },
	{ "cpl3", suite_cpl3, false },
	{ "pae", suite_pae, false },
	{ "longmode", suite_longmode, false },
	{ "triplefault", suite_triplefault, true },
	{ "ept-outside", suite_ept_outside, true },
	{ "taskswitch", suite_taskswitch, true },
	{ "reset", suite_reset, true },
	{ "halt-forever", suite_halt_forever, true },
	{ "console", suite_console, true },
	{ "apicstart", suite_apicstart, true },
	{ "chaos", suite_chaos, true },
	{ "ioapic", suite_ioapic, true }, /* needs vm.testdev=on */
	{ "ept-past-ram", suite_ept_past_ram, true }, /* probe=ADDR: its RAM's size */
	{ "ipi-away", suite_ipi_away, true },
};

#define NSUITES (ARRAY_SIZE(suites))

void vmtest_delay(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		cpu_relax();
}

static uint32_t vcpu_count(void)
{
	uint32_t n;
	int32_t r = hc_vcpu_info(&n);

	if (r < 0 || n == 0) {
		con_printf("HC_VCPU_INFO failed (%d, %s); running on vCPU 0 only", r, hc_strerror(r));
		return 1;
	}
	if (n > GUEST_MAX_VCPUS) {
		con_printf("%u vCPUs; this guest uses the first %u", n, GUEST_MAX_VCPUS);
		return GUEST_MAX_VCPUS;
	}
	return n;
}

static void run_suite(const struct suite *s)
{
	con_printf("suite %s", s->name);
	s->run();
}

static void run(const char *name)
{
	if (!strcmp(name, "all")) {
		for (unsigned i = 0; i < NSUITES; i++)
			if (!suites[i].destructive)
				run_suite(&suites[i]);
		return;
	}
	for (unsigned i = 0; i < NSUITES; i++) {
		if (!strcmp(name, suites[i].name)) {
			run_suite(&suites[i]);
			return;
		}
	}
	con_printf("suites: all (every non-destructive one), cpuid, exitcount, msr, ports, vmcall, "
		   "hlt, hvmem, apic, xsetbv, cpl3, pae, longmode; destructive: triplefault, taskswitch, "
		   "ept-outside, reset, halt-forever, console, apicstart (with vm.apic=), "
		   "ept-past-ram probe=ADDR, ipi-away; "
		   "chaos [seed=N ops=N kinds=msr,io,...]");
	check_fail("test", "no such suite (got \"%s\", want one of the suites listed)", name);
}

void guest_main(void)
{
	char name[32];

	if (!mb_arg("test", name, sizeof(name)))
		memcpy(name, "all", sizeof("all"));
	vmtest_nvcpus = vcpu_count();
	con_printf("test=%s on %u vCPUs", name, vmtest_nvcpus);
	run(name);
	check_summary();
	power_off();
	con_printf("ACPI power-off failed");
	halt_forever();
}
