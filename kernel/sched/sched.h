/* The scheduler: preemptive, round-robin within two priority levels (normal, then
 * idle), a time slice of SCHED_SLICE_TICKS timer ticks, an idle task per CPU that
 * halts with interrupts on. Run queues are per CPU (sched/cpu.h); a task stays on
 * the CPU it was created on (there is one).
 *
 * Locking: each run queue has a spinlock, taken with interrupts off and held across
 * the switch itself: the task switched to releases it. Nothing else is taken while
 * it is held, so it is always the innermost lock. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct task;

#define SCHED_SLICE_TICKS 10 /* 10 ms at TIMER_HZ 1000 */

struct kstack;

/* Makes the code running kmain the first task ("kmain"), on `boot_stack` with its
 * guard page at boot_guard, and creates this CPU's idle task. Needs the heap, the
 * frame allocator and the GDT (GS is loaded). */
void sched_init(const struct kstack *boot_stack, uintptr_t boot_guard);

/* True once sched_init has run. */
bool sched_running(void);

struct task *current_task(void);

struct address_space;
struct process;

/* Makes the calling task a process's: from now on it runs in `space` (loaded now,
 * and on every switch back to it). Interrupts off. */
void sched_enter_space(struct address_space *space, struct process *process);

/* The running task's FS base (a user program's thread pointer), loaded now and on
 * every switch back to it. */
void sched_set_fs_base(uint64_t base);

/* Gives up the CPU: the caller is switched away from if its state says it sleeps,
 * or put at the back of its run queue if it is still running. Interrupts may be on
 * or off; a task's interrupt state comes back with it. */
void schedule(void);

/* Lets every other ready task of the same priority run first. */
void yield(void);

/* Puts a new task in its CPU's run queue (task_create). */
void sched_start_task(struct task *task);

/* Makes a sleeping task ready (or, if it has not switched away yet, running again).
 * From any context. */
void sched_wake(struct task *task);

/* May the caller sleep? A task, not an interrupt handler, with interrupts on. */
bool sched_can_sleep(void);

/* The first two of those: a task, not an interrupt handler (interrupts as they may). */
bool sched_task_context(void);

/* Called by the timer's interrupt handler on every tick. */
void sched_tick(void);

/* Called around every interrupt handler (arch/irq.c): on the way out, a task whose
 * slice is used up, or that a wake-up should displace, is preempted. */
void sched_irq_enter(void);
void sched_irq_exit(void);

/* Sleeps at least `ms` milliseconds, waking on the first timer tick at or after the
 * deadline (sched/sleep.c). Before sched_init, it halts until then. */
void sleep_ms(uint64_t ms);

/* Sleeps until the clock reaches deadline_ns (clock_ns), or until a signal is
 * pending: then false. From a task only. */
bool sleep_interruptible(uint64_t deadline_ns);

/* The same, ending too when done(arg) holds (a task's own wake-up condition: its
 * waker sets what done reads, then sched_wake), and only if `interruptible` for a
 * signal. UINT64_MAX: no deadline. From a task only. */
enum sleep_end { SLEEP_ON, SLEEP_DONE, SLEEP_TIMED_OUT, SLEEP_SIGNALLED };
enum sleep_end sleep_until_done(uint64_t deadline_ns, bool interruptible,
				bool (*done)(const void *arg), const void *arg);

/* Time slice, in ticks, from now on (tests shorten it to preempt more often). */
void sched_set_slice(unsigned ticks);

/* TSC cycles this CPU has spent in its idle task, and in all since sched_init. */
uint64_t sched_idle_cycles(void);
uint64_t sched_total_cycles(void);

/* Times this CPU switched away from a task that could have gone on (a preemption at
 * the end of an interrupt), not counting the idle task. */
uint64_t sched_preemptions(void);
