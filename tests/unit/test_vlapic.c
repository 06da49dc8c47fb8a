/* tests/unit/test_vlapic.c: the virtual local APIC (apic/vlapic.h) against Intel SDM Vol. 3A
 * chapter 11: RESET/INIT state, IA32_APIC_BASE mode switches, the xAPIC MMIO register file (masks,
 * read-only and reserved offsets), the x2APIC MSR validity matrix and reserved bits, ICR/SELF IPI
 * decoding, priority (TPR/PPR/ISR, nested interrupts, EOI), illegal vectors, and the timer in
 * one-shot, periodic and TSC-deadline modes. Destination matching is in test_vlapic_dest.c. */
#include "apic/vlapic.h"
#include "lib/array.h"
#include "tests/unit/test.h"

static uint8_t page[4096] __attribute__((aligned(4096)));

#define BASE_XAPIC (APIC_BASE_DEFAULT_ADDR | APIC_BASE_EN)
#define BASE_X2APIC (APIC_BASE_DEFAULT_ADDR | APIC_BASE_EN | APIC_BASE_EXTD)
#define BASE_OFF APIC_BASE_DEFAULT_ADDR

static const uint32_t lvt_offsets[] = {
	APIC_LVT_CMCI, APIC_LVT_TIMER, APIC_LVT_THERMAL, APIC_LVT_PMC,
	APIC_LVT_LINT0, APIC_LVT_LINT1, APIC_LVT_ERROR,
};
#define N_LVT (ARRAY_SIZE(lvt_offsets))

/* The writable bits of each LVT, in lvt_offsets order (SDM Vol. 3A, Figure 11-8). */
static const uint32_t lvt_masks[] = {
	0x107ff, 0x700ff, 0x107ff, 0x107ff, 0x1a7ff, 0x1a7ff, 0x100ff,
};

static uint32_t rd(struct vlapic *vl, uint32_t off, uint64_t now)
{
	uint32_t v = 0xdeadbeef;

	CHECK_EQ(vlapic_mmio_read(vl, off, now, &v), VLAPIC_OK);
	return v;
}

static void wr(struct vlapic *vl, uint32_t off, uint32_t value, uint64_t now)
{
	CHECK_EQ(vlapic_mmio_write(vl, off, value, now), VLAPIC_OK);
}

static uint64_t msr_rd(struct vlapic *vl, uint32_t msr, uint64_t now)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	CHECK_EQ(vlapic_msr_read(vl, msr, now, &v), VLAPIC_OK);
	return v;
}

/* Bit `v` of the 256-bit register starting at `base` (ISR, TMR, IRR). */
static int bit256(const struct vlapic *vl, uint32_t base, unsigned v)
{
	return (vlapic_reg(vl, base + (v >> 5) * 16) >> (v & 31)) & 1;
}

static void set_bit256(struct vlapic *vl, uint32_t base, unsigned v)
{
	uint32_t off = base + (v >> 5) * 16;

	vlapic_set_reg(vl, off, vlapic_reg(vl, off) | (1u << (v & 31)));
}

static int reg256_empty(const struct vlapic *vl, uint32_t base)
{
	for (unsigned i = 0; i < 8; i++)
		if (vlapic_reg(vl, base + i * 16))
			return 0;
	return 1;
}

/* RESET, then software-enable (SVR 0x1ff). */
static void setup_xapic(struct vlapic *vl, uint32_t id)
{
	vlapic_reset(vl, page, id, false);
	wr(vl, APIC_SVR, 0x1ff, 0);
}

static void setup_x2apic(struct vlapic *vl, uint32_t id)
{
	setup_xapic(vl, id);
	vlapic_set_base(vl, BASE_X2APIC);
}

/* Every register of the page in its power-up state except apic_base, ID and LDR, which the
 * caller checks (SDM Vol. 3A, 11.4.7.1). */
static void check_powerup_regs(struct vlapic *vl)
{
	CHECK_EQ(vlapic_reg(vl, APIC_VERSION), VLAPIC_VERSION_VALUE);
	CHECK_EQ(vlapic_reg(vl, APIC_TPR), 0);
	CHECK_EQ(vlapic_reg(vl, APIC_PPR), 0);
	CHECK_EQ(vlapic_reg(vl, APIC_SVR), 0xff);
	CHECK_EQ(vlapic_reg(vl, APIC_ESR), 0);
	CHECK_EQ(vlapic_reg(vl, APIC_ICR_LO), 0);
	CHECK_EQ(vlapic_reg(vl, APIC_ICR_HI), 0);
	CHECK_EQ(vlapic_reg(vl, APIC_TIMER_INITIAL), 0);
	CHECK_EQ(vlapic_reg(vl, APIC_TIMER_CURRENT), 0);
	CHECK_EQ(vlapic_reg(vl, APIC_TIMER_DIVIDE), 0);
	CHECK(reg256_empty(vl, APIC_ISR));
	CHECK(reg256_empty(vl, APIC_TMR));
	CHECK(reg256_empty(vl, APIC_IRR));
	for (unsigned i = 0; i < N_LVT; i++)
		CHECK_EQ(vlapic_reg(vl, lvt_offsets[i]), APIC_LVT_MASKED);
	CHECK_EQ(vlapic_timer_next(vl), 0);
	CHECK_EQ(vlapic_tsc_deadline_read(vl), 0);
	CHECK_EQ(vlapic_highest_irr(vl), -1);
	CHECK_EQ(vlapic_highest_isr(vl), -1);
}

/* Dirty every register a guest can change, and arm the timer. */
static void dirty(struct vlapic *vl)
{
	vlapic_set_reg(vl, APIC_SVR, 0x1ff);
	vlapic_set_reg(vl, APIC_TPR, 0x20);
	vlapic_set_reg(vl, APIC_PPR, 0x30);
	if (vlapic_mode(vl) == APIC_MODE_XAPIC) {
		vlapic_set_reg(vl, APIC_LDR, 0x5a000000);
		vlapic_set_reg(vl, APIC_DFR, 0x0fffffff);
	}
	for (unsigned i = 0; i < N_LVT; i++)
		vlapic_set_reg(vl, lvt_offsets[i], 0x40 + i);
	vlapic_set_reg(vl, APIC_TIMER_DIVIDE, 0x3);
	vlapic_accept(vl, 0x31, true);
	vlapic_ack(vl, 0x31);
	vlapic_accept(vl, 0x82, true);
	vlapic_accept(vl, 3, false); /* ESR bit 6 */
	vlapic_set_reg(vl, APIC_ICR_LO, 0x4041);
	vlapic_set_reg(vl, APIC_ICR_HI, 0x01000000);
	vlapic_set_reg(vl, APIC_TIMER_INITIAL, 1000);
	vl->timer_fire = 12345;
	vl->timer_period = 1000;
	vl->tsc_deadline = 777;
}

/* ---- RESET / INIT / IA32_APIC_BASE ---------------------------------------------------------- */

TEST(vlapic_reset_power_up_state)
{
	struct vlapic vl;

	memset(page, 0xa5, sizeof(page));
	memset(&vl, 0, sizeof(vl));
	vl.id = 77;
	vl.apic_base = 0x1234;
	vl.timer_fire = vl.timer_period = vl.tsc_deadline = 99;
	vlapic_reset(&vl, page, 3, true);
	CHECK(vl.page == page);
	CHECK_EQ(vl.id, 3);
	CHECK_EQ(vl.apic_base, APIC_BASE_DEFAULT_ADDR | APIC_BASE_EN | APIC_BASE_BSP);
	CHECK_EQ(vlapic_mode(&vl), APIC_MODE_XAPIC);
	CHECK_EQ(vlapic_reg(&vl, APIC_ID), 3u << 24);
	CHECK_EQ(vlapic_reg(&vl, APIC_LDR), 0);
	CHECK_EQ(vlapic_reg(&vl, APIC_DFR), 0xffffffff);
	check_powerup_regs(&vl);

	/* "Clears the page": everything but the registers with a nonzero power-up value is 0 */
	for (uint32_t off = 0; off < 4096; off += 4) {
		uint32_t v = vlapic_reg(&vl, off);
		int nonzero = off == APIC_ID || off == APIC_VERSION || off == APIC_DFR ||
			      off == APIC_SVR || off == APIC_LVT_CMCI ||
			      (off >= APIC_LVT_TIMER && off <= APIC_LVT_ERROR && !(off & 0xf));
		if (!nonzero && v != 0) {
			printf("    offset 0x%03x = 0x%08x after reset\n", off, v);
			CHECK_EQ(v, 0);
		}
	}

	vlapic_reset(&vl, page, 0, false);
	CHECK_EQ(vl.apic_base, APIC_BASE_DEFAULT_ADDR | APIC_BASE_EN); /* not the BSP */
	CHECK_EQ(vlapic_reg(&vl, APIC_ID), 0);
	/* the power-up state is software-disabled: nothing is accepted */
	vlapic_accept(&vl, 0x40, false);
	CHECK_EQ(vlapic_highest_irr(&vl), -1);
	CHECK_EQ(vlapic_deliverable(&vl), -1);
}

TEST(vlapic_init_keeps_base_and_id_xapic)
{
	struct vlapic vl;
	uint64_t base = APIC_BASE_EN | APIC_BASE_BSP | 0xfed00000ull; /* relocated */

	vlapic_reset(&vl, page, 7, true);
	vlapic_set_base(&vl, base);
	dirty(&vl);
	vlapic_init(&vl);
	CHECK_EQ(vl.apic_base, base);
	CHECK_EQ(vlapic_mode(&vl), APIC_MODE_XAPIC);
	CHECK_EQ(vlapic_reg(&vl, APIC_ID), 7u << 24);
	CHECK_EQ(vlapic_reg(&vl, APIC_LDR), 0);
	CHECK_EQ(vlapic_reg(&vl, APIC_DFR), 0xffffffff);
	check_powerup_regs(&vl);
}

TEST(vlapic_init_keeps_x2apic_id_and_ldr)
{
	struct vlapic vl;

	setup_x2apic(&vl, 0x25);
	dirty(&vl);
	vlapic_init(&vl);
	CHECK_EQ(vl.apic_base, BASE_X2APIC);
	CHECK_EQ(vlapic_mode(&vl), APIC_MODE_X2APIC);
	CHECK_EQ(vlapic_reg(&vl, APIC_ID), 0x25);
	CHECK_EQ(vlapic_reg(&vl, APIC_LDR), x2apic_ldr(0x25));
	CHECK_EQ(vlapic_reg(&vl, APIC_LDR), (2u << 16) | (1u << 5));
	check_powerup_regs(&vl);
	CHECK_EQ(msr_rd(&vl, 0x802, 0), 0x25);
	CHECK_EQ(msr_rd(&vl, 0x80f, 0), 0xff);
}

TEST(vlapic_set_base_xapic_to_x2apic)
{
	struct vlapic vl;

	setup_xapic(&vl, 0x13);
	wr(&vl, APIC_TPR, 0x40, 0);
	wr(&vl, APIC_LVT_TIMER, 0x20031, 0);
	wr(&vl, APIC_TIMER_DIVIDE, 0x3, 0);
	vlapic_accept(&vl, 0x77, false);
	vlapic_set_base(&vl, BASE_X2APIC);
	CHECK_EQ(vl.apic_base, BASE_X2APIC);
	CHECK_EQ(vlapic_mode(&vl), APIC_MODE_X2APIC);
	/* SDM 11.12.5.1: ID becomes the 32-bit x2APIC id, LDR the derived logical id */
	CHECK_EQ(vlapic_reg(&vl, APIC_ID), 0x13);
	CHECK_EQ(vlapic_reg(&vl, APIC_LDR), 0x00010008);
	CHECK_EQ(msr_rd(&vl, 0x802, 0), 0x13);
	CHECK_EQ(msr_rd(&vl, 0x80d, 0), 0x00010008);
	/* everything else kept */
	CHECK_EQ(vlapic_reg(&vl, APIC_TPR), 0x40);
	CHECK_EQ(vlapic_reg(&vl, APIC_SVR), 0x1ff);
	CHECK_EQ(vlapic_reg(&vl, APIC_LVT_TIMER), 0x20031);
	CHECK_EQ(vlapic_reg(&vl, APIC_TIMER_DIVIDE), 0x3);
	CHECK(bit256(&vl, APIC_IRR, 0x77));
	CHECK_EQ(vlapic_reg(&vl, APIC_VERSION), VLAPIC_VERSION_VALUE);

	/* an id above 255 only exists in x2APIC mode */
	vlapic_reset(&vl, page, 300, false);
	vlapic_set_base(&vl, BASE_X2APIC);
	CHECK_EQ(msr_rd(&vl, 0x802, 0), 300);
	CHECK_EQ(msr_rd(&vl, 0x80d, 0), (18u << 16) | (1u << 12));
}

TEST(vlapic_set_base_disable_and_reenable)
{
	struct vlapic vl;

	/* xAPIC -> disabled: power-up registers, nothing accepted or delivered */
	setup_xapic(&vl, 4);
	dirty(&vl);
	vlapic_set_base(&vl, BASE_OFF);
	CHECK_EQ(vl.apic_base, BASE_OFF);
	CHECK_EQ(vlapic_mode(&vl), APIC_MODE_DISABLED);
	check_powerup_regs(&vl);
	CHECK_EQ(vlapic_reg(&vl, APIC_DFR), 0xffffffff);
	CHECK_EQ(vlapic_reg(&vl, APIC_LDR), 0);
	vlapic_accept(&vl, 0x40, false);
	CHECK_EQ(vlapic_highest_irr(&vl), -1);
	CHECK_EQ(vlapic_deliverable(&vl), -1);
	CHECK(!vlapic_timer_due(&vl, 1ull << 40));

	/* disabled -> xAPIC: ID back in its xAPIC form, SVR 0xff */
	vlapic_set_base(&vl, BASE_XAPIC);
	CHECK_EQ(vlapic_mode(&vl), APIC_MODE_XAPIC);
	CHECK_EQ(vlapic_reg(&vl, APIC_ID), 4u << 24);
	CHECK_EQ(vlapic_reg(&vl, APIC_SVR), 0xff);

	/* x2APIC -> disabled -> xAPIC: the x2APIC ID/LDR do not survive */
	setup_x2apic(&vl, 0x21);
	dirty(&vl);
	vlapic_set_base(&vl, BASE_OFF);
	CHECK_EQ(vlapic_mode(&vl), APIC_MODE_DISABLED);
	check_powerup_regs(&vl);
	vlapic_set_base(&vl, BASE_XAPIC);
	CHECK_EQ(vlapic_mode(&vl), APIC_MODE_XAPIC);
	CHECK_EQ(vlapic_reg(&vl, APIC_ID), 0x21u << 24);
	CHECK_EQ(vlapic_reg(&vl, APIC_LDR), 0);
	CHECK_EQ(vlapic_reg(&vl, APIC_DFR), 0xffffffff);
	CHECK_EQ(vlapic_reg(&vl, APIC_SVR), 0xff);
}

/* ---- xAPIC MMIO ----------------------------------------------------------------------------- */

TEST(vlapic_mmio_reads_registers)
{
	struct vlapic vl;
	static const uint32_t plain[] = {
		APIC_TPR, APIC_LDR, APIC_SVR, APIC_ESR,
		APIC_ICR_HI, APIC_LVT_CMCI, APIC_LVT_TIMER, APIC_LVT_THERMAL,
		APIC_LVT_PMC, APIC_LVT_LINT0, APIC_LVT_LINT1, APIC_LVT_ERROR,
		APIC_TIMER_INITIAL, APIC_TIMER_DIVIDE,
	};

	vlapic_reset(&vl, page, 9, false);
	CHECK_EQ(rd(&vl, APIC_ID, 0), 9u << 24);
	CHECK_EQ(rd(&vl, APIC_VERSION, 0), VLAPIC_VERSION_VALUE);
	CHECK_EQ(rd(&vl, APIC_DFR, 0), 0xffffffff);
	CHECK_EQ(rd(&vl, APIC_SVR, 0), 0xff);
	CHECK_EQ(rd(&vl, APIC_LVT_LINT0, 0), 0x10000);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 0), 0); /* no timer running */

	/* reads return what is on the page (the CPU's APIC virtualization writes there too) */
	for (unsigned i = 0; i < ARRAY_SIZE(plain); i++) {
		uint32_t v = 0x100 + i * 0x1111;
		vlapic_set_reg(&vl, plain[i], v);
		CHECK_EQ(rd(&vl, plain[i], 0), v);
	}
	for (unsigned i = 0; i < 8; i++) {
		vlapic_set_reg(&vl, APIC_ISR + i * 16, 0x11110000u + i);
		vlapic_set_reg(&vl, APIC_TMR + i * 16, 0x22220000u + i);
		vlapic_set_reg(&vl, APIC_IRR + i * 16, 0x33330000u + i);
	}
	for (unsigned i = 0; i < 8; i++) {
		CHECK_EQ(rd(&vl, APIC_ISR + i * 16, 0), 0x11110000u + i);
		CHECK_EQ(rd(&vl, APIC_TMR + i * 16, 0), 0x22220000u + i);
		CHECK_EQ(rd(&vl, APIC_IRR + i * 16, 0), 0x33330000u + i);
	}
}

/* The offsets the brief defines as registers in xAPIC mode; APR (0x90), EOI (0xb0) and RRD (0xc0)
 * are left out of the matrix (checked separately or not specified). */
static int xapic_defined(uint32_t off)
{
	if (off & 0xf)
		return 0;
	switch (off) {
	case APIC_ID: case APIC_VERSION: case APIC_TPR: case APIC_PPR:
	case APIC_LDR: case APIC_DFR: case APIC_SVR: case APIC_ESR:
	case APIC_LVT_CMCI: case APIC_ICR_LO: case APIC_ICR_HI:
	case APIC_TIMER_INITIAL: case APIC_TIMER_CURRENT: case APIC_TIMER_DIVIDE:
		return 1;
	}
	if (off >= APIC_ISR && off < APIC_ESR)
		return 1; /* ISR, TMR, IRR */
	if (off >= APIC_LVT_TIMER && off <= APIC_LVT_ERROR)
		return 1;
	return 0;
}

TEST(vlapic_mmio_reserved_and_unaligned_ignored)
{
	struct vlapic vl;

	for (uint32_t off = 0; off < 4096; off += 4) {
		uint32_t v = 0x12345678;
		enum vlapic_access r;

		if (off == APIC_APR || off == APIC_EOI || off == APIC_RRD)
			continue;
		setup_xapic(&vl, 1);
		vlapic_set_reg(&vl, off, 0xcafef00d); /* a reserved read must not see the page */
		if (off == APIC_ESR)
			vlapic_set_reg(&vl, off, 0); /* keep the ESR clean for the writes below */
		r = vlapic_mmio_read(&vl, off, 0, &v);
		if (xapic_defined(off)) {
			if (r != VLAPIC_OK) {
				printf("    read 0x%03x: %d\n", off, r);
				CHECK_EQ(r, VLAPIC_OK);
			}
		} else {
			if (r != VLAPIC_IGNORED || v != 0) {
				printf("    read 0x%03x: %d value 0x%x\n", off, r, v);
				CHECK_EQ(r, VLAPIC_IGNORED);
				CHECK_EQ(v, 0);
			}
			vlapic_set_reg(&vl, off, 0);
			vl.ipi_ready = false;
			r = vlapic_mmio_write(&vl, off, 0xffffffff, 0);
			if (r != VLAPIC_IGNORED || vlapic_reg(&vl, off) != 0) {
				printf("    write 0x%03x: %d, page 0x%x\n", off, r, vlapic_reg(&vl, off));
				CHECK_EQ(r, VLAPIC_IGNORED);
				CHECK_EQ(vlapic_reg(&vl, off), 0);
			}
			CHECK(!vl.ipi_ready);
		}
	}
	/* SELF IPI exists only in x2APIC mode */
	setup_xapic(&vl, 1);
	vl.ipi_ready = false;
	CHECK_EQ(vlapic_mmio_write(&vl, APIC_SELF_IPI, 0x40, 0), VLAPIC_IGNORED);
	CHECK(!vl.ipi_ready);
	/* EOI is write-only: the write is accepted */
	CHECK_EQ(vlapic_mmio_write(&vl, APIC_EOI, 0, 0), VLAPIC_OK);
}

/* SDM 11.5.3: ESR bit 7 "Illegal Register Address" on an access to a reserved register (the
 * header promises it: "others: VLAPIC_IGNORED with ESR bit 7"). */
TEST(vlapic_mmio_reserved_sets_esr_illegal_register)
{
	struct vlapic vl;
	uint32_t v;

	setup_xapic(&vl, 1);
	CHECK_EQ(vlapic_reg(&vl, APIC_ESR), 0);
	CHECK_EQ(vlapic_mmio_read(&vl, 0x040, 0, &v), VLAPIC_IGNORED);
	wr(&vl, APIC_ESR, 0, 0); /* the write latches the error */
	CHECK(vlapic_reg(&vl, APIC_ESR) & (1u << 7));
	wr(&vl, APIC_ESR, 0, 0);
	CHECK_EQ(vlapic_reg(&vl, APIC_ESR), 0);
	CHECK_EQ(vlapic_mmio_write(&vl, 0x3a0, 1, 0), VLAPIC_IGNORED);
	wr(&vl, APIC_ESR, 0, 0);
	CHECK(vlapic_reg(&vl, APIC_ESR) & (1u << 7));
}

TEST(vlapic_mmio_read_only_writes_dropped)
{
	struct vlapic vl;
	static const uint32_t ro[] = { APIC_ID, APIC_VERSION, APIC_PPR, APIC_TIMER_CURRENT };

	setup_xapic(&vl, 2);
	vlapic_accept(&vl, 0x41, true);
	vlapic_ack(&vl, 0x41);
	vlapic_accept(&vl, 0x92, true);
	for (unsigned i = 0; i < ARRAY_SIZE(ro); i++) {
		uint32_t before = rd(&vl, ro[i], 0);
		CHECK_EQ(vlapic_mmio_write(&vl, ro[i], 0x0f0f0f0f, 0), VLAPIC_OK);
		CHECK_EQ(rd(&vl, ro[i], 0), before);
	}
	CHECK_EQ(rd(&vl, APIC_ID, 0), 2u << 24);
	CHECK_EQ(rd(&vl, APIC_PPR, 0), 0x40);
	CHECK_EQ(rd(&vl, APIC_TPR, 0), 0);
	CHECK_EQ(rd(&vl, APIC_VERSION, 0), VLAPIC_VERSION_VALUE);
	for (unsigned i = 0; i < 8; i++) {
		CHECK_EQ(vlapic_mmio_write(&vl, APIC_ISR + i * 16, 0xffffffff, 0), VLAPIC_OK);
		CHECK_EQ(vlapic_mmio_write(&vl, APIC_TMR + i * 16, 0, 0), VLAPIC_OK);
		CHECK_EQ(vlapic_mmio_write(&vl, APIC_IRR + i * 16, 0xffffffff, 0), VLAPIC_OK);
	}
	CHECK_EQ(rd(&vl, APIC_ISR + 2 * 16, 0), 1u << 1);   /* 0x41 */
	CHECK_EQ(rd(&vl, APIC_TMR + 2 * 16, 0), 1u << 1);
	CHECK_EQ(rd(&vl, APIC_TMR + 4 * 16, 0), 1u << 18);  /* 0x92 */
	CHECK_EQ(rd(&vl, APIC_IRR + 4 * 16, 0), 1u << 18);
	CHECK_EQ(rd(&vl, APIC_IRR + 0 * 16, 0), 0);
	CHECK_EQ(rd(&vl, APIC_ISR + 7 * 16, 0), 0);

	/* a running timer's current count is not writable either */
	wr(&vl, APIC_TIMER_DIVIDE, 0xb, 100);
	wr(&vl, APIC_TIMER_INITIAL, 1000, 100);
	wr(&vl, APIC_TIMER_CURRENT, 5, 200);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 200), 900);
}

TEST(vlapic_mmio_write_masks)
{
	struct vlapic vl;

	setup_xapic(&vl, 1);
	wr(&vl, APIC_TPR, 0xffffffff, 0);
	CHECK_EQ(rd(&vl, APIC_TPR, 0), 0xff);
	wr(&vl, APIC_TPR, 0x1234, 0);
	CHECK_EQ(rd(&vl, APIC_TPR, 0), 0x34);

	wr(&vl, APIC_LDR, 0xffffffff, 0);
	CHECK_EQ(rd(&vl, APIC_LDR, 0), 0xff000000);
	wr(&vl, APIC_LDR, 0x12345678, 0);
	CHECK_EQ(rd(&vl, APIC_LDR, 0), 0x12000000);

	wr(&vl, APIC_DFR, 0, 0);
	CHECK_EQ(rd(&vl, APIC_DFR, 0), 0x0fffffff);
	wr(&vl, APIC_DFR, 0xf0000000, 0);
	CHECK_EQ(rd(&vl, APIC_DFR, 0), 0xffffffff);
	wr(&vl, APIC_DFR, 0x00001234, 0);
	CHECK_EQ(rd(&vl, APIC_DFR, 0), 0x0fffffff);

	wr(&vl, APIC_SVR, 0xffffffff, 0);
	CHECK_EQ(rd(&vl, APIC_SVR, 0), 0x1ff);
	wr(&vl, APIC_SVR, 0x1f0, 0);
	CHECK_EQ(rd(&vl, APIC_SVR, 0), 0x1f0);

	wr(&vl, APIC_ICR_HI, 0xffffffff, 0);
	CHECK_EQ(rd(&vl, APIC_ICR_HI, 0), 0xff000000);
	wr(&vl, APIC_ICR_HI, 0x0300ffff, 0);
	CHECK_EQ(rd(&vl, APIC_ICR_HI, 0), 0x03000000);

	wr(&vl, APIC_TIMER_DIVIDE, 0xffffffff, 0);
	CHECK_EQ(rd(&vl, APIC_TIMER_DIVIDE, 0), 0xb);
	wr(&vl, APIC_TIMER_DIVIDE, 0x4, 0);
	CHECK_EQ(rd(&vl, APIC_TIMER_DIVIDE, 0), 0);

	/* LVTs while software-enabled: exactly the writable bits */
	for (unsigned i = 0; i < N_LVT; i++) {
		wr(&vl, lvt_offsets[i], 0xffffffff, 0);
		CHECK_EQ(rd(&vl, lvt_offsets[i], 0), lvt_masks[i]);
		wr(&vl, lvt_offsets[i], 0, 0);
		CHECK_EQ(rd(&vl, lvt_offsets[i], 0), 0);
	}
}

/* PPR always reflects TPR (SDM 11.8.3.1); a TPR write changes it. */
TEST(vlapic_mmio_tpr_write_updates_ppr)
{
	struct vlapic vl;

	setup_xapic(&vl, 1);
	wr(&vl, APIC_TPR, 0x35, 0);
	CHECK_EQ(rd(&vl, APIC_PPR, 0), 0x35);
	vlapic_accept(&vl, 0x51, false);
	vlapic_ack(&vl, 0x51);
	CHECK_EQ(rd(&vl, APIC_PPR, 0), 0x50);
	wr(&vl, APIC_TPR, 0x6a, 0);
	CHECK_EQ(rd(&vl, APIC_PPR, 0), 0x6a);
	wr(&vl, APIC_TPR, 0x00, 0);
	CHECK_EQ(rd(&vl, APIC_PPR, 0), 0x50);
}

/* SDM 11.4.7.2: clearing the software-enable bit masks every LVT, and LVT writes while disabled
 * cannot clear the mask; the other bits are kept. */
TEST(vlapic_svr_software_disable_masks_lvts)
{
	struct vlapic vl;
	static const uint32_t unmasked[] = {
		0x00000051, 0x00020030, 0x00000052, 0x00000453, 0x0000a700, 0x00000400, 0x000000fe,
	};

	setup_xapic(&vl, 1);
	for (unsigned i = 0; i < N_LVT; i++) {
		wr(&vl, lvt_offsets[i], unmasked[i], 0);
		CHECK_EQ(rd(&vl, lvt_offsets[i], 0), unmasked[i]);
	}
	wr(&vl, APIC_SVR, 0xff, 0);
	for (unsigned i = 0; i < N_LVT; i++)
		CHECK_EQ(rd(&vl, lvt_offsets[i], 0), unmasked[i] | APIC_LVT_MASKED);
	/* writes while disabled keep the mask but take the other bits */
	wr(&vl, APIC_LVT_TIMER, 0x00020041, 0);
	CHECK_EQ(rd(&vl, APIC_LVT_TIMER, 0), 0x00030041);
	wr(&vl, APIC_LVT_LINT0, 0x00000700, 0);
	CHECK_EQ(rd(&vl, APIC_LVT_LINT0, 0), 0x00010700);
	/* re-enabling does not unmask; a later write does */
	wr(&vl, APIC_SVR, 0x1ff, 0);
	CHECK_EQ(rd(&vl, APIC_LVT_TIMER, 0), 0x00030041);
	wr(&vl, APIC_LVT_TIMER, 0x00020041, 0);
	CHECK_EQ(rd(&vl, APIC_LVT_TIMER, 0), 0x00020041);
}

TEST(vlapic_esr_write_latches_the_errors_seen_since_the_last)
{
	struct vlapic vl;

	setup_xapic(&vl, 1);
	vlapic_accept(&vl, 7, false);
	CHECK_EQ(rd(&vl, APIC_ESR, 0), 0); /* logged, not shown before a write (SDM 11.5.3) */
	wr(&vl, APIC_ESR, 0xffffffff, 0);
	CHECK_EQ(rd(&vl, APIC_ESR, 0), 1u << 6); /* the write latched it */
	wr(&vl, APIC_ESR, 0, 0);
	CHECK_EQ(rd(&vl, APIC_ESR, 0), 0); /* and the next one clears it */
	vlapic_accept(&vl, 15, false);
	wr(&vl, APIC_ESR, 0, 0);
	CHECK_EQ(rd(&vl, APIC_ESR, 0), 1u << 6);
}

TEST(vlapic_mmio_eoi_nested)
{
	struct vlapic vl;

	setup_xapic(&vl, 1);
	vlapic_accept(&vl, 0x30, false);
	vlapic_ack(&vl, 0x30);
	vlapic_accept(&vl, 0x50, true);
	vlapic_ack(&vl, 0x50);
	CHECK(bit256(&vl, APIC_ISR, 0x30) && bit256(&vl, APIC_ISR, 0x50));
	CHECK(bit256(&vl, APIC_TMR, 0x50));
	CHECK_EQ(rd(&vl, APIC_PPR, 0), 0x50);
	CHECK(!vl.level_eoi_ready);
	wr(&vl, APIC_EOI, 0x12345678, 0); /* any value */
	CHECK(!bit256(&vl, APIC_ISR, 0x50));
	CHECK(bit256(&vl, APIC_TMR, 0x50)); /* kept until the vector is next accepted */
	CHECK(vl.level_eoi_ready); /* level: the I/O APIC must hear of it */
	CHECK_EQ(vl.level_eoi_vector, 0x50);
	vl.level_eoi_ready = false;
	CHECK(bit256(&vl, APIC_ISR, 0x30));
	CHECK_EQ(rd(&vl, APIC_PPR, 0), 0x30);
	wr(&vl, APIC_EOI, 0, 0);
	CHECK(!vl.level_eoi_ready); /* edge: nothing to tell */
	CHECK(reg256_empty(&vl, APIC_ISR));
	CHECK_EQ(rd(&vl, APIC_PPR, 0), 0);
	wr(&vl, APIC_EOI, 0, 0); /* nothing in service: harmless */
	CHECK(reg256_empty(&vl, APIC_ISR));
}

/* ---- IPIs ----------------------------------------------------------------------------------- */

/* Stale values a send must overwrite (the bools must stay valid for UBSan). */
static void poison_ipi(struct vlapic *vl)
{
	vl->ipi_ready = false;
	vl->ipi = (struct vlapic_ipi){ .vector = 0xee, .delivery = 0xee, .shorthand = 0xee,
				       .logical = true, .level_deassert = true, .dest = 0xeeeeeeee,
				       .x2apic = true };
}

static void send_mmio(struct vlapic *vl, uint32_t lo)
{
	poison_ipi(vl);
	wr(vl, APIC_ICR_LO, lo, 0);
}

TEST(vlapic_mmio_icr_sends_ipi)
{
	struct vlapic vl;
	uint32_t lo;

	setup_xapic(&vl, 0);
	vl.ipi_ready = false;
	wr(&vl, APIC_ICR_HI, 0x03abcdef, 0);
	CHECK(!vl.ipi_ready); /* the high half sends nothing */

	send_mmio(&vl, 0x00004041); /* fixed, physical, assert, vector 0x41 */
	CHECK(vl.ipi_ready);
	CHECK_EQ(vl.ipi.vector, 0x41);
	CHECK_EQ(vl.ipi.delivery, VLAPIC_DM_FIXED);
	CHECK_EQ(vl.ipi.shorthand, VLAPIC_SH_NONE);
	CHECK(!vl.ipi.logical);
	CHECK(!vl.ipi.level_deassert);
	CHECK_EQ(vl.ipi.dest, 3);
	CHECK(!vl.ipi.x2apic);

	/* lowest priority, logical, all-excluding-self; delivery status (bit 12) reads 0 */
	lo = 0x000c0000 | (1u << 12) | (1u << 11) | (VLAPIC_DM_LOWEST << 8) | 0x22;
	wr(&vl, APIC_ICR_HI, 0xf0000000, 0);
	send_mmio(&vl, lo);
	CHECK(vl.ipi_ready);
	CHECK_EQ(vl.ipi.vector, 0x22);
	CHECK_EQ(vl.ipi.delivery, VLAPIC_DM_LOWEST);
	CHECK_EQ(vl.ipi.shorthand, VLAPIC_SH_OTHERS);
	CHECK(vl.ipi.logical);
	CHECK_EQ(vl.ipi.dest, 0xf0);
	CHECK(!vl.ipi.x2apic);
	CHECK_EQ(rd(&vl, APIC_ICR_LO, 0) & (1u << 12), 0);
	CHECK_EQ(rd(&vl, APIC_ICR_LO, 0) & 0xccfff, lo & 0xccfff);

	send_mmio(&vl, (VLAPIC_SH_SELF << 18) | 0x4000 | 0xfe);
	CHECK_EQ(vl.ipi.shorthand, VLAPIC_SH_SELF);
	CHECK_EQ(vl.ipi.vector, 0xfe);
	send_mmio(&vl, (VLAPIC_SH_ALL << 18) | 0x4000 | 0x80);
	CHECK_EQ(vl.ipi.shorthand, VLAPIC_SH_ALL);

	/* NMI: vector ignored, so vector 0 is legal */
	send_mmio(&vl, 0x4000 | (VLAPIC_DM_NMI << 8));
	CHECK(vl.ipi_ready);
	CHECK_EQ(vl.ipi.delivery, VLAPIC_DM_NMI);
	CHECK_EQ(rd(&vl, APIC_ESR, 0), 0);

	/* SMI */
	send_mmio(&vl, 0x4000 | (VLAPIC_DM_SMI << 8));
	CHECK(vl.ipi_ready);
	CHECK_EQ(vl.ipi.delivery, VLAPIC_DM_SMI);

	/* INIT assert (level 1, edge) and INIT level de-assert (level 0, trigger level) */
	send_mmio(&vl, 0x00004500);
	CHECK(vl.ipi_ready);
	CHECK_EQ(vl.ipi.delivery, VLAPIC_DM_INIT);
	CHECK(!vl.ipi.level_deassert);
	send_mmio(&vl, 0x0000c500); /* level assert, trigger level: not a de-assert */
	CHECK(!vl.ipi.level_deassert);
	send_mmio(&vl, 0x00008500);
	CHECK(vl.ipi_ready);
	CHECK_EQ(vl.ipi.delivery, VLAPIC_DM_INIT);
	CHECK(vl.ipi.level_deassert);
	send_mmio(&vl, 0x00000500); /* level 0, edge: still an INIT, not a de-assert */
	CHECK(!vl.ipi.level_deassert);

	/* start-up with vector 0x9a */
	wr(&vl, APIC_ICR_HI, 0x07000000, 0);
	send_mmio(&vl, 0x0000469a);
	CHECK(vl.ipi_ready);
	CHECK_EQ(vl.ipi.delivery, VLAPIC_DM_SIPI);
	CHECK_EQ(vl.ipi.vector, 0x9a);
	CHECK_EQ(vl.ipi.dest, 7);
	CHECK(!vl.ipi.level_deassert);
}

/* SDM 11.5.3: ESR bit 5 "Send Illegal Vector" for a fixed or lowest-priority IPI with a vector
 * 0-15, and nothing is sent. */
TEST(vlapic_icr_illegal_vector)
{
	struct vlapic vl;

	setup_xapic(&vl, 0);
	wr(&vl, APIC_ICR_HI, 0x01000000, 0);
	for (unsigned v = 0; v < 16; v++) {
		send_mmio(&vl, 0x4000 | v);
		CHECK(!vl.ipi_ready);
		wr(&vl, APIC_ESR, 0, 0); /* latches what was logged (SDM 11.5.3) */
		CHECK_EQ(rd(&vl, APIC_ESR, 0), 1u << 5);
		send_mmio(&vl, 0x4000 | (VLAPIC_DM_LOWEST << 8) | v);
		CHECK(!vl.ipi_ready);
		wr(&vl, APIC_ESR, 0, 0);
		CHECK_EQ(rd(&vl, APIC_ESR, 0), 1u << 5);
	}
	send_mmio(&vl, 0x4000 | 16);
	CHECK(vl.ipi_ready);
	CHECK_EQ(vl.ipi.vector, 16);
	wr(&vl, APIC_ESR, 0, 0);
	CHECK_EQ(rd(&vl, APIC_ESR, 0), 0);
	send_mmio(&vl, 0x4000 | (VLAPIC_DM_INIT << 8)); /* INIT's vector is ignored */
	CHECK(vl.ipi_ready);
	wr(&vl, APIC_ESR, 0, 0);
	CHECK_EQ(rd(&vl, APIC_ESR, 0), 0);
}

/* ---- x2APIC MSRs ---------------------------------------------------------------------------- */

static int x2_readable(uint32_t m)
{
	switch (m) {
	case 0x802: case 0x803: case 0x808: case 0x80a: case 0x80d: case 0x80f:
	case 0x828: case 0x82f: case 0x830: case 0x838: case 0x839: case 0x83e:
		return 1;
	}
	if (m >= 0x810 && m <= 0x827) /* ISR, TMR, IRR */
		return 1;
	if (m >= 0x832 && m <= 0x837) /* LVTs */
		return 1;
	return 0;
}

static int x2_writable(uint32_t m)
{
	switch (m) {
	case 0x808: case 0x80b: case 0x80f: case 0x828: case 0x82f: case 0x830:
	case 0x838: case 0x83e: case 0x83f:
		return 1;
	}
	return m >= 0x832 && m <= 0x837;
}

/* SDM Vol. 3A, Table 11-6 and 11.12.1.2: every MSR 0x800-0x8ff, read and written. */
TEST(vlapic_x2apic_msr_matrix)
{
	struct vlapic vl;
	int bad = 0;

	for (uint32_t m = X2APIC_MSR_FIRST; m <= X2APIC_MSR_LAST; m++) {
		uint64_t v = 0x5555;
		uint64_t wv = m == 0x830 ? 0x0000000100004040ull : m == 0x83f ? 0x40 : 0;
		enum vlapic_access r, w;
		int want_r = x2_readable(m), want_w = x2_writable(m);

		setup_x2apic(&vl, 1);
		r = vlapic_msr_read(&vl, m, 0, &v);
		w = vlapic_msr_write(&vl, m, wv, 0);
		if ((r == VLAPIC_OK) != want_r || (r != VLAPIC_OK && r != VLAPIC_GP) ||
		    (w == VLAPIC_OK) != want_w || (w != VLAPIC_OK && w != VLAPIC_GP) ||
		    vlapic_x2apic_readable(m) != (bool)want_r) {
			printf("    msr 0x%03x: read %d (want %s), write %d (want %s), readable() %d\n",
			       m, r, want_r ? "ok" : "gp", w, want_w ? "ok" : "gp",
			       vlapic_x2apic_readable(m));
			bad++;
		}
	}
	CHECK_EQ(bad, 0);
}

TEST(vlapic_x2apic_msr_reads)
{
	struct vlapic vl;

	setup_x2apic(&vl, 0x42);
	CHECK_EQ(msr_rd(&vl, 0x802, 0), 0x42);
	CHECK_EQ(msr_rd(&vl, 0x803, 0), VLAPIC_VERSION_VALUE);
	CHECK_EQ(msr_rd(&vl, 0x80d, 0), x2apic_ldr(0x42));
	CHECK_EQ(msr_rd(&vl, 0x80f, 0), 0x1ff);
	CHECK_EQ(msr_rd(&vl, 0x835, 0), 0x10000);
	vlapic_accept(&vl, 0x45, true);
	vlapic_ack(&vl, 0x45);
	vlapic_accept(&vl, 0xe1, false);
	CHECK_EQ(msr_rd(&vl, 0x812, 0), 1u << 5);   /* ISR 0x40-0x5f */
	CHECK_EQ(msr_rd(&vl, 0x81a, 0), 1u << 5);   /* TMR */
	CHECK_EQ(msr_rd(&vl, 0x827, 0), 1u << 1);   /* IRR 0xe0-0xff */
	CHECK_EQ(msr_rd(&vl, 0x822, 0), 0);
	CHECK_EQ(msr_rd(&vl, 0x80a, 0), 0x40);      /* PPR */
	vlapic_set_reg(&vl, APIC_ICR_LO, 0x000040ab);
	vlapic_set_reg(&vl, APIC_ICR_HI, 0x12345678);
	CHECK_EQ(msr_rd(&vl, 0x830, 0), 0x12345678000040abull);
}

TEST(vlapic_x2apic_msr_writes_and_reserved_bits)
{
	struct vlapic vl;

	setup_x2apic(&vl, 1);
	/* TPR: bits 63:8 reserved */
	CHECK_EQ(vlapic_msr_write(&vl, 0x808, 0xff, 0), VLAPIC_OK);
	CHECK_EQ(vlapic_reg(&vl, APIC_TPR), 0xff);
	CHECK_EQ(vlapic_msr_write(&vl, 0x808, 0x20, 0), VLAPIC_OK);
	CHECK_EQ(msr_rd(&vl, 0x80a, 0), 0x20); /* PPR follows */
	CHECK_EQ(vlapic_msr_write(&vl, 0x808, 0x100, 0), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_write(&vl, 0x808, 1ull << 32, 0), VLAPIC_GP);
	CHECK_EQ(vlapic_reg(&vl, APIC_TPR), 0x20); /* a #GP write changes nothing */

	/* SVR: bits outside 0x1ff */
	CHECK_EQ(vlapic_msr_write(&vl, 0x80f, 0x200, 0), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_write(&vl, 0x80f, 0x1000, 0), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_write(&vl, 0x80f, 0x1ffull | (1ull << 40), 0), VLAPIC_GP);
	CHECK_EQ(vlapic_reg(&vl, APIC_SVR), 0x1ff);
	CHECK_EQ(vlapic_msr_write(&vl, 0x80f, 0x1f0, 0), VLAPIC_OK);
	CHECK_EQ(vlapic_reg(&vl, APIC_SVR), 0x1f0);

	/* ESR: only 0 */
	vlapic_accept(&vl, 2, false);
	CHECK_EQ(msr_rd(&vl, 0x828, 0), 0); /* logged, shown after a write */
	CHECK_EQ(vlapic_msr_write(&vl, 0x828, 1, 0), VLAPIC_GP);
	CHECK_EQ(msr_rd(&vl, 0x828, 0), 0); /* a refused write latches nothing */
	CHECK_EQ(vlapic_msr_write(&vl, 0x828, 0, 0), VLAPIC_OK);
	CHECK_EQ(msr_rd(&vl, 0x828, 0), 1u << 6);
	CHECK_EQ(vlapic_msr_write(&vl, 0x828, 0, 0), VLAPIC_OK);
	CHECK_EQ(msr_rd(&vl, 0x828, 0), 0);

	/* LVTs: exactly their writable bits, each other bit is #GP */
	for (unsigned i = 0; i < N_LVT; i++) {
		uint32_t msr = X2APIC_MSR_FIRST + (lvt_offsets[i] >> 4);
		for (unsigned b = 0; b < 64; b++) {
			uint64_t v = 1ull << b;
			int ok = b < 32 && (lvt_masks[i] & (1u << b));
			enum vlapic_access r = vlapic_msr_write(&vl, msr, v, 0);
			if ((r == VLAPIC_OK) != ok) {
				printf("    msr 0x%x bit %u: %d\n", msr, b, r);
				CHECK_EQ(r, ok ? VLAPIC_OK : VLAPIC_GP);
			}
		}
		CHECK_EQ(vlapic_msr_write(&vl, msr, lvt_masks[i], 0), VLAPIC_OK);
		CHECK_EQ(msr_rd(&vl, msr, 0), lvt_masks[i]);
		CHECK_EQ(vlapic_reg(&vl, lvt_offsets[i]), lvt_masks[i]);
	}

	/* DCR: outside 0xb */
	CHECK_EQ(vlapic_msr_write(&vl, 0x83e, 0x4, 0), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_write(&vl, 0x83e, 0x10, 0), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_write(&vl, 0x83e, 0xb, 0), VLAPIC_OK);
	CHECK_EQ(msr_rd(&vl, 0x83e, 0), 0xb);

	/* TMICT: 32 bits */
	CHECK_EQ(vlapic_msr_write(&vl, 0x838, 1ull << 32, 0), VLAPIC_GP);
	CHECK_EQ(vlapic_timer_next(&vl), 0);

	/* EOI: only 0 */
	vlapic_accept(&vl, 0x66, false);
	vlapic_ack(&vl, 0x66);
	CHECK_EQ(vlapic_msr_write(&vl, 0x80b, 1, 0), VLAPIC_GP);
	CHECK(bit256(&vl, APIC_ISR, 0x66));
	CHECK_EQ(vlapic_msr_write(&vl, 0x80b, 0, 0), VLAPIC_OK);
	CHECK(!bit256(&vl, APIC_ISR, 0x66));

	/* ID, LDR, version, PPR, ISR/TMR/IRR, current count are read-only */
	CHECK_EQ(vlapic_msr_write(&vl, 0x802, 5, 0), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_write(&vl, 0x80d, 0x10001, 0), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_write(&vl, 0x820, 0, 0), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_write(&vl, 0x839, 0, 0), VLAPIC_GP);
	CHECK_EQ(msr_rd(&vl, 0x802, 0), 1);
	CHECK_EQ(msr_rd(&vl, 0x80d, 0), x2apic_ldr(1));
}

static enum vlapic_access send_msr(struct vlapic *vl, uint32_t msr, uint64_t value)
{
	poison_ipi(vl);
	vl->ipi.x2apic = false;
	return vlapic_msr_write(vl, msr, value, 0);
}

TEST(vlapic_x2apic_icr_and_self_ipi)
{
	struct vlapic vl;

	setup_x2apic(&vl, 1);
	CHECK_EQ(send_msr(&vl, 0x830, 0x0000012300004031ull), VLAPIC_OK);
	CHECK(vl.ipi_ready);
	CHECK_EQ(vl.ipi.vector, 0x31);
	CHECK_EQ(vl.ipi.delivery, VLAPIC_DM_FIXED);
	CHECK_EQ(vl.ipi.shorthand, VLAPIC_SH_NONE);
	CHECK(!vl.ipi.logical);
	CHECK_EQ(vl.ipi.dest, 0x123);
	CHECK(vl.ipi.x2apic);
	/* the page holds it as xAPIC ICR low/high (SDM Vol. 3C, x2APIC virtualization) */
	CHECK_EQ(vlapic_reg(&vl, APIC_ICR_HI), 0x123);
	CHECK_EQ(vlapic_reg(&vl, APIC_ICR_LO) & 0xccfff, 0x4031);
	CHECK_EQ(msr_rd(&vl, 0x830, 0) & 0xffffffff000ccaffull, 0x0000012300004031ull);

	/* logical broadcast, reserved low bits (12, 13, 16, 20, 31) ignored, bit 12 reads 0 */
	CHECK_EQ(send_msr(&vl, 0x830, 0xffffffff80113877ull), VLAPIC_OK);
	CHECK(vl.ipi_ready);
	CHECK_EQ(vl.ipi.vector, 0x77);
	CHECK(vl.ipi.logical);
	CHECK_EQ(vl.ipi.dest, 0xffffffff);
	CHECK(vl.ipi.x2apic);
	CHECK_EQ(msr_rd(&vl, 0x830, 0) & (1u << 12), 0);
	CHECK_EQ(msr_rd(&vl, 0x830, 0) >> 32, 0xffffffff);

	/* x2APIC INIT de-assert and illegal vector as in xAPIC mode */
	CHECK_EQ(send_msr(&vl, 0x830, 0x0000000200008500ull), VLAPIC_OK);
	CHECK(vl.ipi_ready);
	CHECK(vl.ipi.level_deassert);
	CHECK_EQ(send_msr(&vl, 0x830, 0x0000000200004005ull), VLAPIC_OK);
	CHECK(!vl.ipi_ready);
	CHECK_EQ(vlapic_msr_write(&vl, 0x828, 0, 0), VLAPIC_OK);
	CHECK_EQ(msr_rd(&vl, 0x828, 0), 1u << 5);

	/* SELF IPI */
	CHECK_EQ(send_msr(&vl, 0x83f, 0x45), VLAPIC_OK);
	CHECK(vl.ipi_ready);
	CHECK_EQ(vl.ipi.vector, 0x45);
	CHECK_EQ(vl.ipi.delivery, VLAPIC_DM_FIXED);
	CHECK_EQ(vl.ipi.shorthand, VLAPIC_SH_SELF);
	CHECK_EQ(send_msr(&vl, 0x83f, 0x145), VLAPIC_GP);
	CHECK(!vl.ipi_ready);
	CHECK_EQ(send_msr(&vl, 0x83f, 1ull << 32 | 0x45), VLAPIC_GP);
	CHECK(!vl.ipi_ready);
}

/* ---- priority, acceptance, EOI -------------------------------------------------------------- */

/* SDM 11.8.3.1: PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4] with 3:0 zero. */
TEST(vlapic_ppr_rule)
{
	static const struct {
		uint8_t tpr;
		int isrv; /* -1: ISR empty */
		uint8_t ppr;
	} t[] = {
		{ 0x00, -1, 0x00 }, { 0x35, -1, 0x35 }, { 0x35, 0x31, 0x35 }, { 0x35, 0x3f, 0x35 },
		{ 0x35, 0x41, 0x40 }, { 0x00, 0x6f, 0x60 }, { 0x7f, 0x80, 0x80 }, { 0xff, 0xfe, 0xff },
		{ 0x0f, 0x10, 0x10 }, { 0x20, 0x2a, 0x20 }, { 0x1f, 0xff, 0xf0 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(t); i++) {
		struct vlapic vl;
		uint32_t ppr;

		setup_xapic(&vl, 0);
		vlapic_set_reg(&vl, APIC_TPR, t[i].tpr);
		if (t[i].isrv >= 0) {
			set_bit256(&vl, APIC_ISR, (unsigned)t[i].isrv);
			set_bit256(&vl, APIC_ISR, 0x10); /* a lower one never counts */
		}
		ppr = vlapic_update_ppr(&vl);
		if (ppr != t[i].ppr || vlapic_reg(&vl, APIC_PPR) != t[i].ppr) {
			printf("    TPR 0x%02x ISRV 0x%02x: PPR 0x%x reg 0x%x, want 0x%02x\n",
			       t[i].tpr, t[i].isrv, ppr, vlapic_reg(&vl, APIC_PPR), t[i].ppr);
			CHECK_EQ(ppr, t[i].ppr);
		}
	}
}

TEST(vlapic_highest_irr_isr_across_words)
{
	struct vlapic vl;
	static const uint8_t vs[] = { 16, 31, 32, 63, 64, 127, 128, 200, 255 };

	setup_xapic(&vl, 0);
	for (unsigned i = 0; i < ARRAY_SIZE(vs); i++) {
		vlapic_accept(&vl, vs[i], false);
		CHECK(bit256(&vl, APIC_IRR, vs[i]));
		CHECK_EQ(vlapic_highest_irr(&vl), vs[i]);
	}
	for (int i = (int)(ARRAY_SIZE(vs)) - 1; i >= 0; i--) {
		CHECK_EQ(vlapic_deliverable(&vl), vs[i]);
		vlapic_ack(&vl, vs[i]);
		CHECK(!bit256(&vl, APIC_IRR, vs[i]));
		CHECK(bit256(&vl, APIC_ISR, vs[i]));
		CHECK_EQ(vlapic_highest_isr(&vl), vs[i]);
		CHECK_EQ(vlapic_reg(&vl, APIC_PPR), vs[i] & 0xf0);
		CHECK_EQ(vlapic_eoi(&vl), vs[i]);
		vlapic_update_ppr(&vl);
	}
	CHECK_EQ(vlapic_highest_irr(&vl), -1);
	CHECK_EQ(vlapic_highest_isr(&vl), -1);
}

/* Nested interrupts: a class only interrupts a lower class, EOI unwinds the highest first. */
TEST(vlapic_priority_nested_interrupts)
{
	struct vlapic vl;

	setup_xapic(&vl, 0);
	wr(&vl, APIC_TPR, 0x40, 0);
	vlapic_update_ppr(&vl);
	vlapic_accept(&vl, 0x45, false);
	CHECK_EQ(vlapic_deliverable(&vl), -1); /* class 4 is not above TPR class 4 */
	vlapic_accept(&vl, 0x50, false);
	CHECK_EQ(vlapic_deliverable(&vl), 0x50);
	vlapic_ack(&vl, 0x50);
	CHECK(!bit256(&vl, APIC_IRR, 0x50));
	CHECK(bit256(&vl, APIC_ISR, 0x50));
	CHECK_EQ(vlapic_reg(&vl, APIC_PPR), 0x50);
	CHECK_EQ(vlapic_deliverable(&vl), -1);
	vlapic_accept(&vl, 0x5f, false);
	CHECK_EQ(vlapic_deliverable(&vl), -1); /* same class as the one in service */
	vlapic_accept(&vl, 0x61, false);
	CHECK_EQ(vlapic_deliverable(&vl), 0x61);
	vlapic_ack(&vl, 0x61);
	CHECK_EQ(vlapic_reg(&vl, APIC_PPR), 0x60);
	CHECK_EQ(vlapic_highest_isr(&vl), 0x61);
	CHECK_EQ(vlapic_deliverable(&vl), -1);

	CHECK_EQ(vlapic_eoi(&vl), 0x61);
	CHECK_EQ(vlapic_update_ppr(&vl), 0x50);
	CHECK_EQ(vlapic_deliverable(&vl), -1);
	CHECK_EQ(vlapic_eoi(&vl), 0x50);
	CHECK_EQ(vlapic_update_ppr(&vl), 0x40);
	CHECK_EQ(vlapic_deliverable(&vl), 0x5f);
	vlapic_ack(&vl, 0x5f);
	CHECK_EQ(vlapic_eoi(&vl), 0x5f);
	vlapic_update_ppr(&vl);
	CHECK_EQ(vlapic_deliverable(&vl), -1); /* 0x45 is still held back by TPR */
	wr(&vl, APIC_TPR, 0x3f, 0);
	vlapic_update_ppr(&vl);
	CHECK_EQ(vlapic_deliverable(&vl), 0x45);
	vlapic_ack(&vl, 0x45);
	CHECK_EQ(vlapic_eoi(&vl), 0x45);
	CHECK_EQ(vlapic_eoi(&vl), -1);
	CHECK_EQ(vlapic_highest_irr(&vl), -1);
}

TEST(vlapic_deliverable_lowest_class)
{
	struct vlapic vl;

	setup_xapic(&vl, 0);
	CHECK_EQ(vlapic_deliverable(&vl), -1);
	vlapic_accept(&vl, 0x10, false); /* class 1 > PPR class 0 */
	CHECK_EQ(vlapic_deliverable(&vl), 0x10);
	wr(&vl, APIC_TPR, 0x10, 0);
	vlapic_update_ppr(&vl);
	CHECK_EQ(vlapic_deliverable(&vl), -1);
	wr(&vl, APIC_TPR, 0x0f, 0);
	vlapic_update_ppr(&vl);
	CHECK_EQ(vlapic_deliverable(&vl), 0x10);
}

TEST(vlapic_accept_level_and_tmr)
{
	struct vlapic vl;

	setup_xapic(&vl, 0);
	vlapic_accept(&vl, 0x70, true);
	vlapic_accept(&vl, 0x71, false);
	CHECK(bit256(&vl, APIC_IRR, 0x70) && bit256(&vl, APIC_TMR, 0x70));
	CHECK(bit256(&vl, APIC_IRR, 0x71) && !bit256(&vl, APIC_TMR, 0x71));
	vlapic_ack(&vl, 0x71);
	vlapic_ack(&vl, 0x70);
	CHECK_EQ(vlapic_eoi(&vl), 0x71);
	CHECK(bit256(&vl, APIC_TMR, 0x70));
	CHECK_EQ(vlapic_eoi(&vl), 0x70);
	CHECK(bit256(&vl, APIC_TMR, 0x70)); /* EOI leaves TMR: the next acceptance decides */
	CHECK(vl.level_eoi_ready && vl.level_eoi_vector == 0x70);
}

/* SDM 11.8.4: "the corresponding TMR bit is cleared for edge-triggered interrupts and set for
 * level-triggered interrupts" on acceptance into IRR. */
TEST(vlapic_accept_edge_clears_tmr)
{
	struct vlapic vl;

	setup_xapic(&vl, 0);
	set_bit256(&vl, APIC_TMR, 0x90);
	vlapic_accept(&vl, 0x90, false);
	CHECK(bit256(&vl, APIC_IRR, 0x90));
	CHECK(!bit256(&vl, APIC_TMR, 0x90));
}

TEST(vlapic_accept_illegal_vectors)
{
	struct vlapic vl;

	for (unsigned v = 0; v < 16; v++) {
		setup_xapic(&vl, 0);
		vlapic_accept(&vl, (uint8_t)v, v & 1);
		CHECK(reg256_empty(&vl, APIC_IRR));
		CHECK(reg256_empty(&vl, APIC_TMR));
		CHECK_EQ(vl.esr_pending, 1u << 6);
		CHECK_EQ(vlapic_deliverable(&vl), -1);
	}
	setup_xapic(&vl, 0);
	vlapic_accept(&vl, 16, false);
	CHECK(bit256(&vl, APIC_IRR, 16));
	CHECK_EQ(vlapic_reg(&vl, APIC_ESR), 0);
}

TEST(vlapic_disabled_drops_and_holds)
{
	struct vlapic vl;

	/* software-disabled: not accepted, and pending ones are held, not delivered */
	setup_xapic(&vl, 0);
	vlapic_accept(&vl, 0x40, false);
	CHECK_EQ(vlapic_deliverable(&vl), 0x40);
	wr(&vl, APIC_SVR, 0xff, 0);
	CHECK_EQ(vlapic_deliverable(&vl), -1);
	vlapic_accept(&vl, 0x50, false);
	CHECK(!bit256(&vl, APIC_IRR, 0x50));
	wr(&vl, APIC_SVR, 0x1ff, 0);
	CHECK_EQ(vlapic_deliverable(&vl), 0x40);

	/* globally disabled */
	vlapic_set_base(&vl, BASE_OFF);
	vlapic_accept(&vl, 0x60, false);
	CHECK(reg256_empty(&vl, APIC_IRR));
	CHECK_EQ(vlapic_deliverable(&vl), -1);
	vlapic_set_reg(&vl, APIC_SVR, 0x1ff); /* even with SVR enabled on the page */
	vlapic_accept(&vl, 0x61, false);
	CHECK(reg256_empty(&vl, APIC_IRR));
	set_bit256(&vl, APIC_IRR, 0x70);
	CHECK_EQ(vlapic_deliverable(&vl), -1);
}

/* ---- timer ---------------------------------------------------------------------------------- */

#define TVEC 0x30

TEST(vlapic_timer_divide_table)
{
	static const struct { uint32_t dcr, div; } t[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 }, { 0x8, 32 }, { 0x9, 64 },
		{ 0xa, 128 }, { 0xb, 1 },
		{ 0x4, 2 }, { 0x7, 16 }, { 0xf, 1 }, /* bit 2 is not part of the divisor */
	};

	for (unsigned i = 0; i < ARRAY_SIZE(t); i++) {
		struct vlapic vl;
		uint64_t now = 5000;

		setup_xapic(&vl, 0);
		wr(&vl, APIC_LVT_TIMER, TVEC, now);
		wr(&vl, APIC_TIMER_DIVIDE, t[i].dcr, now);
		wr(&vl, APIC_TIMER_INITIAL, 1000, now);
		if (vlapic_timer_next(&vl) != now + 1000ull * t[i].div) {
			printf("    DCR 0x%x: next %llu, want %llu\n", t[i].dcr,
			       (unsigned long long)vlapic_timer_next(&vl),
			       (unsigned long long)(now + 1000ull * t[i].div));
			CHECK_EQ(vlapic_timer_next(&vl), now + 1000ull * t[i].div);
		}
		CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, now), 1000);
		CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, now + 10ull * t[i].div), 990);
		CHECK_EQ(rd(&vl, APIC_TIMER_INITIAL, now), 1000);
	}
}

TEST(vlapic_timer_one_shot)
{
	struct vlapic vl;

	setup_xapic(&vl, 0);
	wr(&vl, APIC_LVT_TIMER, TVEC, 0);
	wr(&vl, APIC_TIMER_DIVIDE, 0x1, 0); /* divide by 4 */
	wr(&vl, APIC_TIMER_INITIAL, 100, 1000);
	CHECK_EQ(vlapic_timer_next(&vl), 1400);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 1000), 100);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 1002), 99); /* (1400 - 1002) / 4 */
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 1004), 99);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 1200), 50);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 1396), 1);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 1500), 0); /* expired, not yet processed */
	CHECK(!vlapic_timer_due(&vl, 1399));
	CHECK(reg256_empty(&vl, APIC_IRR));
	CHECK(vlapic_timer_due(&vl, 1400));
	CHECK(bit256(&vl, APIC_IRR, TVEC));
	CHECK(!bit256(&vl, APIC_TMR, TVEC));
	CHECK_EQ(vlapic_timer_next(&vl), 0);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 1400), 0);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 2000), 0);
	CHECK(!vlapic_timer_due(&vl, 5000)); /* one-shot: once */
	CHECK_EQ(rd(&vl, APIC_TIMER_INITIAL, 2000), 100);

	/* a late check fires once, too */
	wr(&vl, APIC_TIMER_INITIAL, 10, 10000);
	CHECK_EQ(vlapic_timer_next(&vl), 10040);
	CHECK(vlapic_timer_due(&vl, 99999));
	CHECK_EQ(vlapic_timer_next(&vl), 0);

	/* rewriting the initial count restarts; 0 stops */
	wr(&vl, APIC_TIMER_INITIAL, 50, 20000);
	wr(&vl, APIC_TIMER_INITIAL, 70, 20100);
	CHECK_EQ(vlapic_timer_next(&vl), 20100 + 280);
	wr(&vl, APIC_TIMER_INITIAL, 0, 20150);
	CHECK_EQ(vlapic_timer_next(&vl), 0);
	CHECK(!vlapic_timer_due(&vl, 30000));
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 20150), 0);
}

TEST(vlapic_timer_masked_fires_silently)
{
	struct vlapic vl;

	setup_xapic(&vl, 0);
	wr(&vl, APIC_LVT_TIMER, APIC_LVT_MASKED | TVEC, 0);
	wr(&vl, APIC_TIMER_DIVIDE, 0xb, 0);
	wr(&vl, APIC_TIMER_INITIAL, 10, 100);
	CHECK_EQ(vlapic_timer_next(&vl), 110);
	CHECK(vlapic_timer_due(&vl, 110));
	CHECK(reg256_empty(&vl, APIC_IRR));
	CHECK_EQ(vlapic_timer_next(&vl), 0);
}

TEST(vlapic_timer_periodic)
{
	struct vlapic vl;

	setup_xapic(&vl, 0);
	wr(&vl, APIC_LVT_TIMER, (1u << 17) | TVEC, 0);
	wr(&vl, APIC_TIMER_DIVIDE, 0xb, 0); /* divide by 1 */
	wr(&vl, APIC_TIMER_INITIAL, 500, 10000);
	CHECK_EQ(vlapic_timer_next(&vl), 10500);
	CHECK(!vlapic_timer_due(&vl, 10499));
	CHECK(vlapic_timer_due(&vl, 10500));
	CHECK(bit256(&vl, APIC_IRR, TVEC));
	CHECK_EQ(vlapic_timer_next(&vl), 11000);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 10600), 400);
	vlapic_ack(&vl, TVEC);
	vlapic_eoi(&vl);
	CHECK(!vlapic_timer_due(&vl, 10999));
	CHECK(vlapic_timer_due(&vl, 11000));
	CHECK(bit256(&vl, APIC_IRR, TVEC));
	CHECK_EQ(vlapic_timer_next(&vl), 11500);
	/* checked late (but within the period): the period keeps its phase */
	CHECK(vlapic_timer_due(&vl, 11650));
	CHECK_EQ(vlapic_timer_next(&vl), 12000);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 11700), 300);

	/* divide by 8 */
	wr(&vl, APIC_TIMER_DIVIDE, 0x2, 11100);
	wr(&vl, APIC_TIMER_INITIAL, 25, 20000);
	CHECK_EQ(vlapic_timer_next(&vl), 20200);
	CHECK(vlapic_timer_due(&vl, 20200));
	CHECK_EQ(vlapic_timer_next(&vl), 20400);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 20240), 20);

	/* initial count 0 stops it */
	wr(&vl, APIC_TIMER_INITIAL, 0, 20300);
	CHECK_EQ(vlapic_timer_next(&vl), 0);
	CHECK(!vlapic_timer_due(&vl, 50000));
}

TEST(vlapic_timer_tsc_deadline)
{
	struct vlapic vl;

	setup_xapic(&vl, 0);
	wr(&vl, APIC_LVT_TIMER, (2u << 17) | TVEC, 0);
	CHECK_EQ(VLAPIC_TIMER_MODE(rd(&vl, APIC_LVT_TIMER, 0)), 2);
	/* SDM 11.5.4.1: initial-count writes ignored, current count reads 0 */
	wr(&vl, APIC_TIMER_DIVIDE, 0xb, 0);
	wr(&vl, APIC_TIMER_INITIAL, 1000, 100);
	CHECK_EQ(vlapic_timer_next(&vl), 0);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 200), 0);

	vlapic_tsc_deadline_write(&vl, 50000, 1000);
	CHECK_EQ(vlapic_timer_next(&vl), 50000);
	CHECK_EQ(vlapic_tsc_deadline_read(&vl), 50000);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 2000), 0);
	CHECK(!vlapic_timer_due(&vl, 49999));
	CHECK(reg256_empty(&vl, APIC_IRR));
	CHECK(vlapic_timer_due(&vl, 50000));
	CHECK(bit256(&vl, APIC_IRR, TVEC));
	CHECK_EQ(vlapic_timer_next(&vl), 0);
	CHECK_EQ(vlapic_tsc_deadline_read(&vl), 0);
	CHECK(!vlapic_timer_due(&vl, 60000));

	/* a deadline already passed fires at the next check */
	vlapic_ack(&vl, TVEC);
	vlapic_eoi(&vl);
	vlapic_tsc_deadline_write(&vl, 900, 1000);
	CHECK(vlapic_timer_next(&vl) != 0);
	CHECK(vlapic_timer_due(&vl, 1000));
	CHECK(bit256(&vl, APIC_IRR, TVEC));
	CHECK_EQ(vlapic_timer_next(&vl), 0);

	/* 0 disarms */
	vlapic_tsc_deadline_write(&vl, 70000, 1000);
	vlapic_tsc_deadline_write(&vl, 0, 1100);
	CHECK_EQ(vlapic_timer_next(&vl), 0);
	CHECK_EQ(vlapic_tsc_deadline_read(&vl), 0);
	CHECK(!vlapic_timer_due(&vl, 80000));

	/* masked: fires without an interrupt */
	vlapic_set_reg(&vl, APIC_IRR + (TVEC >> 5) * 16, 0);
	wr(&vl, APIC_LVT_TIMER, APIC_LVT_MASKED | (2u << 17) | TVEC, 0);
	vlapic_tsc_deadline_write(&vl, 90000, 1000);
	CHECK(vlapic_timer_due(&vl, 90001));
	CHECK(reg256_empty(&vl, APIC_IRR));
	CHECK_EQ(vlapic_tsc_deadline_read(&vl), 0);
}

/* SDM 11.5.4.1: outside TSC-deadline mode IA32_TSC_DEADLINE writes are ignored (and it reads 0);
 * switching between deadline and the other modes disarms the timer. */
TEST(vlapic_timer_mode_switches)
{
	struct vlapic vl;

	setup_xapic(&vl, 0);
	wr(&vl, APIC_LVT_TIMER, TVEC, 0); /* one-shot */
	vlapic_tsc_deadline_write(&vl, 5000, 100);
	CHECK_EQ(vlapic_timer_next(&vl), 0);
	CHECK_EQ(vlapic_tsc_deadline_read(&vl), 0);
	wr(&vl, APIC_TIMER_DIVIDE, 0xb, 0);
	wr(&vl, APIC_TIMER_INITIAL, 300, 100);
	vlapic_tsc_deadline_write(&vl, 5000, 150);
	CHECK_EQ(vlapic_timer_next(&vl), 400); /* the one-shot is untouched */

	/* one-shot -> deadline disarms */
	wr(&vl, APIC_LVT_TIMER, (2u << 17) | TVEC, 200);
	CHECK_EQ(vlapic_timer_next(&vl), 0);
	CHECK(!vlapic_timer_due(&vl, 1000));
	CHECK(reg256_empty(&vl, APIC_IRR));

	/* deadline -> periodic disarms */
	vlapic_tsc_deadline_write(&vl, 5000, 300);
	CHECK_EQ(vlapic_timer_next(&vl), 5000);
	wr(&vl, APIC_LVT_TIMER, (1u << 17) | TVEC, 400);
	CHECK_EQ(vlapic_timer_next(&vl), 0);
	CHECK_EQ(vlapic_tsc_deadline_read(&vl), 0);
	CHECK(!vlapic_timer_due(&vl, 6000));
	CHECK(reg256_empty(&vl, APIC_IRR));

	/* periodic -> deadline disarms too */
	wr(&vl, APIC_TIMER_INITIAL, 300, 7000);
	CHECK_EQ(vlapic_timer_next(&vl), 7300);
	wr(&vl, APIC_LVT_TIMER, (2u << 17) | TVEC, 7100);
	CHECK_EQ(vlapic_timer_next(&vl), 0);
}

TEST(vlapic_timer_x2apic_msrs)
{
	struct vlapic vl;

	setup_x2apic(&vl, 3);
	CHECK_EQ(vlapic_msr_write(&vl, 0x832, TVEC, 0), VLAPIC_OK);
	CHECK_EQ(vlapic_msr_write(&vl, 0x83e, 0x3, 0), VLAPIC_OK); /* divide by 16 */
	CHECK_EQ(vlapic_msr_write(&vl, 0x838, 10, 100), VLAPIC_OK);
	CHECK_EQ(vlapic_timer_next(&vl), 260);
	CHECK_EQ(msr_rd(&vl, 0x838, 120), 10);
	CHECK_EQ(msr_rd(&vl, 0x839, 100), 10);
	CHECK_EQ(msr_rd(&vl, 0x839, 180), 5);
	CHECK(vlapic_timer_due(&vl, 260));
	CHECK(bit256(&vl, APIC_IRR, TVEC));
	CHECK_EQ(msr_rd(&vl, 0x839, 300), 0);
}

/* ---- the page written by the CPU first ------------------------------------------------------ */

/* With APIC-register virtualization a guest's xAPIC write to ID, LDR, DFR, SVR, ESR, ICR, an LVT,
 * TMICT or DCR is stored in the virtual-APIC page by the CPU and then causes a trap-like
 * APIC-write VM exit (SDM Vol. 3C, 30.4.3.2-30.4.3.3); vmx/exit_apic.c then calls
 * vlapic_mmio_write() with the value already on the page. The result must be the same as for an
 * emulated write. */
static void apic_write(struct vlapic *vl, uint32_t off, uint32_t value, uint64_t now)
{
	vlapic_set_reg(vl, off, value);
	wr(vl, off, vlapic_reg(vl, off), now);
}

TEST(vlapic_apic_write_emulation_registers)
{
	struct vlapic vl;

	setup_xapic(&vl, 6);
	apic_write(&vl, APIC_ID, 0x09000000, 0);
	CHECK_EQ(rd(&vl, APIC_ID, 0), 6u << 24);
	apic_write(&vl, APIC_LDR, 0x12345678, 0);
	CHECK_EQ(rd(&vl, APIC_LDR, 0), 0x12000000);
	apic_write(&vl, APIC_DFR, 0, 0);
	CHECK_EQ(rd(&vl, APIC_DFR, 0), 0x0fffffff);
	apic_write(&vl, APIC_TIMER_DIVIDE, 0xffffffff, 0);
	CHECK_EQ(rd(&vl, APIC_TIMER_DIVIDE, 0), 0xb);
	apic_write(&vl, APIC_LVT_LINT0, 0xffffffff, 0);
	CHECK_EQ(rd(&vl, APIC_LVT_LINT0, 0), 0x1a7ff);
	vlapic_accept(&vl, 4, false);
	apic_write(&vl, APIC_ESR, 0x40, 0); /* the write latches the logged error, whatever it wrote */
	CHECK_EQ(rd(&vl, APIC_ESR, 0), 1u << 6);
	apic_write(&vl, APIC_ESR, 0x40, 0);
	CHECK_EQ(rd(&vl, APIC_ESR, 0), 0);
	apic_write(&vl, APIC_LVT_LINT0, 0x700, 0);
	apic_write(&vl, APIC_SVR, 0xff, 0);
	CHECK_EQ(rd(&vl, APIC_LVT_LINT0, 0), 0x10700);
	apic_write(&vl, APIC_LVT_LINT1, 0x400, 0);
	CHECK_EQ(rd(&vl, APIC_LVT_LINT1, 0), 0x10400);
	apic_write(&vl, APIC_SVR, 0x1ff, 0);
	apic_write(&vl, APIC_ICR_HI, 0x02ffffff, 0);
	vl.ipi_ready = false;
	apic_write(&vl, APIC_ICR_LO, 0x5041, 0);
	CHECK(vl.ipi_ready);
	CHECK_EQ(vl.ipi.dest, 2);
	CHECK_EQ(rd(&vl, APIC_ICR_LO, 0), 0x4041);
	apic_write(&vl, APIC_LVT_TIMER, TVEC, 0);
	apic_write(&vl, APIC_TIMER_INITIAL, 100, 1000);
	CHECK_EQ(vlapic_timer_next(&vl), 1100);
}

/* SDM 11.5.4.1 "Transitioning between TSC-deadline mode and other timer modes also disarms the
 * timer", also when the CPU stored the new LVT before the APIC-write exit. */
TEST(vlapic_apic_write_emulation_timer_mode_switch)
{
	struct vlapic vl;

	setup_xapic(&vl, 0);
	wr(&vl, APIC_TIMER_DIVIDE, 0xb, 0);
	apic_write(&vl, APIC_LVT_TIMER, TVEC, 0);
	wr(&vl, APIC_TIMER_INITIAL, 300, 100);
	CHECK_EQ(vlapic_timer_next(&vl), 400);
	apic_write(&vl, APIC_LVT_TIMER, (2u << 17) | TVEC, 200);
	CHECK_EQ(vlapic_timer_next(&vl), 0);
	CHECK(!vlapic_timer_due(&vl, 1000));
	CHECK(reg256_empty(&vl, APIC_IRR));

	setup_xapic(&vl, 0);
	wr(&vl, APIC_LVT_TIMER, (2u << 17) | TVEC, 0);
	vlapic_tsc_deadline_write(&vl, 5000, 300);
	CHECK_EQ(vlapic_timer_next(&vl), 5000);
	apic_write(&vl, APIC_LVT_TIMER, (1u << 17) | TVEC, 400);
	CHECK_EQ(vlapic_timer_next(&vl), 0);
	CHECK(!vlapic_timer_due(&vl, 6000));
	CHECK(reg256_empty(&vl, APIC_IRR));
}

/* apic.flat's "TMCCT should stay at zero": a one-shot timer past due, whose expiry was not
 * processed yet, expires before a later LVT write turns on periodic mode; it does not restart. */
TEST(vlapic_timer_past_due_one_shot_settles_before_mode_change)
{
	struct vlapic vl;

	setup_xapic(&vl, 0);
	wr(&vl, APIC_TIMER_DIVIDE, 0xb, 0); /* divide by 1 */
	wr(&vl, APIC_LVT_TIMER, TVEC, 0);
	wr(&vl, APIC_TIMER_INITIAL, 100, 1000);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 1200), 0);
	wr(&vl, APIC_LVT_TIMER, (1u << 17) | TVEC, 1300);
	CHECK(bit256(&vl, APIC_IRR, TVEC));
	CHECK_EQ(vlapic_timer_next(&vl), 0);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 1400), 0);
	CHECK(!vlapic_timer_due(&vl, 5000));
}

/* A periodic timer past due reads the count of the period running now, not 0. */
TEST(vlapic_timer_past_due_periodic_current_count)
{
	struct vlapic vl;

	setup_xapic(&vl, 0);
	wr(&vl, APIC_TIMER_DIVIDE, 0xb, 0);
	wr(&vl, APIC_LVT_TIMER, (1u << 17) | TVEC, 0);
	wr(&vl, APIC_TIMER_INITIAL, 100, 1000); /* fires at 1100, 1200, ... */
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 1050), 50);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 1130), 70);
	CHECK_EQ(rd(&vl, APIC_TIMER_CURRENT, 1290), 10);
}

/* A TSC write moves one-shot counting with it (the APIC's clock did not move), not a deadline. */
TEST(vlapic_timer_tsc_write_moves_counting_not_deadline)
{
	struct vlapic vl;

	setup_xapic(&vl, 0);
	wr(&vl, APIC_TIMER_DIVIDE, 0xb, 0);
	wr(&vl, APIC_TIMER_INITIAL, 100, 1000);
	vlapic_timer_clock_moved(&vl, 5000);
	CHECK_EQ(vlapic_timer_next(&vl), 6100);
	wr(&vl, APIC_LVT_TIMER, (2u << 17) | TVEC, 6000);
	vlapic_tsc_deadline_write(&vl, 9000, 6000);
	vlapic_timer_clock_moved(&vl, 5000);
	CHECK_EQ(vlapic_timer_next(&vl), 9000);
}

/* NMIs latch: two wait when nothing blocks them (one taken at once, one latched), one while the
 * guest's NMI handler runs; more are lost (SDM Vol. 3A, 6.7.1). apic.flat's "multiple nmi". */
TEST(vlapic_nmi_latch_counts_to_two)
{
	CHECK_EQ(vlapic_nmi_latch(0, 1, false), 1);
	CHECK_EQ(vlapic_nmi_latch(1, 1, false), 2);
	CHECK_EQ(vlapic_nmi_latch(2, 1, false), 2);
	CHECK_EQ(vlapic_nmi_latch(0, 7, false), 2);
	CHECK_EQ(vlapic_nmi_latch(2, 0, true), 1);
	CHECK_EQ(vlapic_nmi_latch(0, 0, true), 0);
	CHECK_EQ(vlapic_nmi_latch(0, 0xffffffffu, false), 2);
}
