/* Test kernel only: scenarios for the scheduler and the console that need a boot of
 * their own (tests/test_sched.py picks one, as test_kernel.py the fault scenarios):
 * a task's stack overflow, the mutex's debug checks, the shell under load, a flood
 * of output while interrupts print too, and the scheduler's benchmark. */
#include "scenario.h"

#include "../arch/clock.h"
#include "../arch/irq.h"
#include "../arch/x86.h"
#include "../console.h"
#include "../dev/pit.h"
#include "../lib/string.h"
#include "../panic.h"
#include "../sched/mutex.h"
#include "../sched/sched.h"
#include "../sched/task.h"
#include "../shell/shell.h"

static volatile int zero;

/* ---- a task's stack overflow ------------------------------------------------------ */

__attribute__((noinline)) static uint64_t recurse(uint64_t depth)
{
	volatile uint8_t pad[256];
	pad[0] = (uint8_t)depth;
	// cppcheck-suppress knownConditionTrueFalse
	if (zero < 0)
		return depth;
	return recurse(depth + 1) + pad[0];
}

static void deep(void *arg)
{
	(void)arg;
	kprintf("recursing %lu\n", recurse(0));
}

static void task_stack_overflow(void)
{
	task_join(task_create(deep, 0, "deep"), 0);
}

/* ---- the mutex's checks -------------------------------------------------------------- */

static struct mutex m = MUTEX_INIT(m, "m");

static void lock_twice(void *arg)
{
	(void)arg;
	mutex_lock(&m);
	mutex_lock(&m);
}

static void mutex_recursive(void)
{
	task_join(task_create(lock_twice, 0, "twice"), 0);
}

static void unlock_it(void *arg)
{
	(void)arg;
	mutex_unlock(&m);
}

static void mutex_foreign_unlock(void)
{
	mutex_lock(&m);
	task_join(task_create(unlock_it, 0, "intruder"), 0);
}

/* ---- the shell while CPU-bound tasks run ----------------------------------------------- */

static void spin_forever(void *arg)
{
	(void)arg;
	for (;;)
		compiler_barrier();
}

static void shell_under_load(void)
{
	task_create(spin_forever, 0, "spinner 1");
	task_create(spin_forever, 0, "spinner 2");
	static struct boot_info no_map; /* mem and e820 print empty maps */
	task_set_name(current_task(), "shell");
	shell_run(&no_map);
}

/* ---- a flood of output, from a task and from an interrupt handler ---------------------- */

#define FLOOD_LINES 4000
#define FLOOD_HZ    2000 /* the PIT, free in APIC mode: an interrupt source of its own */

static volatile unsigned irq_lines;
static volatile bool flooding;

static void flood_tick(void *ctx)
{
	(void)ctx;
	if (flooding)
		kprintf("flood I %05u ==========================================\n", irq_lines++);
}

static void console_flood(void)
{
	pit_start_periodic(FLOOD_HZ);
	irq_enable_legacy(0, flood_tick, 0);
	kprintf("flood: start\n");
	flooding = true;
	for (unsigned i = 0; i < FLOOD_LINES; i++)
		kprintf("flood T %05u ------------------------------------------\n", i);
	flooding = false;
	kprintf("flood: done, %u task lines, %u interrupt lines tried\n", FLOOD_LINES, irq_lines);
	cpu_disable_interrupts();
	console_go_synchronous();
	halt_forever();
}

/* ---- the scheduler's costs, in TSC cycles -------------------------------------------- */

#define SAMPLES 2000

static uint64_t samples[SAMPLES];

static void sort(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++) /* insertion sort: small n, once */
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static void report(const char *what, uint64_t *v, int n)
{
	sort(v, n);
	kprintf("bench: %s: median %lu cycles, p99 %lu cycles (%d samples, TSC %lu MHz)\n", what,
		v[n / 2], v[n * 99 / 100], n, clock_tsc_hz() / 1000000);
}

/* Ping-pong through wait queues: each hand-off wakes the other task and sleeps. */
static struct wait_queue ping_wq = WAIT_QUEUE_INIT(ping_wq);
static volatile int turn; /* 0: the main task's, 1: the partner's */
static volatile uint64_t handed_at;

static void partner(void *arg)
{
	(void)arg;
	for (int i = 0; i < SAMPLES; i++) {
		wait_event(ping_wq, turn == 1);
		samples[i] = rdtsc() - handed_at;
		handed_at = rdtsc();
		turn = 0;
		wake_up(&ping_wq, WAKE_ALL);
	}
}

static void bench_switch(void)
{
	int id = task_create(partner, 0, "partner");
	for (int i = 0; i < SAMPLES; i++) {
		handed_at = rdtsc();
		turn = 1;
		wake_up(&ping_wq, WAKE_ALL);
		wait_event(ping_wq, turn == 0);
	}
	task_join(id, 0);
	report("wait-queue hand-off (wake, sleep, switch)", samples, SAMPLES);
}

/* Two tasks yielding to each other: each yield is one switch. */
static volatile uint64_t yielded_at;
static volatile bool yielding;

static void yielder(void *arg)
{
	(void)arg;
	for (int i = 0; i < SAMPLES; i++) {
		samples[i] = rdtsc() - yielded_at;
		yielded_at = rdtsc();
		yield();
	}
	yielding = false;
}

static void bench_yield(void)
{
	yielding = true;
	int id = task_create(yielder, 0, "yielder");
	yielded_at = rdtsc();
	while (yielding) {
		yielded_at = rdtsc();
		yield();
	}
	task_join(id, 0);
	report("yield to another task", samples, SAMPLES);
}

/* The timer interrupt, as a gap in a loop that reads the TSC back to back: entry,
 * the tick's handler, the EOI and the way out (no switch: the only task runs on). */
static void bench_timer_interrupt(void)
{
	int n = 0;
	uint64_t last = rdtsc(), loop = ~0ull;
	for (int i = 0; i < 1000; i++) { /* the loop's own cost, uninterrupted */
		uint64_t now = rdtsc();
		if (now - last < loop)
			loop = now - last;
		last = now;
	}
	sched_set_slice(1000000); /* no preemption meanwhile */
	uint64_t threshold = loop * 20 + 200;
	last = rdtsc();
	while (n < SAMPLES) {
		uint64_t now = rdtsc();
		if (now - last > threshold)
			samples[n++] = now - last - loop;
		last = now;
	}
	sched_set_slice(SCHED_SLICE_TICKS);
	report("timer interrupt (entry, tick, EOI, exit)", samples, SAMPLES);
}

static void sched_bench(void)
{
	bench_switch();
	bench_yield();
	bench_timer_interrupt();
	kprintf("bench: done\n");
	cpu_disable_interrupts();
	console_go_synchronous();
	halt_forever();
}

FAULT_SCENARIO(task_stack_overflow);
FAULT_SCENARIO(mutex_recursive);
FAULT_SCENARIO(mutex_foreign_unlock);
SCENARIO(shell_under_load);
SCENARIO(console_flood);
SCENARIO(sched_bench);
