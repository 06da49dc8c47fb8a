/* tests/guests/lib/guest.h: what a guest kernel (tests/guests/hello, vmtest, ...) gives the guest
 * library, and what the library's start-up code calls. The ordered start-up itself is in
 * tests/guests/lib/start.c. */
#ifndef GUEST_LIB_GUEST_H
#define GUEST_LIB_GUEST_H

/* The kernel's name: every console line starts with "NAME: ". */
extern const char guest_name[];

/* vCPU 0, once the console, the IDT, the hypercall wrappers and the multiboot information are
 * ready. Does not return (if it does, vCPU 0 halts). */
void guest_main(void);

/* vCPU `index` (>= 1) after smp_start_vcpu(index), with its own stack and the IDT loaded. Does not
 * return (if it does, the vCPU halts). */
void guest_ap_main(unsigned index);

#endif
