/* tests/guests/apictest/x2apic.c: suite `x2apic`: the x2APIC MSR interface on each vCPU, one after
 * another (Intel SDM Vol. 3A, 11.12.1.2 "x2APIC Register Address Space", Table 11-6): in xAPIC
 * mode every MSR 0x800-0x8ff #GPs; in x2APIC mode the ID, LDR (11.12.10.2) and version read as
 * they should, reserved and write-only registers #GP on RDMSR, read-only ones on WRMSR, and EOI,
 * TPR, SELF IPI and ESR #GP for a value with reserved bits set (11.12.1.3). Interrupts off. */
#include "lib/array.h"
#include "tests/guests/apictest/ap.h"
#include "tests/guests/apictest/apictest.h"
#include "tests/guests/apictest/irq.h"
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/msr.h"

#define APIC_VERSION_VALUE 0x14 /* Version[7:0]: an integrated APIC (11.4.8, Figure 11-7) */

/* Reserved MSRs and the write-only EOI and SELF IPI: RDMSR #GPs. */
static const uint32_t read_gp[] = {
	0x800, 0x801, 0x804, 0x805, 0x806, 0x807, 0x809, 0x80b, 0x80c, 0x80e,
	0x831, 0x83a, 0x83b, 0x83c, 0x83d, 0x83f,
};
/* Readable ones: no #GP. */
static const uint32_t read_ok[] = {
	0x802, 0x803, 0x808, 0x80a, 0x80d, 0x80f, 0x810, 0x817, 0x818, 0x81f,
	0x820, 0x827, 0x828, 0x830, 0x832, 0x835, 0x836, 0x837, 0x838, 0x839, 0x83e,
};
/* Read-only ones: WRMSR #GPs. */
static const uint32_t write_gp[] = { 0x802, 0x803, 0x80a, 0x80d, 0x810, 0x818, 0x820, 0x839 };

#define COUNT(a) (ARRAY_SIZE(a))

static void expect_read(unsigned self, uint32_t msr, bool want_gp)
{
	char n[CHECK_NAME_MAX];
	uint64_t v;

	check_gp(check_name(n, "x2apic.rdmsr_%x.vcpu%u", msr, self), "RDMSR in x2APIC mode",
		 !msr_read_safe(msr, &v), want_gp);
}

static void expect_write(unsigned self, const char *what, uint32_t msr, uint64_t v, bool want_gp)
{
	char n[CHECK_NAME_MAX];

	check_gp(check_name(n, "x2apic.wrmsr_%s.vcpu%u", what, self), "WRMSR in x2APIC mode",
		 !msr_write_safe(msr, v), want_gp);
}

/* xAPIC mode: the whole range, read, and the registers that matter most, written. */
static void xapic_mode_gp(unsigned self)
{
	static const uint32_t writes[] = { 0x808, 0x80b, 0x80f, 0x830, 0x838, 0x83f };
	unsigned reads_ok = 0, writes_ok = 0;
	char n[CHECK_NAME_MAX];
	uint64_t v;

	for (uint32_t msr = X2APIC_MSR_FIRST; msr <= X2APIC_MSR_LAST; msr++)
		reads_ok += msr_read_safe(msr, &v);
	check_int(check_name(n, "x2apic.xapic_mode_reads.vcpu%u", self),
		  "RDMSR 0x800-0x8ff in xAPIC mode without #GP", (int32_t)reads_ok, 0);
	for (unsigned i = 0; i < COUNT(writes); i++)
		writes_ok += msr_write_safe(writes[i], 0);
	check_int(check_name(n, "x2apic.xapic_mode_writes.vcpu%u", self),
		  "WRMSR of 0x808 0x80b 0x80f 0x830 0x838 0x83f in xAPIC mode without #GP",
		  (int32_t)writes_ok, 0);
}

static void identity(unsigned self)
{
	char n[CHECK_NAME_MAX];

	check_hex(check_name(n, "x2apic.id.vcpu%u", self), "MSR 0x802 (x2APIC id)",
		  (uint32_t)rdmsr(0x802), self);
	check_hex(check_name(n, "x2apic.ldr.vcpu%u", self), "MSR 0x80d (logical id)",
		  (uint32_t)rdmsr(0x80d), ((self >> 4) << 16) | (1u << (self & 15)));
	check_hex(check_name(n, "x2apic.version.vcpu%u", self), "MSR 0x803 bits 7:0",
		  (uint32_t)rdmsr(0x803) & 0xff, APIC_VERSION_VALUE);
}

/* Values with reserved bits: #GP, and nothing happens (no self-IPI is taken). */
static void reserved_values(unsigned self)
{
	char n[CHECK_NAME_MAX];
	uint32_t before = irq_count[self][VEC_X2APIC_SELF];

	expect_write(self, "eoi_nonzero", 0x80b, 1, true);
	expect_write(self, "eoi_zero", 0x80b, 0, false);
	expect_write(self, "tpr_reserved", 0x808, 0x100, true);
	check_hex(check_name(n, "x2apic.tpr_unchanged.vcpu%u", self), "TPR after the #GP",
		  (uint32_t)rdmsr(0x808), 0);
	expect_write(self, "tpr_0x20", 0x808, 0x20, false);
	check_hex(check_name(n, "x2apic.tpr_readback.vcpu%u", self), "TPR after writing 0x20",
		  (uint32_t)rdmsr(0x808), 0x20);
	wrmsr(0x808, 0);
	expect_write(self, "self_ipi_reserved", 0x83f, 0x100 | VEC_X2APIC_SELF, true);
	expect_write(self, "esr_nonzero", 0x828, 1, true);
	expect_write(self, "esr_zero", 0x828, 0, false);
	irq_enable(); /* a self-IPI that the #GP should have prevented would come now */
	irq_disable();
	check_hex(check_name(n, "x2apic.self_ipi_none.vcpu%u", self),
		  "interrupts after the refused SELF IPI", irq_count[self][VEC_X2APIC_SELF] - before,
		  0);
}

static void x2apic_job(unsigned self)
{
	char what[16];

	irq_disable();
	if (!apic_enter(APIC_MODE_XAPIC, "x2apic", self))
		return;
	xapic_mode_gp(self);
	if (!apic_enter(APIC_MODE_X2APIC, "x2apic", self))
		return;
	identity(self);
	for (unsigned i = 0; i < COUNT(read_gp); i++)
		expect_read(self, read_gp[i], true);
	for (unsigned i = 0; i < COUNT(read_ok); i++)
		expect_read(self, read_ok[i], false);
	for (unsigned i = 0; i < COUNT(write_gp); i++)
		expect_write(self, check_name(what, "%x", write_gp[i]), write_gp[i], 0, true);
	reserved_values(self);
	apic_restore_xapic();
}

void suite_x2apic(void)
{
	run_on_each("x2apic", x2apic_job);
}
