/* vmx/cpuid_cache.c: see vmx/cpuid_cache.h. */
#include "vmx/cpuid_cache.h"

void cpuid_cache_put(struct cpuid_cache *c, uint32_t leaf, uint32_t subleaf,
		     const struct cpuid_result *r)
{
	struct cpuid_cache_slot *s = &c->slot[cpuid_cache_index(leaf, subleaf)];

	s->key = cpuid_cache_key(leaf, subleaf);
	s->r = *r;
	s->kept = cpuid_leaf_has_state(leaf) ? CPUID_KEPT_STATIC : CPUID_KEPT_WHOLE;
}
