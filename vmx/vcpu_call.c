/* vmx/vcpu_call.c: a function run on a vCPU's own CPU for another CPU (the shell's reads of a
 * VMCS, MSR bitmap or virtual-APIC page, vcpu_debug_call in vmx/vcpu.c). One slot, debug_fn:
 * NULL when free or answered, the function while it waits, CALL_RUNNING while the vCPU's CPU
 * runs it. The caller may withdraw a call that waits, never one that runs: its argument lives
 * in the caller's frame, so the caller must not return before the call has ended. Both sides
 * change the slot by compare-and-exchange, so exactly one of "withdrawn" and "started" wins. */
#include "vmx/vcpu.h"

#define CALL_RUNNING ((vcpu_call_fn)1)

void vcpu_call_post(struct vcpu *v, vcpu_call_fn fn, void *arg)
{
	v->debug_arg = arg;
	__atomic_store_n(&v->debug_fn, fn, __ATOMIC_SEQ_CST); /* after the argument */
}

bool vcpu_call_withdraw(struct vcpu *v)
{
	vcpu_call_fn fn = __atomic_load_n(&v->debug_fn, __ATOMIC_SEQ_CST);

	return fn && fn != CALL_RUNNING &&
	       __atomic_compare_exchange_n(&v->debug_fn, &fn, 0, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

void vcpu_call_answer(struct vcpu *v)
{
	vcpu_call_fn fn = __atomic_load_n(&v->debug_fn, __ATOMIC_SEQ_CST);

	if (!fn || fn == CALL_RUNNING ||
	    !__atomic_compare_exchange_n(&v->debug_fn, &fn, CALL_RUNNING, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		return; /* nothing waits, or the caller has just withdrawn it */
	fn(v, v->debug_arg);
	__atomic_store_n(&v->debug_fn, 0, __ATOMIC_SEQ_CST);
}
