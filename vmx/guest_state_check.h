/* vmx/guest_state_check.h: after "VM-entry failure due to invalid guest state" (basic exit
 * reason 33) the CPU does not say which field is wrong. This re-checks the values the hypervisor
 * wrote against the SDM's rules (Vol. 3C, 27.3.1 "Checks on the Guest State Area") and names each
 * field that breaks one. Pure (host-tested); vmx/vmcs_check_host.c reads the VMCS into it. It
 * covers the rules this hypervisor's guest states can break, not every rule of the SDM. */
#ifndef VMX_GUEST_STATE_CHECK_H
#define VMX_GUEST_STATE_CHECK_H

#include <stdbool.h>
#include <stdint.h>

struct gs_segment {
	uint16_t sel;
	uint32_t limit, ar;
	uint64_t base;
};

struct guest_state {
	uint64_t cr0, cr4, efer, rflags, rip, link_pointer;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint32_t entry_ctl, proc2, activity, interruptibility, entry_intr_info;
	struct gs_segment cs, ss, ds, es, fs, gs, tr, ldtr;
};

struct gs_problem {
	const char *field; /* the SDM's name, e.g. "GUEST_CS_AR_BYTES" */
	const char *rule;
};

/* Writes up to `max` problems, returns how many were found (0: the state passes these checks). */
unsigned guest_state_check(const struct guest_state *g, struct gs_problem *out, unsigned max);

#endif
