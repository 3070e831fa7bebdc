/* The wall clock: an offset from the TSC clock (arch/clock.h), which never goes back,
 * so the wall clock only jumps when someone sets it. */
#include "wallclock.h"

#include "../arch/clock.h"
#include "rtc.h"

#define NS 1000000000ull

static int64_t offset_ns; /* wall clock minus clock_ns(); one aligned word */

void wall_clock_init(void)
{
	wall_clock_set(rtc_read_unix_seconds() * NS);
}

uint64_t wall_clock_ns(void)
{
	return clock_ns() + (uint64_t)__atomic_load_n(&offset_ns, __ATOMIC_RELAXED);
}

void wall_clock_set(uint64_t ns)
{
	__atomic_store_n(&offset_ns, (int64_t)(ns - clock_ns()), __ATOMIC_RELAXED);
}
