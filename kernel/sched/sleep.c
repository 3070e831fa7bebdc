#include "sleep.h"

#include "../arch/clock.h"
#include "../arch/x86.h"
#include "../panic.h"
#include "cpu.h"
#include "sched.h"
#include "task.h"

#define NS_PER_MS 1000000ull

static bool sleeping(const struct task *t)
{
	return t->sleep_link.next != &t->sleep_link;
}

/* Into the CPU's queue, after every sleeper due no later (first come, first woken). */
static void enqueue(struct cpu *c, struct task *t)
{
	struct list_node *at;
	list_for_each(at, &c->sleepers)
	{
		if (list_entry(at, struct task, sleep_link)->sleep_deadline_ns >
		    t->sleep_deadline_ns)
			break;
	}
	list_insert_before(at, &t->sleep_link);
}

/* Before the scheduler runs (start-up, with the timer going): halt tick by tick. */
static void sleep_without_scheduler(uint64_t ms)
{
	if (!clock_tsc_hz() || !(cpu_read_flags() & RFLAGS_IF))
		panic("sleep_ms(%lu) %s", ms,
		      clock_tsc_hz() ? "with interrupts off" : "before the timer runs");
	uint64_t until = clock_ns() + ms * NS_PER_MS;
	while (clock_ns() < until)
		cpu_halt();
}

void sleep_arm(struct task *t, uint64_t deadline_ns)
{
	struct cpu *c = t->cpu;
	uint64_t flags = spin_lock_irqsave(&c->timer_lock);
	if (sleeping(t))
		list_remove(&t->sleep_link); /* re-armed: back in at its new place */
	t->sleep_deadline_ns = deadline_ns;
	enqueue(c, t);
	spin_unlock_irqrestore(&c->timer_lock, flags);
}

void sleep_disarm(struct task *t)
{
	struct cpu *c = t->cpu;
	uint64_t flags = spin_lock_irqsave(&c->timer_lock);
	if (sleeping(t))
		list_remove(&t->sleep_link);
	spin_unlock_irqrestore(&c->timer_lock, flags);
}

/* The one sleep loop: until the tick takes the task off the queue (a stray wake-up
 * only loops), `done(arg)` holds, or, if `interruptible`, a signal is pending. Both
 * are checked after the task is marked asleep, so a wake-up in between is not lost. */
enum sleep_end sleep_until_done(uint64_t deadline_ns, bool interruptible,
				bool (*done)(const void *arg), const void *arg)
{
	struct task *t = current_task();
	struct cpu *c = t->cpu;
	sleep_arm(t, deadline_ns);
	for (;;) {
		uint64_t flags = spin_lock_irqsave(&c->timer_lock);
		bool queued = sleeping(t);
		if (queued)
			__atomic_store_n(&t->state, TASK_SLEEPING, __ATOMIC_SEQ_CST);
		spin_unlock_irqrestore(&c->timer_lock, flags);
		if (!queued)
			return SLEEP_TIMED_OUT;
		enum sleep_end end = done && done(arg)			 ? SLEEP_DONE
				     : interruptible && signal_pending() ? SLEEP_SIGNALLED
									 : SLEEP_ON;
		if (end != SLEEP_ON) {
			__atomic_store_n(&t->state, TASK_RUNNING, __ATOMIC_SEQ_CST);
			sleep_disarm(t);
			return end;
		}
		schedule();
	}
}

void sleep_ms(uint64_t ms)
{
	if (!sched_can_sleep()) {
		sleep_without_scheduler(ms);
		return;
	}
	sleep_until_done(clock_ns() + ms * NS_PER_MS, false, 0, 0);
}

void sleep_tick(struct cpu *c)
{
	uint64_t now = clock_ns();
	uint64_t flags = spin_lock_irqsave(&c->timer_lock);
	while (!list_empty(&c->sleepers)) {
		struct task *t = list_entry(c->sleepers.next, struct task, sleep_link);
		if (t->sleep_deadline_ns > now)
			break;
		list_remove(&t->sleep_link);
		t->woken_by_tick_ns = now;
		t->tick_before_ns = c->last_tick_ns;
		sched_wake(t);
	}
	c->last_tick_ns = now;
	spin_unlock_irqrestore(&c->timer_lock, flags);
}

bool sleep_interruptible(uint64_t deadline_ns)
{
	return sleep_until_done(deadline_ns, true, 0, 0) != SLEEP_SIGNALLED;
}
