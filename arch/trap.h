/* arch/trap.h: exceptions and interrupts in the hypervisor itself (root mode). Any CPU. */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <stdint.h>

#include "arch/percpu.h"

/* Vectors the hypervisor uses for its own interrupts. */
#define VEC_IPI_KICK 0xf0  /* wake a halted CPU so it looks at its work */
#define VEC_POSTED_INTR 0xf1 /* posted-interrupt notification (vmx/posted_intr.h) */
#define VEC_HOST_TIMER 0xf2  /* each CPU's APIC timer: console tick, wake-ups (arch/host_timer.h) */
#define VEC_SPURIOUS 0xff  /* local APIC spurious vector (low 4 bits set, SDM Vol. 3A, 11.9) */

/* The stack as trap_entry.asm leaves it: field order is the reverse of its pushes. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* Fill `p`'s IDT (the gates are the same on every CPU; the IST stacks they name are per CPU). */
void trap_init_idt(struct percpu *p);

void trap_dispatch(struct trap_frame *f);

/* A host NMI that arrived while this CPU ran a guest (NMI exiting). */
void trap_host_nmi(uint64_t guest_rip);

/* Stop the machine because something is wrong in the hypervisor: print why, with the registers
 * and a backtrace from here, stop the other CPUs and halt. For assertions and impossible states. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* A function the fault report calls on the faulting CPU (vmx/: the vCPU it runs, if any). */
void trap_set_vcpu_report(void (*fn)(void));

/* Deliberately fault, for the tests of the fault path (boot option crash=). */
void trap_selftest(const char *what);

#endif
