/* vmx/exit_apic.c: the VM exits of the virtual APIC: APIC-access exits (an xAPIC access the CPU
 * does not virtualize: fault-like, so the instruction is decoded and emulated), APIC-write exits
 * (trap-like: the CPU already stored the value in the virtual-APIC page), EPT violations on an
 * APIC page the CPU does not virtualize for this vCPU (relocated base, or no "virtualize APIC
 * accesses"), and the exits whose only job is to let vmx/vapic_irq.c look again (Intel SDM Vol.
 * 3C, 30.4 "Virtualizing Memory-Mapped APIC Accesses", 28.2.1 for the exit qualifications). */
#include "apic/apic_base.h"
#include "arch/cpu.h"
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/mmio_decode.h"
#include "vmx/vapic.h"
#include "vmx/vcpu.h"
#include "vmx/vm_ioapic.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

/* One decoded access at `offset` of an APIC page: the registers when `registers`, else a page
 * with no APIC behind it (reads all ones, writes dropped, as on a bus with nothing there).
 * Returns whether the vCPU's own interrupt state may have changed: not for a read that found a
 * register (reads have no side effects), a dropped write, or a write that sent an IPI
 * (vapic_send_prepared_ipi). */
static bool emulate_access(struct vcpu *v, struct vlapic *apic, const struct mmio_insn *in,
			   uint32_t offset, bool registers)
{
	unsigned shift = (offset & 3) * 8;
	uint32_t val = 0xffffffffu;
	bool changed = false;

	if (in->op == MMIO_LOAD) {
		if (registers) /* an absent register sets an ESR bit, which may raise LVT ERROR */
			changed = vlapic_mmio_read(apic, offset & ~3u, vcpu_guest_tsc(v), &val) != VLAPIC_OK;
		uint64_t old = vcpu_read_gpr(v, in->reg);
		vcpu_write_gpr(v, in->reg, mmio_load_result(in, old, val >> shift));
		return changed;
	}
	uint64_t value = mmio_store_value(in, in->src_is_imm ? 0 : vcpu_read_gpr(v, in->reg));
	if (!registers || in->size != 4 || (offset & 3))
		return false; /* the APIC takes aligned 32-bit writes only (SDM 11.4.1) */
	vlapic_mmio_write(apic, offset, (uint32_t)value, vcpu_guest_tsc(v));
	vapic_forward_level_eoi(v);
	return !vapic_send_prepared_ipi(v, apic);
}

static void emulate_mmio(struct vcpu *v, uint64_t gpa, bool registers)
{
	struct mmio_insn in;

	if (!exit_insn_decode_access(v, "local-APIC", gpa, &in))
		return;
	if (emulate_access(v, vcpu_apic(v), &in, gpa & 0xfff, registers))
		v->apic_dirty = true;
	vcpu_advance_rip(v, in.len);
}

void exit_apic_access(struct vcpu *v)
{
	uint64_t q = vmcs_read_natural(VMCS_EXIT_QUALIFICATION);
	unsigned type = (q >> 12) & 0xf;

	if (type > 1) { /* not a data read or write: a fetch, or during event delivery */
		vm_stop(v->vm, "vCPU %u: APIC-access exit of type %u at RIP 0x%lx (offset 0x%lx): "
			       "the guest executes or delivers events through its local APIC page",
			v->id, type, vmcs_read_natural(VMCS_GUEST_RIP), q & 0xfff);
		return;
	}
	/* The APIC-access page is mapped at the default base only (vapic_vm_create). */
	emulate_mmio(v, APIC_BASE_DEFAULT_ADDR | (q & 0xfff), true);
}

/* Trap-like: the value is in the virtual-APIC page already (SDM Vol. 3C, 30.4.3.3). */
void exit_apic_write(struct vcpu *v)
{
	uint32_t offset = vmcs_read_natural(VMCS_EXIT_QUALIFICATION) & 0xff0;

	struct vlapic *apic = vcpu_apic(v);

	vlapic_mmio_write(apic, offset, vlapic_reg(apic, offset), vcpu_guest_tsc(v));
	vapic_forward_level_eoi(v);
	if (!vapic_send_prepared_ipi(v, apic))
		v->apic_dirty = true;
}

/* TPR below threshold, a virtualized EOI, the preemption timer, the NMI window: the state that
 * changed is read again before the next entry (vmx/vapic_irq.c). */
void exit_apic_recheck(struct vcpu *v)
{
	v->apic_dirty = true;
}

bool vapic_mmio_claims(struct vcpu *v, uint64_t gpa)
{
	uint64_t page = gpa & ~0xfffull;

	return page == APIC_BASE_DEFAULT_ADDR || page == (v->apic.apic_base & ~0xfffull);
}

void vapic_mmio_emulate(struct vcpu *v, uint64_t gpa)
{
	bool regs = vlapic_mode(&v->apic) == APIC_MODE_XAPIC &&
		    (gpa & ~0xfffull) == (v->apic.apic_base & ~0xfffull);

	emulate_mmio(v, gpa, regs);
}
