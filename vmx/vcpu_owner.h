/* vmx/vcpu_owner.h: the design rule in code (DEVELOPERS.md; Intel SDM Vol. 3C, 25.11.4 "Software
 * Access to Related Structures": no structure referenced by a VMCS may be modified while a logical
 * processor using that VMCS is in VMX non-root operation). A vCPU's VMCS controls, MSR bitmap and
 * virtual-APIC page are written only by the vCPU's own physical CPU, in root mode (between a VM
 * exit and the next VM entry), or while the VM is built by the CPU that builds it. Every such
 * write goes through vcpu_owner_check(); the hardware side (vcpu_assert_owner(), vmx/vcpu.h)
 * panics, naming the structure and the vCPU, when it fails.
 * The check itself is pure, so a host test shows it catches a write from the wrong CPU. */
#ifndef VMX_VCPU_OWNER_H
#define VMX_VCPU_OWNER_H

#include <stdbool.h>

struct vcpu_owner {
	unsigned cpu;           /* the physical CPU the vCPU is pinned to */
	volatile bool in_guest; /* set just before VM entry, cleared right after the exit */
	/* While the VM is built (vm_build() to vm_ready(), before any vCPU runs) the building CPU,
	 * the BSP, writes every vCPU's structures, and only it. */
	bool building;
	unsigned builder;
};

enum vcpu_owner_verdict {
	VCPU_OWNER_OK = 0,
	VCPU_OWNER_WRONG_CPU, /* another CPU is writing this vCPU's structure */
	VCPU_OWNER_IN_GUEST,  /* the vCPU is in non-root operation using it right now */
};

enum vcpu_owner_verdict vcpu_owner_check(const struct vcpu_owner *o, unsigned current_cpu);
const char *vcpu_owner_verdict_text(enum vcpu_owner_verdict v);

#endif
