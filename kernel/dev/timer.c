#include "timer.h"

#include "../arch/clock.h"
#include "../arch/irq.h"
#include "../arch/x86.h"
#include "../console.h"
#include "../lib/visible.h"
#include "../panic.h"
#include "../sched/sched.h"
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
	if (sched_running())
		sched_tick();
}

/* The TSC, and with the local APIC as the controller its timer too, are timed
 * against the PIT's 1.193182 MHz clock over the stretch of boot from
 * timer_begin_calibration, called once the interrupt controller is chosen, to
 * timer_init: the rest of start-up runs meanwhile, and only what that falls short of
 * CALIBRATION_CLOCKS (2 ms) is spent waiting.
 *
 * Each edge of the interval lies between two reads of the counters, a port write
 * apart. Taking each edge's midpoint, the count is off by at most half of both gaps,
 * plus half a PIT clock (the PIT is read in whole clocks, and its start may lag the
 * port write by up to a clock): 1/2386 of the shortest interval, 0.042%. Under QEMU
 * the half gaps add up to under 0.5 us; on hardware a port write takes about 1 us,
 * so about 1 us. A try whose half gaps exceed 1/CALIBRATION_SLACK of the interval
 * (2 us or more: the CPU was held up, as a preempted virtual CPU is) is repeated over
 * a fresh 2 ms, up to CALIBRATION_TRIES times; so is a stretch longer than the PIT can
 * time (54.9 ms, which slow serial output on hardware can take). The gaps are judged
 * on the APIC timer where there is one, else on the TSC. */
#define CALIBRATION_CLOCKS 2386 /* 2 ms */
#define CALIBRATION_SLACK  1000
#define CALIBRATION_TRIES  5

/* Both counters at one moment. The APIC timer counts down, the TSC up. */
struct reading {
	uint32_t apic;
	uint64_t tsc;
};

/* One try: PIT clocks, twice each counter's elapsed count, and twice the elapsed
 * count and the error of the counter the try is judged on (in half counts, so that
 * midpoints stay whole). clocks is 0 for a try that ran too long. */
struct calibration {
	int32_t clocks;
	uint64_t twice_apic, twice_tsc;
	uint64_t twice_judged, twice_error;
};

static bool calibrating, with_apic;
static struct reading interval_start[2];
VISIBLE_IF_KTEST unsigned expired_tries; /* tries that ran past the stopwatch */

/* The PIT stopwatch calls this twice at each edge (before and after its own port
 * write); the readings go to where `edge` points. */
static struct reading *edge;
static unsigned edge_reads;

/* The APIC timer is read on the side nearer the PIT's port access, the TSC outside
 * it: before it before, after it after. Under QEMU both RDTSC and the APIC read are
 * slow (emulator helpers), and the APIC's pair must stay tight: it is what the
 * tries are judged on. The TSC's midpoints are still within a few microseconds. */
static uint32_t read_counters(void)
{
	unsigned k = edge_reads++ & 1; /* 0: before the PIT's access, 1: after it */
	struct reading *r = &edge[k];
	if (k == 0)
		r->tsc = rdtsc();
	r->apic = with_apic ? lapic_timer_current() : 0;
	if (k == 1)
		r->tsc = rdtsc();
	return r->apic;
}

static void start_interval(void)
{
	uint32_t unused[2];
	edge = interval_start;
	edge_reads = 0;
	pit_stopwatch_start(read_counters, unused);
}

/* Ends the interval once it is CALIBRATION_CLOCKS long. The first reading only gets
 * the code translated (emulators) and cached, which would widen its gap. */
static struct calibration end_interval(void)
{
	struct reading end[2] = {{0, 0}, {0, 0}}; /* read_counters fills it */
	uint32_t unused[2];
	int32_t clocks;
	edge = end;
	edge_reads = 0;
	(void)pit_stopwatch_clocks(read_counters, unused);
	do {
		edge_reads = 0;
		clocks = pit_stopwatch_clocks(read_counters, unused);
	} while (clocks != PIT_STOPWATCH_EXPIRED && clocks < CALIBRATION_CLOCKS);
	if (clocks == PIT_STOPWATCH_EXPIRED)
		return (struct calibration){0};
	const struct reading *start = interval_start;
	struct calibration c = {
		.clocks = clocks,
		.twice_apic = (uint64_t)start[0].apic + start[1].apic - end[0].apic - end[1].apic,
		.twice_tsc = end[0].tsc + end[1].tsc - start[0].tsc - start[1].tsc,
	};
	if (with_apic) {
		c.twice_judged = c.twice_apic;
		c.twice_error =
			(uint64_t)(start[0].apic - start[1].apic) + (end[0].apic - end[1].apic);
	} else {
		c.twice_judged = c.twice_tsc;
		c.twice_error = (start[1].tsc - start[0].tsc) + (end[1].tsc - end[0].tsc);
	}
	return c;
}

static bool precise(struct calibration c)
{
	return c.clocks && c.twice_error * CALIBRATION_SLACK <= c.twice_judged;
}

/* Whether a has the smaller error for its length (a try that ran too long never wins). */
static bool better(struct calibration a, struct calibration b)
{
	return a.clocks &&
	       (!b.clocks || a.twice_error * b.twice_judged < b.twice_error * a.twice_judged);
}

void timer_begin_calibration(void)
{
	if (calibrating)
		return;
	with_apic = irq_controller() == &apic_controller;
	if (with_apic)
		lapic_timer_start(0xFFFFFFFF, false);
	start_interval(); /* as in end_interval: a first run warms the code up */
	start_interval();
	calibrating = true;
}

/* `twice` counts over the best try's interval, as counts a second: `clocks` PIT
 * clocks have ended and the next has begun, so take its midpoint. */
static uint64_t per_second(uint64_t twice, int32_t clocks)
{
	return twice * PIT_HZ / (2 * (uint64_t)clocks + 1);
}

/* The best try of up to CALIBRATION_TRIES. */
static struct calibration calibrate(void)
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
	if (with_apic)
		lapic_timer_stop();
	calibrating = false;
	if (!best.clocks)
		panic("timer: no calibration against the PIT in %d tries of 2 ms",
		      CALIBRATION_TRIES);
	return best;
}

/* APIC timer counts a second; the TSC's rate goes to the clock. */
VISIBLE_IF_KTEST uint64_t calibrate_apic_timer(void)
{
	struct calibration c = calibrate();
	if (!clock_tsc_hz()) /* once: the clock must not jump */
		clock_set_tsc_hz(per_second(c.twice_tsc, c.clocks));
	return per_second(c.twice_apic, c.clocks);
}

static void print_clock(void)
{
	uint64_t khz = clock_tsc_hz() / 1000;
	kprintf("clock: TSC at %lu.%03lu MHz\n", khz / 1000, khz % 1000);
}

void timer_init(void)
{
	uint64_t hz = calibrate_apic_timer();
	if (with_apic) {
		apic_hz = hz;
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
	print_clock();
}

uint64_t timer_ticks(void)
{
	return ticks;
}

/* From the clock: an emulator can fold late periodic ticks into one, so the tick
 * count runs behind. */
uint64_t uptime_ms(void)
{
	return clock_tsc_hz() ? clock_ns() / 1000000 : ticks * (1000 / TIMER_HZ);
}

uint64_t timer_apic_frequency(void)
{
	return apic_hz;
}

const char *timer_source(void)
{
	return apic_hz ? "local APIC" : "PIT";
}
