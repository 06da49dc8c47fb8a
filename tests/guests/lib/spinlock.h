/* tests/guests/lib/spinlock.h: the hypervisor's spinlock (lib/spinlock.h) and the few atomics the
 * guests share data with. Any vCPU, any context (a lock taken with interrupts on must not be taken
 * by a handler too). */
#ifndef GUEST_LIB_SPINLOCK_H
#define GUEST_LIB_SPINLOCK_H

#include <stdint.h>

#include "tests/guests/lib/cpu.h"
#include "lib/spinlock.h"

static inline uint32_t atomic_load(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void atomic_store(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Returns the new value. */
static inline uint32_t atomic_inc(uint32_t *p)
{
	return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST);
}

/* True when *p was `old` and is now `new_value`. */
static inline bool atomic_cas(uint32_t *p, uint32_t old, uint32_t new_value)
{
	return __atomic_compare_exchange_n(p, &old, new_value, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

#endif
