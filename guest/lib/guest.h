/* guest/lib/guest.h: what the test guests share: port I/O, a COM1 console, hypercalls, and
 * ACPI power-off found through the VM's own tables. 32-bit, freestanding, runs inside the VM. */
#ifndef GUEST_LIB_GUEST_H
#define GUEST_LIB_GUEST_H

#include <stdbool.h>
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

/* VMCALL with EAX = nr, EBX/ECX/EDX = a/b/c; returns EAX, and EBX in *ebx_out if given. */
static inline int32_t hypercall(uint32_t nr, uint32_t a, uint32_t b, uint32_t c,
				uint32_t *ebx_out)
{
	uint32_t ret, ebx = a;

	__asm__ volatile("vmcall" : "=a"(ret), "+b"(ebx) : "a"(nr), "c"(b), "d"(c) : "memory");
	if (ebx_out)
		*ebx_out = ebx;
	return (int32_t)ret;
}

/* One whole line on COM1 under a lock, so vCPUs' lines do not mix. */
void guest_print(const char *a, uint32_t n1, const char *b, uint32_t n2, const char *c);
/* "a b" on one line, then "c n d" when c is given. */
void guest_print_pair(const char *a, const char *b, const char *c, uint32_t n, const char *d);
/* Find \_S5 and the PM1a control block through RSDP -> RSDT -> FACP -> DSDT; write S5. */
void guest_acpi_poweroff(void);

void guest_ap_entry(void);

/* The stack guest_trap() sees (pushad, vector, error, then the CPU's frame). */
struct guest_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t vector, error, eip, cs, eflags;
};
/* Install an IDT on this vCPU with gates for vectors 0-31 and 0x40, all to guest_trap(). */
void guest_idt_load(void);
void guest_trap(struct guest_frame *f); /* defined by each guest */

#endif
