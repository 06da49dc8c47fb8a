/* tests/unit/test_guest_walk.c: the guest page-table walker over small table sets built in a
 * 64 KiB host array standing for guest RAM at gpa 0: every paging mode, every page size, a
 * missing entry at each level, reserved bits, tables outside RAM, and paging off. Table indices
 * in the comments are worked out by hand from the linear address (SDM Vol. 3A, chapter 4). */
#include "tests/unit/test.h"
#include "vmx/guest_walk.h"

#define RAM_SIZE 0x10000u

struct ram {
	uint8_t b[RAM_SIZE];
	bool misaligned; /* a read at a gpa that is not a multiple of `align` */
	unsigned align;
};

static struct ram ram;

/* The reader the header asks for: 8 bytes, or 4 at the very end of RAM (upper half zero). */
static bool ram_read(void *ctx, uint64_t gpa, uint64_t *v)
{
	struct ram *m = ctx;

	if (gpa % m->align)
		m->misaligned = true;
	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < 4)
		return false;
	*v = 0;
	memcpy(v, m->b + gpa, RAM_SIZE - gpa < 8 ? 4 : 8);
	return true;
}

static void ram_reset(unsigned align)
{
	memset(&ram, 0, sizeof(ram));
	ram.align = align;
}

static void set32(uint64_t gpa, uint32_t v)
{
	memcpy(ram.b + gpa, &v, 4);
}

static void set64(uint64_t gpa, uint64_t v)
{
	memcpy(ram.b + gpa, &v, 8);
}

#define P 0x1ull
#define RW 0x2ull
#define PS 0x80ull
#define PG (1ull << 31)
#define PSE (1ull << 4)
#define PAE (1ull << 5)
#define LA57 (1ull << 12)
#define LMA (1ull << 10)
#define UNTOUCHED 0xdeadull

/* The walk's result; *gpa is UNTOUCHED unless it succeeded. */
static enum gw_result walk(uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer,
			   uint64_t linear, uint64_t *gpa)
{
	struct gw_regs r = { cr0, cr3, cr4, efer };
	enum gw_result res;

	*gpa = UNTOUCHED;
	res = guest_walk(&r, linear, ram_read, &ram, gpa);
	if (res != GW_OK)
		CHECK_EQ(*gpa, UNTOUCHED);
	return res;
}

TEST(guest_walk_paging_off)
{
	uint64_t gpa;

	ram_reset(8);
	CHECK_EQ(walk(0x11, 0x1000, PAE, 0, 0x123456789abcull, &gpa), GW_OK);
	CHECK_EQ(gpa, 0x56789abcull); /* linear addresses are 32 bits outside long mode */
	CHECK_EQ(walk(0, 0, 0, 0, 0xfee00300, &gpa), GW_OK);
	CHECK_EQ(gpa, 0xfee00300);
}

/* 32-bit paging, 4 KiB pages. 0xc0401234: PDE 0x301 (bits 31:22), PTE 0x001 (bits 21:12). */
static void build32(void)
{
	ram_reset(4);
	set32(0x1000 + 0x301 * 4, 0x2000 | P | RW);
	set32(0x2000 + 0 * 4, 0x11111000 | P);
	set32(0x2000 + 1 * 4, 0xabcde000 | P | RW);
	set32(0x2000 + 2 * 4, 0x22222000 | P); /* the upper half of the 8-byte read at PTE 1 */
}

TEST(guest_walk_32bit_4k)
{
	uint64_t gpa;

	build32();
	CHECK_EQ(walk(PG, 0x1000, 0, 0, 0xc0401234, &gpa), GW_OK);
	CHECK_EQ(gpa, 0xabcde234);
	CHECK_EQ(walk(PG, 0x1018, PSE, 0, 0xffffffffc0401234ull, &gpa), GW_OK); /* PCD|PWT in CR3 */
	CHECK_EQ(gpa, 0xabcde234);
	CHECK_EQ(walk(PG, 0x1000, 0, 0, 0xc0400fff, &gpa), GW_OK); /* PTE 0 */
	CHECK_EQ(gpa, 0x11111fff);
	CHECK_EQ(walk(PG, 0x1000, 0, 0, 0xc0403000, &gpa), GW_NOT_PRESENT); /* PTE 3 */
	CHECK_EQ(walk(PG, 0x1000, 0, 0, 0xc0801234, &gpa), GW_NOT_PRESENT); /* PDE 0x302 */
	set32(0x2000 + 1 * 4, 0xabcde000 | RW); /* P clear, the rest as before */
	CHECK_EQ(walk(PG, 0x1000, 0, 0, 0xc0401234, &gpa), GW_NOT_PRESENT);
	set32(0x2000 + 1 * 4, 0xabcde000 | P);
	set32(0x1000 + 0x301 * 4, 0x2000 | RW);
	CHECK_EQ(walk(PG, 0x1000, 0, 0, 0xc0401234, &gpa), GW_NOT_PRESENT);
	set32(0x1000 + 0x301 * 4, 0x20000 | P); /* page table beyond RAM */
	CHECK_EQ(walk(PG, 0x1000, 0, 0, 0xc0401234, &gpa), GW_BAD_GPA);
	CHECK_EQ(walk(PG, 0x30000, 0, 0, 0xc0401234, &gpa), GW_BAD_GPA); /* CR3 beyond RAM */
	CHECK(!ram.misaligned);
}

/* 4 MiB pages: 0x00c12345 is PDE 3, offset 0x012345. */
TEST(guest_walk_32bit_4m_pse)
{
	uint64_t gpa;

	ram_reset(4);
	set32(0x1000 + 3 * 4, 0xfec00000 | PS | P);
	CHECK_EQ(walk(PG, 0x1000, PSE, 0, 0x00c12345, &gpa), GW_OK);
	CHECK_EQ(gpa, 0xfec12345);
	/* without CR4.PSE the PS bit is ignored: the PDE names a page table at 0xfec00000 */
	CHECK_EQ(walk(PG, 0x1000, 0, 0, 0x00c12345, &gpa), GW_BAD_GPA);
	set32(0x1000 + 3 * 4, 0xfec00000 | (0x12u << 13) | PS | P); /* PSE-36: bits 39:32 = 0x12 */
	CHECK_EQ(walk(PG, 0x1000, PSE, 0, 0x00c12345, &gpa), GW_OK);
	CHECK_EQ(gpa, 0x12fec12345ull);
	set32(0x1000 + 3 * 4, 0xfec00000 | (1u << 21) | PS | P); /* bit 21 is reserved */
	CHECK_EQ(walk(PG, 0x1000, PSE, 0, 0x00c12345, &gpa), GW_RESERVED);
	CHECK(!ram.misaligned);
}

/* The page directory in RAM's last page: PDE 0x3ff is the last 4 bytes of RAM (0xfffc). */
TEST(guest_walk_32bit_entry_at_end_of_ram)
{
	uint64_t gpa;

	ram_reset(4);
	set32(0xf000 + 0x3ff * 4, 0x2000 | P);
	set32(0x2000 + 1 * 4, 0x5000 | P);
	CHECK_EQ(walk(PG, 0xf000, 0, 0, 0xffc01234, &gpa), GW_OK);
	CHECK_EQ(gpa, 0x5234);
}

/* PAE: PDPT at 0x3020 (32-byte aligned). 0xc0201234: PDPTE 3, PDE 1, PTE 1, offset 0x234.
 * 0x80412345: PDPTE 2, PDE 2 (a 2 MiB page), offset 0x012345. */
static void build_pae(void)
{
	ram_reset(8);
	set64(0x3020 + 3 * 8, 0x4000 | P);
	set64(0x4000 + 1 * 8, 0x5000 | P | RW);
	set64(0x5000 + 1 * 8, 0x123456000ull | P | (1ull << 63)); /* above 4 GiB, XD set */
	set64(0x3020 + 2 * 8, 0x6000 | P);
	set64(0x6000 + 2 * 8, 0x200600000ull | (1ull << 12) | PS | P); /* PAT bit 12 set */
}

TEST(guest_walk_pae)
{
	const uint64_t cr3 = 0x3020 | 0x18; /* bits 4:0 are ignored */
	uint64_t gpa;

	build_pae();
	CHECK_EQ(walk(PG, cr3, PAE, 0, 0xc0201234, &gpa), GW_OK);
	CHECK_EQ(gpa, 0x123456234ull);
	CHECK_EQ(walk(PG, cr3, PAE, 0, 0x80412345, &gpa), GW_OK);
	CHECK_EQ(gpa, 0x200612345ull);
	CHECK_EQ(walk(PG, cr3, PAE, 0, 0x00001234, &gpa), GW_NOT_PRESENT); /* PDPTE 0 */
	CHECK_EQ(walk(PG, cr3, PAE, 0, 0xc0001234, &gpa), GW_NOT_PRESENT); /* PDE 0 */
	CHECK_EQ(walk(PG, cr3, PAE, 0, 0xc0202234, &gpa), GW_NOT_PRESENT); /* PTE 2 */
	set64(0x3020 + 3 * 8, 0x4000); /* P clear, the address still there */
	CHECK_EQ(walk(PG, cr3, PAE, 0, 0xc0201234, &gpa), GW_NOT_PRESENT);
	set64(0x3020 + 3 * 8, 0x4000 | P);
	set64(0x4000 + 1 * 8, 0x5000 | RW);
	CHECK_EQ(walk(PG, cr3, PAE, 0, 0xc0201234, &gpa), GW_NOT_PRESENT);
	set64(0x4000 + 1 * 8, 0x5000 | P);
	set64(0x6000 + 2 * 8, 0x200600000ull | (1ull << 13) | PS | P); /* bits 20:13 reserved */
	CHECK_EQ(walk(PG, cr3, PAE, 0, 0x80412345, &gpa), GW_RESERVED);
	set64(0x3020 + 3 * 8, 0x4000 | RW | P); /* RW is reserved in a PAE PDPTE */
	CHECK_EQ(walk(PG, cr3, PAE, 0, 0xc0201234, &gpa), GW_RESERVED);
	set64(0x3020 + 3 * 8, 0x40000 | P);
	CHECK_EQ(walk(PG, cr3, PAE, 0, 0xc0201234, &gpa), GW_BAD_GPA);
	CHECK(!ram.misaligned);
}

/* The PDPTEs the CPU holds win over memory (here memory has none). */
TEST(guest_walk_pae_pdpte_registers)
{
	const uint64_t pdptes[4] = { 0, 0, 0, 0x4000 | P };
	struct gw_regs r = { PG, 0x3020, PAE, 0 };
	uint64_t gpa = 0;

	build_pae();
	set64(0x3020 + 3 * 8, 0);
	CHECK_EQ(guest_walk(&r, 0xc0201234, ram_read, &ram, &gpa), GW_NOT_PRESENT);
	CHECK_EQ(guest_walk_pdptes(&r, pdptes, 0xc0201234, ram_read, &ram, &gpa), GW_OK);
	CHECK_EQ(gpa, 0x123456234ull);
	CHECK_EQ(guest_walk_pdptes(&r, pdptes, 0x80412345, ram_read, &ram, &gpa), GW_NOT_PRESENT);
}

/* 4-level, CR3 0x7000 with PCID 0x123. 0xffffffff81234567: PML4E 511, PDPTE 510, PDE 9, PTE 0x34,
 * offset 0x567. 0x4012345678: PML4E 0, PDPTE 256 (a 1 GiB page), offset 0x12345678.
 * 0x601234: PML4E 0, PDPTE 0, PDE 3 (a 2 MiB page), offset 0x1234. */
static void build_4level(void)
{
	ram_reset(8);
	set64(0x7000 + 511 * 8, 0x8000 | P);
	set64(0x8000 + 510 * 8, 0x9000 | P);
	set64(0x9000 + 9 * 8, 0xa000 | P);
	set64(0xa000 + 0x34 * 8, 0xfff0000012345003ull); /* bits 63:52 (XD, PK, ignored) set */
	set64(0x7000 + 0 * 8, 0xb000 | P);
	set64(0xb000 + 256 * 8, 0x140000000ull | PS | P);
	set64(0xb000 + 0 * 8, 0xc000 | P);
	set64(0xc000 + 3 * 8, 0x40000000ull | PS | P);
}

#define L4 PG, 0x7123, PAE, LMA

TEST(guest_walk_4level)
{
	uint64_t gpa;

	build_4level();
	CHECK_EQ(walk(L4, 0xffffffff81234567ull, &gpa), GW_OK);
	CHECK_EQ(gpa, 0x12345567);
	CHECK_EQ(walk(L4, 0x4012345678ull, &gpa), GW_OK);
	CHECK_EQ(gpa, 0x152345678ull);
	CHECK_EQ(walk(L4, 0x601234, &gpa), GW_OK);
	CHECK_EQ(gpa, 0x40001234);
	CHECK_EQ(walk(L4, 0x0000008000000000ull, &gpa), GW_NOT_PRESENT); /* PML4E 1 */
	CHECK_EQ(walk(L4, 0xffffffff41234567ull, &gpa), GW_NOT_PRESENT); /* PDPTE 509 */
	CHECK_EQ(walk(L4, 0xffffffff81434567ull, &gpa), GW_NOT_PRESENT); /* PDE 10 */
	CHECK_EQ(walk(L4, 0xffffffff81235567ull, &gpa), GW_NOT_PRESENT); /* PTE 0x35 */
	CHECK(!ram.misaligned);
}

/* Clearing P alone in any entry on the path stops the walk there. */
TEST(guest_walk_4level_present_bit_at_each_level)
{
	static const uint64_t entry[4] = { 0x7000 + 511 * 8, 0x8000 + 510 * 8, 0x9000 + 9 * 8,
					   0xa000 + 0x34 * 8 };
	uint64_t gpa, e;

	build_4level();
	for (unsigned k = 0; k < 4; k++) {
		memcpy(&e, ram.b + entry[k], 8);
		set64(entry[k], e & ~P);
		CHECK_EQ(walk(L4, 0xffffffff81234567ull, &gpa), GW_NOT_PRESENT);
		set64(entry[k], e);
		CHECK_EQ(walk(L4, 0xffffffff81234567ull, &gpa), GW_OK);
	}
	set64(0xb000 + 256 * 8, 0x140000000ull | PS); /* a 1 GiB leaf without P */
	CHECK_EQ(walk(L4, 0x4012345678ull, &gpa), GW_NOT_PRESENT);
	set64(0xc000 + 3 * 8, 0x40000000ull | PS); /* a 2 MiB leaf without P */
	CHECK_EQ(walk(L4, 0x601234, &gpa), GW_NOT_PRESENT);
}

TEST(guest_walk_4level_reserved_and_bad_gpa)
{
	uint64_t gpa;

	build_4level();
	set64(0xb000 + 256 * 8, 0x140000000ull | (1ull << 13) | PS | P); /* 1 GiB: 29:13 reserved */
	CHECK_EQ(walk(L4, 0x4012345678ull, &gpa), GW_RESERVED);
	set64(0xb000 + 256 * 8, 0x140000000ull | (1ull << 29) | PS | P);
	CHECK_EQ(walk(L4, 0x4012345678ull, &gpa), GW_RESERVED);
	set64(0xc000 + 3 * 8, 0x40000000ull | (1ull << 20) | PS | P); /* 2 MiB: 20:13 reserved */
	CHECK_EQ(walk(L4, 0x601234, &gpa), GW_RESERVED);
	set64(0x7000 + 511 * 8, PS | P); /* PS is reserved in a PML4E (no 512 GiB pages) */
	CHECK_EQ(walk(L4, 0xffffffff81234567ull, &gpa), GW_RESERVED);
	set64(0x7000 + 511 * 8, 0x8000 | P);
	set64(0x9000 + 9 * 8, 0x7fff000 | P); /* page table outside RAM */
	CHECK_EQ(walk(L4, 0xffffffff81234567ull, &gpa), GW_BAD_GPA);
}

/* 5-level: 0x0001000000001234 is PML5E 1 (bits 56:48), PML4E 0, PDPTE 0, PDE 0, PTE 1. */
TEST(guest_walk_5level)
{
	uint64_t gpa;

	ram_reset(8);
	set64(0xb000 + 1 * 8, 0xc000 | P);
	set64(0xc000, 0xd000 | P);
	set64(0xd000, 0xe000 | P);
	set64(0xe000, 0xf000 | P);
	set64(0xf000 + 1 * 8, 0x55555000 | P);
	CHECK_EQ(walk(PG, 0xb000, PAE | LA57, LMA, 0x0001000000001234ull, &gpa), GW_OK);
	CHECK_EQ(gpa, 0x55555234);
	/* the same tables as 4-level: 0xb000 is the PML4 and its entry 0 is empty */
	CHECK_EQ(walk(PG, 0xb000, PAE, LMA, 0x0001000000001234ull, &gpa), GW_NOT_PRESENT);
	CHECK_EQ(walk(PG, 0xb000, PAE | LA57, LMA, 0x0002000000001234ull, &gpa), GW_NOT_PRESENT);
	set64(0xb000 + 1 * 8, PS | P); /* PS is reserved in a PML5E */
	CHECK_EQ(walk(PG, 0xb000, PAE | LA57, LMA, 0x0001000000001234ull, &gpa), GW_RESERVED);
	CHECK(!ram.misaligned);
}

TEST(guest_walk_result_names)
{
	CHECK_STR(guest_walk_result_name(GW_OK), "ok");
	CHECK_STR(guest_walk_result_name(GW_NOT_PRESENT), "not present");
	CHECK_STR(guest_walk_result_name(GW_RESERVED), "reserved bit set");
	CHECK_STR(guest_walk_result_name(GW_BAD_GPA), "outside guest RAM");
	CHECK_STR(guest_walk_result_name((enum gw_result)42), "?");
}
