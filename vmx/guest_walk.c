/* vmx/guest_walk.c: the guest page-table walk (see vmx/guest_walk.h). Pure. Table numbers are
 * from the SDM Vol. 3A, chapter 4 "Paging". */
#include <stddef.h>

#include "vmx/guest_walk.h"

#define GW_P (1ull << 0)  /* Present, in every entry format */
#define GW_PS (1ull << 7) /* Page size, in a PDE or PDPTE that maps a page */
#define GW_ADDR_MASK 0x000ffffffffff000ull /* bits 51:12 of 64-bit entries and of CR3 */

/* 64-bit entries (PAE from the page directory down, 4.4.2; 4- and 5-level from the top, 4.5.4),
 * one level per pass: `shift` is the lowest linear-address bit the level translates (48 PML5,
 * 39 PML4, 30 PDPT, 21 PD, 12 PT). A PS entry maps a page of 2^shift bytes: 1 GiB in a PDPTE,
 * 2 MiB in a PDE. In a PML5E or PML4E PS is reserved; in a large-page entry bit 12 is PAT and
 * bits shift-1:13 are reserved (the 4.4.2 and 4.5.4 tables "Format of a ... Entry"). */
static enum gw_result walk64(uint64_t table, uint64_t linear, unsigned shift, gw_read64_fn read,
			     void *ctx, uint64_t *gpa)
{
	for (;; shift -= 9) {
		uint64_t e, page = 1ull << shift;

		if (!read(ctx, table + ((linear >> shift) & 511) * 8, &e))
			return GW_BAD_GPA;
		if (!(e & GW_P))
			return GW_NOT_PRESENT;
		if (shift == 12 || (e & GW_PS)) {
			if (shift > 30 || (e & (page - 1) & ~0x1fffull))
				return GW_RESERVED;
			*gpa = (e & GW_ADDR_MASK & ~(page - 1)) | (linear & (page - 1));
			return GW_OK;
		}
		table = e & GW_ADDR_MASK;
	}
}

#define GW_PDPTE_RESERVED 0x1e6ull /* bits 2:1 and 8:5 */

bool gw_pdpte_loadable(uint64_t pdpte, unsigned maxphyaddr)
{
	uint64_t above = maxphyaddr >= 64 ? 0 : ~0ull << maxphyaddr;

	return !(pdpte & GW_P) || !(pdpte & (GW_PDPTE_RESERVED | above));
}

/* PAE paging (4.4): CR3 bits 31:5 locate four PDPTEs, selected by linear bits 31:30. In a PDPTE
 * bits 2:1 and 8:5 are reserved (Table 4-8 "Format of a PAE Page-Directory-Pointer-Table
 * Entry"); loading one with them set would have raised #GP, so finding them means a bad table. */
static enum gw_result walk_pae(const struct gw_regs *r, const uint64_t *pdptes, uint32_t linear,
			       gw_read64_fn read, void *ctx, uint64_t *gpa)
{
	unsigned i = linear >> 30;
	uint64_t e;

	if (pdptes)
		e = pdptes[i];
	else if (!read(ctx, (r->cr3 & 0xffffffe0ull) + i * 8, &e))
		return GW_BAD_GPA;
	if (!(e & GW_P))
		return GW_NOT_PRESENT;
	if (e & GW_PDPTE_RESERVED)
		return GW_RESERVED;
	return walk64(e & GW_ADDR_MASK, linear, 21, read, ctx, gpa);
}

/* One 4-byte entry of 32-bit paging: the low half of an 8-byte read (see gw_read64_fn). */
static enum gw_result read32(gw_read64_fn read, void *ctx, uint64_t gpa, uint32_t *e)
{
	uint64_t v;

	if (!read(ctx, gpa, &v))
		return GW_BAD_GPA;
	*e = (uint32_t)v;
	return (*e & GW_P) ? GW_OK : GW_NOT_PRESENT;
}

/* 32-bit paging (4.3): PDE from CR3 bits 31:12 and linear 31:22. With CR4.PSE a PDE with PS maps
 * 4 MiB: bits 31:22 are physical 31:22, bits 20:13 physical 39:32 (PSE-36), bit 21 is reserved
 * (Table 4-4 "Format of a 32-Bit Page-Directory Entry that Maps a 4-MByte Page"). Otherwise the
 * PDE locates a page table indexed by linear 21:12 (Tables 4-5, 4-6). */
static enum gw_result walk32(const struct gw_regs *r, uint32_t linear, gw_read64_fn read,
			     void *ctx, uint64_t *gpa)
{
	uint32_t pde, pte;
	enum gw_result res = read32(read, ctx, (r->cr3 & 0xfffff000u) + (linear >> 22) * 4, &pde);

	if (res != GW_OK)
		return res;
	if ((r->cr4 & GW_CR4_PSE) && (pde & GW_PS)) {
		if (pde & (1u << 21))
			return GW_RESERVED;
		*gpa = (pde & 0xffc00000u) | ((uint64_t)((pde >> 13) & 0xff) << 32) |
		       (linear & 0x3fffffu);
		return GW_OK;
	}
	res = read32(read, ctx, (pde & 0xfffff000u) + ((linear >> 12) & 1023) * 4, &pte);
	if (res != GW_OK)
		return res;
	*gpa = (pte & 0xfffff000u) | (linear & 0xfffu);
	return GW_OK;
}

/* The mode comes from CR0.PG, CR4.PAE, EFER.LMA and CR4.LA57 (4.1.1, Table 4-1). Outside long
 * mode linear addresses are 32 bits wide. */
enum gw_result guest_walk_pdptes(const struct gw_regs *r, const uint64_t *pdptes, uint64_t linear,
				 gw_read64_fn read, void *ctx, uint64_t *gpa)
{
	bool lma = r->efer & GW_EFER_LMA;

	if (!(r->cr0 & GW_CR0_PG)) {
		*gpa = lma ? linear : (uint32_t)linear;
		return GW_OK;
	}
	if (lma)
		return walk64(r->cr3 & GW_ADDR_MASK, linear, (r->cr4 & GW_CR4_LA57) ? 48 : 39,
			      read, ctx, gpa);
	if (r->cr4 & GW_CR4_PAE)
		return walk_pae(r, pdptes, (uint32_t)linear, read, ctx, gpa);
	return walk32(r, (uint32_t)linear, read, ctx, gpa);
}

enum gw_result guest_walk(const struct gw_regs *r, uint64_t linear, gw_read64_fn read, void *ctx,
			  uint64_t *gpa)
{
	return guest_walk_pdptes(r, NULL, linear, read, ctx, gpa);
}

const char *guest_walk_result_name(enum gw_result r)
{
	switch (r) {
	case GW_OK:
		return "ok";
	case GW_NOT_PRESENT:
		return "not present";
	case GW_RESERVED:
		return "reserved bit set";
	case GW_BAD_GPA:
		return "outside guest RAM";
	}
	return "?";
}
