#include "timer.h"

#include "../arch/irq.h"
#include "../arch/x86.h"
#include "../console.h"
#include "../lib/visible.h"
#include "../panic.h"
#include "apic.h"
#include "pit.h"

#define PIT_IRQ 0

/* The boot CPU's tick count; other CPUs will read it, only this one writes it. */
static volatile uint64_t ticks;
static uint64_t apic_hz;

static void on_tick(void *ctx)
{
	(void)ctx;
	ticks++;
}

/* The local APIC timer is timed against the PIT's 1.193182 MHz clock over the stretch
 * of boot from timer_begin_calibration, called once the local APIC is up, to
 * timer_init: the rest of start-up runs meanwhile, and only what that falls short of
 * CALIBRATION_CLOCKS (2 ms) is spent waiting.
 *
 * Each edge of the interval lies between two reads of the APIC timer, a port write
 * apart. Taking each edge's midpoint, the count is off by at most half of both gaps,
 * plus half a PIT clock (the PIT is read in whole clocks, and its start may lag the
 * port write by up to a clock): 1/2386 of the shortest interval, 0.042%. Under QEMU
 * the half gaps add up to under 0.5 us; on hardware a port write takes about 1 us,
 * so about 1 us. A try whose half gaps exceed 1/CALIBRATION_SLACK of the interval
 * (2 us or more: the CPU was held up, as a preempted virtual CPU is) is repeated over
 * a fresh 2 ms, up to CALIBRATION_TRIES times; so is a stretch longer than the PIT can
 * time (54.9 ms, which slow serial output on hardware can take). */
#define CALIBRATION_CLOCKS 2386 /* 2 ms */
#define CALIBRATION_SLACK  1000
#define CALIBRATION_TRIES  5

/* One try: PIT clocks, and twice the elapsed APIC count and twice its error (in half
 * counts, so that midpoints stay whole). clocks is 0 for a try that ran too long. */
struct calibration {
	int32_t clocks;
	uint64_t twice_elapsed, twice_error;
};

/* The APIC timer's reads either side of the current interval's start. */
static uint32_t interval_start[2];
static bool calibrating;
VISIBLE_IF_KTEST unsigned expired_tries; /* tries that ran past the stopwatch */

static void start_interval(void)
{
	pit_stopwatch_start(lapic_timer_current, interval_start);
}

/* Ends the interval once it is CALIBRATION_CLOCKS long. The first reading only gets
 * the code translated (emulators) and cached, which would widen its gap. */
static struct calibration end_interval(void)
{
	uint32_t end[2];
	int32_t clocks;
	(void)pit_stopwatch_clocks(lapic_timer_current, end);
	do
		clocks = pit_stopwatch_clocks(lapic_timer_current, end);
	while (clocks != PIT_STOPWATCH_EXPIRED && clocks < CALIBRATION_CLOCKS);
	if (clocks == PIT_STOPWATCH_EXPIRED)
		return (struct calibration){0};
	/* The APIC timer counts down: earlier reads are larger. */
	const uint32_t *start = interval_start;
	return (struct calibration){
		.clocks = clocks,
		.twice_elapsed = (uint64_t)start[0] + start[1] - end[0] - end[1],
		.twice_error = (uint64_t)(start[0] - start[1]) + (end[0] - end[1]),
	};
}

static bool precise(struct calibration c)
{
	return c.clocks && c.twice_error * CALIBRATION_SLACK <= c.twice_elapsed;
}

/* Whether a has the smaller error for its length (a try that ran too long never wins). */
static bool better(struct calibration a, struct calibration b)
{
	return a.clocks &&
	       (!b.clocks || a.twice_error * b.twice_elapsed < b.twice_error * a.twice_elapsed);
}

void timer_begin_calibration(void)
{
	if (irq_controller() != &apic_controller || calibrating)
		return;
	lapic_timer_start(0xFFFFFFFF, false);
	start_interval(); /* as in end_interval: a first run warms the code up */
	start_interval();
	calibrating = true;
}

/* APIC timer counts a second, from the best try. */
VISIBLE_IF_KTEST uint64_t calibrate_apic_timer(void)
{
	timer_begin_calibration(); /* no-op if start-up already began it */
	struct calibration best = end_interval();
	for (int i = 1; i < CALIBRATION_TRIES && !precise(best); i++) {
		expired_tries += !best.clocks;
		start_interval();
		struct calibration next = end_interval();
		if (better(next, best))
			best = next;
	}
	pit_stopwatch_stop();
	lapic_timer_stop();
	calibrating = false;
	if (!best.clocks)
		panic("local APIC timer: no calibration in %d tries of 2 ms", CALIBRATION_TRIES);
	/* `clocks` PIT clocks have ended and the next has begun: take its midpoint. */
	return best.twice_elapsed * PIT_HZ / (2 * (uint64_t)best.clocks + 1);
}

void timer_init(void)
{
	if (irq_controller() == &apic_controller) {
		apic_hz = calibrate_apic_timer();
		if (apic_hz < TIMER_HZ)
			panic("local APIC timer calibration gave %lu Hz", apic_hz);
		irq_register(VECTOR_APIC_TIMER, on_tick, 0);
		lapic_timer_start((uint32_t)(apic_hz / TIMER_HZ), true);
		kprintf("timer: local APIC timer, %lu.%03lu MHz (divided by 16), %u Hz ticks\n",
			apic_hz / 1000000, apic_hz / 1000 % 1000, TIMER_HZ);
	} else {
		pit_start_periodic(TIMER_HZ);
		irq_enable_legacy(PIT_IRQ, on_tick, 0);
		kprintf("timer: 8254 PIT, %u Hz ticks\n", TIMER_HZ);
	}
}

uint64_t timer_ticks(void)
{
	return ticks;
}

uint64_t uptime_ms(void)
{
	return ticks * (1000 / TIMER_HZ);
}

void sleep_ms(uint64_t ms)
{
	/* Round up, plus one: the current tick is already partly gone. */
	uint64_t until = ticks + (ms * TIMER_HZ + 999) / 1000 + 1;
	while (ticks < until)
		cpu_halt();
}

uint64_t timer_apic_frequency(void)
{
	return apic_hz;
}

const char *timer_source(void)
{
	return apic_hz ? "local APIC" : "PIT";
}
