/* vmx/gmem.h: guest RAM as the hypervisor sees it while building a VM: GPA [0, size) at `base`.
 * Every access is bounds-checked, so a bad kernel image cannot make the loader write outside the
 * guest's RAM. Pure. */
#ifndef VMX_GMEM_H
#define VMX_GMEM_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/string.h"

struct gmem {
	uint8_t *base;
	uint64_t size;
};

/* A pointer to [gpa, gpa+len), or NULL when any of it is outside guest RAM. */
static inline void *gmem_ptr(const struct gmem *g, uint64_t gpa, uint64_t len)
{
	if (gpa > g->size || len > g->size - gpa)
		return 0;
	return g->base + gpa;
}

static inline bool gmem_write(const struct gmem *g, uint64_t gpa, const void *src, uint64_t len)
{
	void *p = gmem_ptr(g, gpa, len);

	if (p && len)
		memcpy(p, src, len);
	return p != 0;
}

static inline bool gmem_zero(const struct gmem *g, uint64_t gpa, uint64_t len)
{
	void *p = gmem_ptr(g, gpa, len);

	if (p && len)
		memset(p, 0, len);
	return p != 0;
}

#endif
