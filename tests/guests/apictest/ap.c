/* tests/guests/apictest/ap.c: the other vCPUs' side (guest_ap_main) and the mailboxes vCPU 0 posts
 * jobs to: vCPU 0 writes `job` and bumps `posted`, the vCPU runs the job and sets `done` to
 * `posted`. The acquire/release pairs order the job and its results with the counters. */
#include "tests/guests/apictest/ap.h"
#include "tests/guests/apictest/timing.h"
#include "tests/guests/lib/apic.h"
#include "tests/guests/lib/check.h"
#include "tests/guests/lib/cpu.h"
#include "tests/guests/lib/guest.h"
#include "tests/guests/lib/spinlock.h"

#define JOB_TIMEOUT_MS 5000

struct mailbox {
	uint32_t posted, done;
	ap_job_fn job;
};

struct ap_entry_state ap_entry_state[APICTEST_MAX_VCPUS];
uint32_t ap_entries[APICTEST_MAX_VCPUS];
static struct mailbox box[APICTEST_MAX_VCPUS];

/* Before anything changes it: the state the STARTUP left. */
static void note_entry_state(unsigned self)
{
	struct ap_entry_state *s = &ap_entry_state[self];

	if (!apic_base_read(&s->apic_base) || !(s->apic_base & APIC_BASE_EN))
		return;
	s->svr = apic_read(APIC_SVR);
	s->tpr = apic_read(APIC_TPR);
	s->lvt_timer = apic_read(APIC_LVT_TIMER);
	s->lvt_lint0 = apic_read(APIC_LVT_LINT0);
	s->lvt_lint1 = apic_read(APIC_LVT_LINT1);
	s->lvt_error = apic_read(APIC_LVT_ERROR);
}

/* Entered again after every INIT-SIPI: the mailbox is as the last job left it. */
void guest_ap_main(unsigned self)
{
	struct mailbox *b;

	if (self >= APICTEST_MAX_VCPUS)
		halt_forever();
	b = &box[self];
	apic_mode_sync();
	note_entry_state(self);
	if (apic_mode() != APIC_MODE_DISABLED)
		apic_sw_enable(); /* a software-disabled APIC takes no fixed IPIs (11.4.7.2) */
	atomic_inc(&ap_entries[self]);
	irq_enable();
	for (;;) {
		uint32_t seq;

		while ((seq = atomic_load(&b->posted)) == atomic_load(&b->done))
			cpu_relax();
		b->job(self);
		irq_enable(); /* whatever the job left */
		atomic_store(&b->done, seq);
	}
}

bool ap_post(unsigned index, ap_job_fn job)
{
	struct mailbox *b = &box[index];

	if (index == 0 || index >= APICTEST_MAX_VCPUS || !atomic_load(&ap_entries[index]))
		return false;
	b->job = job;
	atomic_store(&b->posted, b->posted + 1);
	return true;
}

bool ap_done(unsigned index)
{
	return atomic_load(&box[index].done) == atomic_load(&box[index].posted);
}

bool ap_wait(unsigned index)
{
	struct mailbox *b = &box[index];
	uint64_t start = rdtsc(), limit = ms_to_ticks(JOB_TIMEOUT_MS);

	while (atomic_load(&b->done) != atomic_load(&b->posted)) {
		if (rdtsc() - start > limit)
			return false;
		cpu_relax();
	}
	return true;
}

static void wait_or_fail(const char *name, unsigned k)
{
	char n[CHECK_NAME_MAX];

	if (!ap_wait(k))
		check_fail(check_name(n, "%s.vcpu%u", name, k),
			   "job on vCPU %u (got no end within %u ms, want done)", k, JOB_TIMEOUT_MS);
}

static void post_or_fail(const char *name, unsigned k, ap_job_fn job, bool *posted)
{
	char n[CHECK_NAME_MAX];

	*posted = ap_post(k, job);
	if (!*posted)
		check_fail(check_name(n, "%s.vcpu%u", name, k),
			   "vCPU %u (got not started, want running)", k);
}

void run_on_all(const char *name, ap_job_fn job)
{
	bool posted[APICTEST_MAX_VCPUS];

	for (unsigned k = 1; k < apictest_nvcpus && k < APICTEST_MAX_VCPUS; k++)
		post_or_fail(name, k, job, &posted[k]);
	job(0);
	irq_enable();
	for (unsigned k = 1; k < apictest_nvcpus && k < APICTEST_MAX_VCPUS; k++)
		if (posted[k])
			wait_or_fail(name, k);
}

void run_on_each(const char *name, ap_job_fn job)
{
	bool posted;

	job(0);
	irq_enable();
	for (unsigned k = 1; k < apictest_nvcpus && k < APICTEST_MAX_VCPUS; k++) {
		post_or_fail(name, k, job, &posted);
		if (posted)
			wait_or_fail(name, k);
	}
}
