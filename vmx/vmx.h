/* vmx/vmx.h: VMX root operation on every CPU. vmx_init() on the BSP decides whether this machine
 * can run the hypervisor at all (and says why not); vmx_enable_all() then puts every online CPU in
 * VMX root operation. */
#ifndef VMX_VMX_H
#define VMX_VMX_H

#include <stdbool.h>

#include "vmx/vmx_caps.h"

/* BSP: VMX present and usable, capabilities read, controls computed. False after explaining. */
bool vmx_init(void);
/* BSP: VMXON on every online CPU ("vmx: root mode on cpu K"); the number that made it. */
unsigned vmx_enable_all(void);

/* Flush the calling CPU's cached translations of one VPID / one EPTP, with the narrowest type the
 * CPU supports (vmx_invvpid_type); false, after reporting, when the instruction failed. */
bool vmx_flush_vpid(uint16_t vpid);
bool vmx_flush_ept(uint64_t eptp);
/* Whether CPU `cpu` made it into VMX root operation: only those get a vCPU (vmx/vm_config.h). */
bool vmx_cpu_in_root(unsigned cpu);
/* crash=vmxon-cpu1: CPU `cpu` takes the VMXON failure path as if the instruction had failed, so
 * the system tests can show that it then runs no vCPU. Before vmx_enable_all(). */
void vmx_fail_vmxon_on(unsigned cpu);

const struct vmx_caps *vmx_host_caps(void);
const struct vmx_controls *vmx_host_controls(void);

/* Boot option apicv= (the APIC-virtualization fallbacks). */
bool vmx_apicv_option(const char *value, void *ctx);

/* VM-entry failure (VMLAUNCH/VMRESUME fell through): decode and stop the VM. */
struct vcpu;
void vmx_report_entry_error(struct vcpu *v, int result);

#endif
