/* vmx/vmcs_check_host.h: after a failed VM entry, print the guest state and what is wrong with it.
 * On the vCPU's CPU, its VMCS current. */
#ifndef VMX_VMCS_CHECK_HOST_H
#define VMX_VMCS_CHECK_HOST_H

struct vcpu;

void vmcs_report_guest_problems(struct vcpu *v);

#endif
