/* vmx/vcpu_state.c: the parts of a vCPU that exit handlers read and write through the VMCS
 * accessors only (no other VMX instruction, no host device), so the host unit tests run them
 * against their fake VMCS: its general registers by number, its execution controls, its exit
 * counts and its start request. The loop that runs the vCPU is vmx/vcpu.c. */
#include "vmx/msr_policy.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

void vcpu_set_proc_controls(struct vcpu *v, uint32_t proc)
{
	vcpu_assert_owner(v, "the processor-based controls");
	v->proc_ctl = proc;
	vmcs_write32(VMCS_CTRL_PROC_BASED, proc);
}

void vcpu_tsc_offset_changed(struct vcpu *v, uint64_t old)
{
	vcpu_assert_owner(v, "the TSC offset");
	vlapic_timer_clock_moved(vcpu_apic(v), v->tsc.offset - old);
	vmcs_write64(VMCS_TSC_OFFSET, v->tsc.offset);
	v->apic_dirty = true; /* the preemption timer is re-armed from the new deadline */
}

void vcpu_set_proc2_controls(struct vcpu *v, uint32_t proc2)
{
	vcpu_assert_owner(v, "the secondary processor-based controls");
	if (proc2 == v->proc2_ctl && v->launched)
		return;
	v->proc2_ctl = proc2;
	vmcs_write32(VMCS_CTRL_PROC_BASED2, proc2);
}

/* Release: the target's CPU reads the three fields after it sees READY with acquire. */
void vcpu_set_entry_state(struct vcpu *v, uint32_t eip, uint32_t eax, uint32_t ebx)
{
	v->start_eip = eip;
	v->start_eax = eax;
	v->start_ebx = ebx;
	v->start_long = false;
	__atomic_store_n(&v->start_request, VCPU_START_READY, __ATOMIC_RELEASE);
}

void vcpu_set_long_entry_state(struct vcpu *v, uint64_t rip, uint64_t rsi, uint64_t cr3,
			       uint64_t gdt, uint16_t gdt_limit)
{
	v->start_rip = rip, v->start_rsi = rsi, v->start_cr3 = cr3;
	v->start_gdt = gdt, v->start_gdt_limit = gdt_limit;
	v->start_long = true;
	__atomic_store_n(&v->start_request, VCPU_START_READY, __ATOMIC_RELEASE);
}

/* The CAS makes one caller of any number the owner of the request. Everything is sequentially
 * consistent, and the target (vcpu.c, ready_to_run) stores RUNNING before it drops the request
 * back to NONE: so a claim whose CAS comes after that drop reads RUNNING below and gives the
 * request back, and one that comes before it finds the request not NONE and fails. Either way a
 * running vCPU is never started again. */
bool vcpu_claim_start(struct vcpu *t)
{
	uint8_t none = VCPU_START_NONE;

	if (__atomic_load_n(&t->state, __ATOMIC_SEQ_CST) != VCPU_WAIT_START)
		return false;
	if (!__atomic_compare_exchange_n(&t->start_request, &none, VCPU_START_CLAIMED, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return false;
	if (__atomic_load_n(&t->state, __ATOMIC_SEQ_CST) != VCPU_WAIT_START) {
		__atomic_store_n(&t->start_request, VCPU_START_NONE, __ATOMIC_SEQ_CST);
		return false;
	}
	return true;
}

/* Registers by their number in instruction encodings (SDM Vol. 2A, Table 2-2); RSP is in the
 * VMCS. */
static uint64_t *gpr(struct vcpu *v, unsigned n)
{
	uint64_t *const regs[16] = {
		&v->regs.rax, &v->regs.rcx, &v->regs.rdx, &v->regs.rbx, 0, &v->regs.rbp,
		&v->regs.rsi, &v->regs.rdi, &v->regs.r8, &v->regs.r9, &v->regs.r10, &v->regs.r11,
		&v->regs.r12, &v->regs.r13, &v->regs.r14, &v->regs.r15,
	};
	return regs[n & 15];
}

uint64_t vcpu_read_gpr(struct vcpu *v, unsigned n)
{
	return (n & 15) == 4 ? vmcs_read_natural(VMCS_GUEST_RSP) : *gpr(v, n);
}

void vcpu_write_gpr(struct vcpu *v, unsigned n, uint64_t value)
{
	if ((n & 15) == 4)
		vmcs_write_natural(VMCS_GUEST_RSP, value);
	else
		*gpr(v, n) = value;
}

uint64_t vcpu_exit_total(const struct vcpu *v)
{
	uint64_t total = 0;

	for (unsigned r = 0; r <= VMX_EXIT_REASON_MAX; r++)
		total += v->exits[r];
	return total;
}
