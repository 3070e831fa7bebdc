/* Test kernel only: the console's log ring with a slow asynchronous sink, a fake one
 * the scenario drains by hand a few bytes at a time (COM1 under QEMU drains too fast
 * to ever be slow). tests/test_sched.py checks what they print. */
#include "scenario.h"

#include "../arch/irq.h"
#include "../arch/x86.h"
#include "../console.h"
#include "../dev/apic.h"
#include "../lib/string.h"
#include "../panic.h"
#include "../sched/sched.h"
#include "../sched/task.h"

static void fake_write(const char *s, size_t n)
{
	(void)s, (void)n; /* only console_go_synchronous would call it */
}

static void fake_kick(void)
{
}

static struct console_sink fake = {.name = "fake", .write = fake_write, .kick = fake_kick};
static char seen[256];
static size_t seen_len;
static uint64_t worst_lag;

/* Takes up to `max` bytes as the fake sink, keeping the first ones it ever got. */
static size_t fake_take(size_t max)
{
	char buf[64];
	uint64_t lag = console_log_written() - fake.cursor; /* before: text it never had */
	if (lag > worst_lag)
		worst_lag = lag;
	size_t n = console_sink_take(&fake, buf, max < sizeof buf ? max : sizeof buf);
	for (size_t i = 0; i < n && seen_len + 1 < sizeof seen; i++)
		seen[seen_len++] = buf[i];
	return n;
}

static void start_fake_sink(void)
{
	console_register(&fake);
	console_sink_set_async(&fake);
}

__attribute__((noreturn)) static void finish(void)
{
	kprintf("halted.\n");
	cpu_disable_interrupts();
	console_go_synchronous();
	halt_forever();
}

/* ---- the drop marker needs room too ------------------------------------------------ */

#define LINE 100

static volatile bool written;

static void hundred_bytes(void *arg)
{
	(void)arg;
	kprintf("%-99s\n", "the waiting writer's line"); /* LINE bytes */
	written = true;
}

static void dropped_line(void *ctx)
{
	(void)ctx;
	kprintf("an interrupt handler's line, dropped: the ring is full\n");
}

/* A writer waits for room with nothing dropped yet; meanwhile an interrupt handler's
 * text is dropped, so the writer's text must now follow a marker. The ring must
 * never run more than its size ahead of the slowest sink. */
static void console_marker_needs_room(void)
{
	irq_register(VECTOR_SELF_TEST, dropped_line, 0);
	start_fake_sink();
	while (CONSOLE_LOG_SIZE - (console_log_written() - fake.cursor) > LINE + 20)
		kprintf("filler ---------------------------------------------------------\n");
	while (CONSOLE_LOG_SIZE - (console_log_written() - fake.cursor) > 40)
		kprintf("f"); /* room for neither the writer's line nor the handler's */
	int id = task_create(hundred_bytes, 0, "writer");
	sleep_ms(5); /* it waits: no room */
	lapic_send_self_ipi(VECTOR_SELF_TEST);
	sleep_ms(5);
	while (!written) {
		fake_take(8);
		sleep_ms(1);
	}
	task_join(id, 0);
	while (fake_take(64))
		;
	kprintf("marker scenario: the slowest sink was at most %lu bytes behind, of %u\n",
		worst_lag, CONSOLE_LOG_SIZE);
	finish();
}

/* ---- a sink that stalls, and comes back ------------------------------------------- */

/* The fake sink takes nothing while 160 KiB are written: the writers wait 2 s, then
 * go on without it. When it takes again, it must start from a note that says what it
 * missed, never from text the ring has overwritten. */
static void console_stalled_sink_resumes(void)
{
	start_fake_sink();
	for (int i = 0; i < 4000; i++)
		kprintf("stalled %05d abcdefghijklmnopqrstuvwxyz0123456789\n", i);
	fake_take(64);
	while (fake_take(64))
		;
	seen[seen_len] = '\0';
	for (size_t i = 0; i < seen_len; i++)
		if (seen[i] == '\n')
			seen[i] = '\0'; /* the first line only */
	uint64_t behind = console_log_written() - fake.cursor;
	kprintf("stall scenario: the sink's first line after it came back: \"%s\"\n", seen);
	kprintf("stall scenario: %lu bytes behind after taking all\n", behind);
	finish();
}

SCENARIO(console_marker_needs_room);
SCENARIO(console_stalled_sink_resumes);
