/* tests/guests/vmtest/ioapic.c: the VM's I/O APIC end to end (apic/vioapic.c, vmx/vm_ioapic.c), its
 * input line driven through vm.testdev=on's port 0x2000 + pin: a level-triggered entry delivers,
 * holds remote IRR while the handler runs, and the local APIC's EOI clears it; a line still
 * asserted at the EOI delivers again; a masked entry delivers nothing until unmasked; a reserved
 * delivery mode sends nothing and a vector below 16 is an illegal vector at the APIC. vCPU 0,
 * xAPIC mode; needs vm.testdev=on, so `all` does not run it. */
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/trap.h"
#include "tests/guests/vmtest/vmtest.h"

#define IOAPIC 0xfec00000u
#define PIN 14
#define VEC 0x79
#define LINE_PORT (0x2000 + PIN)
#define RTE_LO (0x10 + 2 * PIN)
#define RTE_LEVEL (1u << 15)
#define RTE_MASKED (1u << 16)
#define RTE_REMOTE_IRR (1u << 14)

static volatile uint32_t hits, irr_in_handler, lower_after;

static uint32_t ioapic_read(uint32_t reg)
{
	mmio_write32(IOAPIC, reg);
	return mmio_read32(IOAPIC + 0x10);
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(IOAPIC, reg);
	mmio_write32(IOAPIC + 0x10, v);
}

/* Lowers the line once it has run `lower_after` times, then EOIs. */
static bool on_irq(struct trap_frame *f)
{
	hits++;
	irr_in_handler = ioapic_read(RTE_LO) & RTE_REMOTE_IRR;
	if (hits >= lower_after)
		outb(LINE_PORT, 0);
	apic_eoi();
	return true;
}

/* The interrupt comes at the VM entry after the OUT: a few instructions with IF set take it. */
static void raise_line(void)
{
	outb(LINE_PORT, 1);
	irq_enable();
	for (volatile int i = 0; i < 1000; i++)
		;
	irq_disable();
}

void suite_ioapic(void)
{
	apic_sw_enable();
	trap_set_hook(VEC, on_irq);
	check_hex("ioapic.version", "I/O APIC version register", ioapic_read(1), 0x00170011);
	ioapic_write(RTE_LO + 1, apic_id() << 24);
	ioapic_write(RTE_LO, RTE_LEVEL | VEC);
	hits = 0, lower_after = 1;
	raise_line();
	check_hex("ioapic.level", "interrupts taken for one level assertion", hits, 1);
	check_hex("ioapic.remote_irr_held", "remote IRR in the handler", irr_in_handler,
		  RTE_REMOTE_IRR);
	check_hex("ioapic.remote_irr_eoi", "remote IRR after the EOI", ioapic_read(RTE_LO) &
		  RTE_REMOTE_IRR, 0);
	hits = 0, lower_after = 3; /* the line stays up through two EOIs */
	raise_line();
	check_hex("ioapic.level_again", "deliveries while the line stayed asserted", hits, 3);
	ioapic_write(RTE_LO, RTE_MASKED | RTE_LEVEL | VEC);
	hits = 0, lower_after = 1;
	raise_line();
	check_hex("ioapic.masked", "deliveries while masked", hits, 0);
	outb(LINE_PORT, 1);
	ioapic_write(RTE_LO, RTE_LEVEL | VEC); /* unmasking an asserted line delivers */
	irq_enable();
	for (volatile int i = 0; i < 1000; i++)
		;
	irq_disable();
	check_hex("ioapic.unmasked", "deliveries after unmasking the asserted line", hits, 1);
	outb(LINE_PORT, 0);

	/* Bad entries get what the hardware does (the hypervisor says so at loglevel=debug): a
	 * reserved delivery mode (3) sends nothing; a fixed vector below 16 reaches the local APIC,
	 * which takes no interrupt and sets ESR's "received illegal vector" (SDM Vol. 3A, 11.5.3). */
	ioapic_write(RTE_LO, (3u << 8) | VEC);
	hits = 0, lower_after = 1;
	raise_line();
	outb(LINE_PORT, 0);
	check_hex("ioapic.reserved_mode", "deliveries with delivery mode 3 (reserved)", hits, 0);
	apic_write(APIC_ESR, 0);
	ioapic_write(RTE_LO, 5); /* fixed, edge, vector 5 (#BR's): a fault here fails the suite */
	raise_line();
	outb(LINE_PORT, 0);
	apic_write(APIC_ESR, 0); /* a write latches the errors seen since the last one */
	check_hex("ioapic.illegal_vector", "ESR after vector 5 from the I/O APIC",
		  apic_read(APIC_ESR) & 0x40, 0x40);
	ioapic_write(RTE_LO, RTE_MASKED);
	trap_set_hook(VEC, 0);
}
