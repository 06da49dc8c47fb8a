/* vmx/vapic_inject.c: getting what vmx/vapic_irq.c took into the guest before an entry.
 * Delivery is virtual-interrupt delivery (RVI/SVI, SDM Vol. 3C, 30.2) where the CPU has it, else
 * event injection with interrupt- and NMI-window exits (SDM Vol. 3C, 26.6 and 27.6 "Event
 * Injection"). An event already in the VM-entry interruption-information field (re-injected,
 * or an exception a handler raised) is never overwritten: it goes first. Through the VMCS
 * accessors only (host-tested with the fake VMCS). */
#include "arch/cpu.h"
#include "arch/host_timer.h"
#include "vmx/vapic.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

/* The highest HC_WAKE vector, or -1; `take` clears it. */
static int extint_highest(struct vcpu *v, bool take)
{
	for (int w = 3; w >= 0; w--) {
		uint64_t bits = v->extint[w];
		if (bits) {
			int bit = 63 - __builtin_clzll(bits);
			if (take)
				__atomic_and_fetch(&v->extint[w], ~(1ull << bit), __ATOMIC_SEQ_CST);
			return w * 64 + bit;
		}
	}
	return -1;
}

bool vapic_wakes_halt(struct vcpu *v)
{
	if (v->nmi_pending)
		return true;
	return !v->halted_with_if_clear &&
	       (vlapic_deliverable(vcpu_apic(v)) >= 0 || extint_highest(v, false) >= 0);
}

uint64_t vapic_next_timer(const struct vcpu *v)
{
	uint64_t next = vlapic_timer_next(&v->apic);

	return next ? next - v->tsc.offset : 0; /* the guest's TSC to the host's */
}

static void set_window(struct vcpu *v, uint32_t bit, bool on)
{
	if (on != !!(v->proc_ctl & bit))
		vcpu_set_proc_controls(v, on ? v->proc_ctl | bit : v->proc_ctl & ~bit);
}

/* An interrupt or NMI whose delivery an exception interrupted (vcpu_inject_exception, vmx/
 * vcpu_event.c): delivered on the first entry with the field free, before anything new. */
static bool inject_held(struct vcpu *v, bool busy)
{
	if (!v->held_event)
		return busy;
	if (busy) {
		v->apic_dirty = true; /* the next time round the loop */
		return busy;
	}
	vmcs_write32(VMCS_ENTRY_INTR_INFO, v->held_event);
	v->held_event = 0;
	return true;
}

/* NMIs: injected when NMI blocking (and MOV SS / STI blocking) allow, else the NMI window. That
 * exit is optional (it needs "virtual NMIs", SDM Vol. 3C, 25.6.1 and 26.2): without it the NMI
 * waits for the vCPU's next exit of any kind, which goes round the loop. */
static bool inject_nmi(struct vcpu *v, bool busy, uint32_t blocking)
{
	bool can = !busy && !(blocking & (BLOCKING_NMI | BLOCKING_MOVSS | BLOCKING_STI));

	/* While the guest's NMI handler runs (NMI blocking) only one more stays latched. */
	v->nmi_pending = vlapic_nmi_latch(v->nmi_pending, 0, blocking & BLOCKING_NMI);
	if (v->nmi_pending && can) {
		vmcs_write32(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | 2);
		v->nmi_pending--;
		busy = true;
	}
	if (vmx_host_controls()->has_nmi_window)
		set_window(v, PROC_NMI_WINDOW, v->nmi_pending);
	else if (v->nmi_pending)
		v->apic_dirty = true; /* no NMI-window exit: every exit comes round to try again */
	return busy;
}

/* HC_WAKE's interrupts go straight in, as a PIC's would (the APIC's priorities do not apply). */
static bool inject_extint(struct vcpu *v, bool busy, bool open)
{
	v->want_intr_window = false;
	if (extint_highest(v, false) < 0)
		return busy;
	if (!busy && open) {
		int vec = extint_highest(v, true);
		vmcs_write32(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXTERNAL | (uint32_t)vec);
		busy = true;
	}
	v->want_intr_window = extint_highest(v, false) >= 0;
	return busy;
}

/* With virtual-interrupt delivery the CPU takes the vector in RVI when VPPR, RFLAGS.IF and the
 * STI / MOV SS shadows allow (SDM Vol. 3C, 30.2.1-30.2.2); SVI must match the page's ISR. RVI is
 * posted only when the guest can take an interrupt at this entry: otherwise it stays 0 and the
 * interrupt-window exit (which also holds off virtual-interrupt delivery, 30.2.2) comes back at
 * the first instruction boundary where the guest can, to post it then. On hardware this gives
 * the same delivery point. It is needed under Bochs 2.7: when a host interrupt is pending while
 * the guest runs with RFLAGS.IF = 0, its InterruptAcknowledge() delivers a pending virtual
 * interrupt to the guest instead of the external-interrupt exit, ignoring IF; after
 * "cli; self-IPI; sti; hlt" the guest's HLT then sleeps with nothing pending (issue #12). */
static void post_virtual(struct vcpu *v, bool open)
{
	int irr = vlapic_highest_irr(&v->apic), isr = vlapic_highest_isr(&v->apic);
	uint16_t rvi = (uint16_t)(irr < 0 || !open ? 0 : irr);

	vmcs_write16(VMCS_GUEST_INTR_STATUS, (uint16_t)(rvi | (isr < 0 ? 0 : isr) << 8));
	v->want_intr_window |= irr >= 0 && !open;
}

/* Without it: inject the deliverable vector when the guest can take it; otherwise ask for the
 * interrupt window, or, when the TPR holds it back, for a TPR-below-threshold exit. */
static bool inject_external(struct vcpu *v, struct vlapic *apic, bool busy, bool open)
{
	const struct vmx_controls *ctl = vmx_host_controls();
	int vec = vlapic_deliverable(apic);

	if (vec >= 0 && !busy && open) {
		vlapic_ack(apic, (uint8_t)vec);
		vmcs_write32(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXTERNAL | (uint32_t)vec);
		busy = true;
		vec = vlapic_deliverable(apic);
	}
	v->want_intr_window |= vec >= 0;
	if (ctl->has_tpr_shadow) {
		int irr = vlapic_highest_irr(&v->apic);
		uint32_t tpr_class = vlapic_reg(&v->apic, APIC_TPR) >> 4;
		uint32_t thr = irr >= 0 && (uint32_t)irr >> 4 <= tpr_class ? (uint32_t)irr >> 4 : 0;
		if (thr != v->tpr_threshold) {
			v->tpr_threshold = thr;
			vmcs_write32(VMCS_TPR_THRESHOLD, thr);
		}
	}
	return busy;
}

/* Guest time ends at the virtual APIC timer's deadline: the VMX-preemption timer's exit, or
 * without it the host timer's interrupt, an external-interrupt exit (arch/host_timer.h). Without
 * either, only the loop's look at the TSC on the next exit fires it. The preemption timer is set
 * from the TSC at every entry the timer is armed for (here and vapic_timer_before_resume): it
 * counts only while the guest runs (SDM Vol. 3C, 26.5.1), so a value saved at the last exit
 * would leave out the time spent in root mode since. */
static void arm_preemption_timer(struct vcpu *v)
{
	const struct vmx_controls *ctl = vmx_host_controls();
	uint64_t next = vlapic_timer_next(&v->apic), now, ticks = 0xffffffffu;

	if (!ctl->has_preemption_timer) {
		if (next)
			host_timer_wake_at(vapic_next_timer(v));
		else
			host_timer_wake_cancel();
		return;
	}
	if (next) {
		now = vcpu_guest_tsc(v);
		ticks = next > now ? (next - now) >> ctl->preemption_shift : 0;
		if (ticks > 0xffffffffu)
			ticks = 0xffffffffu;
	}
	vmcs_write32(VMCS_GUEST_PREEMPTION_TIMER, (uint32_t)ticks);
}

bool vapic_timer_before_resume(struct vcpu *v)
{
	uint64_t next = vlapic_timer_next(&v->apic);

	if (!next)
		return true;
	if (vcpu_guest_tsc(v) >= next)
		return false; /* due: vapic_take_requests fires it */
	if (vmx_host_controls()->has_preemption_timer)
		arm_preemption_timer(v);
	return true;
}

void vapic_before_entry(struct vcpu *v)
{
	const struct vmx_controls *ctl = vmx_host_controls();

	if (!v->apic_dirty) {
		if (v->apic.timer_fire && ctl->has_preemption_timer)
			arm_preemption_timer(v);
		return;
	}
	struct vlapic *apic = vcpu_apic(v);
	v->apic_dirty = false;
	bool busy = inject_held(v, vmcs_read32(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID);
	uint32_t blocking = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	busy = inject_nmi(v, busy, blocking);
	bool open = (vmcs_read_natural(VMCS_GUEST_RFLAGS) & RFLAGS_IF) &&
		    !(blocking & (BLOCKING_STI | BLOCKING_MOVSS));
	busy = inject_extint(v, busy, open);
	if (ctl->has_vid)
		post_virtual(v, open);
	else
		busy = inject_external(v, apic, busy, open);
	set_window(v, PROC_INTR_WINDOW, v->want_intr_window);
	arm_preemption_timer(v);
}
