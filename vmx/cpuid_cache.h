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

/* What a slot holds. A zeroed cache (a new vCPU's) is all empty. */
enum cpuid_kept {
	CPUID_KEPT_NONE = 0,
	CPUID_KEPT_WHOLE,  /* the whole answer: the leaf has no state bits */
	CPUID_KEPT_STATIC, /* the static part: cpuid_apply_state() has bits to add */
};

/* 32 bytes, so a slot is found with a shift; the key is leaf and subleaf in one compare, and
 * `kept` says in one more whether the exit can answer from the slot alone. */
struct cpuid_cache {
	struct cpuid_cache_slot {
		uint64_t key; /* cpuid_cache_key() */
		struct cpuid_result r;
		uint8_t kept; /* enum cpuid_kept */
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

/* What is kept for (leaf, subleaf), of either kind, or NULL. */
static inline const struct cpuid_cache_slot *cpuid_cache_find(const struct cpuid_cache *c,
							      uint32_t leaf, uint32_t subleaf)
{
	const struct cpuid_cache_slot *s = &c->slot[cpuid_cache_index(leaf, subleaf)];

	return s->key == cpuid_cache_key(leaf, subleaf) && s->kept != CPUID_KEPT_NONE ? s : 0;
}

/* The whole answer to (leaf, subleaf) if it is kept, or NULL: the common CPUID exit. */
static inline const struct cpuid_result *cpuid_cache_find_whole(const struct cpuid_cache *c,
								uint32_t leaf, uint32_t subleaf)
{
	const struct cpuid_cache_slot *s = cpuid_cache_find(c, leaf, subleaf);

	return s && s->kept == CPUID_KEPT_WHOLE ? &s->r : 0;
}

/* Keeps `r`, the static part of the answer to (leaf, subleaf), replacing what shared its slot;
 * whole when cpuid_leaf_has_state(leaf) says there are no state bits to add. */
void cpuid_cache_put(struct cpuid_cache *c, uint32_t leaf, uint32_t subleaf,
		     const struct cpuid_result *r);

#endif
