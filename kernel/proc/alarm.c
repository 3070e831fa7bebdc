/* alarm(2) and setitimer(ITIMER_REAL): SIGALRM at a deadline, again every interval.
 * Each process keeps its deadline; one kernel task, "alarms", sleeps until the
 * earliest and sends what is due. Setting an alarm wakes it to look again. A scan
 * of the process table per wake-up: alarms are few. */
#include <asm-generic/errno.h>

#include "../arch/clock.h"
#include "../console.h"
#include "../sched/sched.h"
#include "../sched/sleep.h"
#include "../sched/task.h"
#include "../sched/wait.h"
#include "process.h"

static struct wait_queue changed = WAIT_QUEUE_INIT(changed);

/* Sends what is due (proc_lock held); the next deadline, 0 for none. */
static uint64_t fire_due_locked(uint64_t now)
{
	uint64_t next = 0;
	struct list_node *node;
	list_for_each(node, process_table())
	{
		struct process *p = list_entry(node, struct process, all_link);
		if (!p->alarm_ns || p->state != PROCESS_ALIVE)
			continue;
		if (p->alarm_ns <= now) {
			signal_queue_locked(p, SIGALRM, 0);
			p->alarm_ns = p->alarm_interval_ns ? now + p->alarm_interval_ns : 0;
		}
		if (p->alarm_ns && (!next || p->alarm_ns < next))
			next = p->alarm_ns;
	}
	return next;
}

static void alarm_task(void *arg)
{
	(void)arg;
	struct task *t = current_task();
	for (;;) {
		struct waiter w = {0};
		wait_prepare(&changed, &w); /* a change from here on wakes the sleep below */
		uint64_t flags = spin_lock_irqsave(&proc_lock);
		uint64_t next = fire_due_locked(clock_ns());
		spin_unlock_irqrestore(&proc_lock, flags);
		if (next)
			sleep_arm(t, next);
		schedule();
		if (next)
			sleep_disarm(t);
		wait_finish(&changed, &w);
	}
}

void alarm_init(void)
{
	if (task_create(alarm_task, 0, "alarms") < 0)
		kprintf("proc: no memory for the alarm task\n");
}

uint64_t alarm_set(struct process *p, uint64_t after_ns, uint64_t interval_ns,
		   uint64_t *old_interval_ns)
{
	uint64_t now = clock_ns();
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	uint64_t left = p->alarm_ns > now ? p->alarm_ns - now : p->alarm_ns ? 1 : 0;
	if (old_interval_ns)
		*old_interval_ns = p->alarm_interval_ns;
	p->alarm_ns = after_ns ? now + after_ns : 0;
	p->alarm_interval_ns = after_ns ? interval_ns : 0;
	spin_unlock_irqrestore(&proc_lock, flags);
	wake_up(&changed, WAKE_ALL);
	return left;
}

uint64_t alarm_left(struct process *p, uint64_t *interval_ns)
{
	uint64_t now = clock_ns();
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	uint64_t left = p->alarm_ns > now ? p->alarm_ns - now : p->alarm_ns ? 1 : 0;
	*interval_ns = p->alarm_interval_ns;
	spin_unlock_irqrestore(&proc_lock, flags);
	return left;
}
