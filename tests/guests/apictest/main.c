/* tests/guests/apictest/main.c: the APIC test guest. The command line's `test=NAME[,NAME...]` picks
 * suites (default `all`); `sipi`'s start-up of the other vCPUs runs first whatever was asked,
 * since every other suite needs them. Each check prints ok or FAIL, the totals follow, then ACPI
 * power-off. vCPU 0 runs the suites; the others take jobs from them (ap.c). */
#include <stdbool.h>
#include <stdint.h>

#include "lib/array.h"
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/apictest/irq.h"
#include "tests/guests/apictest/timing.h"
#include "tests/guests/apictest/vcpus.h"
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/console.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/lib/multiboot.h"
#include "tests/guests/lib/power.h"
#include "lib/printf.h"
#include "lib/string.h"

#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1

const char guest_name[] = "apictest";
uint32_t apictest_nvcpus = 1;
bool apictest_hv;

struct suite {
	const char *name;
	void (*run)(void);
};

/* `all` runs them in this order; sipi, which starts the other vCPUs, always runs first. `init`
 * (an INIT and one SIPI to an AP in x2APIC mode) is last, so an AP that does not come back from it
 * spoils no other suite. */
static const struct suite suites[] = {
	{ "sipi", suite_sipi },     { "base", suite_base },   { "x2apic", suite_x2apic },
	{ "ipi", suite_ipi },       { "timer", suite_timer }, { "exits", suite_exits },
	{ "init", suite_init },
};

#define NSUITES (ARRAY_SIZE(suites))

bool need_vcpus(const char *name, unsigned n)
{
	char why[32];

	if (apictest_nvcpus >= n)
		return true;
	fmt_snprintf(why, sizeof(why), "needs %u vCPUs", n);
	check_skip(name, why);
	return false;
}

static const struct suite *find_suite(const char *name)
{
	for (unsigned i = 0; i < NSUITES; i++)
		if (!strcmp(suites[i].name, name))
			return &suites[i];
	return 0;
}

static void run_suite(const struct suite *s)
{
	con_printf("suite %s", s->name);
	s->run();
	apic_restore_xapic(); /* whatever a failed check left behind */
}

/* `list` is "all" or names separated by commas; sipi (suites[0]) ran already. */
static void run(const char *list)
{
	if (!strcmp(list, "all")) {
		for (unsigned i = 1; i < NSUITES; i++)
			run_suite(&suites[i]);
		return;
	}
	for (const char *p = list; *p;) {
		char name[16];
		size_t len = 0;
		const struct suite *s;

		while (p[len] && p[len] != ',')
			len++;
		if (len >= sizeof(name))
			len = sizeof(name) - 1;
		memcpy(name, p, len);
		name[len] = 0;
		s = find_suite(name);
		if (s == &suites[0]) {
			/* sipi ran first already */
		} else if (s) {
			run_suite(s);
		} else {
			con_printf("suites: all, sipi, base, x2apic, ipi, timer, exits, init");
			check_fail("test", "no such suite (got \"%s\", want one of the suites listed)",
				   name);
		}
		p = strchr(p, ',') ? strchr(p, ',') + 1 : p + strlen(p);
	}
}

/* Bare metal: the firmware's 8259s may still deliver (IRQ 0 on vector 8, the #DF gate); mask
 * them. The hypervisor's VM has no 8259: the writes are ignored there. */
static void mask_pics(void)
{
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

void guest_main(void)
{
	char list[64];

	if (!mb_arg("test", list, sizeof(list)))
		memcpy(list, "all", sizeof("all"));
	mask_pics();
	apictest_hv = hc_version() >= 0;
	timing_init();
	apictest_nvcpus = vcpus_count(APICTEST_MAX_VCPUS);
	con_printf("test=%s on %u vCPUs; TSC %u kHz, APIC timer %u kHz (%s)", list, apictest_nvcpus,
		   timing_tsc_khz(), timing_apic_khz(),
		   timing_from_hypervisor() ? "CPUID 0x40000010" : "assumed");
	irq_init();
	apic_mode_sync();
	apic_restore_xapic();
	irq_enable();
	run_suite(&suites[0]); /* sipi: starts the other vCPUs */
	run(list);
	check_summary();
	power_off();
	con_printf("ACPI power-off failed");
	halt_forever();
}
