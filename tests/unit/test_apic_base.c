/* tests/unit/test_apic_base.c: every pair of APIC states through IA32_APIC_BASE writes, reserved
 * bits, the read-only BSP flag, relocation, and the x2APIC logical id. */
#include "apic/apic_base.h"
#include "tests/unit/test.h"

#define RAM_END (256ull << 20)

static uint64_t value_of(enum apic_mode m)
{
	static const uint64_t bits[] = { 0, APIC_BASE_EXTD, APIC_BASE_EN, APIC_BASE_EN | APIC_BASE_EXTD };

	return APIC_BASE_DEFAULT_ADDR | bits[m];
}

TEST(apic_base_every_transition)
{
	/* allowed[from][to], from the SDM's state diagram; the invalid state is never entered */
	static const bool allowed[4][4] = {
		/* to:      disabled invalid xAPIC x2APIC */
		/* disabled */ { 1, 0, 1, 0 },
		/* invalid  */ { 0, 0, 0, 0 },
		/* xAPIC    */ { 1, 0, 1, 1 },
		/* x2APIC   */ { 1, 0, 0, 1 },
	};

	for (int from = 0; from < 4; from++) {
		if (from == APIC_MODE_INVALID)
			continue; /* not a state a vCPU can be in */
		for (int to = 0; to < 4; to++) {
			struct apic_base_write w = apic_base_check(value_of(from), value_of(to), 39,
								   true, RAM_END);
			if (w.gp == allowed[from][to]) {
				printf("    %s -> %s: gp=%d\n", apic_mode_name(from),
				       apic_mode_name(to), w.gp);
				CHECK(w.gp != allowed[from][to]);
			}
			if (!w.gp)
				CHECK_EQ(w.mode, (unsigned)to);
		}
	}
}

TEST(apic_base_reserved_bits_and_x2apic_offer)
{
	uint64_t x = value_of(APIC_MODE_XAPIC);

	CHECK(apic_base_check(x, x | 1, 39, true, RAM_END).gp);          /* bit 0 */
	CHECK(apic_base_check(x, x | (1ull << 9), 39, true, RAM_END).gp); /* bit 9 */
	CHECK(apic_base_check(x, x | (1ull << 39), 39, true, RAM_END).gp); /* above MAXPHYADDR */
	CHECK(!apic_base_check(x, x | (1ull << 38), 39, true, RAM_END).gp);
	CHECK(apic_base_check(x, value_of(APIC_MODE_X2APIC), 39, false, RAM_END).gp);
	CHECK(!apic_base_check(x, value_of(APIC_MODE_X2APIC), 39, true, RAM_END).gp);
}

TEST(apic_base_bsp_flag_is_read_only)
{
	uint64_t bsp = value_of(APIC_MODE_XAPIC) | APIC_BASE_BSP;
	struct apic_base_write w = apic_base_check(bsp, value_of(APIC_MODE_X2APIC), 39, true, RAM_END);

	CHECK(!w.gp);
	CHECK(w.value & APIC_BASE_BSP);
	w = apic_base_check(value_of(APIC_MODE_XAPIC), value_of(APIC_MODE_XAPIC) | APIC_BASE_BSP, 39,
			    true, RAM_END);
	CHECK(!w.gp);
	CHECK(!(w.value & APIC_BASE_BSP));
}

TEST(apic_base_relocation)
{
	uint64_t x = value_of(APIC_MODE_XAPIC);
	struct apic_base_write w;

	w = apic_base_check(x, APIC_BASE_EN | 0xfed00000ull, 39, true, RAM_END);
	CHECK(!w.gp);
	CHECK(w.relocated);
	w = apic_base_check(APIC_BASE_EN | 0xfed00000ull, x, 39, true, RAM_END);
	CHECK(!w.gp);
	CHECK(!w.relocated); /* moving back restores the default */
	w = apic_base_check(x, APIC_BASE_EN | 0x100000ull, 39, true, RAM_END);
	CHECK(w.gp);
	CHECK(strstr(w.why, "inside guest RAM") != NULL);
}

TEST(x2apic_ldr_from_id)
{
	CHECK_EQ(x2apic_ldr(0), 0x00000001);
	CHECK_EQ(x2apic_ldr(5), 0x00000020);
	CHECK_EQ(x2apic_ldr(15), 0x00008000);
	CHECK_EQ(x2apic_ldr(16), 0x00010001);
	CHECK_EQ(x2apic_ldr(300), (18u << 16) | (1u << 12));
}
