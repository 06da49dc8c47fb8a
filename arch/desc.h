/* arch/desc.h: x86-64 descriptor tables: GDT with a TSS, IDT (Intel SDM Vol. 3A, chapters 3 and 7,
 * 6.14 "Exception and interrupt handling in 64-bit mode"). Layouts only; loaded per CPU. */
#ifndef ARCH_DESC_H
#define ARCH_DESC_H

#include <stdint.h>

/* Selectors. The VMCS host-state area takes these too (host selectors need RPL 0 and TI 0). */
#define SEL_KERNEL_CS 0x08
#define SEL_KERNEL_DS 0x10
#define SEL_TSS 0x18

#define IST_DOUBLE_FAULT 1
#define IST_NMI 2

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "64-bit TSS is 104 bytes (SDM Vol. 3A, 8.7)");

struct gdt {
	uint64_t entry[5]; /* null, code, data, TSS (two slots) */
} __attribute__((aligned(16)));

/* 64-bit interrupt/trap gate (SDM Vol. 3A, 6.14.1). */
struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gates are 16 bytes");

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

#endif
