/* tests/guests/lib/smp.h: the guest's vCPUs: a stack per vCPU (which also tells a vCPU its own
 * index) and starting the others through the HC_START_VCPU hypercall. Any vCPU. */
#ifndef GUEST_LIB_SMP_H
#define GUEST_LIB_SMP_H

#include <stdint.h>

/* As many as the hypervisor can give a VM (its MAX_CPUS). */
#define GUEST_MAX_VCPUS 256
/* Enough for the deepest path: a console line formatted inside an exception handler. */
#define GUEST_STACK_SIZE 4096

/* This vCPU's index: which slot of the stack area ESP lies in. Costs no VM exit (CPUID would,
 * and would disturb the exit-count tests). */
unsigned smp_self(void);

/* Starts vCPU `index` at the library's AP entry (guest_ap_main(index) follows). Returns the
 * hypercall's result: 0, or a negative HC_E* (or -HC_NO_HYPERVISOR,
 * tests/guests/lib/hypercall.h). */
int32_t smp_start_vcpu(unsigned index);

#endif
