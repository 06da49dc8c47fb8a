/* vmx/cpuid_cache.h: a vCPU's CPUID answers, kept after the first time it asks for a leaf, so a
 * CPUID exit is a table lookup rather than the host's CPUID (which is slow: it serializes) plus
 * the whole filter. Only the part fixed for the vCPU's life is kept (cpuid_filter_static; the
 * state bits are added at each exit), and only for cpuid_cacheable() leaves. Direct-mapped on
 * (leaf, subleaf): a collision only costs a miss. Pure (host-tested); the vCPU's own CPU alone
 * reads and writes its cache, like the rest of its exit-time state. */
#ifndef VMX_CPUID_CACHE_H
#define VMX_CPUID_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/cpuid_filter.h"

#define CPUID_CACHE_BITS 5
#define CPUID_CACHE_SLOTS (1u << CPUID_CACHE_BITS)

/* 32 bytes, so a slot is found with a shift; the key is leaf and subleaf in one compare. */
struct cpuid_cache {
	struct cpuid_cache_slot {
		uint64_t key; /* cpuid_cache_key() */
		struct cpuid_result r;
		bool valid;
	} __attribute__((aligned(32))) slot[CPUID_CACHE_SLOTS];
};

static inline uint64_t cpuid_cache_key(uint32_t leaf, uint32_t subleaf)
{
	return (uint64_t)subleaf << 32 | leaf;
}

/* Fibonacci hashing (Knuth, TAOCP 6.4): the top bits of the key times 2^32 / golden ratio spread
 * the leaf ranges (0x0..., 0x40000000..., 0x80000000...) and the subleaves of one leaf over
 * different slots, for an IMUL and a shift. */
static inline unsigned cpuid_cache_index(uint32_t leaf, uint32_t subleaf)
{
	return ((leaf ^ (subleaf << 8)) * 0x9e3779b1u) >> (32 - CPUID_CACHE_BITS);
}

/* The kept answer to (leaf, subleaf), or NULL. */
static inline const struct cpuid_result *cpuid_cache_find(const struct cpuid_cache *c,
							  uint32_t leaf, uint32_t subleaf)
{
	const struct cpuid_cache_slot *s = &c->slot[cpuid_cache_index(leaf, subleaf)];

	return s->key == cpuid_cache_key(leaf, subleaf) && s->valid ? &s->r : 0;
}

/* Keeps `r` as the answer to (leaf, subleaf), replacing what shared its slot. */
void cpuid_cache_put(struct cpuid_cache *c, uint32_t leaf, uint32_t subleaf,
		     const struct cpuid_result *r);

#endif
