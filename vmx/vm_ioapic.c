/* vmx/vm_ioapic.c: the I/O APIC's hookup in VMX (see vmx/vm_ioapic.h). Its register accesses
 * and lines run on whichever CPU touched them, under the VM's device lock; what reaches a vCPU
 * is a request to it (vmx/vapic_irq.c), and its VMCS is only ever written on its own CPU. */
#include "apic/vioapic.h"
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/mmio_ranges.h"
#include "vmx/vapic.h"
#include "vmx/vcpu.h"
#include "vmx/vm_ioapic.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

/* An I/O APIC message carries an 8-bit destination, matched as an xAPIC sender's would be: in
 * x2APIC mode that is the x2APIC id zero-extended (Linux uses it so below 255 ids without
 * interrupt remapping), 0xff the broadcast (apic/vlapic_dest.c). */
static bool targets(const struct vcpu *t, const void *msg)
{
	const struct vioapic_msg *m = msg;

	return vlapic_match_dest(&t->apic, m->dest, m->logical, false);
}

static void send_to(struct vcpu *t, const struct vioapic_msg *m)
{
	switch (m->delivery) {
	case VIOAPIC_DM_NMI:
		vapic_request_nmi(t);
		break;
	case VIOAPIC_DM_INIT:
		vapic_request_init(t);
		break;
	default:
		if (m->level)
			vapic_request_level(t, m->vector);
		else
			vapic_request_fixed(t, m->vector);
	}
}

static void deliver(void *ctx, const struct vioapic_msg *m)
{
	struct vm *vm = ctx;

	if (m->delivery == VIOAPIC_DM_LOWEST) {
		struct vcpu *t = vapic_lowest_priority(vm, targets, m);
		if (t)
			send_to(t, m);
		return;
	}
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if (targets(vm->vcpus[i], m))
			send_to(vm->vcpus[i], m);
}

/* Every vCPU looks at its EOI-exit bitmap again, on its own CPU. */
static void routes_changed(void *ctx)
{
	struct vm *vm = ctx;

	if (!vmx_host_controls()->has_vid)
		return; /* every EOI exits: there is no bitmap */
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct vcpu *t = vm->vcpus[i];
		__atomic_store_n(&t->eoi_rescan, true, __ATOMIC_SEQ_CST);
		vcpu_note_request(t);
		vcpu_kick(t);
	}
}

static uint64_t mmio_read(void *dev, uint64_t offset, unsigned size)
{
	return vioapic_mmio_read(dev, offset, size);
}

static void mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
	vioapic_mmio_write(dev, offset, size, (uint32_t)value);
}

bool vm_ioapic_register(struct vm *vm)
{
	const struct vioapic_ops ops = { deliver, routes_changed, vm };
	const struct mmio_range r = { VIOAPIC_BASE, VIOAPIC_SIZE, "I/O APIC", mmio_read,
				      mmio_write, &vm->ioapic };

	vioapic_init(&vm->ioapic, &ops);
	return mmio_ranges_register(&vm->mmio, &r);
}

void vm_ioapic_reset(struct vm *vm)
{
	const struct vioapic_ops ops = vm->ioapic.ops;

	vioapic_init(&vm->ioapic, &ops);
}

void vm_ioapic_set_irq(struct vm *vm, unsigned pin, bool asserted)
{
	vioapic_set_irq(&vm->ioapic, pin, asserted);
}

static void level_eoi(struct vcpu *v, uint8_t vector)
{
	vm_lock_devices(v->vm);
	vioapic_eoi(&v->vm->ioapic, vector);
	vm_unlock_devices(v->vm);
}

void vapic_forward_level_eoi(struct vcpu *v)
{
	if (!v->apic.level_eoi_ready)
		return;
	struct vlapic *apic = vcpu_apic(v);

	apic->level_eoi_ready = false;
	level_eoi(v, apic->level_eoi_vector);
}

void exit_virtualized_eoi(struct vcpu *v)
{
	uint8_t vector = (uint8_t)vmcs_read_natural(VMCS_EXIT_QUALIFICATION);

	vlapic_virtualized_eoi(vcpu_apic(v), vector);
	level_eoi(v, vector);
	v->apic_dirty = true;
}

static void write_bitmap(struct vcpu *v, const uint64_t set[4])
{
	static const uint32_t fields[4] = { VMCS_EOI_EXIT_BITMAP0, VMCS_EOI_EXIT_BITMAP1,
					    VMCS_EOI_EXIT_BITMAP2, VMCS_EOI_EXIT_BITMAP3 };

	vcpu_assert_owner(v, "the EOI-exit bitmap");
	for (unsigned w = 0; w < 4; w++) {
		if (set[w] == v->eoi_exit[w])
			continue;
		v->eoi_exit[w] = set[w];
		vmcs_write64(fields[w], set[w]);
	}
}

static bool routed_here(void *ctx, uint8_t dest, bool logical)
{
	const struct vcpu *v = ctx;

	return vlapic_match_dest(&v->apic, dest, logical, false);
}

/* The level vectors routed here now, and the level ones accepted here and not yet EOIed (TMR
 * with IRR or ISR): the EOI of one whose entry was re-routed meanwhile must still reach the I/O
 * APIC (kvm-unit-tests' ioapic "Reconfigure self" cases). */
void vapic_eoi_exit_rescan(struct vcpu *v)
{
	uint64_t set[4];

	if (!vmx_host_controls()->has_vid)
		return;
	vm_lock_devices(v->vm);
	vioapic_level_vectors(&v->vm->ioapic, routed_here, v, set);
	vm_unlock_devices(v->vm);
	for (unsigned w = 0; w < 4; w++) {
		for (unsigned d = 0; d < 2; d++) {
			uint32_t off = (w * 2 + d) * 16;
			uint32_t live = vlapic_reg(&v->apic, APIC_ISR + off) |
					vlapic_reg(&v->apic, APIC_IRR + off);
			set[w] |= (uint64_t)(vlapic_reg(&v->apic, APIC_TMR + off) & live) << (32 * d);
		}
	}
	write_bitmap(v, set);
	log_debug("%s: vCPU %u: EOI-exit bitmap %016lx %016lx %016lx %016lx", v->vm->name, v->id,
		  set[3], set[2], set[1], set[0]);
}

void vapic_eoi_exit_add(struct vcpu *v, uint8_t vector)
{
	uint64_t set[4] = { v->eoi_exit[0], v->eoi_exit[1], v->eoi_exit[2], v->eoi_exit[3] };

	if (!vmx_host_controls()->has_vid)
		return;
	set[vector / 64] |= 1ull << (vector % 64);
	write_bitmap(v, set);
}
