/* vmx/vapic_irq.c: taking the interrupts, NMIs, INIT and SIPI requested for a vCPU. Other CPUs
 * only leave requests in struct vcpu and kick (vcpu_kick: a host IPI, so a vCPU in the guest
 * exits at once); the vCPU's own CPU takes them before its next entry and is the only one that
 * touches its virtual APIC page and VMCS. Injecting them is vmx/vapic_inject.c. */
#include "arch/cpu.h"
#include "arch/host_timer.h"
#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/trap.h"
#include "lib/log.h"
#include "vmx/vapic.h"
#include "vmx/vcpu.h"
#include "vmx/vm_ioapic.h"
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
		/* Any CPU: the PIR is the one place other CPUs write, with a locked operation, as
		 * the SDM designs it (Vol. 3C, 30.6); everything else waits for the owner. */
		bool notify = pi_post((struct pi_desc *)t->pi, vector);
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

/* Not posted: the descriptor has no trigger mode. The level bit is stored before the vector,
 * so the vCPU that takes the vector sees it (take_interrupts). */
void vapic_request_level(struct vcpu *t, uint8_t vector)
{
	uint64_t bit = 1ull << (vector % 64);

	__atomic_or_fetch(&t->pending_level[vector / 64], bit, __ATOMIC_SEQ_CST);
	__atomic_or_fetch(&t->pending[vector / 64], bit, __ATOMIC_SEQ_CST);
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
		__atomic_store_n(&v->pending_level[w], 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&v->extint[w], 0, __ATOMIC_SEQ_CST);
	}
	if (v->pi) {
		uint64_t dropped[4] = { 0, 0, 0, 0 };
		pi_take(vcpu_pi(v), dropped);
	}
	v->nmi_pending = 0;
	v->held_event = 0;
	__atomic_store_n(&v->nmi_request, 0, __ATOMIC_SEQ_CST);
	vlapic_init(vcpu_apic(v));
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

/* Whether a vector just taken from pending[] was sent level-triggered (and forget that). */
static bool take_level(struct vcpu *v, unsigned vec)
{
	uint64_t bit = 1ull << (vec % 64);

	if (!(v->pending_level[vec / 64] & bit))
		return false;
	__atomic_and_fetch(&v->pending_level[vec / 64], ~bit, __ATOMIC_SEQ_CST);
	return true;
}

/* Posted vectors (descriptor) and requested ones (pending[]) alike go into IRR; a level one
 * also into TMR, and into the EOI-exit bitmap before the guest can take it. */
static void take_interrupts(struct vcpu *v)
{
	uint64_t vectors[4] = { 0, 0, 0, 0 };
	struct vlapic *apic = vcpu_apic(v); /* its IRR */

	if (v->pi && pi_pending(v->pi))
		pi_take(vcpu_pi(v), vectors);
	for (unsigned w = 0; w < 4; w++) {
		if (v->pending[w])
			vectors[w] |= __atomic_exchange_n(&v->pending[w], 0, __ATOMIC_SEQ_CST);
		for (uint64_t bits = vectors[w]; bits; bits &= bits - 1) {
			unsigned vec = w * 64 + (unsigned)__builtin_ctzll(bits);
			bool level = take_level(v, vec);
			vlapic_accept(apic, (uint8_t)vec, level);
			if (level)
				vapic_eoi_exit_add(v, (uint8_t)vec);
		}
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
	if (v->eoi_rescan && __atomic_exchange_n(&v->eoi_rescan, false, __ATOMIC_SEQ_CST))
		vapic_eoi_exit_rescan(v);
	take_interrupts(v);
	if (v->nmi_request)
		v->nmi_pending = vlapic_nmi_latch(v->nmi_pending,
						  __atomic_exchange_n(&v->nmi_request, 0,
								      __ATOMIC_SEQ_CST), false);
	if (timer)
		vlapic_timer_due(vcpu_apic(v), vcpu_guest_tsc(v));
}
