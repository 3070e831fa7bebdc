/* The 8254 PIT: a fixed 1.193182 MHz clock, used to measure the local APIC timer
 * and, where there is no APIC, as the timer itself (channel 0 on IRQ 0). */
#pragma once

#include <stdint.h>

#define PIT_HZ 1193182u

/* When a PIT interval began and ended, as another counter saw it: the interval
 * began between the reads start[0] and start[1], and ended between end[0] and end[1]. */
struct pit_interval {
	uint32_t start[2], end[2];
};

/* Busy-waits while channel 2 counts `clocks` PIT clocks, sampling read() around the
 * interval's start and its end. */
void pit_time_interval(uint16_t clocks, uint32_t (*read)(void), struct pit_interval *out);

/* Channel 0 as a periodic interrupt at `hz`. */
void pit_start_periodic(uint32_t hz);
