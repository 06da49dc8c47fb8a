/* tests/guests/apictest/base.c: suite `base`: IA32_APIC_BASE on each vCPU, one vCPU after another
 * (Intel SDM Vol. 3A, 11.4.4 "Local APIC Status and Location" and 11.12.5 "x2APIC State
 * Transitions", Figure 11-33): the BSP flag is read-only, reserved bits #GP, and of the mode
 * changes only xAPIC <-> disabled, x2APIC -> disabled and xAPIC -> x2APIC are allowed; re-enabling
 * after a global disable gives the power-up state (11.4.7.1); CPUID.1:EDX.APIC follows EN (11.4.3).
 * Relocating the APIC works into the MMIO hole, not over RAM (the hypervisor's rule). Each write is
 * checked for its fault and for the value read back. Interrupts are off throughout: the APIC moves.
 * Each vCPU for itself. */
#include "lib/array.h"
#include "tests/guests/apictest/ap.h"
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/apictest/base.h"
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"

#define DISABLED_BITS (APIC_BASE_EN | APIC_BASE_EXTD)

/* One write and its outcome: #GP or not, and what IA32_APIC_BASE reads afterwards. When it does
 * not go as the SDM says, `after` is written back, so the next step starts where it should. */
bool base_expect(unsigned self, const char *what, uint64_t v, bool want_gp, uint64_t after)
{
	char n[CHECK_NAME_MAX];
	bool gp = !apic_base_write(v), ok;
	uint64_t got = ~0ull;

	ok = check_gp(check_name(n, "base.%s.vcpu%u", what, self), "WRMSR IA32_APIC_BASE", gp,
		      want_gp);
	apic_base_read(&got);
	if (!check_hex64(check_name(n, "base.%s.value.vcpu%u", what, self),
			 "IA32_APIC_BASE read back", got, after)) {
		apic_base_write(after);
		ok = false;
	}
	apic_mode_sync();
	return ok;
}

static void check_cpuid_apic(unsigned self, const char *what, uint32_t want)
{
	char n[CHECK_NAME_MAX];

	check_hex(check_name(n, "base.cpuid_apic_%s.vcpu%u", what, self), "CPUID.1:EDX bit 9 (APIC)",
		  (cpuid(1, 0).edx & CPUID1_EDX_APIC) ? 1 : 0, want);
}

static void check_cpuid_features(unsigned self)
{
	struct cpuid_regs r = cpuid(1, 0);
	char n[CHECK_NAME_MAX];

	check_hex(check_name(n, "base.cpuid_x2apic.vcpu%u", self), "CPUID.1:ECX bit 21 (x2APIC)",
		  (r.ecx & CPUID1_ECX_X2APIC) ? 1 : 0, 1);
	check_hex(check_name(n, "base.cpuid_tsc_deadline.vcpu%u", self),
		  "CPUID.1:ECX bit 24 (TSC deadline)", (r.ecx & CPUID1_ECX_TSC_DEADLINE) ? 1 : 0, 1);
	check_hex(check_name(n, "base.cpuid_apicid.vcpu%u", self), "CPUID.1:EBX[31:24]",
		  r.ebx >> 24, self);
}

/* The BSP flag and the reserved bits: #GP for the latter, nothing changes for either. */
static void flags_and_reserved(unsigned self, uint64_t home)
{
	static const unsigned low_bits[] = { 0, 1, 2, 3, 4, 5, 6, 7, 9 };
	unsigned top = cpuid_maxphyaddr();
	char what[24];

	base_expect(self, "bsp_readonly", home ^ APIC_BASE_BSP, false, home);
	for (unsigned i = 0; i < ARRAY_SIZE(low_bits); i++)
		base_expect(self, check_name(what, "reserved_bit%u", low_bits[i]),
			    home | (1ull << low_bits[i]), true, home);
	if (top < 64)
		base_expect(self, "reserved_maxphyaddr", home | (1ull << top), true, home);
	base_expect(self, "reserved_bit63", home | (1ull << 63), true, home);
}

/* Every transition of Figure 11-33 from each state, ending in xAPIC; the states before a global
 * disable are made different from power-up, so the reset shows. */
static void transitions(unsigned self, uint64_t home)
{
	uint64_t x2 = home | APIC_BASE_EXTD, off = home & ~(uint64_t)DISABLED_BITS;
	uint64_t invalid = off | APIC_BASE_EXTD;

	base_expect(self, "xapic_to_invalid", invalid, true, home);
	base_dirty_state();
	base_expect(self, "xapic_to_x2apic", x2, false, x2);
	check_cpuid_apic(self, "x2apic", 1);
	base_expect(self, "x2apic_to_xapic", home, true, x2);
	base_expect(self, "x2apic_to_invalid", invalid, true, x2);
	base_expect(self, "x2apic_to_disabled", off, false, off);
	check_cpuid_apic(self, "disabled", 0);
	base_expect(self, "disabled_to_x2apic", x2, true, off);
	base_expect(self, "disabled_to_invalid", invalid, true, off);
	base_expect(self, "disabled_to_xapic", home, false, home);
	check_cpuid_apic(self, "xapic", 1);
	base_check_reset_state(self, "after_x2apic");
	base_dirty_state();
	base_expect(self, "xapic_to_disabled", off, false, off);
	check_cpuid_apic(self, "disabled2", 0);
	base_expect(self, "disabled_to_xapic2", home, false, home);
	base_check_reset_state(self, "after_xapic");
}

static void base_job(unsigned self)
{
	uint64_t home = APIC_DEFAULT_BASE | APIC_BASE_EN | (self == 0 ? APIC_BASE_BSP : 0);
	uint64_t got = 0;
	char n[CHECK_NAME_MAX];

	irq_disable();
	check_cpuid_features(self);
	if (!apic_enter(APIC_MODE_XAPIC, "base", self))
		return;
	if (!apic_base_read(&got))
		check_fail(check_name(n, "base.read.vcpu%u", self), "RDMSR IA32_APIC_BASE (got #GP, "
			   "want a value)");
	else
		check_hex64(check_name(n, "base.initial.vcpu%u", self), "IA32_APIC_BASE", got, home);
	check_cpuid_apic(self, "initial", 1);
	flags_and_reserved(self, home);
	base_relocation(self, home);
	transitions(self, home);
	apic_restore_xapic();
}

void suite_base(void)
{
	run_on_each("base", base_job);
}
