/* Job control: stopping and continuing processes (signal(7)'s stop and continue
 * actions), reported to the parent through SIGCHLD and wait4(WUNTRACED/WCONTINUED),
 * and the terminal's part: a read from a background group gets SIGTTIN.
 *
 * A stop is the whole process's: the thread that takes the stop signal marks the
 * process stopped and every other thread stops when it next passes signal_deliver
 * (a SIGSTOP of its own sends it there). A stopped thread sleeps in job_stopped
 * until SIGCONT clears the mark, or SIGKILL or an exit_group comes. As Linux does,
 * SIGCONT continues the process when it is sent, whatever its disposition, and
 * sending one drops the other's pending signals. */
#include <asm-generic/errno.h>
#include <asm-generic/siginfo.h>

#include "../lib/restart.h"
#include "../sched/sched.h"
#include "../sched/task.h"
#include "process.h"
#include "thread.h"

#define BIT(sig) (1ull << ((sig)-1))

/* A group is orphaned when none of its members has a parent in another group of
 * the same session (init's children aside): no shell is there to continue it. */
bool job_pgrp_orphaned_locked(int pgid)
{
	struct list_node *node;
	list_for_each(node, process_table())
	{
		const struct process *q = list_entry(node, struct process, all_link);
		const struct process *parent = q->parent;
		if (q->pgid == pgid && q->state == PROCESS_ALIVE && parent && parent->pid != 1 &&
		    parent->pgid != pgid && parent->sid == q->sid)
			return false;
	}
	return true;
}

/* Wakes every thread of p from whatever it sleeps in (it checks again why). */
static void wake_threads_locked(struct process *p)
{
	struct list_node *node;
	list_for_each(node, &p->threads)
	{
		struct task *t = list_entry(node, struct thread, link)->task;
		if (t)
			sched_wake(t);
	}
}

/* The parent hears of a stop or a continue: SIGCHLD unless it asked not to
 * (SA_NOCLDSTOP), and a waiting wait4 looks again. */
static void tell_parent_locked(struct process *p, int code, int sig)
{
	struct process *parent = p->parent;
	if (!parent)
		return;
	if (!(parent->actions[SIGCHLD - 1].sa_flags & SA_NOCLDSTOP)) {
		const struct signal_info info = {.code = code, .pid = p->pid, .status = sig};
		signal_queue_locked(parent, SIGCHLD, &info);
	}
	wake_threads_locked(parent);
}

void job_signal_sent_locked(struct process *p, int sig)
{
	if (BIT(sig) & SIGNALS_STOPPING) {
		signal_drop_pending_locked(p, SIGCONT);
		return;
	}
	if (sig != SIGCONT)
		return;
	for (int s = 1; s <= SIGNALS; s++)
		if (BIT(s) & SIGNALS_STOPPING)
			signal_drop_pending_locked(p, s);
	if (!p->stopped)
		return;
	p->stopped = false;
	p->stop_unreported = false;
	p->continue_unreported = true;
	tell_parent_locked(p, CLD_CONTINUED, SIGCONT);
	wake_threads_locked(p);
}

/* Whether the stopped thread must get up: continued, killed or being ended. */
static bool stop_over(const void *unused)
{
	(void)unused;
	const struct task *t = current_task();
	const struct process *p = t->process;
	uint64_t pending = __atomic_load_n(&t->signals, __ATOMIC_ACQUIRE) |
			   __atomic_load_n(&p->shared_signals, __ATOMIC_ACQUIRE);
	return !__atomic_load_n(&p->stopped, __ATOMIC_ACQUIRE) || (pending & BIT(SIGKILL)) ||
	       __atomic_load_n(&p->exiting, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&p->exec_thread, __ATOMIC_ACQUIRE);
}

void job_stopped(void)
{
	sleep_until_done(UINT64_MAX, false, stop_over, 0);
}

void job_stop(int sig)
{
	struct thread *me = thread_current();
	struct process *p = me->process;
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	bool orphaned = sig != SIGSTOP && job_pgrp_orphaned_locked(p->pgid);
	if (!orphaned && !p->stopped) { /* as Linux: the terminal's stops spare orphans */
		p->stopped = true;
		p->stop_signal = sig;
		p->stop_unreported = true;
		p->continue_unreported = false;
		tell_parent_locked(p, CLD_STOPPED, sig);
		thread_signal_others_locked(p, me, SIGSTOP);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	if (!orphaned)
		job_stopped();
}

int job_tty_read_check(int fg_pgrp)
{
	struct thread *me = thread_current();
	if (!me || fg_pgrp <= 0)
		return 0;
	struct process *p = me->process;
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	int err = 0;
	/* Only a group of the terminal's session (its foreground's) is held back. */
	bool same_session = false;
	struct list_node *node;
	list_for_each(node, process_table())
	{
		const struct process *q = list_entry(node, struct process, all_link);
		same_session |= q->pgid == fg_pgrp && q->sid == p->sid;
	}
	if (p->pgid != fg_pgrp && same_session) {
		__sighandler_t h = p->actions[SIGTTIN - 1].sa_handler;
		if (h == SIG_IGN || (me->task->blocked & BIT(SIGTTIN)) ||
		    job_pgrp_orphaned_locked(p->pgid))
			err = -EIO;
		else {
			signal_send_group_locked(p->pgid, SIGTTIN);
			err = -ERESTARTSYS;
		}
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return err;
}
