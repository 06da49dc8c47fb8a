/* vmx/hypercall.c: VMCALL exits: the hypercall ABI of lib/guest_abi.h (README, "Hypercalls").
 * On the calling vCPU's CPU. Unknown calls return -HC_ENOSYS, calls from CPL > 0 -HC_EPERM, as
 * documented. */
#include "lib/log.h"
#include "vmx/exit.h"
#include "lib/guest_abi.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

/* The CPL is the DPL of SS (SDM Vol. 3C, 25.4.1 "Guest Register State": SS access rights, bits
 * 6:5; VM entry checks that it matches CS in protected mode, and it is 0 in real mode). */
static unsigned guest_cpl(void)
{
	return (vmcs_read32(VMCS_GUEST_SS_AR) >> 5) & 3;
}

static int64_t hc_start_vcpu(struct vcpu *v, uint64_t index, uint64_t eip, uint64_t eax)
{
	struct vm *vm = v->vm;

	if (index >= vm->nvcpus)
		return -HC_EINVAL;
	struct vcpu *t = vm->vcpus[index];
	if (!vcpu_claim_start(t)) /* one caller of any number wins a vCPU */
		return -HC_EBUSY;
	vcpu_set_entry_state(t, (uint32_t)eip, (uint32_t)eax, 0);
	vcpu_note_request(t);
	vcpu_kick(t);
	return 0;
}

static int64_t hc_exit_count(struct vcpu *v, uint64_t index, uint64_t reason)
{
	struct vcpu *t = index == 0xffffffff ? v : index < v->vm->nvcpus ? v->vm->vcpus[index] : 0;

	if (!t || (reason > VMX_EXIT_REASON_MAX && reason != HC_EXIT_ALL))
		return -HC_EINVAL;
	if (reason == HC_EXIT_ALL)
		return (int64_t)(vcpu_exit_total(t) & 0x7fffffff);
	return (int64_t)(t->exits[reason] & 0x7fffffff);
}

static int64_t hc_wake(struct vcpu *v, uint64_t index, uint64_t vector)
{
	if (index >= v->vm->nvcpus || vector < 32 || vector > 255)
		return -HC_EINVAL;
	vcpu_raise_interrupt(v->vm->vcpus[index], (uint8_t)vector);
	return 0;
}

void exit_vmcall(struct vcpu *v)
{
	uint64_t nr = v->regs.rax & 0xffffffff, a = v->regs.rbx, b = v->regs.rcx, c = v->regs.rdx;
	int64_t ret;

	if (guest_cpl() != 0) {
		v->regs.rax = (uint64_t)-HC_EPERM;
		vcpu_skip_instruction(v);
		return;
	}
	switch (nr) {
	case HC_VERSION:
		ret = HC_ABI_VERSION;
		break;
	case HC_START_VCPU:
		ret = hc_start_vcpu(v, a, b, c);
		break;
	case HC_EXIT_COUNT:
		ret = hc_exit_count(v, a & 0xffffffff, b);
		break;
	case HC_WAKE:
		ret = hc_wake(v, a, b);
		break;
	case HC_VCPU_INFO:
		ret = v->id;
		v->regs.rbx = v->vm->nvcpus;
		break;
	default:
		ret = -HC_ENOSYS;
		break;
	}
	v->regs.rax = (uint64_t)ret;
	vcpu_skip_instruction(v);
}
