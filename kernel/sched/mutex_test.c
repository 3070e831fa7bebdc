/* KTESTs for mutexes, semaphores and wait queues (test kernel only): exact counts
 * under preemption, and a producer in an interrupt handler. */
#include "mutex.h"

#include "../arch/irq.h"
#include "../console.h"
#include "../dev/apic.h"
#include "../test/ktest.h"
#include "sched.h"
#include "task.h"

#define WORKERS	   8
#define INCREMENTS 100000

/* A read-modify-write the scheduler can cut in the middle of: two tasks that both
 * read before either writes lose an increment. */
static volatile uint64_t counter;

static void increment(void)
{
	uint64_t seen = counter;
	for (volatile int spin = 0; spin < 20; spin++)
		;
	counter = seen + 1;
}

static struct mutex counter_lock;
static struct semaphore counter_semaphore;
static volatile int guard; /* 0: none, 1: the mutex, 2: the semaphore */

static void worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < INCREMENTS; i++) {
		if (guard == 1)
			mutex_lock(&counter_lock);
		else if (guard == 2)
			semaphore_down(&counter_semaphore);
		increment();
		if (guard == 1)
			mutex_unlock(&counter_lock);
		else if (guard == 2)
			semaphore_up(&counter_semaphore);
	}
}

/* Runs `workers` workers to the end; returns how often they were preempted. */
static uint64_t run_workers(int workers, int how)
{
	int ids[WORKERS];
	counter = 0;
	guard = how;
	sched_set_slice(1); /* preempted every tick: inside the lock as often as not */
	uint64_t preempted = sched_preemptions();
	for (int i = 0; i < workers; i++)
		ids[i] = task_create(worker, 0, "worker");
	for (int i = 0; i < workers; i++)
		task_join(ids[i], 0);
	sched_set_slice(SCHED_SLICE_TICKS);
	return sched_preemptions() - preempted;
}

KTEST(mutex_keeps_8_preempted_tasks_exact_and_without_it_they_lose_counts)
{
	mutex_init(&counter_lock, "counter");
	/* The control: with no lock, preemption inside increment() loses counts, so the
	 * totals below mean something. */
	uint64_t unguarded = 2 * INCREMENTS;
	for (int tries = 0; tries < 3 && unguarded == 2 * INCREMENTS; tries++) {
		run_workers(2, 0);
		unguarded = counter;
	}
	kprintf("  without a lock: %lu of %u\n", unguarded, 2 * INCREMENTS);
	KEXPECT(unguarded < 2 * INCREMENTS);
	uint64_t preempted = run_workers(WORKERS, 1);
	kprintf("  with the mutex: %lu, %lu preemptions\n", counter, preempted);
	KEXPECT(preempted >= 100);
	KEXPECT_EQ(counter, (uint64_t)WORKERS * INCREMENTS);
	KEXPECT(counter_lock.owner == 0);
}

KTEST(semaphore_of_one_keeps_8_preempted_tasks_exact)
{
	semaphore_init(&counter_semaphore, 1);
	uint64_t preempted = run_workers(WORKERS, 2);
	kprintf("  with the semaphore: %lu, %lu preemptions\n", counter, preempted);
	KEXPECT(preempted >= 100);
	KEXPECT_EQ(counter, (uint64_t)WORKERS * INCREMENTS);
	KEXPECT_EQ(counter_semaphore.count, 1);
}

/* ---- a producer in an interrupt handler ------------------------------------------ */

#define ITEMS 100000
#define SLOTS 64

static struct {
	uint64_t items[SLOTS];
	volatile uint64_t head, tail; /* head: next to take; tail: next to put */
	uint64_t produced;
	struct wait_queue filled, emptied;
} channel;

/* The self-IPI's handler: one item, numbered in order, and a wake-up. */
static void produce(void *ctx)
{
	(void)ctx;
	if (channel.tail - channel.head == SLOTS)
		return; /* never: the sender waits for room first */
	channel.items[channel.tail % SLOTS] = channel.produced++;
	channel.tail++;
	wake_up(&channel.filled, 1);
}

static void sender(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITEMS; i++) {
		wait_event(channel.emptied, channel.tail - channel.head < SLOTS);
		lapic_send_self_ipi(VECTOR_SELF_TEST);
	}
}

KTEST(wait_queue_carries_100000_items_from_an_interrupt_handler_exactly_once)
{
	if (irq_controller() != &apic_controller)
		return; /* the self-IPI needs a local APIC */
	wait_queue_init(&channel.filled);
	wait_queue_init(&channel.emptied);
	channel.head = channel.tail = channel.produced = 0;
	irq_register(VECTOR_SELF_TEST, produce, 0);
	int id = task_create(sender, 0, "sender");
	uint64_t expected = 0, wrong = 0;
	while (expected < ITEMS) {
		wait_event(channel.filled, channel.tail != channel.head);
		while (channel.head != channel.tail) {
			uint64_t item = channel.items[channel.head % SLOTS];
			channel.head++;
			wrong += item != expected++;
		}
		wake_up(&channel.emptied, 1);
	}
	KEXPECT_EQ(task_join(id, 0), 0);
	KEXPECT_EQ(wrong, 0);
	KEXPECT_EQ(channel.produced, ITEMS); /* none lost in the handler, none extra */
	KEXPECT_EQ(channel.head, ITEMS);
}

/* ---- a semaphore fed from an interrupt handler, several takers -------------------- */

#define UNITS	  30000
#define CONSUMERS 4

static struct semaphore units;
static volatile uint64_t units_given, units_taken;

static void give_unit(void *ctx)
{
	(void)ctx;
	units_given++;
	semaphore_up(&units);
}

static void taker(void *arg)
{
	(void)arg;
	for (;;) {
		semaphore_down(&units);
		if (__atomic_add_fetch(&units_taken, 1, __ATOMIC_SEQ_CST) > UNITS)
			return; /* one of the extra units that end the test */
	}
}

/* Every unit given is taken: no taker sleeps while units wait (a wake-up spent on a
 * waiter that had already got its unit would leave one asleep). */
KTEST(semaphore_given_from_an_interrupt_is_taken_by_four_tasks_to_the_last_unit)
{
	if (irq_controller() != &apic_controller)
		return; /* the self-IPI needs a local APIC */
	semaphore_init(&units, 0);
	units_given = units_taken = 0;
	irq_register(VECTOR_SELF_TEST, give_unit, 0);
	sched_set_slice(1);
	int ids[CONSUMERS];
	for (int i = 0; i < CONSUMERS; i++)
		ids[i] = task_create(taker, 0, "taker");
	for (int i = 0; i < UNITS; i++) {
		lapic_send_self_ipi(VECTOR_SELF_TEST);
		if (i % 64 == 0)
			yield();
	}
	for (int waited = 0; units_taken < UNITS && waited < 2000; waited++)
		sleep_ms(1);
	uint64_t taken = units_taken;
	for (int i = 0; i < CONSUMERS; i++) /* one more each, to end them */
		lapic_send_self_ipi(VECTOR_SELF_TEST);
	for (int i = 0; i < CONSUMERS; i++)
		KEXPECT_EQ(task_join(ids[i], 0), 0);
	sched_set_slice(SCHED_SLICE_TICKS);
	KEXPECT_EQ(taken, UNITS);
	KEXPECT_EQ(units_given, UNITS + CONSUMERS);
	KEXPECT_EQ(units.count, 0);
}
