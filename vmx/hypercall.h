/* vmx/hypercall.h: the hypercall ABI, shared by the hypervisor and the guests in guest/ (README,
 * "Hypercalls"). A guest executes VMCALL with the call number in EAX/RAX and arguments in
 * EBX/RBX, ECX/RCX, EDX/RDX; the result comes back in EAX/RAX (and, where a call says so, EBX):
 * zero or positive on success, a negative HC_E* on failure. Other registers are preserved. */
#ifndef VMX_HYPERCALL_H
#define VMX_HYPERCALL_H

#define HC_ABI_VERSION 1

enum hypercall {
	HC_VERSION = 0,    /* -> HC_ABI_VERSION */
	HC_START_VCPU = 1, /* EBX vCPU index, ECX entry EIP (32-bit flat protected mode, as a
			    * multiboot entry), EDX the new vCPU's EAX -> 0. A shortcut for
			    * INIT-SIPI-SIPI through the virtual APIC, which starts APs too. */
	HC_EXIT_COUNT = 2, /* EBX vCPU index (0xffffffff: the caller), ECX basic exit reason or
			    * HC_EXIT_ALL -> that vCPU's count of such exits (low 31 bits) */
	HC_WAKE = 3,       /* EBX vCPU index, ECX vector 32..255: raise that external interrupt in
			    * the vCPU (it wakes a HLT) -> 0 */
	HC_VCPU_INFO = 4,  /* -> EAX the caller's vCPU index, EBX the VM's vCPU count */
};

#define HC_EXIT_ALL 0xffff /* HC_EXIT_COUNT: every reason */

#define HC_ENOSYS 1 /* no such call */
#define HC_EINVAL 2 /* an argument is out of range */
#define HC_EBUSY 3  /* HC_START_VCPU: that vCPU already runs */
#define HC_EPERM 4 /* the caller is not at CPL 0 */

/* The VM's own devices (guest ACPI tables describe the PM1 blocks). */
#define GUEST_PORT_COM1 0x3f8
#define GUEST_PORT_PM1A_EVT 0x600
#define GUEST_PORT_PM1A_CNT 0x604
#define GUEST_SLP_TYP_S5 5
#define GUEST_PORT_RESET 0xcf9

/* CPUID leaf 0x40000000: max hypervisor leaf in EAX, signature in EBX, ECX, EDX. */
#define HV_CPUID_SIGNATURE "MicroHVisor"

#endif
