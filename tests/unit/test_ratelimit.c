/* tests/unit/test_ratelimit.c: the console's guard against a flooding guest. */
#include "lib/ratelimit.h"
#include "tests/unit/test.h"

TEST(ratelimit_burst_then_rate_and_drop_count)
{
	struct ratelimit r = { .hz = 1000, .burst = 3, .per_sec = 10 };
	uint64_t d = 99;
	unsigned ok = 0;

	for (unsigned i = 0; i < 5; i++)
		ok += ratelimit_take(&r, 0, &d);
	CHECK_EQ(ok, 3); /* the burst, then refusals */
	CHECK_EQ(r.dropped, 2);
	CHECK(!ratelimit_take(&r, 50, &d)); /* 50 ms: half a token */
	CHECK(ratelimit_take(&r, 100, &d)); /* 100 ms at 10/s: one token */
	CHECK_EQ(d, 3);                     /* the three refused before it */
	CHECK(!ratelimit_take(&r, 100, &d));
	CHECK(ratelimit_take(&r, 100000, &d)); /* a long quiet time refills to the burst only */
	CHECK(ratelimit_take(&r, 100000, &d));
	CHECK(ratelimit_take(&r, 100000, &d));
	CHECK(!ratelimit_take(&r, 100000, &d));
}
