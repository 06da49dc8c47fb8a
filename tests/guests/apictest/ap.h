/* tests/guests/apictest/ap.h: the other vCPUs once INIT-SIPI-SIPI has started them (sipi.c). Each
 * enters guest_ap_main(), notes the APIC state it found (to check INIT's reset), enables its APIC
 * and waits for jobs with interrupts on, spinning (it must stay able to take IPIs, and spinning
 * costs no exits). vCPU 0 posts jobs and waits for them. */
#ifndef GUEST_APICTEST_AP_H
#define GUEST_APICTEST_AP_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/guests/apictest/apictest.h"

typedef void (*ap_job_fn)(unsigned self);

/* The APIC as a vCPU found it on entering C after a STARTUP (SDM Vol. 3A, 10.1.1, Table 10-1:
 * INIT resets the APIC registers but not IA32_APIC_BASE, 11.12.5.1). */
struct ap_entry_state {
	uint64_t apic_base;
	uint32_t svr, tpr, lvt_timer, lvt_lint0, lvt_lint1, lvt_error;
};

extern struct ap_entry_state ap_entry_state[APICTEST_MAX_VCPUS];
/* How often each vCPU entered guest_ap_main(). */
extern uint32_t ap_entries[APICTEST_MAX_VCPUS];

/* Posts `job` to vCPU `index`; false when that vCPU has not started. */
bool ap_post(unsigned index, ap_job_fn job);
/* True when vCPU `index` has finished its last job (no waiting). */
bool ap_done(unsigned index);
/* Waits (bounded) until vCPU `index` has finished its last job; false on timeout. */
bool ap_wait(unsigned index);

/* Every started vCPU runs `job` at the same time (vCPU 0 too); FAIL `name` for one that does not
 * finish. */
void run_on_all(const char *name, ap_job_fn job);
/* Every started vCPU runs `job` in turn, vCPU 0 first: one at a time. */
void run_on_each(const char *name, ap_job_fn job);

#endif
