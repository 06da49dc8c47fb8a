/* vmx/vapic_msr.c: the APIC's MSRs: IA32_APIC_BASE with the SDM's state transitions (Intel SDM
 * Vol. 3A, 11.12.5; the rules are apic/apic_base.c), IA32_TSC_DEADLINE (11.5.4.1), and the x2APIC
 * registers 800H-8FFH that exit (those the CPU does not virtualize, 30.5). A valid mode switch
 * changes this vCPU's own controls and MSR bitmap only (vapic_apply_mode()). */
#include "arch/cpu.h"
#include "lib/log.h"
#include "vmx/vapic.h"
#include "vmx/vcpu.h"
#include "vmx/vm_ioapic.h"
#include "vmx/vm_config.h"

static bool write_apic_base(struct vcpu *v, uint64_t value)
{
	static unsigned logged;
	struct apic_base_write w = apic_base_check(v->apic.apic_base, value, cpuid_maxphyaddr(), true,
						   v->vm->ram_size);

	if (!w.gp && v->vm->conf->apic == VM_APIC_X2APIC_LOCKED && w.mode != APIC_MODE_X2APIC) {
		w.gp = true;
		w.why = "the x2APIC is locked (vm.apic=x2apic-locked)";
	}
	if (w.gp) {
		if (logged++ < 32)
			log_info("%s: vCPU %u: WRMSR IA32_APIC_BASE 0x%lx refused (%s) -> #GP",
				 v->vm->name, v->id, value, w.why);
		return false;
	}
	enum apic_mode from = vlapic_mode(&v->apic);
	vlapic_set_base(vcpu_apic(v), w.value);
	vapic_apply_mode(v);
	if (from != w.mode || w.relocated)
		log_debug("%s: vCPU %u: APIC %s -> %s, base 0x%lx", v->vm->name, v->id,
			  apic_mode_name(from), apic_mode_name(w.mode), w.value & ~(uint64_t)0xfff);
	return true;
}

bool vapic_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *value, bool *gp)
{
	*gp = false;
	if (msr == MSR_IA32_APIC_BASE) {
		*value = v->apic.apic_base;
	} else if (msr == MSR_IA32_TSC_DEADLINE) {
		*value = vlapic_tsc_deadline_read(&v->apic);
	} else if (msr >= X2APIC_MSR_FIRST && msr <= X2APIC_MSR_LAST) {
		*gp = vlapic_mode(&v->apic) != APIC_MODE_X2APIC ||
		      vlapic_msr_read(vcpu_apic(v), msr, vcpu_guest_tsc(v), value) != VLAPIC_OK;
	} else {
		return false;
	}
	return true; /* a read changes nothing (an x2APIC read that fails is a #GP, not an ESR bit) */
}

bool vapic_wrmsr(struct vcpu *v, uint32_t msr, uint64_t value, bool *gp)
{
	*gp = false;
	if (msr == MSR_IA32_APIC_BASE) {
		*gp = !write_apic_base(v, value);
	} else if (msr == MSR_IA32_TSC_DEADLINE) {
		vlapic_tsc_deadline_write(vcpu_apic(v), value, vcpu_guest_tsc(v));
	} else if (msr >= X2APIC_MSR_FIRST && msr <= X2APIC_MSR_LAST) {
		struct vlapic *apic = vcpu_apic(v);
		*gp = vlapic_mode(apic) != APIC_MODE_X2APIC ||
		      vlapic_msr_write(apic, msr, value, vcpu_guest_tsc(v)) != VLAPIC_OK;
		vapic_forward_level_eoi(v);
		if (vapic_send_prepared_ipi(v, apic))
			return true;
	} else {
		return false;
	}
	v->apic_dirty = true;
	return true;
}
