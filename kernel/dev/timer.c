#include "timer.h"

#include "../arch/irq.h"
#include "../arch/x86.h"
#include "../console.h"
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

/* The local APIC timer is timed over CALIBRATION_CLOCKS of the PIT's 1.193182 MHz
 * clock, a count that is exact. The interval's edges are not: each lies between two
 * reads of the APIC timer (one port write apart at the start, two polls apart at
 * the end), and the PIT starts within one of its clocks of the write. Taking each
 * edge's midpoint, the count is off by at most half of both gaps, plus one PIT clock
 * (1/2386 of the interval: 0.042%). A try whose half gaps exceed 1/CALIBRATION_SLACK
 * of the interval (2 us: the CPU was held up, as a preempted virtual CPU is) is
 * repeated, up to CALIBRATION_TRIES times: the error stays under 0.042% + 0.1%, 14 us
 * a 10 ms tick. Under QEMU the half gaps add up to under 0.5 us; on hardware a port
 * access takes about 1 us, so about 1.5 us. */
#define CALIBRATION_CLOCKS 2386 /* 2 ms */
#define CALIBRATION_SLACK  1000
#define CALIBRATION_TRIES  5
#define WARM_UP_CLOCKS	   12 /* 10 us */

/* One timing, in half APIC counts: twice the elapsed count and twice its error. */
struct calibration {
	uint64_t twice_elapsed, twice_error;
};

static struct calibration time_apic_timer(void)
{
	struct pit_interval iv;
	pit_time_interval(CALIBRATION_CLOCKS, lapic_timer_current, &iv);
	/* The APIC timer counts down: earlier reads are larger. */
	return (struct calibration){
		.twice_elapsed = (uint64_t)iv.start[0] + iv.start[1] - iv.end[0] - iv.end[1],
		.twice_error = (uint64_t)(iv.start[0] - iv.start[1]) + (iv.end[0] - iv.end[1]),
	};
}

/* APIC timer counts a second, from the try with the smallest gaps. A short first
 * run warms the code up (caches; translation under an emulator), which would
 * otherwise widen the first try's gaps. */
static uint64_t calibrate_apic_timer(void)
{
	struct pit_interval warm_up;
	lapic_timer_start(0xFFFFFFFF, false);
	pit_time_interval(WARM_UP_CLOCKS, lapic_timer_current, &warm_up);
	struct calibration best = time_apic_timer();
	for (int i = 1;
	     i < CALIBRATION_TRIES && best.twice_error * CALIBRATION_SLACK > best.twice_elapsed;
	     i++) {
		struct calibration next = time_apic_timer();
		if (next.twice_error < best.twice_error)
			best = next;
	}
	lapic_timer_stop();
	return best.twice_elapsed * PIT_HZ / (2 * CALIBRATION_CLOCKS);
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

/* ---- tests: the tick rate against the CMOS clock, an independent one ---------------- */

#include "../test/ktest.h"

#define CMOS_INDEX	 0x70
#define CMOS_DATA	 0x71
#define CMOS_SECONDS	 0x00
#define WAIT_LIMIT_TICKS (3 * TIMER_HZ)

static uint8_t rtc_seconds(void)
{
	outb(CMOS_INDEX, CMOS_SECONDS);
	return inb(CMOS_DATA);
}

/* Waits for the RTC's seconds to change; false if that takes implausibly long. */
static bool wait_rtc_second(void)
{
	uint8_t now = rtc_seconds();
	uint64_t give_up = ticks + WAIT_LIMIT_TICKS;
	while (rtc_seconds() == now)
		if (ticks > give_up)
			return false;
	return true;
}

KTEST(timer_ticks_at_its_rate_against_the_rtc)
{
	KEXPECT(wait_rtc_second());
	uint64_t start = ticks;
	KEXPECT(wait_rtc_second());
	KEXPECT(wait_rtc_second());
	uint64_t per_two_seconds = ticks - start;
	if (per_two_seconds < 2 * TIMER_HZ * 8 / 10 || per_two_seconds > 2 * TIMER_HZ * 12 / 10)
		ktest_fail(__FILE__, __LINE__, "%lu ticks in 2 RTC seconds, expected %u +-20%%",
			   per_two_seconds, 2 * TIMER_HZ);
}

KTEST(sleep_ms_sleeps_at_least_as_long_as_asked)
{
	for (uint64_t ms = 1; ms <= 100; ms *= 10) {
		uint64_t before = uptime_ms();
		sleep_ms(ms);
		KEXPECT(uptime_ms() - before >= ms);
	}
}
