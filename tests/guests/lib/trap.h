/* tests/guests/lib/trap.h: the guest's IDT: one gate per vector, all leading to trap_dispatch(),
 * which first checks for a fault the running code expects (trap_expect), then a hook a test
 * installed for that vector (trap_set_hook), and otherwise reports an unexpected exception and
 * stops the vCPU. One IDT shared by every vCPU; the expectation is per vCPU. */
#ifndef GUEST_LIB_TRAP_H
#define GUEST_LIB_TRAP_H

#include <stdbool.h>
#include <stdint.h>

#define TRAP_UD 6
#define TRAP_GP 13

/* The stack as trap_entry.asm leaves it (PUSHAD order, then vector, error code and what the CPU
 * pushed). A handler may change eax and eip: they are restored from here. */
struct trap_frame {
	uint32_t edi, esi, ebp, esp_pushad, ebx, edx, ecx, eax;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
};

/* Returns true when it handled the trap (execution resumes at f->eip). */
typedef bool (*trap_hook_fn)(struct trap_frame *f);

/* vCPU 0, once: fills the IDT and loads it. */
void trap_init(void);
/* Other vCPUs: load the same IDT. */
void trap_load(void);

/* Points `vector`'s gate at an assembly `handler` of its own (not trap_dispatch), with
 * descriptor privilege `dpl`: 3 lets CPL-3 code reach it with INT n (SDM Vol. 3A, 6.12.1.1). */
void trap_set_gate(unsigned vector, void (*handler)(void), unsigned dpl);

/* Installs (or with NULL removes) the hook for `vector`; the hook runs on whichever vCPU takes
 * the trap. */
void trap_set_hook(unsigned vector, trap_hook_fn fn);

/* Catching one faulting instruction: trap_expect(TRAP_GP, 2), then the instruction, then
 * trap_expect_end() says whether it faulted. When it does, the handler skips its `insn_len` bytes
 * and execution continues after it. */
void trap_expect(unsigned vector, unsigned insn_len);
bool trap_expect_end(void);

/* Catching whatever fault one instruction raises, when it is not known in advance which (the
 * chaos suite's random privileged instructions): trap_catch_begin() arms this vCPU's catch and
 * returns it; the caller's asm stores the instruction's address in `at` and the address after it
 * in `to`, then executes it. An exception (vector 0..31, not NMI) raised with EIP == at resumes at
 * `to`; one at any other EIP is still fatal, so a fault reported at the wrong place (or by the
 * wrong instruction) is not skipped. trap_catch_end() disarms and returns the vector, or
 * TRAP_NONE. Interrupts (32..255) are never caught here: they go to their hooks. */
#define TRAP_NONE 0xffffffffu
struct trap_catch {
	uint32_t at, to;
	uint32_t armed, vector;
};
struct trap_catch *trap_catch_begin(void);
uint32_t trap_catch_end(struct trap_catch *c);

/* "#GP", "#UD", ... for an exception vector; "interrupt" from 32 on. */
const char *trap_vector_name(uint32_t v);

/* For trap.c: the C side of trap_entry.asm. */
void trap_dispatch(struct trap_frame *f);

#endif
