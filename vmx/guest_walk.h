/* vmx/guest_walk.h: guest linear -> guest-physical translation through the guest's own page
 * tables (Intel SDM Vol. 3A, chapter 4 "Paging": 4.3 32-bit paging, 4.4 PAE paging, 4.5 4-level
 * and 5-level paging). The hypervisor uses it to read the instruction bytes at the guest's RIP
 * after a fault-like exit such as an APIC access. Those bytes were just fetched by the CPU, so
 * only presence and translation matter: no access-rights, protection-key, canonicality or
 * MAXPHYADDR checks, and no accessed/dirty updates. The few reserved bits checked are those that
 * are wrong on every CPU (GW_RESERVED). Pure (host-tested); any context. */
#ifndef VMX_GUEST_WALK_H
#define VMX_GUEST_WALK_H

#include <stdbool.h>
#include <stdint.h>

/* Control-register bits that choose the paging mode (SDM Vol. 3A, 4.1.1 "Four Paging Modes",
 * Table 4-1 "Properties of Different Paging Modes"). */
#define GW_CR0_PG (1ull << 31)
#define GW_CR4_PSE (1ull << 4)
#define GW_CR4_PAE (1ull << 5)
#define GW_CR4_LA57 (1ull << 12)
#define GW_EFER_LMA (1ull << 10)

/* Reads the 8 bytes at guest-physical `gpa` into *value; false when they are not guest RAM.
 * 32-bit paging has 4-byte entries: the walker reads 8 bytes at the 4-byte aligned entry and uses
 * the low 32 bits, so the reader must accept any 4-byte aligned gpa inside RAM, including the
 * last 4 bytes (it may return anything in the upper half then). */
typedef bool (*gw_read64_fn)(void *ctx, uint64_t gpa, uint64_t *value);

struct gw_regs { uint64_t cr0, cr3, cr4, efer; };

enum gw_result {
	GW_OK = 0,
	GW_NOT_PRESENT, /* a paging-structure entry on the way has P = 0 */
	GW_RESERVED,    /* an entry sets a bit that is reserved on every CPU */
	GW_BAD_GPA,     /* a paging structure lies outside guest RAM (the reader said false) */
};

/* Paging off (CR0.PG=0): gpa = linear (32-bit truncation when not in long mode).
 * 32-bit paging (CR4.PAE=0) with 4 MiB pages when CR4.PSE (PSE-36: PDE bits 20:13 are physical
 * bits 39:32); PAE (CR4.PAE=1, EFER.LMA=0) with the 4 PDPTEs read from CR3; 4-level
 * (EFER.LMA=1) and 5-level (also CR4.LA57). Large pages: 4 MiB, 2 MiB, 1 GiB.
 * On success *gpa is the guest-physical address of `linear` itself; otherwise it is untouched. */
enum gw_result guest_walk(const struct gw_regs *r, uint64_t linear, gw_read64_fn read, void *ctx,
			  uint64_t *gpa);

/* The same, but PAE paging takes its four PDPTEs from `pdptes` (when not NULL) instead of memory.
 * The CPU walks with the PDPTEs it loaded with CR3 (SDM Vol. 3A, 4.4.1 "PDPTE Registers"); with
 * EPT they are in the VMCS (guest PDPTE0..3, saved on VM exit) and differ from memory if the
 * guest changed its PDPT after loading CR3. */
enum gw_result guest_walk_pdptes(const struct gw_regs *r, const uint64_t *pdptes, uint64_t linear,
				 gw_read64_fn read, void *ctx, uint64_t *gpa);

/* Whether a PAE PDPTE may be loaded (SDM Vol. 3A, 4.4.1 "PDPTE Registers", Table 4-8): one with
 * P=1 and a reserved bit set (2:1, 8:5, or MAXPHYADDR and up) makes the MOV to CR0, CR3 or CR4
 * that loads it #GP(0). One with P=0 is not looked at. */
bool gw_pdpte_loadable(uint64_t pdpte, unsigned maxphyaddr);

/* "ok", "not present", "reserved bit set", "outside guest RAM"; "?" for other values. */
const char *guest_walk_result_name(enum gw_result r);

#endif
