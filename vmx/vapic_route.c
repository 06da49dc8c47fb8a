/* vmx/vapic_route.c: the lowest-priority choice among a VM's vCPUs (Intel SDM Vol. 3A, 11.6.2.4
 * "Lowest Priority Delivery Mode"), for IPIs (vmx/vapic_route.h) and I/O APIC messages
 * (vmx/vm_ioapic.c) alike. Pure: reads the vCPUs' TPRs, never writes them. Any CPU. */
#include "vmx/vapic_route.h"

struct vcpu *vapic_lowest_priority(struct vm *vm, bool (*accept)(const struct vcpu *t,
								 const void *ctx),
				   const void *ctx)
{
	struct vcpu *best = 0;
	uint32_t best_tpr = 0x100;

	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct vcpu *t = vm->vcpus[i];
		if (!accept(t, ctx))
			continue;
		uint32_t tpr = vlapic_reg(&t->apic, APIC_TPR) & 0xff;
		if (tpr < best_tpr) {
			best = t;
			best_tpr = tpr;
		}
	}
	return best;
}

bool vapic_ipi_accepts(const struct vcpu *t, const void *ctx)
{
	const struct vapic_ipi_from *f = ctx;

	return vapic_ipi_names(f->from, t, f->ipi);
}
