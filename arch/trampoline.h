/* arch/trampoline.h: the AP start-up code in arch/trampoline.asm and its parameter block, as the
 * BSP sees them (arch/smp.c copies and fills them). All symbols lie inside
 * [ap_trampoline_start, ap_trampoline_end); their offsets from the start are what matter. */
#ifndef ARCH_TRAMPOLINE_H
#define ARCH_TRAMPOLINE_H

#include <stdint.h>

extern const uint8_t ap_trampoline_start[], ap_trampoline_end[];
extern const uint8_t tramp_gdt[], tramp_gdt_ptr[], tramp_far32[], tramp_far64[];
extern const uint64_t tramp_cr3[], tramp_efer[], tramp_stack[], tramp_entry[], tramp_arg[];
extern const uint64_t tramp_pm32_off, tramp_lm64_off;

#endif
