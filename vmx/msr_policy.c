/* vmx/msr_policy.c: the MSR bitmap built from the MSR table (vmx/msr_table.c), and the pure
 * arithmetic of the emulated MSRs (IA32_MISC_ENABLE, the TSC and IA32_TSC_ADJUST). Pure. */
#include "apic/vlapic.h"
#include "lib/array.h"
#include "vmx/msr_policy.h"

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
	unsigned n;
	const struct msr_policy_entry *policy = msr_policy_table(&n);

	for (unsigned i = 0; i < MSR_BITMAP_SIZE; i++)
		bitmap[i] = 0xff;
	for (unsigned i = 0; i < n; i++) {
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
 * TPR shadow, EOI writes with virtual-interrupt delivery. SELF IPI writes exit even with it: a
 * virtualized one sets RVI at once, also with RFLAGS.IF = 0, and Bochs 2.7 then delivers the
 * vector with IF = 0 when a host interrupt comes (vmx/vapic_inject.c, post_virtual); the
 * emulation leaves RVI to the next entry, which holds it until the guest can take it. MSRs
 * that are not registers stay closed: with the bit clear their RDMSR/WRMSR would reach the real x2APIC. */
void msr_bitmap_x2apic(uint8_t *bitmap, const struct msr_x2apic_open *o)
{
	for (uint32_t m = X2APIC_MSR_FIRST; m <= X2APIC_MSR_LAST; m++) {
		bool rd = o && o->virt_x2apic &&
			  (m == 0x808 || (o->reg_virt && m != 0x839 && vlapic_x2apic_readable(m)));
		bool wr = o && o->virt_x2apic &&
			  ((m == 0x808 && o->tpr) || (m == 0x80b && o->vid));
		msr_bitmap_set_exit(bitmap, m, false, !rd);
		msr_bitmap_set_exit(bitmap, m, true, !wr);
	}
}
