/* tests/unit/test_vlapic_dest.c: IPI destination matching, vlapic_match_dest() (Intel SDM Vol. 3A,
 * 11.6.2 "Determining IPI Destination", 11.12.10 "Logical Destination Mode in x2APIC Mode"):
 * physical, flat and cluster logical xAPIC, physical and cluster x2APIC, broadcasts, and a disabled
 * target. Each case is one table row. */
#include "apic/vlapic.h"
#include "lib/array.h"
#include "tests/unit/test.h"

static uint8_t page[4096] __attribute__((aligned(4096)));

struct dest_case {
	uint32_t dest;
	bool logical;
	bool x2apic; /* the sender's mode */
	bool match;
};

static void run_cases(const char *what, const struct vlapic *target, const struct dest_case *c,
		      unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		bool got = vlapic_match_dest(target, c[i].dest, c[i].logical, c[i].x2apic);
		if (got != c[i].match)
			printf("    %s: dest 0x%x %s from %s: got %d\n", what, c[i].dest,
			       c[i].logical ? "logical" : "physical", c[i].x2apic ? "x2APIC" : "xAPIC",
			       got);
		CHECK_EQ(got, c[i].match);
	}
}
#define RUN(what, vl, cases) run_cases(what, vl, cases, ARRAY_SIZE(cases))

static void xapic_target(struct vlapic *vl, uint32_t id, uint32_t ldr, uint32_t dfr)
{
	vlapic_reset(vl, page, id, false);
	CHECK_EQ(vlapic_mmio_write(vl, APIC_SVR, 0x1ff, 0), VLAPIC_OK);
	CHECK_EQ(vlapic_mmio_write(vl, APIC_LDR, ldr, 0), VLAPIC_OK);
	CHECK_EQ(vlapic_mmio_write(vl, APIC_DFR, dfr, 0), VLAPIC_OK);
}

TEST(vlapic_dest_xapic_physical)
{
	struct vlapic vl;
	static const struct dest_case c[] = {
		{ 5, false, false, true },     { 6, false, false, false },
		{ 4, false, false, false },    { 0x0, false, false, false },
		{ 0xff, false, false, true },  /* broadcast */
		{ 0x105, false, false, true }, /* only the low 8 bits count */
		{ 0x1ff, false, false, true },
		{ 0x85, false, false, false },
	};

	xapic_target(&vl, 5, 0x01000000, 0xffffffff); /* LDR must not matter */
	RUN("xAPIC physical id 5", &vl, c);

	static const struct dest_case c0[] = {
		{ 0, false, false, true }, { 1, false, false, false }, { 0xff, false, false, true },
	};
	xapic_target(&vl, 0, 0, 0xffffffff);
	RUN("xAPIC physical id 0", &vl, c0);
}

TEST(vlapic_dest_xapic_logical_flat)
{
	struct vlapic vl;
	static const struct dest_case c[] = {
		{ 0x04, true, false, true },  { 0x06, true, false, true },
		{ 0x0c, true, false, true },  { 0x80 | 0x04, true, false, true },
		{ 0x01, true, false, false }, { 0x02, true, false, false },
		{ 0xfb, true, false, false }, /* every bit but ours */
		{ 0x00, true, false, false }, { 0xff, true, false, true },
		{ 0x03, true, false, false }, /* the physical id is not the logical one */
	};

	xapic_target(&vl, 3, 0x04000000, 0xffffffff);
	RUN("xAPIC flat LDR bit 2", &vl, c);

	/* an LDR of 0 is in no logical group, except the broadcast */
	static const struct dest_case c0[] = {
		{ 0x01, true, false, false }, { 0x7f, true, false, false }, { 0xff, true, false, true },
	};
	xapic_target(&vl, 3, 0, 0xffffffff);
	RUN("xAPIC flat LDR 0", &vl, c0);
}

TEST(vlapic_dest_xapic_logical_cluster)
{
	struct vlapic vl;
	static const struct dest_case c[] = {
		{ 0x32, true, false, true },  { 0x3f, true, false, true },
		{ 0x36, true, false, true },  { 0x31, true, false, false },
		{ 0x3d, true, false, false }, { 0x30, true, false, false },
		{ 0x22, true, false, false }, { 0x02, true, false, false },
		{ 0xf2, true, false, false }, /* cluster 15 is not cluster 3 */
		{ 0xff, true, false, true },  /* broadcast to all clusters */
	};

	xapic_target(&vl, 1, 0x32000000, 0x0fffffff);
	CHECK_EQ(vlapic_reg(&vl, APIC_DFR), 0x0fffffff);
	RUN("xAPIC cluster 3 bit 1", &vl, c);

	/* the same LDR in the flat model is bits 1, 4, 5 */
	static const struct dest_case flat[] = {
		{ 0x02, true, false, true }, { 0x10, true, false, true },
		{ 0x20, true, false, true }, { 0x31, true, false, true },
		{ 0x41, true, false, false },
	};
	xapic_target(&vl, 1, 0x32000000, 0xffffffff);
	RUN("xAPIC flat LDR 0x32", &vl, flat);
}

TEST(vlapic_dest_x2apic_physical)
{
	struct vlapic vl;
	static const struct dest_case c[] = {
		{ 0x123, false, true, true },        { 0x124, false, true, false },
		{ 0x23, false, true, false },        { 0x1123, false, true, false },
		{ 0xffffffff, false, true, true },   /* x2APIC broadcast */
		{ 0xff, false, true, false },        /* 0xff is an id, not a broadcast, in x2APIC */
		{ 0xff, false, false, true },        /* the xAPIC broadcast from an xAPIC sender */
		{ 0x123, false, false, true },
		{ 0xffffffff, false, false, true },
		{ 0x23, false, false, false },
	};

	vlapic_reset(&vl, page, 0x123, false);
	vlapic_set_base(&vl, APIC_BASE_DEFAULT_ADDR | APIC_BASE_EN | APIC_BASE_EXTD);
	RUN("x2APIC physical id 0x123", &vl, c);

	static const struct dest_case cff[] = {
		{ 0xff, false, true, true }, { 0xfe, false, true, false },
	};
	vlapic_reset(&vl, page, 0xff, false);
	vlapic_set_base(&vl, APIC_BASE_DEFAULT_ADDR | APIC_BASE_EN | APIC_BASE_EXTD);
	RUN("x2APIC physical id 0xff", &vl, cff);
}

TEST(vlapic_dest_x2apic_logical_cluster)
{
	struct vlapic vl;
	/* id 0x123: cluster 0x12, bit 3 -> LDR 0x00120008 (SDM 11.12.10.2) */
	static const struct dest_case c[] = {
		{ 0x00120008, true, true, true },  { 0x0012000f, true, true, true },
		{ 0x0012fff8, true, true, true },  { 0x00120010, true, true, false },
		{ 0x00120007, true, true, false }, { 0x00120000, true, true, false },
		{ 0x00130008, true, true, false }, { 0x00020008, true, true, false },
		{ 0x01120008, true, true, false }, { 0x0000ffff, true, true, false },
		{ 0xffffffff, true, true, true },  /* broadcast */
		{ 0xffff0008, true, true, false }, /* cluster 0xffff is not a broadcast */
		{ 0x00000123, true, true, false }, /* nor is the physical id */
	};

	vlapic_reset(&vl, page, 0x123, false);
	vlapic_set_base(&vl, APIC_BASE_DEFAULT_ADDR | APIC_BASE_EN | APIC_BASE_EXTD);
	CHECK_EQ(vlapic_reg(&vl, APIC_LDR), 0x00120008);
	RUN("x2APIC logical id 0x123", &vl, c);

	/* cluster 0: ids 0-15 */
	static const struct dest_case c0[] = {
		{ 0x00000001, true, true, true }, { 0x0000ffff, true, true, true },
		{ 0x00000002, true, true, false }, { 0x00010001, true, true, false },
	};
	vlapic_reset(&vl, page, 0, false);
	vlapic_set_base(&vl, APIC_BASE_DEFAULT_ADDR | APIC_BASE_EN | APIC_BASE_EXTD);
	RUN("x2APIC logical id 0", &vl, c0);
}

TEST(vlapic_dest_disabled_target)
{
	struct vlapic vl;
	static const struct dest_case c[] = {
		{ 2, false, false, false },          { 0xff, false, false, false },
		{ 0xff, true, false, false },        { 0x01, true, false, false },
		{ 0xffffffff, false, true, false },  { 0xffffffff, true, true, false },
	};

	xapic_target(&vl, 2, 0x01000000, 0xffffffff);
	CHECK(vlapic_match_dest(&vl, 2, false, false)); /* enabled, it would */
	CHECK(vlapic_match_dest(&vl, 0x01, true, false));
	vlapic_set_base(&vl, APIC_BASE_DEFAULT_ADDR); /* globally disabled */
	vlapic_set_reg(&vl, APIC_LDR, 0x01000000);  /* even if the page still said so */
	RUN("disabled id 2", &vl, c);
}
