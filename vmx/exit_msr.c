/* vmx/exit_msr.c: RDMSR/WRMSR exits, through the MSR table (vmx/msr_table.c): an emulated access
 * goes to its entry's handler; the rest raise #GP, with one log line per vCPU and MSR kind, so a
 * guest probing MSRs does not flood the console. MSRs marked pass-through never exit. */
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/msr_policy.h"
#include "vmx/vcpu.h"

static unsigned gp_logged;

static void gp(struct vcpu *v, uint32_t msr, bool write, enum msr_result r, const char *name)
{
	if (r == MSR_FAULT && gp_logged++ < 32)
		log_info("%s: vCPU %u: %s of MSR 0x%x (%s) -> #GP", v->vm->name, v->id,
			 write ? "WRMSR" : "RDMSR", msr, name);
	vcpu_inject_gp(v);
}

void exit_rdmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	const struct msr_policy_entry *e = msr_policy_find(msr);
	uint64_t value;
	enum msr_result r = e->read == MSR_EMULATE ? e->rd(v, msr, &value) : MSR_FAULT;

	if (r != MSR_DONE) {
		gp(v, msr, false, r, e->name);
		return;
	}
	v->regs.rax = (uint32_t)value;
	v->regs.rdx = value >> 32;
	vcpu_skip_instruction(v);
}

void exit_wrmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	uint64_t value = ((v->regs.rdx & 0xffffffff) << 32) | (v->regs.rax & 0xffffffff);
	const struct msr_policy_entry *e = msr_policy_find(msr);
	enum msr_result r = e->write == MSR_EMULATE ? e->wr(v, msr, value) : MSR_FAULT;

	if (r != MSR_DONE) {
		gp(v, msr, true, r, e->name);
		return;
	}
	vcpu_skip_instruction(v);
}
