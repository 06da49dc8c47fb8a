/* vmx/msr_policy.c: the MSR policy table and the bitmap built from it. Pure.
 * Pass-through is chosen only where it is safe with vCPUs pinned to CPUs: the MSR is switched by
 * the VMCS on entry and exit (SYSENTER_*, FS/GS base, EFER and PAT with the load/save controls), or
 * the hypervisor never uses it in root mode (KERNEL_GS_BASE: no SWAPGS; STAR/LSTAR/CSTAR/SFMASK:
 * no SYSCALL; TSC_AUX: no RDTSCP). TSC reads pass; writes are emulated. */
#include "apic/vlapic.h"
#include "lib/array.h"
#include "vmx/msr_policy.h"

#define R(first, last, name, rd, wr) { first, last, name, MSR_##rd, MSR_##wr }

/* In MSR order, ranges apart (a host test checks): msr_policy_find() bisects it on every MSR exit
 * the virtual APIC does not take. */
static const struct msr_policy_entry policy[] = {
	R(0x00000010, 0x00000010, "IA32_TIME_STAMP_COUNTER", PASS, EMULATE),
	R(0x00000017, 0x00000017, "IA32_PLATFORM_ID", EMULATE, GP),
	R(0x0000001b, 0x0000001b, "IA32_APIC_BASE", EMULATE, EMULATE),
	R(0x0000003a, 0x0000003a, "IA32_FEATURE_CONTROL", EMULATE, GP),
	R(0x0000003b, 0x0000003b, "IA32_TSC_ADJUST", EMULATE, EMULATE),
	R(0x0000008b, 0x0000008b, "IA32_BIOS_SIGN_ID", EMULATE, EMULATE),
	R(0x000000bd, 0x000000bd, "IA32_XAPIC_DISABLE_STATUS", EMULATE, GP),
	R(0x000000c1, 0x000000c8, "IA32_PMCx (no PMU)", GP, GP),
	R(0x000000fe, 0x000000fe, "IA32_MTRRCAP", EMULATE, GP),
	R(0x0000010a, 0x0000010a, "IA32_ARCH_CAPABILITIES", EMULATE, GP),
	R(0x00000174, 0x00000174, "IA32_SYSENTER_CS", PASS, PASS),
	R(0x00000175, 0x00000175, "IA32_SYSENTER_ESP", PASS, PASS),
	R(0x00000176, 0x00000176, "IA32_SYSENTER_EIP", PASS, PASS),
	R(0x00000179, 0x00000179, "IA32_MCG_CAP (0 banks)", EMULATE, GP),
	R(0x0000017a, 0x0000017a, "IA32_MCG_STATUS", EMULATE, EMULATE),
	R(0x00000186, 0x0000018d, "IA32_PERFEVTSELx (no PMU)", GP, GP),
	R(0x000001a0, 0x000001a0, "IA32_MISC_ENABLE", EMULATE, EMULATE),
	R(0x00000277, 0x00000277, "IA32_PAT", PASS, PASS),
	R(0x000002ff, 0x000002ff, "IA32_MTRR_DEF_TYPE", EMULATE, EMULATE),
	R(0x00000309, 0x0000030b, "IA32_FIXED_CTRx (no PMU)", GP, GP),
	R(0x0000038d, 0x00000390, "IA32_PERF_GLOBAL_* (no PMU)", GP, GP),
	R(0x000006e0, 0x000006e0, "IA32_TSC_DEADLINE", EMULATE, EMULATE),
	/* The x2APIC registers: emulated by the virtual APIC; while a vCPU is in x2APIC mode its
	 * own bitmap opens what the CPU virtualizes (msr_bitmap_x2apic()). */
	R(0x00000800, 0x000008ff, "x2APIC registers", EMULATE, EMULATE),
	R(0xc0000080, 0xc0000080, "IA32_EFER", PASS, PASS),
	R(0xc0000081, 0xc0000081, "IA32_STAR", PASS, PASS),
	R(0xc0000082, 0xc0000082, "IA32_LSTAR", PASS, PASS),
	R(0xc0000083, 0xc0000083, "IA32_CSTAR", PASS, PASS),
	R(0xc0000084, 0xc0000084, "IA32_FMASK", PASS, PASS),
	R(0xc0000100, 0xc0000100, "IA32_FS_BASE", PASS, PASS),
	R(0xc0000101, 0xc0000101, "IA32_GS_BASE", PASS, PASS),
	R(0xc0000102, 0xc0000102, "IA32_KERNEL_GS_BASE", PASS, PASS),
	R(0xc0000103, 0xc0000103, "IA32_TSC_AUX", PASS, PASS),
};

/* IA32_MISC_ENABLE (SDM Vol. 4, Table 2-2): BTS_UNAVAILABLE and PEBS_UNAVAILABLE are read-only
 * (a write that changes them is a #GP, as in KVM), EMON_AVAILABLE reads as it was whatever is
 * written; the guest keeps every other bit it writes, as KVM lets it. */
bool msr_misc_enable_write(uint64_t old, uint64_t value, uint64_t *out)
{
	if ((old ^ value) & MISC_ENABLE_READ_ONLY)
		return false;
	*out = (value & ~MISC_ENABLE_EMON) | (old & MISC_ENABLE_EMON);
	return true;
}

/* IA32_TSC_ADJUST (SDM Vol. 3B, 17.17.3): a write adds what it changes to the TSC, and a write of
 * the TSC adds what it changes to TSC_ADJUST. The guest's TSC is the host's plus `offset` (the
 * VMCS TSC offset). */
void msr_tsc_write_adjust(struct msr_tsc *t, uint64_t value)
{
	t->offset += value - t->adjust;
	t->adjust = value;
}

void msr_tsc_write_tsc(struct msr_tsc *t, uint64_t host_tsc, uint64_t value)
{
	uint64_t delta = value - (host_tsc + t->offset);

	t->offset += delta;
	t->adjust += delta;
}

static const struct msr_policy_entry unknown = { 0, 0, "unknown", MSR_GP, MSR_GP };

const struct msr_policy_entry *msr_policy_find(uint32_t msr)
{
	unsigned lo = 0, hi = ARRAY_SIZE(policy);

	while (lo < hi) { /* the entry holding msr is in [lo, hi) if any */
		unsigned mid = (lo + hi) / 2;
		if (msr < policy[mid].first)
			hi = mid;
		else if (msr > policy[mid].last)
			lo = mid + 1;
		else
			return &policy[mid];
	}
	return &unknown;
}

const struct msr_policy_entry *msr_policy_table(unsigned *count)
{
	*count = ARRAY_SIZE(policy);
	return policy;
}

bool msr_bitmap_in_range(uint32_t msr)
{
	return msr <= 0x1fff || (msr >= 0xc0000000 && msr <= 0xc0001fff);
}

/* Byte offset and bit of an in-range MSR's bit. */
static unsigned bit_index(uint32_t msr, bool write)
{
	unsigned quarter = (msr >= 0xc0000000 ? 1 : 0) + (write ? 2 : 0);

	return quarter * 1024 * 8 + (msr & 0x1fff);
}

void msr_bitmap_set_exit(uint8_t *bitmap, uint32_t msr, bool write, bool exits)
{
	if (!msr_bitmap_in_range(msr))
		return;
	unsigned b = bit_index(msr, write);
	if (exits)
		bitmap[b / 8] |= (uint8_t)(1u << (b % 8));
	else
		bitmap[b / 8] &= (uint8_t)~(1u << (b % 8));
}

bool msr_bitmap_exits(const uint8_t *bitmap, uint32_t msr, bool write)
{
	if (!msr_bitmap_in_range(msr))
		return true;
	unsigned b = bit_index(msr, write);
	return bitmap[b / 8] & (1u << (b % 8));
}

void msr_bitmap_build(uint8_t *bitmap)
{
	for (unsigned i = 0; i < MSR_BITMAP_SIZE; i++)
		bitmap[i] = 0xff;
	for (unsigned i = 0; i < ARRAY_SIZE(policy); i++) {
		for (uint32_t m = policy[i].first; m <= policy[i].last; m++) {
			msr_bitmap_set_exit(bitmap, m, false, policy[i].read != MSR_PASS);
			msr_bitmap_set_exit(bitmap, m, true, policy[i].write != MSR_PASS);
		}
	}
}

static const char *access_of(const uint8_t *bitmap, uint32_t msr)
{
	bool r = !msr_bitmap_exits(bitmap, msr, false), w = !msr_bitmap_exits(bitmap, msr, true);

	return r && w ? "rw" : r ? "r-" : w ? "-w" : 0;
}

static unsigned describe_range(const uint8_t *bitmap, uint32_t lo, uint32_t hi,
			       msr_bitmap_run_fn fn, void *ctx)
{
	unsigned runs = 0;
	uint32_t start = 0;
	const char *cur = 0;

	for (uint32_t m = lo;; m++) {
		const char *a = m <= hi ? access_of(bitmap, m) : 0;
		if (cur && a != cur) {
			fn(start, m - 1, cur, ctx);
			runs++;
		}
		if (a != cur)
			start = m;
		cur = a;
		if (m > hi)
			break;
	}
	return runs;
}

unsigned msr_bitmap_describe(const uint8_t *bitmap, msr_bitmap_run_fn fn, void *ctx)
{
	return describe_range(bitmap, 0, 0x1fff, fn, ctx) +
	       describe_range(bitmap, 0xc0000000, 0xc0001fff, fn, ctx);
}

/* What a vCPU in x2APIC mode reads or writes without an exit (SDM Vol. 3C, 30.5 "Virtualizing
 * MSR-Based APIC Accesses"): with "virtualize x2APIC mode" a read of 808H (TPR) comes from the
 * virtual-APIC page; with APIC-register virtualization every other readable register does too,
 * except the current count, which only the emulation knows; TPR writes are virtualized with the
 * TPR shadow, EOI and SELF IPI writes with virtual-interrupt delivery. MSRs that are not
 * registers stay closed: with the bit clear their RDMSR/WRMSR would reach the real x2APIC. */
void msr_bitmap_x2apic(uint8_t *bitmap, const struct msr_x2apic_open *o)
{
	for (uint32_t m = X2APIC_MSR_FIRST; m <= X2APIC_MSR_LAST; m++) {
		bool rd = o && o->virt_x2apic &&
			  (m == 0x808 || (o->reg_virt && m != 0x839 && vlapic_x2apic_readable(m)));
		bool wr = o && o->virt_x2apic &&
			  ((m == 0x808 && o->tpr) || ((m == 0x80b || m == 0x83f) && o->vid));
		msr_bitmap_set_exit(bitmap, m, false, !rd);
		msr_bitmap_set_exit(bitmap, m, true, !wr);
	}
}
