/* vmx/vmcs_controls.h: a vCPU's execution, exit and entry controls (vmx/vmcs_controls.c). */
#ifndef VMX_VMCS_CONTROLS_H
#define VMX_VMCS_CONTROLS_H

#include <stdbool.h>

struct vcpu;

/* On the vCPU's own CPU, its VMCS current: every control field the CPU consults at VM entry,
 * including those for features left off. False when a VMWRITE failed (reported). */
bool vmcs_setup_controls(struct vcpu *v);

#endif
