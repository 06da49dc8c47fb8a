/* tests/unit/test_exit_insn.c: the instruction behind a fault-like exit (vmx/exit_insn.c) and
 * the MMIO emulation that uses it (vmx/exit_mmio.c), against the fake VMCS: the code size from
 * CS and EFER, the fetch with paging off (it ends with guest RAM) and through 4-level tables (an
 * instruction that runs into an unmapped page, the 4 GiB wrap in compatibility mode), a load
 * and stores on an MMIO range, and the stop, with its bytes, for an instruction that cannot be
 * decoded. */
#include "arch/cpu.h"
#include "tests/unit/fake_hw.h"
#include "tests/unit/fake_vmcs.h"
#include "tests/unit/guest_ram.h"
#include "tests/unit/test.h"
#include "vmx/exit.h"
#include "vmx/guest_walk.h"
#include "vmx/mmio_decode.h"
#include "vmx/mmio_ranges.h"
#include "vmx/vmcs_fields.h"

#define RAM (2u << 20)
#define CS_AR_16 0x009bu /* present code, D/B 0 */
#define CS_AR_32 0xc09bu /* fake_vcpu()'s: D/B 1 */
#define CS_AR_64 0xa09bu /* L 1, D/B 0 */
#define PTE_P 0x1ull
#define PTE_RW 0x2ull

static void put(uint64_t gpa, const uint8_t *bytes, unsigned n)
{
	memcpy(gmem_ptr(&test_ram, gpa, n), bytes, n);
}

static void put64(uint64_t gpa, uint64_t value)
{
	memcpy(gmem_ptr(&test_ram, gpa, 8), &value, 8);
}

TEST(exit_insn_code_bits_from_cs_and_efer)
{
	fake_vcpu(1, RAM);
	CHECK_EQ(exit_insn_code_bits(), 32);
	fake_vmcs_set(VMCS_GUEST_CS_AR, CS_AR_16);
	CHECK_EQ(exit_insn_code_bits(), 16);
	fake_vmcs_set(VMCS_GUEST_CS_AR, CS_AR_64);
	CHECK_EQ(exit_insn_code_bits(), 16); /* L counts only in IA-32e mode */
	fake_vmcs_set(VMCS_GUEST_EFER, EFER_LME | EFER_LMA);
	CHECK_EQ(exit_insn_code_bits(), 64);
	fake_vmcs_set(VMCS_GUEST_CS_AR, CS_AR_32);
	CHECK_EQ(exit_insn_code_bits(), 32); /* compatibility mode */
}

/* 64-bit code at linear 0x1ff000.. (PML4[0] -> PDPT[0] -> PD[0] -> PT[0x1ff] -> gpa 0x5000), the
 * next page (PD[1]) not present. */
static struct vcpu *long_mode_vcpu(void)
{
	struct vcpu *v = fake_vcpu(1, RAM);

	put64(0x10000, 0x11000 | PTE_P | PTE_RW);
	put64(0x11000, 0x12000 | PTE_P | PTE_RW);
	put64(0x12000, 0x13000 | PTE_P | PTE_RW);
	put64(0x12008, 0);
	put64(0x13000 + 0x1ff * 8, 0x5000 | PTE_P | PTE_RW);
	fake_vmcs_set(VMCS_GUEST_CR0, CR0_PE | CR0_PG | (1ull << 4) | (1ull << 5));
	fake_vmcs_set(VMCS_GUEST_CR3, 0x10000);
	fake_vmcs_set(VMCS_GUEST_CR4, CR4_PAE | CR4_VMXE);
	fake_vmcs_set(VMCS_GUEST_EFER, EFER_LME | EFER_LMA);
	fake_vmcs_set(VMCS_GUEST_CS_AR, CS_AR_64);
	return v;
}

TEST(exit_insn_fetch_through_page_tables_stops_at_an_unmapped_page)
{
	struct vcpu *v = long_mode_vcpu();
	static const uint8_t insn[] = { 0x48, 0x8b, 0x03 }; /* MOV RAX, [RBX] */
	uint8_t b[EXIT_INSN_MAX];

	put(0x5ffd, insn, sizeof(insn));
	fake_vmcs_set(VMCS_GUEST_RIP, 0x1ffffd);
	CHECK_EQ(exit_insn_fetch(v, b, exit_insn_code_bits()), 3);
	CHECK(!memcmp(b, insn, sizeof(insn)));
	struct gw_regs r = exit_insn_paging();
	CHECK_EQ(r.cr3, 0x10000);
	CHECK_EQ(r.efer, EFER_LME | EFER_LMA);
}

static struct { unsigned reads, writes, size; uint64_t offset, value; } dev;

static uint64_t dev_read(void *d, uint64_t offset, unsigned size)
{
	dev.reads++, dev.offset = offset, dev.size = size;
	return 0x1122334455667788ull;
}

static void dev_write(void *d, uint64_t offset, unsigned size, uint64_t value)
{
	dev.writes++, dev.offset = offset, dev.size = size, dev.value = value;
}

#define DEV_BASE 0xfec00000u

static struct vcpu *mmio_vcpu(const uint8_t *insn, unsigned n)
{
	struct vcpu *v = fake_vcpu(1, RAM);
	struct mmio_range r = { DEV_BASE, 0x1000, "test device", dev_read, dev_write, 0 };

	CHECK(mmio_ranges_register(&v->vm->mmio, &r));
	memset(&dev, 0, sizeof(dev));
	put(0x100000, insn, n);
	return v;
}

TEST(exit_mmio_emulate_load_and_stores)
{
	static const uint8_t load[] = { 0x8b, 0x03 };       /* MOV EAX, [EBX] */
	static const uint8_t store[] = { 0x89, 0x0b };      /* MOV [EBX], ECX */
	static const uint8_t store_imm[] = { 0xc6, 0x03, 0x5a }; /* MOV BYTE [EBX], 0x5a */
	struct vcpu *v = mmio_vcpu(load, sizeof(load));

	v->regs.rax = 0xffffffffffffffffull;
	CHECK(exit_mmio_emulate(v, DEV_BASE + 0x10));
	CHECK_EQ(dev.reads, 1);
	CHECK_EQ(dev.offset, 0x10);
	CHECK_EQ(dev.size, 4);
	CHECK_EQ(v->regs.rax, 0x55667788); /* a 32-bit load zero-extends */
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), 0x100002);
	CHECK_EQ(fake_hw.lock_depth, 0);
	CHECK_EQ(fake_hw.locks, 1);

	v = mmio_vcpu(store, sizeof(store));
	v->regs.rcx = 0xabcdef0012345678ull;
	CHECK(exit_mmio_emulate(v, DEV_BASE + 0x20));
	CHECK_EQ(dev.writes, 1);
	CHECK_EQ(dev.offset, 0x20);
	CHECK_EQ(dev.value, 0x12345678);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), 0x100002);

	v = mmio_vcpu(store_imm, sizeof(store_imm));
	CHECK(exit_mmio_emulate(v, DEV_BASE));
	CHECK_EQ(dev.size, 1);
	CHECK_EQ(dev.value, 0x5a);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), 0x100003);
	CHECK_EQ(fake_hw.stops, 0);
}

TEST(exit_mmio_emulate_outside_the_table_is_not_claimed)
{
	static const uint8_t load[] = { 0x8b, 0x03 };
	struct vcpu *v = mmio_vcpu(load, sizeof(load));

	CHECK(!exit_mmio_emulate(v, DEV_BASE + 0x1000));
	CHECK_EQ(dev.reads + dev.writes, 0);
	CHECK_EQ(fake_hw.stops, 0);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), 0x100000);
}

TEST(exit_mmio_emulate_stops_on_an_instruction_it_cannot_decode)
{
	static const uint8_t movs[] = { 0xa5 }; /* MOVSD: not a MOV to or from memory it knows */
	struct vcpu *v = mmio_vcpu(movs, sizeof(movs));

	CHECK(exit_mmio_emulate(v, DEV_BASE + 8));
	CHECK_EQ(fake_hw.stops, 1);
	CHECK_STR(fake_hw.stop_reason, "vCPU 0: cannot emulate the test device access at "
				       "guest-physical 0xfec00008 from RIP 0x100000 (bytes a5 cc cc cc "
				       "cc cc)");
	CHECK_EQ(dev.reads + dev.writes, 0);
	CHECK_EQ(fake_hw.locks, 0);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), 0x100000); /* not skipped */

	/* nothing readable at RIP: zeros in the line, not stale bytes */
	v = mmio_vcpu(movs, sizeof(movs));
	fake_vmcs_set(VMCS_GUEST_RIP, RAM);
	CHECK(exit_mmio_emulate(v, DEV_BASE));
	CHECK_STR(fake_hw.stop_reason, "vCPU 0: cannot emulate the test device access at "
				       "guest-physical 0xfec00000 from RIP 0x200000 (bytes 00 00 00 00 "
				       "00 00)");
}

TEST(exit_insn_fetch_paging_off_ends_with_ram)
{
	struct vcpu *v = fake_vcpu(1, RAM);
	static const uint8_t insn[] = { 0x8b, 0x03, 0x90 };
	uint8_t b[EXIT_INSN_MAX];

	put(0x100000, insn, sizeof(insn));
	CHECK_EQ(exit_insn_fetch(v, b, 32), EXIT_INSN_MAX);
	CHECK(!memcmp(b, insn, sizeof(insn)));
	CHECK_EQ(b[EXIT_INSN_MAX - 1], 0xcc);
	fake_vmcs_set(VMCS_GUEST_RIP, RAM - 4);
	CHECK_EQ(exit_insn_fetch(v, b, 32), 4);
	fake_vmcs_set(VMCS_GUEST_RIP, RAM);
	CHECK_EQ(exit_insn_fetch(v, b, 32), 0);
}

/* Compatibility mode (IA-32e, a 32-bit CS): linear addresses are 32 bits as in protected mode,
 * so CS base + EIP wraps at 4 GiB, though the 4-level walk would take 48 bits of it. */
TEST(exit_insn_fetch_wraps_at_4g_in_compatibility_mode)
{
	struct vcpu *v = long_mode_vcpu();
	static const uint8_t insn[] = { 0x8b, 0x03 };
	uint8_t b[EXIT_INSN_MAX];

	put(0x5ffe, insn, sizeof(insn));
	fake_vmcs_set(VMCS_GUEST_CS_AR, CS_AR_32);
	fake_vmcs_set(VMCS_GUEST_CS_BASE, 0xfff00000u);
	fake_vmcs_set(VMCS_GUEST_RIP, 0x002ffffeu); /* 4 GiB + 0x1ffffe */
	MUST(exit_insn_code_bits() == 32);
	CHECK_EQ(exit_insn_fetch(v, b, 32), 2);
	CHECK(!memcmp(b, insn, sizeof(insn)));
}

TEST(exit_insn_decode_access_decodes_across_a_page_boundary_in_long_mode)
{
	struct vcpu *v = long_mode_vcpu();
	static const uint8_t insn[] = { 0x48, 0x8b, 0x03 };
	struct mmio_insn in;

	put(0x5ffd, insn, sizeof(insn));
	fake_vmcs_set(VMCS_GUEST_RIP, 0x1ffffd);
	CHECK(exit_insn_decode_access(v, "x", 0, &in));
	CHECK_EQ(in.len, 3);
	CHECK_EQ(in.size, 8);
	/* one byte later the REX.W MOV runs into the page that is not present */
	put(0x5ffe, insn, 2);
	fake_vmcs_set(VMCS_GUEST_RIP, 0x1ffffe);
	CHECK(!exit_insn_decode_access(v, "x", 0, &in));
	CHECK(strstr(fake_hw.stop_reason, "from RIP 0x1ffffe (bytes 48 8b 00 00 00 00)"));
}

/* Table 28-7's bits: 0 read, 1 write, 2 fetch, 7 linear address valid, 8 its translation. */
#define EQ_READ 0x1ull
#define EQ_WRITE 0x2ull
#define EQ_FETCH 0x4ull
#define EQ_LINEAR (1ull << 7)
#define EQ_TRANSLATION (1ull << 8)

TEST(exit_insn_ept_own_access_only_for_the_instruction_at_rip)
{
	/* an instruction's own read or write: emulated */
	CHECK(!exit_insn_ept_not_own_access(EQ_READ | EQ_LINEAR | EQ_TRANSLATION, 0));
	CHECK(!exit_insn_ept_not_own_access(EQ_WRITE | EQ_LINEAR | EQ_TRANSLATION, 0));
	/* a vectoring field without its valid bit is no event */
	CHECK(!exit_insn_ept_not_own_access(EQ_WRITE | EQ_LINEAR | EQ_TRANSLATION, 0x0e));
	CHECK_STR(exit_insn_ept_not_own_access(EQ_FETCH | EQ_LINEAR | EQ_TRANSLATION, 0),
		  "an instruction fetch");
	CHECK_STR(exit_insn_ept_not_own_access(EQ_READ, 0),
		  "a PDPTE load of a MOV to a control register");
	CHECK_STR(exit_insn_ept_not_own_access(EQ_READ | EQ_LINEAR, 0),
		  "a paging-structure access of the guest's page walk");
	CHECK_STR(exit_insn_ept_not_own_access(EQ_WRITE | EQ_LINEAR, 0),
		  "a paging-structure access of the guest's page walk"); /* an A/D update */
	CHECK_STR(exit_insn_ept_not_own_access(EQ_WRITE | EQ_LINEAR | EQ_TRANSLATION,
					       INTR_INFO_VALID | 0x20),
		  "an access while delivering an event");
}
