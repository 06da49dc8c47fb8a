/* tests/guests/vmtest/ap.h: giving jobs to the other vCPUs. A vCPU is started (HC_START_VCPU) the
 * first time it gets a job, since the hypervisor starts each vCPU only once; then it waits in a
 * loop for the next job. vCPU 0 posts and waits; the jobs run on the other vCPUs. */
#ifndef GUEST_VMTEST_AP_H
#define GUEST_VMTEST_AP_H

#include <stdbool.h>

typedef void (*ap_job_fn)(unsigned self);

/* Posts `job` to vCPU `index`, starting it if needed. False, after a FAIL line, when it cannot be
 * started. */
bool ap_post(unsigned index, ap_job_fn job);

/* Waits (bounded) until vCPU `index` has finished its last job; false on timeout. */
bool ap_wait(unsigned index);

/* Whether vCPU `index` was started by ap_post(). */
bool ap_started(unsigned index);

#endif
