/* The wall clock: what CLOCK_REALTIME and file times say. The CMOS clock read once at
 * boot, plus the TSC clock since; clock_settime moves it. */
#pragma once

#include <stdint.h>

/* Reads the CMOS clock. Once, after the timer has calibrated the TSC and before the
 * file system makes its first inode. */
void wall_clock_init(void);

/* Nanoseconds since 1970-01-01 00:00 UTC. */
uint64_t wall_clock_ns(void);

/* clock_settime(CLOCK_REALTIME): from now on the clock reads `ns` plus the time since. */
void wall_clock_set(uint64_t ns);
