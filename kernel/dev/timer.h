/* The system tick: TIMER_HZ interrupts a second from the local APIC timer
 * (calibrated against the PIT at boot), or from the PIT where there is no APIC. Each
 * tick drives the scheduler (sched_tick). The same calibration measures the TSC,
 * the kernel's clock (arch/clock.h). */
#pragma once

#include <stdint.h>

#define TIMER_HZ 1000 /* 1 ms ticks: the scheduler's slices and sleep_ms's precision */

/* Starts timing the TSC (and, with the local APIC as the interrupt controller, its
 * timer) against the PIT; timer_init finishes that, so whatever start-up runs
 * between the two calls shortens the wait. */
void timer_begin_calibration(void);

/* Starts the tick: the local APIC timer once it is calibrated, or the PIT. */
void timer_init(void);

uint64_t timer_ticks(void);
uint64_t uptime_ms(void);

/* What timer_init measured: local APIC timer ticks per second (0 with the PIT). */
uint64_t timer_apic_frequency(void);
const char *timer_source(void);

#ifdef KEEL_TEST /* for timer_test.c */
extern unsigned expired_tries;
uint64_t calibrate_apic_timer(void);
#endif
