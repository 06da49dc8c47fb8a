/* lib/ratelimit.c: the token bucket of lib/ratelimit.h. Pure. */
#include "lib/ratelimit.h"

bool ratelimit_take(struct ratelimit *r, uint64_t now, uint64_t *dropped_before)
{
	uint64_t full = (uint64_t)r->burst * r->hz;

	if (!r->started) {
		r->started = true;
		r->tokens_x = full;
		r->last = now;
	}
	if (now > r->last) {
		uint64_t add = (now - r->last) * r->per_sec;
		r->tokens_x = add >= full - r->tokens_x ? full : r->tokens_x + add;
		r->last = now;
	}
	if (r->tokens_x < r->hz) {
		r->dropped++;
		return false;
	}
	r->tokens_x -= r->hz;
	*dropped_before = r->dropped;
	r->dropped = 0;
	return true;
}
