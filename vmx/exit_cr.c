/* vmx/exit_cr.c: control-register exits (a guest write to a CR0/CR4 bit the guest/host masks keep,
 * CR3 access where the CPU forces CR3 exiting, CR8 without the TPR shadow) and XSETBV. Exit
 * qualification: SDM Vol. 3C, 28.2.1, Table "Exit Qualification for Control-Register Accesses";
 * its register numbers are the general registers' (RAX, RCX, RDX, RBX, RSP, ...). */
#include "arch/cpu.h"
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/guest_cr.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"
#include "vmx/xcr0.h"

/* CR8 is the TPR's priority class (SDM Vol. 3A, 11.8.6 "Task Priority in IA-32e Mode"): a write
 * sets TPR[7:4] and clears TPR[3:0], and one with any of bits 63:4 set is #GP. It exits only
 * without the TPR shadow (vmx/vmx_caps.c); with it, the CPU uses the virtual-APIC page itself. */
static bool mov_to_cr8(struct vcpu *v, uint64_t value)
{
	if (value & ~0xfull)
		return false;
	vlapic_set_tpr(vcpu_apic(v), (uint8_t)(value << 4));
	v->apic_dirty = true; /* a lower TPR may let a pending interrupt in */
	return true;
}

static uint64_t mov_from_cr(struct vcpu *v, unsigned cr)
{
	if (cr == 8)
		return vlapic_reg(&v->apic, APIC_TPR) >> 4;
	return vmcs_read_natural(VMCS_GUEST_CR3);
}

static bool mov_to_cr(struct vcpu *v, unsigned cr, uint64_t value)
{
	switch (cr) {
	case 0:
		return vmcs_guest_write_cr0(v, value);
	case 3:
		return vmcs_guest_write_cr3(v, value);
	case 4:
		return vmcs_guest_write_cr4(v, value);
	case 8:
		return mov_to_cr8(v, value);
	}
	return false;
}

void exit_cr_access(struct vcpu *v)
{
	uint64_t q = vmcs_read_natural(VMCS_EXIT_QUALIFICATION);
	unsigned cr = q & 15, type = (q >> 4) & 3, reg = (q >> 8) & 15;
	uint64_t value;
	bool ok = true;

	switch (type) {
	case 0: /* MOV to CR */
		ok = mov_to_cr(v, cr, vcpu_read_gpr(v, reg));
		break;
	case 1: /* MOV from CR: only CR3 and CR8 can exit this way */
		vcpu_write_gpr(v, reg, mov_from_cr(v, cr));
		break;
	case 3: /* LMSW: the source operand is in bits 31:16 */
		value = guest_lmsw_value(guest_cr0_current(v), (uint16_t)(q >> 16));
		ok = vmcs_guest_write_cr0(v, value);
		break;
	default: /* CLTS: TS is not in the mask, so this does not happen */
		break;
	}
	if (!ok) {
		vcpu_inject_gp(v);
		return;
	}
	vcpu_skip_instruction(v);
}

/* XSETBV (SDM Vol. 2C, XSETBV): XCR0 only, with the rules of vmx/xcr0.h against what the guest
 * was shown in CPUID.(EAX=0DH,ECX=0), not the host's; anything else is #GP as on hardware. XCR0
 * is the CPU's own while the guest runs: the hypervisor uses no XSAVE state. */
void exit_xsetbv(struct vcpu *v)
{
	uint32_t index = (uint32_t)v->regs.rcx;
	uint64_t value = ((v->regs.rdx & 0xffffffff) << 32) | (v->regs.rax & 0xffffffff);
	struct cpuid_result r = exit_cpuid_guest(v, 0xd, 0);

	const char *why = index ? "not XCR0" : xcr0_refusal(value, ((uint64_t)r.edx << 32) | r.eax);

	if (why) {
		static unsigned logged; /* a guest that loops on it (the hostile one) says it 32 times */
		if (logged++ < 32)
			log_debug("%s: vCPU %u: XSETBV XCR%u 0x%lx refused (%s) -> #GP", v->vm->name,
				  v->id, index, value, why);
		vcpu_inject_gp(v);
		return;
	}
	xsetbv(index, value);
	vcpu_skip_instruction(v);
}
