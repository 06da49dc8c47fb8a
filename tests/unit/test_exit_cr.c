/* tests/unit/test_exit_cr.c: control-register exits through the fake VMCS. The guest's CR0 is
 * GUEST_CR0 outside the guest/host mask (PG and PE are outside it under unrestricted guest, so
 * the read shadow's PG goes stale); paging on with EFER.LME enters IA-32e mode (EFER.LMA and the
 * entry control), off leaves it (SDM Vol. 3A, 10.8.5); LMSW touches bits 3:0 and never clears
 * PE; an exiting write that leaves the guest in PAE paging loads GUEST_PDPTE0-3 from CR3 in guest
 * RAM, and a present PDPTE with reserved bits set is #GP with nothing changed (SDM Vol. 3A,
 * 4.4.1). */
#include "arch/cpu.h"
#include "lib/array.h"
#include "tests/unit/fake_hw.h"
#include "tests/unit/fake_vmcs.h"
#include "tests/unit/guest_ram.h"
#include "tests/unit/test.h"
#include "vmx/exit.h"
#include "vmx/guest_cr.h"
#include "vmx/vmcs_fields.h"

#define NE (1ull << 5)
#define ET (1ull << 4)
#define GP_INFO (INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | INTR_HAS_ERROR | 13)
#define PDPT 0x3000

/* MOV to CR<cr> from RAX (exit qualification, SDM Vol. 3C, Table 28-3). */
static void mov_to_cr(struct vcpu *v, unsigned cr, uint64_t value)
{
	v->regs.rax = value;
	fake_vmcs_set(VMCS_EXIT_QUALIFICATION, cr);
	exit_cr_access(v);
}

static void lmsw(struct vcpu *v, uint16_t src)
{
	fake_vmcs_set(VMCS_EXIT_QUALIFICATION, (uint64_t)src << 16 | 3u << 4);
	exit_cr_access(v);
}

static bool faulted(void)
{
	return fake_vmcs_get(VMCS_ENTRY_INTR_INFO) == GP_INFO &&
	       fake_vmcs_get(VMCS_GUEST_RIP) == 0x100000;
}

/* The guest turned paging off itself (no exit), so the shadow still says PG from an earlier
 * exiting write; the next exiting write turns it on with LME and must enter IA-32e mode. */
TEST(cr0_paging_on_with_lme_enters_ia32e_mode_despite_a_stale_shadow)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);

	fake_vmcs_set(VMCS_GUEST_CR0, CR0_PE | ET | NE);
	fake_vmcs_set(VMCS_CR0_READ_SHADOW, CR0_PG | CR0_PE | ET);
	v->cr0_shadow = CR0_PG | CR0_PE | ET;
	fake_vmcs_set(VMCS_GUEST_CR4, CR4_PAE | CR4_VMXE);
	fake_vmcs_set(VMCS_GUEST_EFER, EFER_LME);
	mov_to_cr(v, 0, CR0_PG | CR0_PE | ET | NE);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_EFER), EFER_LME | EFER_LMA);
	CHECK(fake_vmcs_get(VMCS_CTRL_ENTRY) & ENTRY_IA32E_GUEST);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_CR0), CR0_PG | CR0_PE | ET | NE);
	CHECK_EQ(fake_vmcs_get(VMCS_CR0_READ_SHADOW), CR0_PG | CR0_PE | ET | NE);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), 0x100003);
}

TEST(cr0_paging_on_with_lme_needs_pae)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);

	fake_vmcs_set(VMCS_GUEST_EFER, EFER_LME);
	mov_to_cr(v, 0, CR0_PG | CR0_PE | ET | NE);
	CHECK(faulted());
	CHECK(!fake_vmcs_written(VMCS_GUEST_CR0) && !fake_vmcs_written(VMCS_GUEST_EFER));
}

TEST(cr0_paging_off_leaves_ia32e_mode_but_not_in_64_bit_code)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);

	fake_vmcs_set(VMCS_GUEST_CR0, CR0_PG | CR0_PE | ET | NE);
	fake_vmcs_set(VMCS_GUEST_CR4, CR4_PAE | CR4_VMXE);
	fake_vmcs_set(VMCS_GUEST_EFER, EFER_LME | EFER_LMA);
	fake_vmcs_set(VMCS_CTRL_ENTRY, ENTRY_IA32E_GUEST | 0x11ff);
	fake_vmcs_set(VMCS_GUEST_CS_AR, 0x209b); /* 64-bit code */
	mov_to_cr(v, 0, CR0_PE | ET | NE);
	CHECK(faulted());
	CHECK(!fake_vmcs_written(VMCS_GUEST_CR0));

	fake_vmcs_set(VMCS_ENTRY_INTR_INFO, 0);
	fake_vmcs_set(VMCS_GUEST_CS_AR, 0xc09b); /* compatibility mode */
	mov_to_cr(v, 0, CR0_PE | ET | NE);
	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO), 0);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_EFER), EFER_LME);
	CHECK_EQ(fake_vmcs_get(VMCS_CTRL_ENTRY), 0x11ff);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_CR0), CR0_PE | ET | NE);
}

TEST(cr0_invalid_combinations_are_gp)
{
	static const uint64_t bad[] = { CR0_PG | NE, CR0_PE | CR0_NW | NE, 1ull << 32 | CR0_PE };

	for (unsigned i = 0; i < 3; i++) {
		struct vcpu *v = fake_vcpu(1, 1 << 20);
		mov_to_cr(v, 0, bad[i]);
		CHECK(faulted());
		CHECK(!fake_vmcs_written(VMCS_GUEST_CR0));
	}
}

/* LMSW from a stale shadow would have cleared PG: only bits 3:0 may change, PE only to 1. */
TEST(lmsw_changes_bits_3_0_only_and_never_clears_pe)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);

	fake_vmcs_set(VMCS_GUEST_CR0, CR0_PG | CR0_WP | CR0_PE | ET | NE);
	lmsw(v, 0xfff0 | 0x8); /* TS; PE 0 is ignored; bits above 3 are ignored */
	CHECK_EQ(fake_vmcs_get(VMCS_CR0_READ_SHADOW), CR0_PG | CR0_WP | CR0_PE | ET | 0x8);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_CR0), CR0_PG | CR0_WP | CR0_PE | ET | NE | 0x8);

	fake_vmcs_set(VMCS_GUEST_CR0, NE | ET);
	fake_vmcs_set(VMCS_CR0_READ_SHADOW, ET);
	lmsw(v, 1); /* sets PE */
	CHECK_EQ(fake_vmcs_get(VMCS_CR0_READ_SHADOW), ET | CR0_PE);
	CHECK_EQ(guest_lmsw_value(0x80000011, 0x6), 0x80000017);
}

static void put_pdptes(const uint64_t e[4])
{
	gmem_write(&test_ram, PDPT, e, 32);
}

static const uint64_t good[4] = { 0x10001, 0x11001, 0, 0x7ffffff000ull | 1 };

/* Protected mode, CR4.PAE set, CR3 at the PDPT: turning paging on enters PAE paging. */
static struct vcpu *pae_ready(void)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);

	fake_vmcs_set(VMCS_GUEST_CR4, CR4_PAE | CR4_VMXE);
	fake_vmcs_set(VMCS_GUEST_CR3, PDPT);
	return v;
}

TEST(cr0_entering_pae_paging_loads_the_pdptes)
{
	struct vcpu *v = pae_ready();

	put_pdptes(good);
	mov_to_cr(v, 0, CR0_PG | CR0_PE | ET | NE);
	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO), 0);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(fake_vmcs_get(VMCS_GUEST_PDPTE0 + 2 * i), good[i]);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_EFER), 0); /* no LME: PAE paging, not IA-32e */
}

TEST(cr0_pdpte_with_reserved_bits_is_gp_and_changes_nothing)
{
	static const uint64_t reserved[] = { 1ull << 1, 1ull << 2, 1ull << 5, 1ull << 8,
					     1ull << 39, 1ull << 63 };

	for (unsigned r = 0; r < ARRAY_SIZE(reserved); r++) {
		struct vcpu *v = pae_ready();
		uint64_t e[4] = { good[0], good[1], good[2], good[3] };
		e[r % 4] |= reserved[r] | 1;
		put_pdptes(e);
		mov_to_cr(v, 0, CR0_PG | CR0_PE | ET | NE);
		CHECK(faulted());
		CHECK_EQ(fake_vmcs_get(VMCS_GUEST_CR0), CR0_PE | ET | NE);
		CHECK(!fake_vmcs_written(VMCS_CR0_READ_SHADOW));
		for (unsigned i = 0; i < 4; i++)
			CHECK(!fake_vmcs_written(VMCS_GUEST_PDPTE0 + 2 * i));
	}
	/* Not present: its other bits are not looked at. */
	struct vcpu *v = pae_ready();
	uint64_t e[4] = { good[0], 0x1e6, good[2], good[3] };
	put_pdptes(e);
	mov_to_cr(v, 0, CR0_PG | CR0_PE | ET | NE);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_PDPTE1), 0x1e6);
}

TEST(cr3_and_cr4_writes_in_pae_paging_load_the_pdptes)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);

	put_pdptes(good);
	fake_vmcs_set(VMCS_GUEST_CR0, CR0_PG | CR0_PE | ET | NE);
	fake_vmcs_set(VMCS_GUEST_CR4, CR4_PAE | CR4_VMXE);
	mov_to_cr(v, 3, PDPT | 0x18); /* CR3 bits 4:3 are PWT/PCD, not part of the address */
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_CR3), PDPT | 0x18);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_PDPTE3), good[3]);

	v = fake_vcpu(1, 1 << 20);
	put_pdptes(good);
	fake_vmcs_set(VMCS_GUEST_CR0, CR0_PG | CR0_PE | ET | NE);
	fake_vmcs_set(VMCS_GUEST_CR3, PDPT);
	mov_to_cr(v, 4, CR4_PAE | CR4_PGE);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_CR4), CR4_PAE | CR4_PGE | CR4_VMXE);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_PDPTE0), good[0]);

	uint64_t bad[4] = { good[0] | 2, good[1], good[2], good[3] };
	v = fake_vcpu(1, 1 << 20);
	put_pdptes(bad);
	fake_vmcs_set(VMCS_GUEST_CR0, CR0_PG | CR0_PE | ET | NE);
	fake_vmcs_set(VMCS_GUEST_CR4, CR4_PAE | CR4_VMXE);
	mov_to_cr(v, 3, PDPT);
	CHECK(faulted());
	CHECK(!fake_vmcs_written(VMCS_GUEST_CR3));
}

/* A PDPT outside guest RAM cannot be read: the VM stops with the reason, as for any access
 * outside its RAM. */
TEST(pdpt_outside_guest_ram_stops_the_vm)
{
	struct vcpu *v = pae_ready();

	fake_vmcs_set(VMCS_GUEST_CR3, (1 << 20) - 16); /* the PDPT at 0xfffe0 fits */
	mov_to_cr(v, 0, CR0_PG | CR0_PE | ET | NE);
	CHECK_EQ(fake_hw.stops, 0);
	v = pae_ready();
	fake_vmcs_set(VMCS_GUEST_CR3, 2 << 20);
	mov_to_cr(v, 0, CR0_PG | CR0_PE | ET | NE);
	CHECK_EQ(fake_hw.stops, 1);
	CHECK(strstr(fake_hw.stop_reason, "outside guest RAM"));
}

/* IA-32e mode: a CR3 bit at or above MAXPHYADDR is #GP with CR3 unchanged; with CR4.PCIDE bit 63
 * is the no-flush hint, taken and not stored (SDM Vol. 3A, 4.5; Vol. 2B, MOV to CR3). */
TEST(cr3_write_in_ia32e_mode_checks_maxphyaddr)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);

	fake_vmcs_set(VMCS_GUEST_CR0, CR0_PG | CR0_PE | ET | NE);
	fake_vmcs_set(VMCS_GUEST_CR4, CR4_PAE | CR4_VMXE);
	fake_vmcs_set(VMCS_GUEST_EFER, EFER_LME | EFER_LMA);
	mov_to_cr(v, 3, 1ull << 62 | PDPT);
	CHECK(faulted());
	CHECK(!fake_vmcs_written(VMCS_GUEST_CR3));

	v = fake_vcpu(1, 1 << 20);
	fake_vmcs_set(VMCS_GUEST_CR0, CR0_PG | CR0_PE | ET | NE);
	fake_vmcs_set(VMCS_GUEST_CR4, CR4_PAE | CR4_VMXE);
	fake_vmcs_set(VMCS_GUEST_EFER, EFER_LME | EFER_LMA);
	mov_to_cr(v, 3, 1ull << 63 | PDPT); /* without PCIDE bit 63 is reserved too */
	CHECK(faulted());

	v = fake_vcpu(1, 1 << 20);
	fake_vmcs_set(VMCS_GUEST_CR0, CR0_PG | CR0_PE | ET | NE);
	fake_vmcs_set(VMCS_GUEST_CR4, CR4_PAE | CR4_PCIDE | CR4_VMXE);
	fake_vmcs_set(VMCS_GUEST_EFER, EFER_LME | EFER_LMA);
	mov_to_cr(v, 3, 1ull << 63 | PDPT | 5);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_CR3), PDPT | 5);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), 0x100003);
}

/* The MOV to CR4/CR0 #GP cases of IA-32e mode and CET (SDM Vol. 2B, MOV to CR4: LA57 cannot
 * change in IA-32e mode, PCIDE is set only there and with CR3[11:0] zero, CET needs CR0.WP;
 * MOV to CR0: WP cannot be cleared with CET). GDB's CR writes go through these (vmx/gdb_vcpu.c). */
TEST(cr4_la57_pcide_and_cet_checks)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);

	fake_caps.cr4_fixed1 |= CR4_LA57 | CR4_CET; /* a CPU that has both */
	fake_vmcs_set(VMCS_GUEST_CR0, CR0_PG | CR0_PE | ET | NE);
	fake_vmcs_set(VMCS_GUEST_CR4, CR4_PAE | CR4_VMXE);
	fake_vmcs_set(VMCS_GUEST_EFER, EFER_LME | EFER_LMA);
	CHECK(!vmcs_guest_write_cr4(v, CR4_PAE | CR4_LA57));
	fake_vmcs_set(VMCS_GUEST_CR3, 0x5001);
	CHECK(!vmcs_guest_write_cr4(v, CR4_PAE | CR4_PCIDE)); /* CR3[11:0] not zero */
	fake_vmcs_set(VMCS_GUEST_CR3, 0x5000);
	CHECK(vmcs_guest_write_cr4(v, CR4_PAE | CR4_PCIDE));
	CHECK(!vmcs_guest_write_cr4(v, CR4_PAE | CR4_PCIDE | CR4_CET)); /* CR0.WP clear */
	fake_vmcs_set(VMCS_GUEST_CR0, CR0_PG | CR0_WP | CR0_PE | ET | NE);
	CHECK(vmcs_guest_write_cr4(v, CR4_PAE | CR4_PCIDE | CR4_CET));
	CHECK(!vmcs_guest_write_cr0(v, CR0_PG | CR0_PE | ET | NE)); /* WP off with CET */

	CHECK(vmcs_guest_write_cr0(v, CR0_PG | CR0_WP | CR0_PE | ET | NE));

	v = fake_vcpu(1, 1 << 20); /* outside IA-32e mode PCIDE cannot be set */
	fake_vmcs_set(VMCS_GUEST_CR0, CR0_PE | ET | NE);
	CHECK(!vmcs_guest_write_cr4(v, CR4_PCIDE));
}
