/* tests/unit/test_host_timer.c: the host timer's two users share one deadline. The earlier of
 * the two armed ones must be programmed (a later one would wake a halted vCPU late or delay the
 * console), and the interrupt must move the tick on and drop a due wake-up, and nothing else. */
#include "arch/host_timer.h"
#include "tests/unit/test.h"

TEST(host_timer_programs_the_earlier_deadline)
{
	struct host_timer t = { 0 };

	CHECK_EQ(host_timer_deadline(&t), 0); /* nothing armed: disarmed */
	t.wake_at = 500;
	CHECK_EQ(host_timer_deadline(&t), 500); /* an AP: the wake-up alone */
	t.tick_period = 100, t.tick_next = 300;
	CHECK_EQ(host_timer_deadline(&t), 300);
	t.wake_at = 250;
	CHECK_EQ(host_timer_deadline(&t), 250);
	t.wake_at = 0;
	CHECK_EQ(host_timer_deadline(&t), 300);
	t.tick_period = 0; /* no tick: tick_next means nothing */
	CHECK_EQ(host_timer_deadline(&t), 0);
}

TEST(host_timer_tick_moves_on_by_its_period)
{
	struct host_timer t = { .tick_period = 100, .tick_next = 300 };

	CHECK(!host_timer_fired(&t, 299)); /* early (spurious): nothing changes */
	CHECK_EQ(t.tick_next, 300);
	CHECK(host_timer_fired(&t, 305));
	CHECK_EQ(t.tick_next, 400); /* on the period's grid, not 100 after the late interrupt */
	CHECK(host_timer_fired(&t, 1250)); /* ticks missed: one tick, the next one ahead of now */
	CHECK_EQ(t.tick_next, 1350);
	CHECK(t.tick_next > 1250);
}

TEST(host_timer_drops_a_due_wake_up_only)
{
	struct host_timer t = { .tick_period = 100, .tick_next = 1000, .wake_at = 400 };

	CHECK(!host_timer_fired(&t, 399));
	CHECK_EQ(t.wake_at, 400);
	CHECK(!host_timer_fired(&t, 400)); /* the wake-up, not the tick */
	CHECK_EQ(t.wake_at, 0);
	CHECK_EQ(t.tick_next, 1000);
	CHECK_EQ(host_timer_deadline(&t), 1000); /* back to the tick */
	t = (struct host_timer){ .wake_at = 50 };
	CHECK(!host_timer_fired(&t, 60)); /* an AP has no tick to report */
	CHECK_EQ(host_timer_deadline(&t), 0);
}
