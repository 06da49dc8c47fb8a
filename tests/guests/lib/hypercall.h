/* tests/guests/lib/hypercall.h: the guest side of the hypercall ABI (lib/guest_abi.h: VMCALL,
 * number in EAX, arguments in EBX/ECX/EDX, result in EAX). Outside the hypervisor VMCALL raises
 * #UD; the #UD hook that hc_init() installs turns that into the result -HC_NO_HYPERVISOR, so a
 * guest run elsewhere (QEMU TCG) reports failures instead of crashing. Any vCPU. */
#ifndef GUEST_LIB_HYPERCALL_H
#define GUEST_LIB_HYPERCALL_H

#include <stdint.h>

#include "lib/guest_abi.h"

/* Guest-side only, never returned by the hypervisor: VMCALL raised #UD. */
#define HC_NO_HYPERVISOR 100
/* HC_EXIT_COUNT's vCPU argument for "the caller". */
#define HC_SELF 0xffffffffu

/* vCPU 0, once, after trap_init(). */
void hc_init(void);

/* Any call: EAX = nr, EBX/ECX/EDX = a/b/c; returns EAX, and EBX through *ebx_out if not NULL. */
int32_t hc_call(uint32_t nr, uint32_t a, uint32_t b, uint32_t c, uint32_t *ebx_out);

int32_t hc_version(void);
int32_t hc_start_vcpu(uint32_t index, uint32_t eip, uint32_t eax);
int32_t hc_exit_count(uint32_t index, uint32_t reason);
int32_t hc_wake(uint32_t index, uint32_t vector);
/* Returns the caller's vCPU index (or an error); the VM's vCPU count in *count. */
int32_t hc_vcpu_info(uint32_t *count);

/* "ENOSYS", "EINVAL", "EBUSY", "no hypervisor (VMCALL raised #UD)", "ok" or "unknown error". */
const char *hc_strerror(int32_t ret);

#endif
