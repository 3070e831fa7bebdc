/* KTESTs for timer.c (test kernel only). */
#include "timer.h"

#include <stdbool.h>

#include "../arch/x86.h"
#include "../sched/sched.h"
#include "../test/ktest.h"
#include "apic.h"
#include "pit.h"

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
	uint64_t give_up = timer_ticks() + WAIT_LIMIT_TICKS;
	while (rtc_seconds() == now)
		if (timer_ticks() > give_up)
			return false;
	return true;
}

KTEST(timer_ticks_at_its_rate_against_the_rtc)
{
	KEXPECT(wait_rtc_second());
	uint64_t start = timer_ticks();
	KEXPECT(wait_rtc_second());
	KEXPECT(wait_rtc_second());
	uint64_t per_two_seconds = timer_ticks() - start;
	if (per_two_seconds < 2 * TIMER_HZ * 8 / 10 || per_two_seconds > 2 * TIMER_HZ * 12 / 10)
		ktest_fail(__FILE__, __LINE__, "%lu ticks in 2 RTC seconds, expected %u +-20%%",
			   per_two_seconds, 2 * TIMER_HZ);
}

/* The stopwatch the calibration times against: PIT clocks at the PIT's rate, and a
 * clear "expired" past its 54.9 ms, never a wrapped count. */
static uint32_t unused_read(void)
{
	return 0;
}

KTEST(pit_stopwatch_counts_pit_clocks_then_expires)
{
	uint32_t sample[2];
	pit_stopwatch_start(unused_read, sample);
	sleep_ms(20); /* 20 to 30 ms: whole ticks, plus the one under way */
	int32_t clocks = pit_stopwatch_clocks(unused_read, sample);
	if (clocks < (int32_t)(PIT_HZ / 50) || clocks > (int32_t)(PIT_HZ / 1000 * 31))
		ktest_fail(__FILE__, __LINE__, "%d PIT clocks in 20-30 ms", clocks);
	sleep_ms(40);
	KEXPECT_EQ(pit_stopwatch_clocks(unused_read, sample), PIT_STOPWATCH_EXPIRED);
	pit_stopwatch_stop();
}

/* A stretch of start-up longer than the stopwatch (slow serial output on hardware)
 * must cost a fresh 2 ms interval, not a wrong frequency. */
KTEST(calibration_starts_again_after_a_stretch_past_the_stopwatch)
{
	uint64_t apic_hz = timer_apic_frequency();
	if (!apic_hz)
		return; /* the PIT is the timer: nothing is calibrated */
	uint64_t flags = cpu_irq_save();
	lapic_timer_stop();
	timer_begin_calibration();
	uint32_t start = lapic_timer_current(), sixty_ms = (uint32_t)(apic_hz * 60 / 1000);
	while (start - lapic_timer_current() < sixty_ms)
		cpu_relax();
	unsigned expired_before = expired_tries;
	uint64_t hz = calibrate_apic_timer();
	lapic_timer_start((uint32_t)(apic_hz / TIMER_HZ), true);
	cpu_irq_restore(flags);
	KEXPECT_EQ(expired_tries, expired_before + 1);
	if (hz < apic_hz - apic_hz / 500 || hz > apic_hz + apic_hz / 500)
		ktest_fail(__FILE__, __LINE__, "calibrated again to %lu Hz, first to %lu Hz", hz,
			   apic_hz);
}
