/* tests/guests/vmtest/ap.c: one mailbox per vCPU; vCPU 0 writes `job` and bumps `posted`, the vCPU
 * runs the job and sets `done` to `posted`. The acquire/release pairs order the job pointer and the
 * job's results with the counters. */
#include <stdint.h>

#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/hypercall.h"
#include "tests/guests/lib/smp.h"
#include "tests/guests/lib/spinlock.h"
#include "tests/guests/vmtest/ap.h"
#include "lib/printf.h"

#define AP_WAIT_POLLS 100000000u

struct mailbox {
	uint32_t started, posted, done;
	ap_job_fn job;
};

static struct mailbox box[GUEST_MAX_VCPUS];

void guest_ap_main(unsigned self)
{
	struct mailbox *b = &box[self];

	for (;;) {
		uint32_t seq;

		while ((seq = atomic_load(&b->posted)) == atomic_load(&b->done))
			cpu_relax();
		b->job(self);
		atomic_store(&b->done, seq);
	}
}

bool ap_post(unsigned index, ap_job_fn job)
{
	struct mailbox *b = &box[index];

	b->job = job;
	atomic_store(&b->posted, b->posted + 1);
	if (!b->started) {
		int32_t r = smp_start_vcpu(index);

		if (r < 0) {
			char name[24];

			fmt_snprintf(name, sizeof(name), "start.vcpu%u", index);
			check_fail(name, "HC_START_VCPU(%u) (got %d %s, want 0)", index, r,
				   hc_strerror(r));
			atomic_store(&b->posted, b->posted - 1);
			return false;
		}
		b->started = 1;
	}
	return true;
}

bool ap_wait(unsigned index)
{
	struct mailbox *b = &box[index];

	for (uint32_t i = 0; i < AP_WAIT_POLLS; i++) {
		if (atomic_load(&b->done) == atomic_load(&b->posted))
			return true;
		cpu_relax();
	}
	return false;
}

bool ap_started(unsigned index)
{
	return box[index].started;
}
