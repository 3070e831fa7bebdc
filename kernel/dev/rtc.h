/* The CMOS real-time clock, read once at boot for the wall clock (CLOCK_REALTIME):
 * seconds since 1970-01-01 00:00 UTC, taking the clock to keep UTC as Linux and
 * QEMU do by default. */
#pragma once

#include <stdint.h>

/* Reads the clock; 0 if it reads as nonsense. */
uint64_t rtc_read_unix_seconds(void);
