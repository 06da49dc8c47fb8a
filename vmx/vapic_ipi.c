/* vmx/vapic_ipi.c: delivering the IPIs a vCPU's virtual APIC sends (Intel SDM Vol. 3A, 11.6
 * "Issuing Interprocessor Interrupts"). The destination is matched against each vCPU's APIC
 * (apic/vlapic_dest.c), reading, never writing, the other vCPUs' registers; delivery to another
 * vCPU is a request plus a kick (vmx/vapic_irq.c), so no structure of a running vCPU is
 * touched. */
#include "lib/log.h"
#include "vmx/vapic.h"
#include "vmx/vcpu.h"

static bool is_target(const struct vcpu *v, const struct vcpu *t, const struct vlapic_ipi *ipi)
{
	switch (ipi->shorthand) {
	case VLAPIC_SH_SELF:
		return t == v;
	case VLAPIC_SH_ALL:
		return true;
	case VLAPIC_SH_OTHERS:
		return t != v;
	default:
		return vlapic_match_dest(&t->apic, ipi->dest, ipi->logical, ipi->x2apic);
	}
}

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

/* The sender and its IPI, for vapic_lowest_priority(). */
struct ipi_from {
	struct vcpu *v;
	const struct vlapic_ipi *ipi;
};

static bool ipi_target(const struct vcpu *t, const void *ctx)
{
	const struct ipi_from *f = ctx;

	return is_target(f->v, t, f->ipi);
}

static void deliver(struct vcpu *v, struct vcpu *t, const struct vlapic_ipi *ipi)
{
	switch (ipi->delivery) {
	case VLAPIC_DM_FIXED:
	case VLAPIC_DM_LOWEST:
		if (t == v) {
			vlapic_accept(vcpu_apic(v), ipi->vector, false);
			v->apic_dirty = true;
		} else {
			vapic_request_fixed(t, ipi->vector);
		}
		break;
	case VLAPIC_DM_NMI:
		if (t == v) {
			v->nmi_pending = vlapic_nmi_latch(v->nmi_pending, 1, false);
			v->apic_dirty = true;
		} else {
			vapic_request_nmi(t);
		}
		break;
	case VLAPIC_DM_INIT:
		vapic_request_init(t);
		break;
	case VLAPIC_DM_SIPI:
		vapic_request_sipi(t, ipi->vector);
		break;
	}
}

/* An IPI whose destination matches none of the VM's own APIC ids: the VM's vCPUs are all there
 * is on its bus (the APIC ids of other VMs, and the physical CPUs, are not), so it reaches no
 * one, as on a machine with no such CPU. Counted in the VM (said when it ends and by `vms`) and
 * the first ones said. */
static void dropped(struct vcpu *v, const struct vlapic_ipi *ipi)
{
	uint64_t n = __atomic_add_fetch(&v->vm->ipis_dropped, 1, __ATOMIC_RELAXED);

	if (n <= 4)
		log_info("%s: vCPU %u: IPI to %s destination 0x%x dropped: no vCPU of %s has it (%lu "
			 "so far)", v->vm->name, v->id, ipi->logical ? "logical" : "APIC id",
			 ipi->dest, v->vm->name, n);
}

static void send_ipi(struct vcpu *v, struct vlapic *apic)
{
	struct vlapic_ipi ipi = apic->ipi;
	static unsigned logged;

	apic->ipi_ready = false;
	if (ipi.level_deassert)
		return; /* INIT level de-assert: no-op on every CPU since the Pentium 4 (SDM 11.6.1) */
	if (ipi.delivery == VLAPIC_DM_SMI || ipi.delivery == 3 || ipi.delivery == 7) {
		if (logged++ < 8)
			log_info("%s: vCPU %u: IPI with delivery mode %u ignored (no SMM here)",
				 v->vm->name, v->id, ipi.delivery);
		return;
	}
	if (ipi.delivery == VLAPIC_DM_LOWEST) {
		const struct ipi_from from = { v, &ipi };
		struct vcpu *t = vapic_lowest_priority(v->vm, ipi_target, &from);
		if (t)
			deliver(v, t, &ipi);
		else
			dropped(v, &ipi);
		return;
	}
	bool sent = false;
	for (unsigned i = 0; i < v->vm->nvcpus; i++) {
		struct vcpu *t = v->vm->vcpus[i];
		if (is_target(v, t, &ipi)) {
			deliver(v, t, &ipi);
			sent = true;
		}
	}
	if (!sent && ipi.shorthand == VLAPIC_SH_NONE)
		dropped(v, &ipi);
}

bool vapic_send_prepared_ipi(struct vcpu *v, struct vlapic *apic)
{
	if (!apic->ipi_ready)
		return false;
	send_ipi(v, apic);
	return true;
}
