/* vmx/vmx_caps.h: a CPU's VMX capability MSRs and the control words this hypervisor computes from
 * them, once per CPU at boot (each AP then checks that its capabilities match the BSP's). Pure
 * (host-tested): the MSRs are read through a function the caller passes in. */
#ifndef VMX_VMX_CAPS_H
#define VMX_VMX_CAPS_H

#include <stdbool.h>
#include <stdint.h>

/* The raw IA32_VMX_* MSRs (Intel SDM Vol. 3D, Appendix A). The has_* flags say which of the
 * optional MSRs exist; an absent MSR reads as 0 here and must not be read on the CPU (#GP). */
struct vmx_caps {
	uint64_t basic, pinbased, procbased, exit, entry, misc;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1, vmcs_enum;
	uint64_t procbased2; /* if the primary controls allow "activate secondary controls" */
	uint64_t ept_vpid;   /* if the secondary controls allow "enable EPT" or "enable VPID" */
	uint64_t vmfunc;     /* if the secondary controls allow "enable VM functions" */
	uint64_t true_pin, true_proc, true_exit, true_entry; /* if IA32_VMX_BASIC bit 55 */
	uint64_t procbased3; /* if the primary controls allow "activate tertiary controls" */
	bool has_procbased2, has_ept_vpid, has_vmfunc, has_true, has_procbased3;
};

/* Reads every IA32_VMX_* MSR that exists, in an order that learns which exist before touching
 * them. `rdmsr` is the CPU's RDMSR on hardware and a table in the tests. */
typedef uint64_t (*vmx_rdmsr_fn)(uint32_t msr, void *ctx);
void vmx_caps_read(struct vmx_caps *c, vmx_rdmsr_fn rdmsr, void *ctx);

/* True when both CPUs report the same MSRs with the same values (`*which` set to NULL);
 * otherwise false with `*which` naming the first MSR that differs ("IA32_VMX_PROCBASED_CTLS2").
 * `which` may be NULL. */
bool vmx_caps_same(const struct vmx_caps *a, const struct vmx_caps *b, const char **which);

/* IA32_VMX_BASIC (SDM Vol. 3D, A.1 "Basic VMX Information"). */
uint32_t vmx_revision_id(const struct vmx_caps *c); /* bits 30:0, the VMCS/VMXON region header */
uint32_t vmx_vmcs_size(const struct vmx_caps *c);   /* bits 44:32, bytes */
unsigned vmx_vmcs_memtype(const struct vmx_caps *c); /* bits 53:50: 6 write-back, 0 uncacheable */

/* Optional features a boot option (apicv=...) may turn off: bits of `mask_optional`. */
#define VMX_OPT_POSTED_INTR (1u << 0)
#define VMX_OPT_VID (1u << 1)
#define VMX_OPT_APIC_REG (1u << 2)
#define VMX_OPT_VIRT_X2APIC (1u << 3)
#define VMX_OPT_TPR_SHADOW (1u << 4)
#define VMX_OPT_VIRT_APIC_ACCESS (1u << 5)
#define VMX_OPT_APICV_ALL (VMX_OPT_POSTED_INTR | VMX_OPT_VID | VMX_OPT_APIC_REG | \
			   VMX_OPT_VIRT_X2APIC | VMX_OPT_TPR_SHADOW | VMX_OPT_VIRT_APIC_ACCESS)
/* The VMX-preemption timer, which ends guest time at the virtual APIC timer's deadline: not APIC
 * virtualization, so not in "off". */
#define VMX_OPT_PREEMPTION_TIMER (1u << 6)

/* What this CPU gives the hypervisor. The words are the initial VMCS values; two usable
 * controls are not in them because they change later: "IA-32e mode guest" (per VM entry, follows
 * the guest's EFER.LMA) and "virtualize x2APIC mode" (per vCPU, when the guest switches its APIC
 * to x2APIC mode; it excludes "virtualize APIC accesses", SDM Vol. 3C, 27.2.1.1 "VM-Execution
 * Control Fields"). */
struct vmx_controls {
	uint32_t pin, proc, proc2, exit, entry;

	bool has_tpr_shadow, has_virt_apic_access, has_virt_x2apic, has_apic_reg_virt;
	bool has_vid, has_posted_intr;
	/* The virtual APIC timer's: counts TSC >> preemption_shift (IA32_VMX_MISC bits 4:0, SDM
	 * Vol. 3D, A.6), in VMX non-root operation only. */
	bool has_preemption_timer, has_save_preemption_timer;
	unsigned preemption_shift;
	bool has_nmi_window, has_mwait_exiting, has_monitor_exiting, has_rdpmc_exiting;
	bool has_rdtscp, has_invpcid, has_xsaves, has_wbinvd_exiting;

	bool has_ept_exec_only, has_ept_2m, has_ept_1g, has_ept_ad;
	bool has_invept_single, has_invept_all;
	bool has_invvpid_addr, has_invvpid_single, has_invvpid_all, has_invvpid_single_globals;
};

/* Computes the control words from the capabilities: the bits the CPU forces to 1, plus what
 * this hypervisor wants where the CPU allows it (the want tables are in vmx_caps.c). Required
 * controls and EPT/VPID capabilities that are missing are each logged with log_error; optional
 * ones that are missing, or turned off by `mask_optional` (VMX_OPT_*), are logged with log_info
 * and left out. Returns false when anything required is missing (after listing all of it). */
bool vmx_compute_controls(const struct vmx_caps *c, unsigned mask_optional,
			  struct vmx_controls *out);

/* The INVVPID / INVEPT type that flushes one VPID's or EPTP's translations: single-context where
 * the CPU has it, else all-context (vmx_compute_controls refuses a CPU with neither). The types a
 * CPU supports are in IA32_VMX_EPT_VPID_CAP (SDM Vol. 3D, A.10); using another is VMfailValid. */
uint64_t vmx_invvpid_type(const struct vmx_controls *c);
uint64_t vmx_invept_type(const struct vmx_controls *c);

/* A control register with the VMX-fixed bits applied (SDM Vol. 3D, A.7 "VMX-Fixed Bits in CR0",
 * A.8 "VMX-Fixed Bits in CR4"): bits set in fixed0 forced to 1, bits clear in fixed1 forced to
 * 0. For the host's CR0/CR4 before VMXON and for guest CR4. */
uint64_t vmx_fixed_cr(uint64_t value, uint64_t fixed0, uint64_t fixed1);
/* True when `value` already obeys the fixed bits. */
bool vmx_fixed_cr_ok(uint64_t value, uint64_t fixed0, uint64_t fixed1);
/* Guest CR0: with "unrestricted guest", PE and PG may be 0 although IA32_VMX_CR0_FIXED0 says 1
 * (SDM Vol. 3C, 27.3.1.1 "Checks on Guest Control Registers, Debug Registers, and MSRs"). */
uint64_t vmx_fixed_cr0_guest(uint64_t value, uint64_t fixed0, uint64_t fixed1, bool unrestricted);

#endif
