/* tests/unit/test_vcpu_call.c: the shell's calls on a vCPU's own CPU (vmx/vcpu_call.c): a call
 * that has started cannot be withdrawn (its argument is in the caller's frame), one that waits
 * can, and a withdrawn one never runs. */
#include "tests/unit/fake_hw.h"
#include "tests/unit/test.h"

static unsigned runs;
static bool withdrawn_while_running;

/* Runs as the vCPU's CPU would; the caller's timeout strikes in the middle of it. */
static void call_that_times_out(struct vcpu *v, void *arg)
{
	runs++;
	withdrawn_while_running = vcpu_call_withdraw(v);
	CHECK_EQ(*(int *)arg, 42);
}

TEST(vcpu_call_running_cannot_be_withdrawn)
{
	struct vcpu *v = fake_vcpu(2, 1 << 20);
	int arg = 42;

	runs = 0;
	vcpu_call_post(v, call_that_times_out, &arg);
	vcpu_call_answer(v);
	CHECK_EQ(runs, 1);
	CHECK(!withdrawn_while_running);
	CHECK(!v->debug_fn); /* answered */
	CHECK(!vcpu_call_withdraw(v));
}

TEST(vcpu_call_waiting_is_withdrawn_and_never_runs)
{
	struct vcpu *v = fake_vcpu(2, 1 << 20);
	int arg = 42;

	runs = 0;
	vcpu_call_post(v, call_that_times_out, &arg);
	CHECK(vcpu_call_withdraw(v));
	vcpu_call_answer(v);
	CHECK_EQ(runs, 0);
	CHECK(!v->debug_fn);
}
