/* The 8254 PIT: a fixed 1.193182 MHz clock, used to measure the local APIC timer
 * and, where there is no APIC, as the timer itself (channel 0 on IRQ 0). */
#pragma once

#include <stdint.h>

#define PIT_HZ 1193182u

/* A stopwatch on channel 2, without interrupts: it runs for PIT_STOPWATCH_LIMIT
 * clocks (54.9 ms) after pit_stopwatch_start. Both calls sample another counter,
 * read(), just before and just after the PIT's own moment (sample[0], sample[1]), so
 * that counter can be timed against the PIT. */
#define PIT_STOPWATCH_LIMIT   0xFFFF
#define PIT_STOPWATCH_EXPIRED (-1)

void pit_stopwatch_start(uint32_t (*read)(void), uint32_t sample[2]);

/* PIT clocks since the start (+-1), or PIT_STOPWATCH_EXPIRED once the limit is past. */
int32_t pit_stopwatch_clocks(uint32_t (*read)(void), uint32_t sample[2]);

void pit_stopwatch_stop(void);

/* Channel 0 as a periodic interrupt at `hz`. */
void pit_start_periodic(uint32_t hz);
