/* tests/unit/test_vcpu_resume.c: when the exit stub may resume a guest without the loop in
 * vcpu_run(): never with a request waiting, interrupt state to look at, a vCPU that stopped
 * running, or after VCPU_STUB_RESUMES_MAX exits in a row; and then it marks the vCPU in the guest
 * again for the design rule's checks. */
#include "vmx/vcpu.h"
#include "tests/unit/test.h"

/* struct vcpu holds its APIC const (written through vcpu_apic() only), so it is set up in place. */
static void make_ready(struct vcpu *v)
{
	memset(v, 0, sizeof(*v));
	v->state = VCPU_RUNNING;
	v->stub_resumes = VCPU_STUB_RESUMES_MAX;
}

TEST(vcpu_resumes_from_the_stub_only_without_loop_work)
{
	struct vcpu v;

	make_ready(&v);

	CHECK(vcpu_may_resume_from_stub(&v));
	CHECK(v.owner.in_guest);

	make_ready(&v);
	v.requests = 1;
	CHECK(!vcpu_may_resume_from_stub(&v));
	CHECK(!v.owner.in_guest);

	make_ready(&v);
	v.apic_dirty = true;
	CHECK(!vcpu_may_resume_from_stub(&v));

	static const int not_running[] = { VCPU_WAIT_START, VCPU_HALTED, VCPU_STOPPED };
	for (unsigned i = 0; i < 3; i++) {
		make_ready(&v);
		v.state = not_running[i];
		CHECK(!vcpu_may_resume_from_stub(&v));
	}
}

TEST(vcpu_goes_round_the_loop_after_a_run_of_stub_resumes)
{
	struct vcpu v;

	make_ready(&v);
	unsigned resumed = 0;

	while (vcpu_may_resume_from_stub(&v) && resumed <= VCPU_STUB_RESUMES_MAX)
		resumed++;
	CHECK_EQ(resumed, VCPU_STUB_RESUMES_MAX - 1);
}
