/* vmx/vcpu_event.c: events the hypervisor puts into a vCPU on its next entry: exceptions its
 * handlers raise, events re-injected after an exit during their delivery, and HC_WAKE's external
 * interrupts (SDM Vol. 3C, 27.6 "Event Injection"; 28.2.4 "Information for VM Exits During
 * Event Delivery"). Through the VMCS accessors only (host-tested with the fake VMCS). */
#include "lib/log.h"
#include "vmx/event_combine.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

#define VEC_DF 8

/* Bit 12 of the IDT-vectoring information is undefined in the entry field. A software event
 * needs its instruction's length to push the right return address. */
void vcpu_reinject_event(struct vcpu *v, uint32_t info)
{
	vmcs_write32(VMCS_ENTRY_INTR_INFO, info & ~(1u << 12));
	if (info & INTR_HAS_ERROR)
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE,
			     vmcs_read32(VMCS_IDT_VECTORING_ERROR_CODE));
	uint32_t type = INTR_INFO_TYPE(info);
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_PRIV_SOFT_EXC ||
	    type == INTR_TYPE_SOFT_EXC)
		vmcs_write32(VMCS_ENTRY_INSTRUCTION_LEN, vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN));
}

/* The interrupt or NMI waits in the vCPU; vapic_before_entry (vmx/vapic_inject.c) injects it on
 * the first entry that has the field free, and apic_dirty sends the vCPU round its loop so that
 * entry comes. Interrupts and NMIs have no error code to keep. */
static void hold(struct vcpu *v, uint32_t earlier)
{
	v->held_event = earlier;
	v->apic_dirty = true;
}

void vcpu_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
	uint32_t earlier = vmcs_read32(VMCS_ENTRY_INTR_INFO);

	if (earlier & INTR_INFO_VALID) {
		switch (event_combine(earlier, vector)) {
		case EVENT_NEW_THEN_EARLIER:
			hold(v, earlier);
			break;
		case EVENT_DOUBLE_FAULT:
			vector = VEC_DF;
			has_error = true;
			error = 0;
			break;
		case EVENT_TRIPLE_FAULT:
			vmcs_write32(VMCS_ENTRY_INTR_INFO, 0);
			vm_stop(v->vm, "triple fault on vCPU %u: exception %u while delivering a "
				       "double fault", v->id, vector);
			return;
		case EVENT_NEW_REPLACES:
			break;
		}
	}
	uint32_t info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector;
	if (has_error) {
		info |= INTR_HAS_ERROR;
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write32(VMCS_ENTRY_INTR_INFO, info);
}

void vcpu_raise_interrupt(struct vcpu *v, uint8_t vector)
{
	__atomic_or_fetch(&v->extint[vector / 64], 1ull << (vector % 64), __ATOMIC_SEQ_CST);
	vcpu_note_request(v);
	vcpu_kick(v);
}
