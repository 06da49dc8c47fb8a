/* tests/guests/vmtest/apicstart.c: `test=apicstart` (with vm.apic=x2apic or x2apic-locked on the
 * hypervisor's command line, `locked=1` on the guest's for the latter): every vCPU's APIC starts in
 * x2APIC mode, with its x2APIC id; a locked one reports the lock (IA32_ARCH_CAPABILITIES bit 21,
 * IA32_XAPIC_DISABLE_STATUS bit 0, CPUID.7.0:EDX[29]) and refuses to leave x2APIC mode with #GP;
 * an unlocked one may (x2APIC -> disabled -> xAPIC, SDM Vol. 3A, 11.12.5). */
#include "lib/guest_abi.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/msr.h"
#include "tests/guests/lib/multiboot.h"
#include "tests/guests/vmtest/ap.h"
#include "tests/guests/vmtest/vmtest.h"

#define APIC_BASE 0x1b
#define EXTD (1ull << 10)
#define EN (1ull << 11)

static uint32_t seen[2]; /* vCPU 1's APIC base low word and x2APIC id */

static void look(unsigned self)
{
	uint64_t base = 0, id = ~0ull;

	msr_read_safe(APIC_BASE, &base);
	msr_read_safe(X2APIC_MSR(APIC_ID), &id);
	seen[0] = (uint32_t)base;
	seen[1] = (uint32_t)id;
}

void suite_apicstart(void)
{
	char arg[4];
	bool locked = mb_arg("locked", arg, sizeof(arg)) && arg[0] == '1';
	uint64_t base = 0, id = ~0ull, caps = 0, status = 0;

	msr_read_safe(APIC_BASE, &base);
	check_hex64("apicstart.mode", "IA32_APIC_BASE of vCPU 0", base,
		    0xfee00000ull | EN | EXTD | (1u << 8));
	check_int("apicstart.id", "RDMSR 0x802 works and reads 0",
		  msr_read_safe(X2APIC_MSR(APIC_ID), &id) && id == 0, 1);
	if (vmtest_nvcpus > 1 && ap_post(1, look) && ap_wait(1)) {
		check_hex("apicstart.mode.vcpu1", "IA32_APIC_BASE of vCPU 1", seen[0],
			  0xfee00000u | EN | EXTD);
		check_hex("apicstart.id.vcpu1", "x2APIC id of vCPU 1", seen[1], 1);
	}
	check_int("apicstart.cpuid7", "CPUID.7.0:EDX[29] (IA32_ARCH_CAPABILITIES)",
		  (cpuid(7, 0).edx >> 29) & 1, 1);
	msr_read_safe(0x10a, &caps);
	msr_read_safe(0xbd, &status);
	check_int("apicstart.caps", "IA32_ARCH_CAPABILITIES bit 21 (XAPIC_DISABLE_STATUS)",
		  (caps >> 21) & 1, locked);
	check_int("apicstart.status", "IA32_XAPIC_DISABLE_STATUS bit 0", status & 1, locked);
	bool left = msr_write_safe(APIC_BASE, base & ~(EN | EXTD));
	check_int("apicstart.disable", locked ? "disabling a locked x2APIC (want #GP)"
					      : "disabling the x2APIC (allowed)", left, !locked);
	if (left) /* back to x2APIC through xAPIC, as it started */
		check_int("apicstart.back", "disabled -> xAPIC -> x2APIC",
			  msr_write_safe(APIC_BASE, (base & ~EXTD)) && msr_write_safe(APIC_BASE, base), 1);
}
