/* The TSC as the kernel's clock: nanoseconds since the timer calibrated it. The
 * timer's calibration measures the TSC's rate against the PIT (dev/timer.c). */
#pragma once

#include <stdint.h>

void clock_set_tsc_hz(uint64_t hz);
uint64_t clock_tsc_hz(void); /* 0 until calibrated */

/* Nanoseconds since clock_set_tsc_hz; 0 before it. Monotonic on one CPU (and across
 * CPUs where the TSC is invariant and synchronised, which SMP must check). */
uint64_t clock_ns(void);

/* TSC cycles to nanoseconds at the calibrated rate. */
uint64_t clock_cycles_to_ns(uint64_t cycles);
