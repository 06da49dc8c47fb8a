/* tests/guests/vmtest/vmtest.h: the test guest's suites (one file each) and what they share. vCPU 0
 * runs the suites one after another (main.c); a suite may give jobs to other vCPUs (ap.h). */
#ifndef GUEST_VMTEST_VMTEST_H
#define GUEST_VMTEST_VMTEST_H

#include <stdint.h>

/* Intel SDM Vol. 3D, Appendix C "VMX Basic Exit Reasons". */
#define EXIT_REASON_CPUID 10
#define EXIT_REASON_HLT 12
#define EXIT_REASON_VMCALL 18

/* The VM's vCPU count (HC_VCPU_INFO; 1 when that fails), at most GUEST_MAX_VCPUS. */
extern uint32_t vmtest_nvcpus;

/* Spins `n` PAUSEs: a delay that costs no VM exits. */
void vmtest_delay(uint32_t n);

/* Non-destructive: `test=all` runs them in this order. */
void suite_cpuid(void);
void suite_exitcount(void);
void suite_msr(void);
void suite_ports(void);
void suite_ioapic(void); /* needs vm.testdev=on */
void suite_vmcall(void);
void suite_hlt(void);
void suite_hvmem(void);
void suite_apic(void);
void suite_xsetbv(void);
void suite_cpl3(void);
void suite_pae(void);
void suite_longmode(void);

/* Destructive: they end the VM (the hypervisor reports how), so they run only when named. */
void suite_triplefault(void);
void suite_ept_outside(void);
void suite_taskswitch(void);
void suite_ept_past_ram(void); /* multivm.c */
void suite_ipi_away(void);
void suite_reset(void);
void suite_halt_forever(void);
void suite_console(void);
void suite_apicstart(void);
/* Hostile, but not destructive when the hypervisor is right; named only, as it is long. */
void suite_chaos(void);

#endif
