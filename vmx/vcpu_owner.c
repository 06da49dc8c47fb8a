/* vmx/vcpu_owner.c: the ownership check (see vmx/vcpu_owner.h). Pure. */
#include "vmx/vcpu_owner.h"

enum vcpu_owner_verdict vcpu_owner_check(const struct vcpu_owner *o, unsigned current_cpu)
{
	if (o->building)
		return o->builder == current_cpu ? VCPU_OWNER_OK : VCPU_OWNER_WRONG_CPU;
	if (o->cpu != current_cpu)
		return VCPU_OWNER_WRONG_CPU;
	/* On its own CPU the vCPU cannot be in the guest while this code runs, unless the flag is
	 * stale: that would mean an exit path forgot to clear it, which is a bug worth stopping on. */
	if (o->in_guest)
		return VCPU_OWNER_IN_GUEST;
	return VCPU_OWNER_OK;
}

const char *vcpu_owner_verdict_text(enum vcpu_owner_verdict v)
{
	switch (v) {
	case VCPU_OWNER_OK:
		return "ok";
	case VCPU_OWNER_WRONG_CPU:
		return "written from a CPU that does not own the vCPU";
	case VCPU_OWNER_IN_GUEST:
		return "written while the vCPU is in VMX non-root operation";
	}
	return "?";
}
