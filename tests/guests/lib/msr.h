/* tests/guests/lib/msr.h: RDMSR and WRMSR that survive a #GP (the machine refusing the MSR): the
 * fault is caught (trap_expect) and reported as false. Any vCPU, with the IDT loaded. */
#ifndef GUEST_LIB_MSR_H
#define GUEST_LIB_MSR_H

#include <stdbool.h>
#include <stdint.h>

/* False when RDMSR raised #GP (then *v is untouched). */
bool msr_read_safe(uint32_t msr, uint64_t *v);
/* False when WRMSR raised #GP. */
bool msr_write_safe(uint32_t msr, uint64_t v);

#endif
