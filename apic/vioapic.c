/* apic/vioapic.c: the virtual 82093AA I/O APIC (see apic/vioapic.h). Runs on the CPU of
 * whichever vCPU touched it or raised a line, under the VM's device lock. */
#include "apic/vioapic.h"
#include "lib/log.h"
#include "lib/string.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define REG_ID 0x00
#define REG_VERSION 0x01
#define REG_ARB 0x02
#define REG_RTE0 0x10
/* What a write may change: everything but delivery status and remote IRR (read-only) and the
 * reserved bits 55:17. */
#define RTE_WRITABLE ((0xff00000000000000ull | 0x1ffffull) & ~(VIOAPIC_RTE_DELIVS | VIOAPIC_RTE_REMOTE_IRR))
#define ROUTE_BITS (VIOAPIC_RTE_VECTOR | 0x700ull | VIOAPIC_RTE_LOGICAL | VIOAPIC_RTE_LEVEL | \
		    VIOAPIC_RTE_MASKED | 0xff00000000000000ull)

void vioapic_init(struct vioapic *io, const struct vioapic_ops *ops)
{
	memset(io, 0, sizeof(*io));
	io->ops = *ops;
	for (unsigned i = 0; i < VIOAPIC_PINS; i++)
		io->rte[i] = VIOAPIC_RTE_MASKED;
}

static bool sends_fixed(unsigned dm)
{
	return dm == VIOAPIC_DM_FIXED || dm == VIOAPIC_DM_LOWEST;
}

static bool sends_anything(unsigned dm)
{
	return sends_fixed(dm) || dm == VIOAPIC_DM_NMI || dm == VIOAPIC_DM_INIT;
}

/* One message for `pin` (its entry unmasked). Level entries set remote IRR: the local APIC
 * accepted it (every message here is accepted; a vCPU's APIC never refuses one). */
static void send(struct vioapic *io, unsigned pin)
{
	uint64_t r = io->rte[pin];
	unsigned dm = VIOAPIC_RTE_DELMOD(r);

	if (!sends_anything(dm))
		return;
	struct vioapic_msg m = { (uint8_t)(r & VIOAPIC_RTE_VECTOR), (uint8_t)dm,
				 (r & VIOAPIC_RTE_LOGICAL) != 0, VIOAPIC_RTE_DEST(r),
				 (r & VIOAPIC_RTE_LEVEL) != 0 };
	if (m.level && sends_fixed(dm))
		io->rte[pin] |= VIOAPIC_RTE_REMOTE_IRR;
	io->ops.deliver(io->ops.ctx, &m);
}

/* A level entry sends while its line is asserted, it is unmasked and remote IRR is clear. */
static void level_check(struct vioapic *io, unsigned pin)
{
	uint64_t r = io->rte[pin];

	if ((r & VIOAPIC_RTE_LEVEL) && !(r & (VIOAPIC_RTE_MASKED | VIOAPIC_RTE_REMOTE_IRR)) &&
	    (io->asserted & (1u << pin)))
		send(io, pin);
}

static void log_bad_entry(unsigned pin, uint64_t r)
{
	unsigned dm = VIOAPIC_RTE_DELMOD(r), vec = (unsigned)(r & VIOAPIC_RTE_VECTOR);

	if (r & VIOAPIC_RTE_MASKED)
		return;
	if (dm == 3 || dm == 6)
		log_debug("ioapic: pin %u: reserved delivery mode %u: nothing is sent", pin, dm);
	else if (dm == VIOAPIC_DM_SMI)
		log_debug("ioapic: pin %u: SMI delivery: ignored, the VM has no SMM", pin);
	else if (dm == VIOAPIC_DM_EXTINT)
		log_debug("ioapic: pin %u: ExtINT delivery: ignored, the VM has no 8259 to give a "
			  "vector", pin);
	else if (sends_fixed(dm) && vec < 16)
		log_debug("ioapic: pin %u: vector %u is below 16: the local APIC will report an "
			  "illegal vector", pin, vec);
}

static void write_rte(struct vioapic *io, unsigned pin, bool high, uint32_t value)
{
	uint64_t old = io->rte[pin], w = high ? (uint64_t)value << 32 | (old & 0xffffffffu)
					      : (old & ~0xffffffffull) | value;
	uint64_t r = (old & ~RTE_WRITABLE) | (w & RTE_WRITABLE);

	if (!(r & VIOAPIC_RTE_LEVEL))
		r &= ~VIOAPIC_RTE_REMOTE_IRR; /* remote IRR is undefined for edge entries: 0 */
	io->rte[pin] = r;
	if (!high)
		log_bad_entry(pin, r);
	if (((old ^ r) & ROUTE_BITS) && io->ops.routes_changed)
		io->ops.routes_changed(io->ops.ctx);
	level_check(io, pin); /* an unmasked level line that is asserted sends now */
}

static uint32_t read_reg(const struct vioapic *io, uint32_t reg)
{
	if (reg == REG_ID || reg == REG_ARB)
		return (uint32_t)io->id << 24; /* the arbitration id is loaded from the id */
	if (reg == REG_VERSION)
		return (uint32_t)(VIOAPIC_PINS - 1) << 16 | VIOAPIC_VERSION;
	if (reg >= REG_RTE0 && reg < REG_RTE0 + 2 * VIOAPIC_PINS) {
		uint64_t r = io->rte[(reg - REG_RTE0) / 2];
		return (reg & 1) ? (uint32_t)(r >> 32) : (uint32_t)r;
	}
	return 0xffffffffu;
}

uint32_t vioapic_mmio_read(struct vioapic *io, uint64_t offset, unsigned size)
{
	if (size != 4)
		return 0xffffffffu;
	if (offset == IOREGSEL)
		return io->ioregsel;
	if (offset == IOWIN)
		return read_reg(io, io->ioregsel);
	return 0xffffffffu;
}

void vioapic_mmio_write(struct vioapic *io, uint64_t offset, unsigned size, uint32_t value)
{
	if (size != 4)
		return;
	if (offset == IOREGSEL) {
		io->ioregsel = value & 0xff;
		return;
	}
	if (offset != IOWIN)
		return;
	uint32_t reg = io->ioregsel;
	if (reg == REG_ID)
		io->id = (value >> 24) & 0x0f; /* bits 27:24 */
	else if (reg >= REG_RTE0 && reg < REG_RTE0 + 2 * VIOAPIC_PINS)
		write_rte(io, (reg - REG_RTE0) / 2, reg & 1, value);
	/* version and arbitration are read-only; other registers do not exist */
}

void vioapic_set_irq(struct vioapic *io, unsigned pin, bool asserted)
{
	if (pin >= VIOAPIC_PINS)
		return;
	uint32_t bit = 1u << pin;
	bool was = io->asserted & bit;
	io->asserted = asserted ? io->asserted | bit : io->asserted & ~bit;
	uint64_t r = io->rte[pin];
	if (r & VIOAPIC_RTE_LEVEL)
		level_check(io, pin);
	else if (asserted && !was && !(r & VIOAPIC_RTE_MASKED))
		send(io, pin); /* a rising edge */
}

void vioapic_eoi(struct vioapic *io, uint8_t vector)
{
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		uint64_t r = io->rte[pin];
		if (!(r & VIOAPIC_RTE_REMOTE_IRR) || (r & VIOAPIC_RTE_VECTOR) != vector)
			continue;
		io->rte[pin] = r & ~VIOAPIC_RTE_REMOTE_IRR;
		level_check(io, pin);
	}
}

void vioapic_level_vectors(const struct vioapic *io, vioapic_match_fn match, void *ctx,
			   uint64_t out[4])
{
	memset(out, 0, 4 * sizeof(out[0]));
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		uint64_t r = io->rte[pin];
		if (!(r & VIOAPIC_RTE_LEVEL) || (r & VIOAPIC_RTE_MASKED) ||
		    !sends_fixed(VIOAPIC_RTE_DELMOD(r)))
			continue;
		if (!match(ctx, VIOAPIC_RTE_DEST(r), (r & VIOAPIC_RTE_LOGICAL) != 0))
			continue;
		unsigned vec = (unsigned)(r & VIOAPIC_RTE_VECTOR);
		out[vec / 64] |= 1ull << (vec % 64);
	}
}
