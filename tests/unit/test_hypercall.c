/* tests/unit/test_hypercall.c: VMCALL through the fake VMCS. Every call works from CPL 0; from
 * CPL 3 (SS.DPL, the access rights' bits 6:5) every call does nothing and returns -HC_EPERM
 * (README, "Hypercalls"). HC_START_VCPU's claim is atomic: while one caller holds it, another
 * gets -HC_EBUSY and the target is not touched. */
#include "lib/array.h"
#include "tests/unit/fake_hw.h"
#include "tests/unit/fake_vmcs.h"
#include "tests/unit/test.h"
#include "vmx/exit.h"
#include "lib/guest_abi.h"
#include "vmx/vmcs_fields.h"

static int64_t vmcall(struct vcpu *v, unsigned cpl, uint64_t nr, uint64_t a, uint64_t b,
		      uint64_t c)
{
	fake_vmcs_set(VMCS_GUEST_SS_AR, 0xc093 | cpl << 5);
	fake_vmcs_set(VMCS_GUEST_RIP, 0x100000);
	v->regs.rax = nr, v->regs.rbx = a, v->regs.rcx = b, v->regs.rdx = c;
	exit_vmcall(v);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), 0x100003);
	return (int64_t)v->regs.rax;
}

TEST(hypercalls_from_cpl_0)
{
	struct vcpu *v = fake_vcpu(2, 1 << 20);
	struct vcpu *t = v->vm->vcpus[1];

	CHECK_EQ(vmcall(v, 0, HC_VERSION, 0, 0, 0), HC_ABI_VERSION);
	v->exits[VMX_EXIT_VMCALL] = 5;
	CHECK_EQ(vmcall(v, 0, HC_EXIT_COUNT, 0xffffffff, VMX_EXIT_VMCALL, 0), 5);
	CHECK_EQ(vmcall(v, 0, HC_VCPU_INFO, 0, 0, 0), 0);
	CHECK_EQ(v->regs.rbx, 2);
	CHECK_EQ(vmcall(v, 0, HC_WAKE, 1, 0x40, 0), 0);
	CHECK_EQ(t->extint[1], 1);
	CHECK_EQ(vmcall(v, 0, HC_START_VCPU, 1, 0x8000, 0x1234), 0);
	CHECK_EQ(t->start_request, VCPU_START_READY);
	CHECK_EQ(t->start_eip, 0x8000);
	CHECK_EQ(t->start_eax, 0x1234);
	CHECK_EQ(fake_hw.kicks, 2);
	CHECK_EQ(vmcall(v, 0, 99, 0, 0, 0), (uint64_t)-HC_ENOSYS);
}

TEST(hypercalls_from_cpl_3_do_nothing_and_return_eperm)
{
	static const uint64_t calls[] = { HC_VERSION, HC_START_VCPU, HC_EXIT_COUNT, HC_WAKE,
					  HC_VCPU_INFO, 99 };

	for (unsigned cpl = 1; cpl <= 3; cpl += 2) {
		for (unsigned i = 0; i < ARRAY_SIZE(calls); i++) {
			struct vcpu *v = fake_vcpu(2, 1 << 20);
			struct vcpu *t = v->vm->vcpus[1];
			CHECK_EQ(vmcall(v, cpl, calls[i], 1, 0x40, 0), (uint64_t)-HC_EPERM);
			CHECK_EQ(v->regs.rbx, 1); /* HC_VCPU_INFO did not answer */
			CHECK_EQ(t->extint[1], 0);
			CHECK_EQ(t->start_request, VCPU_START_NONE);
			CHECK_EQ(fake_hw.kicks, 0);
		}
	}
	CHECK_EQ(HC_EPERM, 4);
}

/* The first caller holds the claim (between its CAS and its release of READY): a second one,
 * from another vCPU or the same, is refused and changes nothing. */
TEST(hc_start_vcpu_second_claim_while_the_first_is_held_is_busy)
{
	struct vcpu *v = fake_vcpu(3, 1 << 20);
	struct vcpu *t = v->vm->vcpus[1];

	CHECK(vcpu_claim_start(t));
	CHECK(!vcpu_claim_start(t));
	CHECK_EQ(vmcall(v->vm->vcpus[2], 0, HC_START_VCPU, 1, 0x9000, 0), (uint64_t)-HC_EBUSY);
	CHECK_EQ(t->start_request, VCPU_START_CLAIMED);
	CHECK_EQ(t->start_eip, 0);
	vcpu_set_entry_state(t, 0x8000, 0, 0);
	CHECK_EQ(vmcall(v, 0, HC_START_VCPU, 1, 0x9000, 0), (uint64_t)-HC_EBUSY); /* READY */
	CHECK_EQ(t->start_eip, 0x8000);
}

/* A claim that finds the target already running gives the request back. */
TEST(hc_start_vcpu_of_a_running_vcpu_is_busy)
{
	struct vcpu *v = fake_vcpu(2, 1 << 20);
	struct vcpu *t = v->vm->vcpus[1];

	t->state = VCPU_RUNNING;
	CHECK_EQ(vmcall(v, 0, HC_START_VCPU, 1, 0x9000, 0), (uint64_t)-HC_EBUSY);
	CHECK_EQ(t->start_request, VCPU_START_NONE);
	CHECK_EQ(vmcall(v, 0, HC_START_VCPU, 2, 0x9000, 0), (uint64_t)-HC_EINVAL);
}
