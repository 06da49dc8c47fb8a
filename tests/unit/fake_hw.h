/* tests/unit/fake_hw.h: the host tests' stand-ins for what the exit handlers call that touches
 * hardware or other CPUs (tests/unit/fake_hw.c): CPUID, the TSC, XSETBV, kicks, VM stops, the
 * device lock, the host timer, the VMX capabilities and controls. Each records its calls in
 * fake_hw so a test checks what the handler did; fake_hw_reset() starts over. With the fake VMCS
 * (fake_vmcs.h) and a vCPU from fake_vcpu(), a test runs a handler as a VM exit would. */
#ifndef TESTS_UNIT_FAKE_HW_H
#define TESTS_UNIT_FAKE_HW_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/x86.h"
#include "vmx/vcpu.h"
#include "vmx/vmx_caps.h"

struct fake_hw {
	unsigned kicks;             /* vcpu_kick */
	const struct vcpu *kicked;  /* the last one */
	unsigned stops;             /* vm_stop */
	char stop_reason[256];      /* the first reason */
	int lock_depth;             /* vm_lock_devices minus vm_unlock_devices */
	unsigned locks;
	unsigned xsetbvs;           /* xsetbv */
	uint32_t xsetbv_index;
	uint64_t xsetbv_value;
	uint64_t tsc;               /* what rdtsc() returns */
	uint64_t wake_at;           /* host_timer_wake_at, 0 after cancel */
	unsigned owner_checks;      /* vcpu_assert_owner */
	unsigned apic_msrs;         /* vapic_rdmsr + vapic_wrmsr */
	uint32_t apic_msr;          /* the last one's MSR */
	bool apic_msr_gp;           /* what they answer for gp */
};

extern struct fake_hw fake_hw;
extern struct vmx_caps fake_caps;         /* vmx_host_caps() */
extern struct vmx_controls fake_controls; /* vmx_host_controls() */

/* Nothing recorded; the CPUID table empty but for leaves 0x80000000/0x80000008 (MAXPHYADDR
 * 39); capabilities of a CPU with unrestricted guest (CR0 fixed PE, NE, PG; CR4 fixed VMXE). */
void fake_hw_reset(void);
/* What CPUID(leaf, subleaf) answers; leaves not set answer zeros. */
void fake_cpuid_set(uint32_t leaf, uint32_t subleaf, struct cpuid_regs r);

/* A VM of `nvcpus` vCPUs (at most 4) over `ram` bytes of guest RAM (tests/unit/guest_ram.h,
 * filled with 0xcc), each vCPU set up as vmcs_setup() leaves it: its CR masks, state RUNNING
 * (the others WAIT_START), CPL 0 (SS access rights 0x93). The fake VMCS is reset and holds the
 * 32-bit protected-mode start state (CR0 PE|ET|NE, CR4 VMXE) with an exit instruction length of
 * 3. Everything fake is reset too. Returns vCPU 0. */
struct vcpu *fake_vcpu(unsigned nvcpus, uint64_t ram);

#endif
