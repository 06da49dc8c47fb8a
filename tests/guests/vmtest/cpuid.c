/* tests/guests/vmtest/cpuid.c: what CPUID shows the guest (README, "The guest's machine": CPUID),
 * checked on every vCPU: features the hypervisor does not virtualize are hidden, the hypervisor bit
 * and leaves are there, and each vCPU sees its own APIC id. Runs on every vCPU (as an AP job). */
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/lib/smp.h"
#include "tests/guests/vmtest/ap.h"
#include "tests/guests/vmtest/vmtest.h"
#include "lib/printf.h"
#include "lib/string.h"

#define CR4_OSXSAVE_BIT (1u << 18)

/* Intel SDM Vol. 2A, CPUID, "Feature Information Returned in the ECX Register". */
#define ECX_MONITOR 3
#define ECX_VMX 5
#define ECX_PDCM 15
#define ECX_XSAVE 26
#define ECX_OSXSAVE 27
#define ECX_HYPERVISOR 31 /* reserved for hypervisors to say they are there */

static const char *cpuid_check_name(char *buf, unsigned size, const char *what, unsigned self)
{
	fmt_snprintf(buf, size, "cpuid.%s.vcpu%u", what, self);
	return buf;
}

static void check_bit(unsigned self, const char *what, const char *desc, uint32_t reg,
		      unsigned bit, uint32_t want)
{
	char name[40];

	check_hex(cpuid_check_name(name, sizeof(name), what, self), desc, (reg >> bit) & 1, want);
}

static void check_leaf1(unsigned self)
{
	struct cpuid_regs r = cpuid(1, 0);
	char name[40];

	check_bit(self, "vmx", "leaf 1 ECX bit 5 (VMX)", r.ecx, ECX_VMX, 0);
	check_bit(self, "hypervisor", "leaf 1 ECX bit 31 (hypervisor)", r.ecx, ECX_HYPERVISOR, 1);
	check_bit(self, "pdcm", "leaf 1 ECX bit 15 (PDCM)", r.ecx, ECX_PDCM, 0);
	check_bit(self, "monitor", "leaf 1 ECX bit 3 (MONITOR)", r.ecx, ECX_MONITOR, 0);
	check_hex(cpuid_check_name(name, sizeof(name), "apicid", self), "leaf 1 EBX[31:24] (APIC id)",
		  r.ebx >> 24, self);
}

/* CPUID.1:ECX.OSXSAVE is the guest's own CR4.OSXSAVE, which it sets and clears without a VM exit.
 * Asked before, with the bit set, and after clearing it: a cached answer that kept the bit, or
 * one taken from the CR4 read shadow, fails. */
static void check_osxsave(unsigned self)
{
	uint32_t cr4 = read_cr4(), got[3];
	char name[40];

	cpuid_check_name(name, sizeof(name), "osxsave", self);
	if (!(cpuid(1, 0).ecx & (1u << ECX_XSAVE))) {
		check_skip(name, "the CPU has no XSAVE, so CR4.OSXSAVE cannot be set");
		return;
	}
	got[0] = cpuid(1, 0).ecx >> ECX_OSXSAVE & 1;
	write_cr4(cr4 | CR4_OSXSAVE_BIT);
	got[1] = cpuid(1, 0).ecx >> ECX_OSXSAVE & 1;
	write_cr4(cr4 & ~CR4_OSXSAVE_BIT);
	got[2] = cpuid(1, 0).ecx >> ECX_OSXSAVE & 1;
	write_cr4(cr4);
	if (got[0] != !!(cr4 & CR4_OSXSAVE_BIT) || got[1] != 1 || got[2] != 0)
		check_fail(name, "leaf 1 ECX bit 27 with CR4.OSXSAVE as it was, set, clear (got %u %u "
				 "%u, want %u 1 0)", got[0], got[1], got[2], !!(cr4 & CR4_OSXSAVE_BIT));
	else
		check_pass(name);
}

/* Leaf 0xA describes the PMU; no PMU is given, so all of it reads 0. */
static void check_leaf_a(unsigned self)
{
	struct cpuid_regs r = cpuid(0xa, 0);
	char name[40];

	cpuid_check_name(name, sizeof(name), "leafa", self);
	if (r.eax | r.ebx | r.ecx | r.edx)
		check_fail(name, "leaf 0xA (got 0x%x 0x%x 0x%x 0x%x, want all 0)", r.eax, r.ebx,
			   r.ecx, r.edx);
	else
		check_pass(name);
}

/* The signature as EBX, ECX, EDX spell it, unprintable bytes as '?'. */
static void signature_text(const struct cpuid_regs *r, char out[13])
{
	memcpy(out, &r->ebx, 4);
	memcpy(out + 4, &r->ecx, 4);
	memcpy(out + 8, &r->edx, 4);
	for (int i = 0; i < 12; i++)
		if (out[i] && (out[i] < 0x20 || out[i] > 0x7e))
			out[i] = '?';
	out[12] = 0;
}

static void check_hv_leaves(unsigned self)
{
	struct cpuid_regs r = cpuid(CPUID_HV_BASE, 0);
	char want[12] = { 0 }, got[13], name[40];

	cpuid_check_name(name, sizeof(name), "hvmax", self);
	if (r.eax < CPUID_HV_VERSION)
		check_fail(name, "leaf 0x40000000 EAX (got 0x%x, want >= 0x40000001)", r.eax);
	else
		check_pass(name);

	/* HV_CPUID_SIGNATURE, NUL-padded to the 12 bytes of EBX, ECX, EDX. */
	memcpy(want, HV_CPUID_SIGNATURE, strnlen(HV_CPUID_SIGNATURE, sizeof(want)));
	signature_text(&r, got);
	cpuid_check_name(name, sizeof(name), "signature", self);
	if (memcmp(&r.ebx, want, 4) || memcmp(&r.ecx, want + 4, 4) || memcmp(&r.edx, want + 8, 4))
		check_fail(name, "leaf 0x40000000 EBX ECX EDX (got \"%s\", want \"%s\")", got,
			   HV_CPUID_SIGNATURE);
	else
		check_pass(name);

	check_hex(cpuid_check_name(name, sizeof(name), "abi", self), "leaf 0x40000001 EAX (ABI version)",
		  cpuid(CPUID_HV_VERSION, 0).eax, HC_ABI_VERSION);
}

/* The hypervisor's idea of who we are, next to CPUID's. */
static void check_vcpu_info(unsigned self)
{
	uint32_t n;
	char name[40];

	check_int(cpuid_check_name(name, sizeof(name), "vcpuinfo", self), "HC_VCPU_INFO index",
		  hc_vcpu_info(&n), (int32_t)self);
}

static void cpuid_job(unsigned self)
{
	check_leaf1(self);
	check_osxsave(self);
	check_leaf_a(self);
	check_hv_leaves(self);
	check_vcpu_info(self);
}

void suite_cpuid(void)
{
	static uint8_t posted[GUEST_MAX_VCPUS];
	char name[40];

	/* All the others at once, then vCPU 0 itself: the vCPUs run CPUID side by side. */
	for (unsigned k = 1; k < vmtest_nvcpus; k++)
		posted[k] = ap_post(k, cpuid_job);
	cpuid_job(0);
	for (unsigned k = 1; k < vmtest_nvcpus; k++)
		if (posted[k] && !ap_wait(k))
			check_fail(cpuid_check_name(name, sizeof(name), "report", k),
				   "vCPU %u ran no CPUID checks (got no report, want one)", k);
}
