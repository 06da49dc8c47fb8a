/* vmx/vapic_irq.c: getting interrupts, NMIs, INIT and SIPI into a vCPU. Other CPUs only leave
 * requests in struct vcpu and kick (vcpu_kick: a host IPI, so a vCPU in the guest exits at once);
 * the vCPU's own CPU takes them before its next entry and is the only one that touches its virtual
 * APIC page and VMCS. Delivery is virtual-interrupt delivery (RVI/SVI, SDM Vol. 3C, 30.2) where the
 * CPU has it, else event injection with interrupt- and NMI-window exits (SDM Vol. 3C, 26.6 and
 * 27.6 "Event Injection"). */
#include "apic/host_timer.h"
#include "apic/lapic.h"
#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/trap.h"
#include "lib/log.h"
#include "vmx/vapic.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

/* With posted interrupts the vector goes into the target's descriptor and, unless a notification
 * is already outstanding, the notification vector to its CPU (SDM Vol. 3C, 30.6): a vCPU in the
 * guest takes it without a VM exit. */
void vapic_request_fixed(struct vcpu *t, uint8_t vector)
{
	if (t->pi) {
		bool notify = pi_post(t->pi, vector);
		if (t->owner.cpu == cpu_id())
			vcpu_note_request(t); /* to itself, from an exit: its loop folds the PIR in */
		else if (notify)
			lapic_send_fixed(cpus[t->owner.cpu]->apic_id, VEC_POSTED_INTR);
		return;
	}
	__atomic_or_fetch(&t->pending[vector / 64], 1ull << (vector % 64), __ATOMIC_SEQ_CST);
	vcpu_note_request(t);
	vcpu_kick(t);
}

void vapic_request_nmi(struct vcpu *t)
{
	__atomic_add_fetch(&t->nmi_request, 1, __ATOMIC_SEQ_CST); /* each counts (nmi_latch) */
	vcpu_note_request(t);
	vcpu_kick(t);
}

void vapic_request_init(struct vcpu *t)
{
	__atomic_store_n(&t->init_request, true, __ATOMIC_SEQ_CST);
	vcpu_note_request(t);
	vcpu_kick(t);
}

void vapic_request_sipi(struct vcpu *t, uint8_t vector)
{
	__atomic_store_n(&t->sipi_request, (uint16_t)(0x100 | vector), __ATOMIC_SEQ_CST);
	vcpu_note_request(t);
	vcpu_kick(t);
}

/* INIT (SDM Vol. 3A, 9.1 and 11.4.7.3): the APIC keeps its base and mode, the rest resets, and the
 * vCPU waits for a SIPI; pending events are gone. */
static void take_init(struct vcpu *v)
{
	for (unsigned w = 0; w < 4; w++) {
		__atomic_store_n(&v->pending[w], 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&v->extint[w], 0, __ATOMIC_SEQ_CST);
	}
	if (v->pi) {
		uint64_t dropped[4] = { 0, 0, 0, 0 };
		pi_take(v->pi, dropped);
	}
	v->nmi_pending = 0;
	__atomic_store_n(&v->nmi_request, 0, __ATOMIC_SEQ_CST);
	vlapic_init(&v->apic);
	vmcs_write32(VMCS_ENTRY_INTR_INFO, 0);
	v->state = VCPU_WAIT_START;
	log_debug("%s: vCPU %u: INIT, waiting for SIPI", v->vm->name, v->id);
}

/* A SIPI starts a vCPU that waits for one, in real mode at vector:0000 (SDM Vol. 3A, 9.4.4.1);
 * one to a running vCPU is ignored (SDM Vol. 3A, 11.6.1). */
static void take_sipi(struct vcpu *v, uint16_t req)
{
	if (v->state != VCPU_WAIT_START || v->start_request)
		return;
	vmcs_load_sipi_state(v, (uint8_t)req);
	v->state = VCPU_RUNNING;
	v->apic_dirty = true;
	log_debug("%s: vCPU %u: SIPI vector 0x%x", v->vm->name, v->id, req & 0xff);
}

/* Posted vectors (descriptor) and requested ones (pending[]) alike go into IRR. */
static void take_interrupts(struct vcpu *v)
{
	uint64_t vectors[4] = { 0, 0, 0, 0 };

	if (v->pi && pi_pending(v->pi))
		pi_take(v->pi, vectors);
	for (unsigned w = 0; w < 4; w++) {
		if (v->pending[w])
			vectors[w] |= __atomic_exchange_n(&v->pending[w], 0, __ATOMIC_SEQ_CST);
		for (uint64_t bits = vectors[w]; bits; bits &= bits - 1)
			vlapic_accept(&v->apic, (uint8_t)(w * 64 + __builtin_ctzll(bits)), false);
	}
}

/* Everything other CPUs asked for, plus the timer. The first test is all a vCPU with nothing
 * waiting pays. */
void vapic_take_requests(struct vcpu *v)
{
	bool timer = v->apic.timer_fire && vcpu_guest_tsc(v) >= v->apic.timer_fire;

	if (!v->requests && !timer && !(v->pi && pi_pending(v->pi)))
		return;
	__atomic_store_n(&v->requests, 0, __ATOMIC_SEQ_CST); /* before the data it announces */
	v->apic_dirty = true;
	if (v->init_request && __atomic_exchange_n(&v->init_request, false, __ATOMIC_SEQ_CST))
		take_init(v);
	if (v->sipi_request) {
		uint16_t req = __atomic_exchange_n(&v->sipi_request, 0, __ATOMIC_SEQ_CST);
		if (req)
			take_sipi(v, req);
	}
	take_interrupts(v);
	if (v->nmi_request)
		v->nmi_pending = vlapic_nmi_latch(v->nmi_pending,
						  __atomic_exchange_n(&v->nmi_request, 0,
								      __ATOMIC_SEQ_CST), false);
	if (timer)
		vlapic_timer_due(&v->apic, vcpu_guest_tsc(v));
}

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
	       (vlapic_deliverable(&v->apic) >= 0 || extint_highest(v, false) >= 0);
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

/* NMIs: injected when NMI blocking (and MOV SS / STI blocking) allow, else the NMI window. While
 * the guest's NMI handler runs (NMI blocking) only one more stays latched. */
static bool inject_nmi(struct vcpu *v, bool busy, uint32_t blocking)
{
	bool can = !busy && !(blocking & (BLOCKING_NMI | BLOCKING_MOVSS | BLOCKING_STI));

	v->nmi_pending = vlapic_nmi_latch(v->nmi_pending, 0, blocking & BLOCKING_NMI);
	if (v->nmi_pending && can) {
		vmcs_write32(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | 2);
		v->nmi_pending--;
		busy = true;
	}
	set_window(v, PROC_NMI_WINDOW, v->nmi_pending);
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

/* With virtual-interrupt delivery the CPU takes the highest IRR when PPR and RFLAGS.IF allow:
 * RVI and SVI must match the page's IRR and ISR (SDM Vol. 3C, 30.2.1). */
static void post_virtual(struct vcpu *v)
{
	int irr = vlapic_highest_irr(&v->apic), isr = vlapic_highest_isr(&v->apic);
	uint16_t status = (uint16_t)((irr < 0 ? 0 : irr) | (isr < 0 ? 0 : isr) << 8);

	vmcs_write16(VMCS_GUEST_INTR_STATUS, status);
}

/* Without it: inject the deliverable vector when the guest can take it; otherwise ask for the
 * interrupt window, or, when the TPR holds it back, for a TPR-below-threshold exit. */
static bool inject_external(struct vcpu *v, bool busy, bool open)
{
	const struct vmx_controls *ctl = vmx_host_controls();
	int vec = vlapic_deliverable(&v->apic);

	if (vec >= 0 && !busy && open) {
		vlapic_ack(&v->apic, (uint8_t)vec);
		vmcs_write32(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXTERNAL | (uint32_t)vec);
		busy = true;
		vec = vlapic_deliverable(&v->apic);
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
 * without it the host timer's interrupt, an external-interrupt exit (apic/host_timer.h). Without
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
	vcpu_assert_owner(v, "the virtual-APIC page");
	v->apic_dirty = false;
	bool busy = vmcs_read32(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID;
	uint32_t blocking = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	busy = inject_nmi(v, busy, blocking);
	bool open = (vmcs_read_natural(VMCS_GUEST_RFLAGS) & RFLAGS_IF) &&
		    !(blocking & (BLOCKING_STI | BLOCKING_MOVSS));
	busy = inject_extint(v, busy, open);
	if (ctl->has_vid)
		post_virtual(v);
	else
		busy = inject_external(v, busy, open);
	set_window(v, PROC_INTR_WINDOW, v->want_intr_window);
	arm_preemption_timer(v);
}
