#include "timer.h"

#include "../arch/irq.h"
#include "../arch/x86.h"
#include "../console.h"
#include "../panic.h"
#include "apic.h"
#include "pit.h"

#define CALIBRATION_US 10000 /* 10 ms against the PIT */
#define PIT_IRQ	       0

/* The boot CPU's tick count; other CPUs will read it, only this one writes it. */
static volatile uint64_t ticks;
static uint64_t apic_hz;

static void on_tick(void *ctx)
{
	(void)ctx;
	ticks++;
}

/* Counts how far the local APIC timer runs down while the PIT measures 10 ms. */
static uint64_t calibrate_apic_timer(void)
{
	lapic_timer_start(0xFFFFFFFF, false);
	pit_wait_us(CALIBRATION_US);
	uint32_t elapsed = 0xFFFFFFFF - lapic_timer_current();
	lapic_timer_stop();
	return (uint64_t)elapsed * (1000000 / CALIBRATION_US);
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
