/* vmx/ept_build.h: building extended page tables (Intel SDM Vol. 3C, 29.3 "The Extended Page
 * Table Mechanism (EPT)"). Pure: table pages come from mm/pmm.c and are reached through
 * mm/phys.h, so the host unit tests build and walk real tables. BSP, while the VM is built. */
#ifndef VMX_EPT_BUILD_H
#define VMX_EPT_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#define EPT_READ (1ull << 0)
#define EPT_WRITE (1ull << 1)
#define EPT_EXEC (1ull << 2)
#define EPT_RWX (EPT_READ | EPT_WRITE | EPT_EXEC)
#define EPT_MT_UC (0ull << 3)
#define EPT_MT_WB (6ull << 3)
#define EPT_IGNORE_PAT (1ull << 6)
#define EPT_LARGE (1ull << 7)
#define EPT_ADDR_MASK 0x000ffffffffff000ull
#define EPT_GPA_LIMIT (1ull << 48) /* 4-level EPT */

/* Host-physical ranges that must never appear in any guest's EPT (the hypervisor's image and its
 * own pages); ept_map() refuses a mapping that touches one. */
struct ept_forbidden {
	uint64_t base, len;
};

struct ept {
	uint64_t root; /* physical address of the PML4 */
	const struct ept_forbidden *forbidden;
	unsigned nforbidden;
	bool allow_1g, allow_2m;
};

bool ept_init(struct ept *e);
/* Map [gpa, gpa+size) to [hpa, ...) with `flags` (permissions and memory type) using the largest
 * pages alignment and `allow_*` permit. Refused (false, logged) for unaligned or overflowing
 * ranges, a memory type other than UC or WB, or a forbidden host range. */
bool ept_map(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size, uint64_t flags);
/* Walk: the host address and flags of gpa's leaf entry and its page size; false if unmapped. */
bool ept_lookup(const struct ept *e, uint64_t gpa, uint64_t *hpa, uint64_t *flags,
		uint64_t *page_size);
/* The EPTP for this EPT: WB paging-structure memory type, 4-level walk (SDM Vol. 3C, 25.6.11). */
uint64_t ept_pointer(const struct ept *e);

#endif
