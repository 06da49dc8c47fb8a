/* tests/unit/test_vcpu_event.c: an exception raised while an earlier event waits in the VM-entry
 * interruption-information field (re-injected after an exit during its delivery): SDM Vol. 3A,
 * Tables 6-4 and 6-5 for each pair of classes, and the order of delivery. An interrupted external
 * interrupt or NMI is held and injected on the next entry after the exception, never lost;
 * vapic_before_entry never overwrites a valid field. */
#include "arch/cpu.h"
#include "tests/unit/fake_hw.h"
#include "tests/unit/fake_vmcs.h"
#include "tests/unit/test.h"
#include "vmx/event_combine.h"
#include "vmx/vapic.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_fields.h"

#define HW(v) (INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | (v))
#define HW_ERR(v) (HW(v) | INTR_HAS_ERROR)
#define EXT(v) (INTR_INFO_VALID | INTR_TYPE_EXTERNAL | (v))
#define NMI (INTR_INFO_VALID | INTR_TYPE_NMI | 2)

TEST(exception_classes_follow_table_6_4)
{
	static const uint8_t benign[] = { 1, 2, 3, 4, 5, 6, 7, 9, 16, 17, 18, 19 };
	static const uint8_t contributory[] = { 0, 10, 11, 12, 13, 21 };

	for (unsigned i = 0; i < sizeof(benign); i++)
		CHECK_EQ(exc_class(benign[i]), EXC_BENIGN);
	for (unsigned i = 0; i < sizeof(contributory); i++)
		CHECK_EQ(exc_class(contributory[i]), EXC_CONTRIBUTORY);
	CHECK_EQ(exc_class(14), EXC_PAGE_FAULT);
	CHECK_EQ(exc_class(20), EXC_PAGE_FAULT);
	CHECK_EQ(exc_class(8), EXC_DOUBLE_FAULT);
}

TEST(event_combinations_follow_table_6_5)
{
	/* earlier benign: serial */
	CHECK_EQ(event_combine(HW(6), 13), EVENT_NEW_REPLACES);
	CHECK_EQ(event_combine(HW(1), 14), EVENT_NEW_REPLACES);
	/* earlier contributory */
	CHECK_EQ(event_combine(HW_ERR(13), 6), EVENT_NEW_REPLACES);
	CHECK_EQ(event_combine(HW_ERR(13), 13), EVENT_DOUBLE_FAULT);
	CHECK_EQ(event_combine(HW(0), 11), EVENT_DOUBLE_FAULT);
	CHECK_EQ(event_combine(HW_ERR(11), 14), EVENT_NEW_REPLACES);
	/* earlier page fault */
	CHECK_EQ(event_combine(HW_ERR(14), 6), EVENT_NEW_REPLACES);
	CHECK_EQ(event_combine(HW_ERR(14), 13), EVENT_DOUBLE_FAULT);
	CHECK_EQ(event_combine(HW_ERR(14), 14), EVENT_DOUBLE_FAULT);
	/* while delivering #DF */
	CHECK_EQ(event_combine(HW_ERR(8), 13), EVENT_TRIPLE_FAULT);
	CHECK_EQ(event_combine(HW_ERR(8), 14), EVENT_TRIPLE_FAULT);
	CHECK_EQ(event_combine(HW_ERR(8), 6), EVENT_NEW_REPLACES);
	/* interrupts and NMIs are held, whatever the exception */
	CHECK_EQ(event_combine(EXT(0x30), 13), EVENT_NEW_THEN_EARLIER);
	CHECK_EQ(event_combine(EXT(0x30), 14), EVENT_NEW_THEN_EARLIER);
	CHECK_EQ(event_combine(NMI, 13), EVENT_NEW_THEN_EARLIER);
	/* an instruction's own events are raised again by executing it again */
	CHECK_EQ(event_combine(INTR_INFO_VALID | INTR_TYPE_SOFT_INTR | 0x80, 13),
		 EVENT_NEW_REPLACES);
	CHECK_EQ(event_combine(INTR_INFO_VALID | INTR_TYPE_SOFT_EXC | 3, 14), EVENT_NEW_REPLACES);
}

/* An exit during delivery of `earlier` re-injects it, then a handler raises `vector`. */
static struct vcpu *reinject_then(uint32_t earlier, uint32_t error, uint8_t vector)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);

	fake_vmcs_set(VMCS_IDT_VECTORING_ERROR_CODE, error);
	vcpu_reinject_event(v, earlier);
	vcpu_inject_exception(v, vector, vector == 13 || vector == 14, 0x18);
	return v;
}

TEST(exception_over_contributory_becomes_double_fault)
{
	reinject_then(HW_ERR(13), 0x10, 13);
	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO), HW_ERR(8));
	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_EXCEPTION_ERROR_CODE), 0);
	reinject_then(HW_ERR(14), 0x2, 13);
	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO), HW_ERR(8));
}

TEST(exception_over_double_fault_is_a_triple_fault_that_stops_the_vm)
{
	struct vcpu *v = reinject_then(HW_ERR(8), 0, 14);

	CHECK_EQ(fake_hw.stops, 1);
	CHECK(strstr(fake_hw.stop_reason, "triple fault on vCPU 0"));
	CHECK(v->vm->stopping);
	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO), 0);
}

TEST(exception_over_benign_replaces_it)
{
	struct vcpu *v = reinject_then(HW(6), 0, 13);

	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO), HW_ERR(13));
	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_EXCEPTION_ERROR_CODE), 0x18);
	CHECK_EQ(v->held_event, 0);
}

/* The exception goes first; the interrupt waits in the vCPU, keeps the vCPU off the stub's
 * short path, and is injected on the next entry that finds the field free. */
TEST(interrupted_interrupt_is_delivered_after_the_exception)
{
	static const uint32_t earlier[] = { EXT(0x31), NMI };

	for (unsigned i = 0; i < 2; i++) {
		struct vcpu *v = reinject_then(earlier[i], 0, 13);
		CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO), HW_ERR(13));
		CHECK_EQ(v->held_event, earlier[i]);
		CHECK(v->apic_dirty);
		v->stub_resumes = VCPU_STUB_RESUMES_MAX;
		CHECK(!vcpu_may_resume_from_stub(v));

		vapic_before_entry(v); /* the entry that delivers the #GP: the field is taken */
		CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO), HW_ERR(13));
		CHECK_EQ(v->held_event, earlier[i]);
		CHECK(v->apic_dirty);

		fake_vmcs_set(VMCS_ENTRY_INTR_INFO, 0); /* VM entry delivered it; the next exit */
		vapic_before_entry(v);
		CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO), earlier[i]);
		CHECK_EQ(v->held_event, 0);
	}
}

/* A pending NMI and a deliverable interrupt wait while the field holds a re-injected event. */
TEST(injection_never_overwrites_a_valid_entry_field)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);

	vcpu_reinject_event(v, HW_ERR(14));
	v->nmi_pending = true;
	vcpu_raise_interrupt(v, 0x40);
	fake_vmcs_set(VMCS_GUEST_RFLAGS, RFLAGS_IF);
	v->apic_dirty = true;
	v->proc_ctl = 0;
	vapic_before_entry(v);
	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO), HW_ERR(14));
	CHECK(v->nmi_pending);
	CHECK(v->extint[1]);
	CHECK(v->proc_ctl & PROC_NMI_WINDOW);
	CHECK(v->proc_ctl & PROC_INTR_WINDOW);
}

/* NMI-window exiting is optional (it needs "virtual NMIs"): without it a blocked NMI must not
 * turn the control on (VM entry would fail), and the vCPU's exits keep coming round the loop to
 * inject it once blocking ends. */
TEST(nmi_window_only_where_the_cpu_has_it)
{
	for (int has = 0; has < 2; has++) {
		struct vcpu *v = fake_vcpu(1, 1 << 20);
		fake_controls.has_nmi_window = has;
		fake_vmcs_set(VMCS_GUEST_INTERRUPTIBILITY, BLOCKING_NMI);
		v->nmi_pending = true;
		v->apic_dirty = true;
		v->proc_ctl = 0;
		vapic_before_entry(v);
		CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO), 0); /* blocked: not injected */
		CHECK_EQ(!!(v->proc_ctl & PROC_NMI_WINDOW), has);
		CHECK(has || v->apic_dirty);

		fake_vmcs_set(VMCS_GUEST_INTERRUPTIBILITY, 0); /* the guest's IRET: blocking ends */
		v->apic_dirty = true;
		vapic_before_entry(v);
		CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO), INTR_INFO_VALID | INTR_TYPE_NMI | 2);
		CHECK(!(v->proc_ctl & PROC_NMI_WINDOW));
	}
}

/* Virtual-interrupt delivery: RVI is posted only at an entry where the guest can take the
 * interrupt (RFLAGS.IF = 1, no STI or MOV SS shadow, SDM Vol. 3C, 30.2.2); before that it stays 0
 * and the interrupt-window exit comes back for it. The case of kvm-unit-tests' vmexit.flat
 * x2apic_self_ipi_tpr_sti_hlt: a self-IPI with IF = 0, then STI; HLT (issue #12). SVI always
 * follows the ISR. */
TEST(virtual_interrupt_posted_only_when_the_guest_can_take_it)
{
	struct vcpu *v = fake_vcpu(1, 1 << 20);
	static const struct { uint64_t rflags; uint32_t blocking; } closed[] = {
		{ 0, 0 }, { RFLAGS_IF, BLOCKING_STI }, { RFLAGS_IF, BLOCKING_MOVSS },
	};

	fake_controls.has_vid = true;
	vlapic_set_reg(vcpu_apic(v), APIC_ISR + 0x10 * (0x30 / 32), 1u << (0x30 % 32)); /* SVI */
	vlapic_set_reg(vcpu_apic(v), APIC_IRR + 0x10 * (0xb0 / 32), 1u << (0xb0 % 32));
	for (unsigned i = 0; i < sizeof(closed) / sizeof(closed[0]); i++) {
		fake_vmcs_set(VMCS_GUEST_RFLAGS, closed[i].rflags);
		fake_vmcs_set(VMCS_GUEST_INTERRUPTIBILITY, closed[i].blocking);
		v->apic_dirty = true;
		v->proc_ctl = 0;
		vapic_before_entry(v);
		CHECK_EQ(fake_vmcs_get(VMCS_GUEST_INTR_STATUS), 0x3000);
		CHECK(v->proc_ctl & PROC_INTR_WINDOW);
	}
	fake_vmcs_set(VMCS_GUEST_RFLAGS, RFLAGS_IF); /* the interrupt-window exit */
	fake_vmcs_set(VMCS_GUEST_INTERRUPTIBILITY, 0);
	v->apic_dirty = true;
	vapic_before_entry(v);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_INTR_STATUS), 0x30b0);
	CHECK(!(v->proc_ctl & PROC_INTR_WINDOW));
	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO), 0); /* the CPU delivers it, not injection */
}
