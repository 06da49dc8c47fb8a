/* vmx/vapic_route.h: which vCPUs an IPI reaches, and when it is dropped (Intel SDM Vol. 3A, 11.6
 * "Issuing Interprocessor Interrupts", 11.6.2 "Determining IPI Destination"). The candidates are
 * the vCPUs of the sender's own VM and no others: a VM's APIC bus holds its own vCPUs only (APIC
 * ids count from 0 in each VM; another VM's, and the physical CPUs', are not on it: README,
 * "Several VMs"). Pure: reads the vCPUs' virtual APICs (apic/vlapic_dest.c) and writes nothing
 * but the VM's drop count; the delivery itself (a request and a kick) is the caller's `deliver`
 * (vmx/vapic_ipi.c). Inline so the exit path keeps its one direct loop (`deliver` is a constant
 * at its call site); host-tested (tests/unit/test_vapic_route.c). Any CPU, in root mode. */
#ifndef VMX_VAPIC_ROUTE_H
#define VMX_VAPIC_ROUTE_H

#include "apic/vlapic.h"
#include "vmx/vapic.h"
#include "vmx/vm.h"

/* Whether `ipi` from vCPU `from` names vCPU `t` (of the same VM) by its shorthand or its
 * destination. */
static inline bool vapic_ipi_names(const struct vcpu *from, const struct vcpu *t,
				   const struct vlapic_ipi *ipi)
{
	switch (ipi->shorthand) {
	case VLAPIC_SH_SELF:
		return t == from;
	case VLAPIC_SH_ALL:
		return true;
	case VLAPIC_SH_OTHERS:
		return t != from;
	default:
		return vlapic_match_dest(&t->apic, ipi->dest, ipi->logical, ipi->x2apic);
	}
}

/* For vapic_lowest_priority(): ctx is the struct vapic_ipi_from of the IPI. */
struct vapic_ipi_from {
	const struct vcpu *from;
	const struct vlapic_ipi *ipi;
};
bool vapic_ipi_accepts(const struct vcpu *t, const void *ctx);

typedef void vapic_deliver_fn(struct vcpu *from, struct vcpu *t, const struct vlapic_ipi *ipi);

/* Hands `ipi` from `from` to deliver() once for each vCPU of from's VM it reaches (the one of
 * lowest priority for that delivery mode). One that names a destination and reaches none of
 * them is dropped: counted in the VM (vm->ipis_dropped), and the count returned, so the caller
 * can say the first ones; 0 when the IPI was not dropped. (A shorthand that finds no one, "all
 * but self" in a VM of one vCPU, is not a drop: it names no destination.) */
static inline __attribute__((always_inline)) uint64_t
vapic_ipi_route(struct vcpu *from, const struct vlapic_ipi *ipi, vapic_deliver_fn *deliver)
{
	struct vm *vm = from->vm;
	bool sent = false;

	if (ipi->delivery == VLAPIC_DM_LOWEST) {
		const struct vapic_ipi_from f = { from, ipi };
		struct vcpu *t = vapic_lowest_priority(vm, vapic_ipi_accepts, &f);
		if (t)
			deliver(from, t, ipi);
		sent = t;
	} else {
		for (unsigned i = 0; i < vm->nvcpus; i++) {
			struct vcpu *t = vm->vcpus[i];
			if (vapic_ipi_names(from, t, ipi)) {
				deliver(from, t, ipi);
				sent = true;
			}
		}
		if (ipi->shorthand != VLAPIC_SH_NONE)
			return 0;
	}
	return sent ? 0 : __atomic_add_fetch(&vm->ipis_dropped, 1, __ATOMIC_RELAXED);
}

#endif
