/* The 8254 PIT: a fixed 1.193182 MHz clock, used to measure the local APIC timer
 * and, where there is no APIC, as the timer itself (channel 0 on IRQ 0). */
#pragma once

#include <stdint.h>

#define PIT_HZ 1193182u

/* Busy-waits `us` microseconds (at most 50 ms) on channel 2. */
void pit_wait_us(uint32_t us);

/* Channel 0 as a periodic interrupt at `hz`. */
void pit_start_periodic(uint32_t hz);
