/* apic/vioapic.h: the VM's I/O APIC, an Intel 82093AA (82093AA I/O APIC datasheet, 3.0
 * "Register Description"): IOREGSEL at base+0x00 and IOWIN at base+0x10; the ID, version
 * (0x11, 24 entries: maximum redirection entry 23) and arbitration registers; 24 redirection
 * entries with vector, delivery mode, destination mode, delivery status, polarity, remote IRR,
 * trigger mode, mask and an 8-bit destination.
 *
 * Devices drive its input pins as lines (vioapic_set_irq: asserted or not): an edge-triggered
 * entry sends one message per rising edge while unmasked (an edge on a masked pin is lost, as
 * the datasheet says); a level-triggered one sends while the line is asserted and remote IRR is
 * clear, sets remote IRR, and vioapic_eoi() of its vector (the local APIC's EOI broadcast)
 * clears it, so a line still asserted sends again. Polarity is kept as written: the devices
 * here drive the logical "asserted" state, so it changes nothing. Delivery status stays 0 (a
 * message is never held back).
 *
 * The message goes to a callback that finds the local APICs (vmx/ matches the 8-bit destination
 * with apic/vlapic_dest.c in either APIC mode: Linux without interrupt remapping puts an x2APIC
 * id below 255 there). Bad entries get what the hardware does: a vector below 16 is sent and the
 * receiving local APIC reports "received illegal vector"; the reserved delivery modes 3 and 6,
 * SMI (no SMM here) and ExtINT (there is no 8259 to supply a vector) send nothing. Each such
 * unmasked entry gets a debug line when written. Pure (host-tested); the VM's device lock is
 * held by every caller. */
#ifndef GUEST_VIOAPIC_H
#define GUEST_VIOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define VIOAPIC_BASE 0xfec00000ull
#define VIOAPIC_SIZE 0x1000ull
#define VIOAPIC_PINS 24
#define VIOAPIC_VERSION 0x11

/* Redirection entry bits (datasheet 3.2.4, "IOREDTBL"). */
#define VIOAPIC_RTE_VECTOR 0xffull
#define VIOAPIC_RTE_DELMOD(r) ((unsigned)((r) >> 8) & 7)
#define VIOAPIC_RTE_LOGICAL (1ull << 11)
#define VIOAPIC_RTE_DELIVS (1ull << 12)
#define VIOAPIC_RTE_POLARITY_LOW (1ull << 13)
#define VIOAPIC_RTE_REMOTE_IRR (1ull << 14)
#define VIOAPIC_RTE_LEVEL (1ull << 15)
#define VIOAPIC_RTE_MASKED (1ull << 16)
#define VIOAPIC_RTE_DEST(r) ((uint8_t)((r) >> 56))

enum vioapic_delivery {
	VIOAPIC_DM_FIXED = 0,
	VIOAPIC_DM_LOWEST = 1,
	VIOAPIC_DM_SMI = 2,
	VIOAPIC_DM_NMI = 4,
	VIOAPIC_DM_INIT = 5,
	VIOAPIC_DM_EXTINT = 7,
};

/* One interrupt message to the local APICs. */
struct vioapic_msg {
	uint8_t vector;
	uint8_t delivery; /* fixed, lowest priority, NMI or INIT */
	bool logical;
	uint8_t dest;
	bool level;
};

struct vioapic_ops {
	void (*deliver)(void *ctx, const struct vioapic_msg *m);
	/* A redirection entry changed its vector, trigger mode, mask or destination: the vCPUs'
	 * lists of level-triggered vectors (their EOI-exit bitmaps) must be looked at again. */
	void (*routes_changed)(void *ctx);
	void *ctx;
};

struct vioapic {
	uint32_t ioregsel;
	uint8_t id;
	uint64_t rte[VIOAPIC_PINS];
	uint32_t asserted; /* input lines asserted now, one bit per pin */
	struct vioapic_ops ops;
};

/* Reset: ID 0, every entry masked (datasheet: "all bits 0 except the mask bits"). */
void vioapic_init(struct vioapic *io, const struct vioapic_ops *ops);
/* A 4-byte access at `offset` in its page (other sizes and offsets: reads all-ones, writes
 * dropped, as the datasheet defines only 32-bit accesses to the two registers). */
uint32_t vioapic_mmio_read(struct vioapic *io, uint64_t offset, unsigned size);
void vioapic_mmio_write(struct vioapic *io, uint64_t offset, unsigned size, uint32_t value);
/* A device's line to input `pin`; pins past 23 are ignored. */
void vioapic_set_irq(struct vioapic *io, unsigned pin, bool asserted);
/* A local APIC's EOI of a level-triggered `vector`: clears remote IRR of the level entries with
 * that vector, and sends again for each whose line is still asserted. */
void vioapic_eoi(struct vioapic *io, uint8_t vector);
/* The vectors of the unmasked level-triggered fixed and lowest-priority entries whose
 * destination `match` accepts, as a 256-bit set (what goes into one vCPU's EOI-exit bitmap). */
typedef bool (*vioapic_match_fn)(void *ctx, uint8_t dest, bool logical);
void vioapic_level_vectors(const struct vioapic *io, vioapic_match_fn match, void *ctx,
			   uint64_t out[4]);

#endif
