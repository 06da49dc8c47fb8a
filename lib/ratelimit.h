/* lib/ratelimit.h: a token bucket, so one noisy source (a guest flooding its COM1) cannot take the
 * whole serial line: `burst` events at once, then `per_sec` a second; what is refused is counted,
 * and the first event let through after a refusal learns how many were dropped. Pure. */
#ifndef LIB_RATELIMIT_H
#define LIB_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit {
	uint64_t hz;        /* clock ticks per second (the TSC's) */
	uint32_t burst, per_sec;
	uint64_t tokens_x;  /* tokens times hz, so refills need no division per event */
	uint64_t last;      /* clock at the last refill */
	uint64_t dropped;   /* refused since the last event let through */
	bool started;
};

/* True: let the event through; *dropped_before is how many were refused just before it. */
bool ratelimit_take(struct ratelimit *r, uint64_t now, uint64_t *dropped_before);

#endif
