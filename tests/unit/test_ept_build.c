/* tests/unit/test_ept_build.c: the EPT builder: guest RAM in large pages, exact translations,
 * permissions and memory types, and the hypervisor's own memory refused. */
#include "mm/phys.h"
#include "mm/pmm.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/phys_arena.h"
#include "tests/unit/test.h"
#include "vmx/ept_build.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)

static const struct ept_forbidden hv_image = { 0x200000, 0x40000 };

static struct ept fresh(bool g1, bool m2)
{
	struct mem_range map[] = { { PHYS_ARENA_BASE, PHYS_ARENA_SIZE, MEM_USABLE } };
	struct ept e = { 0, &hv_image, 1, g1, m2 };

	pmm_init(map, 1, NULL, 0);
	CHECK(ept_init(&e));
	return e;
}

TEST(ept_maps_guest_ram_in_large_pages)
{
	struct ept e = fresh(true, true);
	uint64_t hpa, fl, sz;

	CHECK(ept_map(&e, 0, 0x40000000, 2 * GIB + 6 * MIB, EPT_RWX | EPT_MT_WB));
	CHECK(ept_lookup(&e, 0x1234, &hpa, &fl, &sz));
	CHECK_EQ(hpa, 0x40001234);
	CHECK_EQ(sz, GIB);
	CHECK_EQ(fl & EPT_RWX, EPT_RWX);
	CHECK_EQ(fl & (7 << 3), EPT_MT_WB);
	CHECK(fl & EPT_LARGE);
	CHECK(ept_lookup(&e, 2 * GIB + 5 * MIB + 8, &hpa, &fl, &sz));
	CHECK_EQ(sz, 2 * MIB);
	CHECK_EQ(hpa, 0x40000000 + 2 * GIB + 5 * MIB + 8);
	CHECK(!ept_lookup(&e, 2 * GIB + 6 * MIB, &hpa, &fl, &sz)); /* past the RAM: no mapping */
	CHECK(!ept_lookup(&e, 0xfee00000, &hpa, &fl, &sz));
}

TEST(ept_falls_back_to_smaller_pages)
{
	struct ept e = fresh(false, false);
	uint64_t hpa, fl, sz;

	CHECK(ept_map(&e, 0, 0x1000000, 4 * MIB, EPT_RWX | EPT_MT_WB));
	CHECK(ept_lookup(&e, 3 * MIB, &hpa, &fl, &sz));
	CHECK_EQ(sz, 4096);
	CHECK(!(fl & EPT_LARGE));
	e = fresh(false, true);
	/* 4 KiB pages up to the first 2 MiB boundary, then a 2 MiB page, then 4 KiB again */
	CHECK(ept_map(&e, 0x1000, 0x1001000, 4 * MIB, EPT_READ | EPT_MT_UC));
	CHECK(ept_lookup(&e, 0x3000, &hpa, &fl, &sz));
	CHECK_EQ(sz, 4096);
	CHECK_EQ(hpa, 0x1003000);
	CHECK_EQ(fl & EPT_RWX, EPT_READ);
	CHECK_EQ(fl & (7 << 3), EPT_MT_UC);
	CHECK(ept_lookup(&e, 0x201000, &hpa, &fl, &sz));
	CHECK_EQ(sz, 2 * MIB);
	CHECK_EQ(hpa, 0x1201000);
	CHECK(ept_lookup(&e, 0x400800, &hpa, &fl, &sz));
	CHECK_EQ(sz, 4096);
	CHECK_EQ(hpa, 0x1400800);
}

TEST(ept_refuses_hypervisor_memory)
{
	struct ept e = fresh(true, true);
	uint64_t hpa, fl, sz;

	test_log_clear();
	CHECK(!ept_map(&e, 0, 0, 4 * MIB, EPT_RWX | EPT_MT_WB)); /* covers the image at 2 MiB */
	CHECK(test_log_find("holds the hypervisor's own memory") != NULL);
	CHECK(!ept_lookup(&e, 0, &hpa, &fl, &sz));
	CHECK(!ept_map(&e, 0, 0x23f000, 4096, EPT_RWX | EPT_MT_WB)); /* its last page */
	CHECK(ept_map(&e, 0, 0x240000, 4096, EPT_RWX | EPT_MT_WB));  /* just after it */
}

TEST(ept_rejects_bad_requests)
{
	struct ept e = fresh(true, true);

	test_log_clear();
	CHECK(!ept_map(&e, 0x800, 0x1000000, 4096, EPT_RWX | EPT_MT_WB));
	CHECK(!ept_map(&e, 0, 0x1000000, 0, EPT_RWX | EPT_MT_WB));
	CHECK(!ept_map(&e, EPT_GPA_LIMIT - 4096, 0x1000000, 8192, EPT_RWX | EPT_MT_WB));
	CHECK(!ept_map(&e, 0, 0x1000000, 4096, EPT_RWX | (4ull << 3))); /* WT: not used here */
	CHECK(!ept_map(&e, 0, 0x1000000, 4096, EPT_MT_WB));              /* no permission */
	CHECK(test_log_find("ept: bad") != NULL);
}

TEST(ept_pointer_format)
{
	struct ept e = fresh(true, true);

	CHECK_EQ(ept_pointer(&e) & 0xfff, (3 << 3) | 6);
	CHECK_EQ(ept_pointer(&e) & ~0xfffull, e.root);
}

/* Through the one walker (mm/pt_walk.c) in the EPT format: non-leaf entries allow everything
 * (the leaf alone decides, SDM Vol. 3C, 29.3.2), and a 4 KiB mapping inside a 2 MiB page splits
 * it, the rest keeping its translation, permissions and memory type. */
TEST(ept_tables_allow_all_and_large_pages_split)
{
	struct ept e = fresh(false, true);
	uint64_t hpa, fl, sz;

	CHECK(ept_map(&e, 0, 0x1000000, 2 * MIB, EPT_READ | EPT_MT_WB));
	const uint64_t *pml4 = phys_to_virt(e.root);
	CHECK_EQ(pml4[0] & EPT_RWX, EPT_RWX);
	CHECK(ept_map(&e, 0x5000, 0x3000000, 0x1000, EPT_RWX | EPT_MT_UC));
	CHECK(ept_lookup(&e, 0x5008, &hpa, &fl, &sz));
	CHECK_EQ(hpa, 0x3000008);
	CHECK_EQ(sz, 4096);
	CHECK_EQ(fl & (7 << 3), EPT_MT_UC);
	CHECK(ept_lookup(&e, 0x6000, &hpa, &fl, &sz));
	CHECK_EQ(hpa, 0x1006000);
	CHECK_EQ(sz, 4096);
	CHECK_EQ(fl & EPT_RWX, EPT_READ);
	CHECK_EQ(fl & (7 << 3), EPT_MT_WB);
	CHECK(!(fl & EPT_LARGE));
}

/* Two VMs side by side (README, "Several VMs"): each EPT has its own tables and maps its own
 * RAM, every page of it into that VM's host range, and nothing past it, though there the other
 * VM's RAM lies in host memory. */
TEST(ept_two_vms_each_map_only_their_own_ram)
{
	struct ept a = fresh(false, true);
	struct ept b = { 0, &hv_image, 1, false, true };
	const uint64_t size = 16 * MIB, hpa_a = 0x40000000, hpa_b = hpa_a + size;
	uint64_t hpa, fl, sz;

	CHECK(ept_init(&b));
	CHECK(a.root != b.root);
	CHECK(ept_map(&a, 0, hpa_a, size, EPT_RWX | EPT_MT_WB));
	CHECK(ept_map(&b, 0, hpa_b, size, EPT_RWX | EPT_MT_WB));
	for (uint64_t gpa = 0; gpa < size; gpa += 2 * MIB) {
		CHECK(ept_lookup(&a, gpa + 8, &hpa, &fl, &sz));
		CHECK(hpa >= hpa_a && hpa < hpa_a + size);
		CHECK(ept_lookup(&b, gpa + 8, &hpa, &fl, &sz));
		CHECK(hpa >= hpa_b && hpa < hpa_b + size);
	}
	for (uint64_t gpa = size; gpa < 4 * GIB; gpa += 64 * MIB) {
		CHECK(!ept_lookup(&a, gpa, &hpa, &fl, &sz)); /* vm b's RAM, as host memory goes */
		CHECK(!ept_lookup(&b, gpa, &hpa, &fl, &sz));
	}
}
