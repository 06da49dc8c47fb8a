/* lib/spinlock.h: the one spinlock of the hypervisor and of its test guests, test-and-test-and-
 * set. Taking it is an acquire and releasing it a release, so what one holder wrote is seen by
 * the next (GCC's __atomic builtins; on x86 the XCHG is a full barrier anyway). For short
 * sections only: the holder must not sleep. In the hypervisor interrupts are off wherever one is
 * taken. A lock that must know its holder (a console a fault handler may re-enter, the CPU that
 * stops the machine) keeps the holder next to it; the lock itself is always this one. */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

#include <stdbool.h>

#include "lib/x86.h"

struct spinlock {
	volatile int held;
};

static inline void spin_lock(struct spinlock *l)
{
	/* Spin on a plain load and retry the locked XCHG only when the lock looks free, so waiting
	 * CPUs do not keep bouncing the cache line. */
	while (__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->held, __ATOMIC_RELAXED))
			cpu_relax();
}

/* Takes the lock when it is free, without waiting. True when taken. */
static inline bool spin_trylock(struct spinlock *l)
{
	return !__atomic_load_n(&l->held, __ATOMIC_RELAXED) &&
	       !__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->held, 0, __ATOMIC_RELEASE);
}

#endif
