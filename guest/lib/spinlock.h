/* guest/lib/spinlock.h: a test-and-set spinlock and the few atomics the guests share data with.
 * Any vCPU, any context (a lock taken with interrupts on must not be taken by a handler too). */
#ifndef GUEST_LIB_SPINLOCK_H
#define GUEST_LIB_SPINLOCK_H

#include <stdint.h>

#include "guest/lib/cpu.h"

struct spinlock {
	uint32_t locked;
};

static inline void spin_lock(struct spinlock *l)
{
	/* Spin on a plain load and only retry the locked XCHG when the lock looks free, so waiting
	 * vCPUs do not keep bouncing the cache line. */
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			cpu_relax();
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

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
