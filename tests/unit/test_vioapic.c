/* tests/unit/test_vioapic.c: the VM's I/O APIC model (82093AA register interface, edge and
 * level delivery, remote IRR and EOI, masking, bad entries, the level-vector sets). */
#include "apic/vioapic.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/test.h"

struct sink {
	unsigned n, routes;
	struct vioapic_msg last;
};

static void deliver(void *ctx, const struct vioapic_msg *m)
{
	struct sink *s = ctx;

	s->n++;
	s->last = *m;
}

static void routes(void *ctx)
{
	((struct sink *)ctx)->routes++;
}

static void setup(struct vioapic *io, struct sink *s)
{
	struct vioapic_ops ops = { deliver, routes, s };

	memset(s, 0, sizeof(*s));
	vioapic_init(io, &ops);
}

static uint32_t reg_read(struct vioapic *io, uint32_t reg)
{
	vioapic_mmio_write(io, 0x00, 4, reg);
	return vioapic_mmio_read(io, 0x10, 4);
}

static void reg_write(struct vioapic *io, uint32_t reg, uint32_t v)
{
	vioapic_mmio_write(io, 0x00, 4, reg);
	vioapic_mmio_write(io, 0x10, 4, v);
}

static void rte_write(struct vioapic *io, unsigned pin, uint64_t r)
{
	reg_write(io, 0x11 + 2 * pin, (uint32_t)(r >> 32));
	reg_write(io, 0x10 + 2 * pin, (uint32_t)r);
}

static uint64_t rte_read(struct vioapic *io, unsigned pin)
{
	return (uint64_t)reg_read(io, 0x11 + 2 * pin) << 32 | reg_read(io, 0x10 + 2 * pin);
}

TEST(vioapic_id_version_arbitration_reset)
{
	struct vioapic io;
	struct sink s;

	setup(&io, &s);
	CHECK_EQ(reg_read(&io, 0x01), 0x00170011); /* version 0x11, max redirection entry 23 */
	CHECK_EQ(reg_read(&io, 0x00), 0);
	reg_write(&io, 0x00, 0xff000000u);
	CHECK_EQ(reg_read(&io, 0x00), 0x0f000000u); /* 4-bit id */
	CHECK_EQ(reg_read(&io, 0x02), 0x0f000000u); /* arbitration id follows the id */
	reg_write(&io, 0x01, 0);
	CHECK_EQ(reg_read(&io, 0x01), 0x00170011); /* read-only */
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
		CHECK_EQ(rte_read(&io, pin), VIOAPIC_RTE_MASKED);
	CHECK_EQ(reg_read(&io, 0x10 + 2 * 24), 0xffffffffu); /* no entry 24 */
	CHECK_EQ(vioapic_mmio_read(&io, 0x00, 4), 0x10 + 2 * 24);
	CHECK_EQ(vioapic_mmio_read(&io, 0x10, 1), 0xffffffffu); /* 32-bit accesses only */
	CHECK_EQ(vioapic_mmio_read(&io, 0x20, 4), 0xffffffffu);
}

TEST(vioapic_rte_fields_and_read_only_bits)
{
	struct vioapic io;
	struct sink s;

	setup(&io, &s);
	/* vector 0x31, lowest priority, logical, active low, level, masked, dest 0x0f, plus the
	 * read-only delivery status and remote IRR and reserved bits 55:17 set by the guest */
	rte_write(&io, 5, 0x0f00000000000000ull | 0x00fffe0000000000ull | 0x1ff31ull);
	CHECK_EQ(rte_read(&io, 5), 0x0f00000000000000ull | 0x1af31ull);
	CHECK(s.routes > 0);
	CHECK_EQ(s.n, 0); /* masked */
}

TEST(vioapic_edge_sends_on_rising_edges_only)
{
	struct vioapic io;
	struct sink s;

	setup(&io, &s);
	vioapic_set_irq(&io, 4, true); /* masked: the edge is lost */
	vioapic_set_irq(&io, 4, false);
	rte_write(&io, 4, 0x0300000000000000ull | 0x24); /* fixed, physical, dest 3 */
	CHECK_EQ(s.n, 0);
	vioapic_set_irq(&io, 4, true);
	CHECK_EQ(s.n, 1);
	CHECK_EQ(s.last.vector, 0x24);
	CHECK_EQ(s.last.delivery, VIOAPIC_DM_FIXED);
	CHECK_EQ(s.last.dest, 3);
	CHECK(!s.last.logical);
	CHECK(!s.last.level);
	vioapic_set_irq(&io, 4, true); /* still high: no new edge */
	CHECK_EQ(s.n, 1);
	vioapic_eoi(&io, 0x24);
	CHECK_EQ(s.n, 1); /* an EOI does nothing for edge entries */
	CHECK_EQ(rte_read(&io, 4) & VIOAPIC_RTE_REMOTE_IRR, 0);
	vioapic_set_irq(&io, 4, false);
	vioapic_set_irq(&io, 4, true);
	CHECK_EQ(s.n, 2);
}

TEST(vioapic_level_remote_irr_and_eoi)
{
	struct vioapic io;
	struct sink s;

	setup(&io, &s);
	rte_write(&io, 9, VIOAPIC_RTE_LEVEL | VIOAPIC_RTE_LOGICAL | 0x0100000000000000ull | 0x39);
	vioapic_set_irq(&io, 9, true);
	CHECK_EQ(s.n, 1);
	CHECK(s.last.level);
	CHECK(s.last.logical);
	CHECK(rte_read(&io, 9) & VIOAPIC_RTE_REMOTE_IRR);
	vioapic_set_irq(&io, 9, true); /* asserted, remote IRR set: nothing more */
	CHECK_EQ(s.n, 1);
	vioapic_eoi(&io, 0x38); /* another vector */
	CHECK(rte_read(&io, 9) & VIOAPIC_RTE_REMOTE_IRR);
	vioapic_eoi(&io, 0x39); /* the line is still asserted: sent again */
	CHECK_EQ(s.n, 2);
	CHECK(rte_read(&io, 9) & VIOAPIC_RTE_REMOTE_IRR);
	vioapic_set_irq(&io, 9, false);
	vioapic_eoi(&io, 0x39);
	CHECK_EQ(s.n, 2);
	CHECK_EQ(rte_read(&io, 9) & VIOAPIC_RTE_REMOTE_IRR, 0);
}

TEST(vioapic_unmasking_an_asserted_level_line_sends)
{
	struct vioapic io;
	struct sink s;

	setup(&io, &s);
	rte_write(&io, 2, VIOAPIC_RTE_LEVEL | VIOAPIC_RTE_MASKED | 0x40);
	vioapic_set_irq(&io, 2, true);
	CHECK_EQ(s.n, 0);
	rte_write(&io, 2, VIOAPIC_RTE_LEVEL | 0x40);
	CHECK_EQ(s.n, 1);
	/* masking with remote IRR set keeps it; switching to edge clears it */
	rte_write(&io, 2, VIOAPIC_RTE_LEVEL | VIOAPIC_RTE_MASKED | 0x40);
	CHECK(rte_read(&io, 2) & VIOAPIC_RTE_REMOTE_IRR);
	rte_write(&io, 2, VIOAPIC_RTE_MASKED | 0x40);
	CHECK_EQ(rte_read(&io, 2) & VIOAPIC_RTE_REMOTE_IRR, 0);
}

TEST(vioapic_delivery_modes_and_bad_entries)
{
	struct vioapic io;
	struct sink s;

	setup(&io, &s);
	rte_write(&io, 1, (uint64_t)VIOAPIC_DM_NMI << 8);
	vioapic_set_irq(&io, 1, true);
	CHECK_EQ(s.n, 1);
	CHECK_EQ(s.last.delivery, VIOAPIC_DM_NMI);
	rte_write(&io, 3, (uint64_t)VIOAPIC_DM_INIT << 8);
	vioapic_set_irq(&io, 3, true);
	CHECK_EQ(s.last.delivery, VIOAPIC_DM_INIT);
	CHECK_EQ(s.n, 2);
	test_log_clear();
	const unsigned silent[] = { VIOAPIC_DM_SMI, 3, 6, VIOAPIC_DM_EXTINT };
	for (unsigned i = 0; i < 4; i++) {
		rte_write(&io, 10 + i, (uint64_t)silent[i] << 8 | 0x50);
		vioapic_set_irq(&io, 10 + i, true);
	}
	CHECK_EQ(s.n, 2); /* none of them sends */
	CHECK(test_log_find("pin 11: reserved delivery mode 3") != 0);
	CHECK(test_log_find("pin 12: reserved delivery mode 6") != 0);
	CHECK(test_log_find("pin 10: SMI") != 0);
	CHECK(test_log_find("pin 13: ExtINT") != 0);
	rte_write(&io, 14, 0x05); /* vector 5: sent; the local APIC reports it */
	CHECK(test_log_find("pin 14: vector 5 is below 16") != 0);
	vioapic_set_irq(&io, 14, true);
	CHECK_EQ(s.n, 3);
	CHECK_EQ(s.last.vector, 5);
	vioapic_set_irq(&io, 24, true); /* no such pin */
	CHECK_EQ(s.n, 3);
}

static bool dest_is_two(void *ctx, uint8_t dest, bool logical)
{
	return !logical && dest == 2;
}

TEST(vioapic_level_vectors_per_destination)
{
	struct vioapic io;
	struct sink s;
	uint64_t set[4];

	setup(&io, &s);
	rte_write(&io, 0, VIOAPIC_RTE_LEVEL | 0x0200000000000000ull | 0x41);
	rte_write(&io, 1, VIOAPIC_RTE_LEVEL | 0x0300000000000000ull | 0x42); /* other vCPU */
	rte_write(&io, 2, 0x0200000000000000ull | 0x43);                     /* edge */
	rte_write(&io, 3, VIOAPIC_RTE_LEVEL | VIOAPIC_RTE_MASKED | 0x0200000000000000ull | 0x44);
	rte_write(&io, 4, VIOAPIC_RTE_LEVEL | 0x02000000000000ffull);
	rte_write(&io, 5, VIOAPIC_RTE_LEVEL | (uint64_t)VIOAPIC_DM_NMI << 8 |
			      0x0200000000000000ull | 0x45);
	vioapic_level_vectors(&io, dest_is_two, 0, set);
	CHECK_EQ(set[1], 1ull << 1);
	CHECK_EQ(set[0] | set[2], 0);
	CHECK_EQ(set[3], 1ull << 63);
}

#include "vmx/mmio_ranges.h"

TEST(mmio_ranges_find_and_refuse_overlaps)
{
	struct mmio_ranges t = { .count = 0 };
	struct mmio_range a = { 0xfec00000ull, 0x1000, "ioapic", 0, 0, 0 };
	struct mmio_range b = { 0xfec00800ull, 0x1000, "other", 0, 0, 0 };
	struct mmio_range c = { 0xfed00000ull, 0, "empty", 0, 0, 0 };

	CHECK(mmio_ranges_register(&t, &a));
	CHECK(!mmio_ranges_register(&t, &b));
	CHECK(!mmio_ranges_register(&t, &c));
	CHECK(mmio_ranges_find(&t, 0xfec00000ull) == &t.range[0]);
	CHECK(mmio_ranges_find(&t, 0xfec00fffull) == &t.range[0]);
	CHECK(mmio_ranges_find(&t, 0xfec01000ull) == 0);
	CHECK(mmio_ranges_find(&t, 0xfebfffffull) == 0);
}
