/* vmx/vapic_ipi.c: delivering the IPIs a vCPU's virtual APIC sends (Intel SDM Vol. 3A, 11.6
 * "Issuing Interprocessor Interrupts"). Which vCPUs of its VM an IPI reaches, and whether it is
 * dropped, is vmx/vapic_route.h's (pure, host-tested), reading, never writing, the other vCPUs'
 * registers; delivery to another vCPU is a request plus a kick (vmx/vapic_irq.c), so no
 * structure of a running vCPU is touched. */
#include "lib/log.h"
#include "vmx/vapic.h"
#include "vmx/vapic_route.h"
#include "vmx/vcpu.h"

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

/* An IPI whose destination matches none of the VM's own APIC ids (vapic_ipi_route counted it
 * as the VM's `n`th): the VM's vCPUs are all there is on its bus (the APIC ids of other VMs, and
 * the physical CPUs, are not), so it reaches no one, as on a machine with no such CPU. The count
 * is said when the VM ends and by `vms`; the first ones are said here. */
static void say_dropped(const struct vcpu *v, const struct vlapic_ipi *ipi, uint64_t n)
{
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
	uint64_t dropped = vapic_ipi_route(v, &ipi, deliver);
	if (dropped)
		say_dropped(v, &ipi, dropped);
}

bool vapic_send_prepared_ipi(struct vcpu *v, struct vlapic *apic)
{
	if (!apic->ipi_ready)
		return false;
	send_ipi(v, apic);
	return true;
}
