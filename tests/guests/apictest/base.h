/* tests/guests/apictest/base.h: the parts of suite `base` (base.c, base_reset.c). Each vCPU for
 * itself, interrupts off. */
#ifndef GUEST_APICTEST_BASE_H
#define GUEST_APICTEST_BASE_H

#include <stdbool.h>
#include <stdint.h>

/* WRMSR IA32_APIC_BASE = v: checks the #GP (or none) and the value read back; true when both
 * were as wanted. */
bool base_expect(unsigned self, const char *what, uint64_t v, bool want_gp, uint64_t after);

/* xAPIC mode: sets TPR, LDR, DFR, the timer and its divider away from their power-up values. */
void base_dirty_state(void);
/* xAPIC mode: the registers as 11.4.7.1 "Local APIC State After Power-Up or Reset" says. */
void base_check_reset_state(unsigned self, const char *when);

/* Moving the APIC page: refused over RAM, allowed into the MMIO hole (base_reloc.c). */
void base_relocation(unsigned self, uint64_t home);

#endif
