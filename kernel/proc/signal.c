/* Signals, the part this step needs: sending (kill, the terminal's ^C), blocking
 * (rt_sigprocmask), dispositions (rt_sigaction records them; SIG_IGN is obeyed) and
 * default actions on the way back to ring 3. Running a program's handler needs the
 * signal frame of issue 15; until then a caught signal acts as its default would.
 *
 * Default actions (signal(7)): SIGCHLD, SIGURG, SIGWINCH and SIGCONT are ignored;
 * the stop signals (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) would stop the process, which
 * needs job control (issue 15): they are ignored for now; all others end it. As on
 * Linux, init (pid 1) gets no signal it has no handler for. */
#include <asm-generic/errno.h>

#include "../lib/string.h"
#include "../sched/sched.h"
#include "../sched/task.h"
#include "process.h"

#define BIT(sig)     (1ull << ((sig)-1))
#define IGNORED_DFL  (BIT(SIGCHLD) | BIT(SIGURG) | BIT(SIGWINCH) | BIT(SIGCONT))
#define STOPPING_DFL (BIT(SIGSTOP) | BIT(SIGTSTP) | BIT(SIGTTIN) | BIT(SIGTTOU))

static bool valid(int sig)
{
	return sig >= 1 && sig <= SIGNALS;
}

/* Whether `sig` would do nothing to `p` now (so it need not be queued). */
static bool discarded(const struct process *p, int sig)
{
	__sighandler_t h = p->actions[sig - 1].sa_handler;
	if (sig == SIGKILL || sig == SIGSTOP)
		h = SIG_DFL; /* neither can be caught or ignored */
	if (h == SIG_IGN)
		return true;
	/* SIG_DFL, or caught: handlers do not run yet, so the default action it is */
	return p->pid == 1 || (BIT(sig) & (IGNORED_DFL | STOPPING_DFL));
}

void signal_send_locked(struct process *p, int sig)
{
	if (p->state != PROCESS_ALIVE || discarded(p, sig))
		return;
	if (!p->task) { /* not started yet: its task takes these when it first runs */
		p->early_signals |= BIT(sig);
		return;
	}
	__atomic_or_fetch(&p->task->signals, BIT(sig), __ATOMIC_RELEASE);
	sched_wake(p->task); /* out of an interruptible sleep, to see it */
}

void signal_send_group(int pgrp, int sig)
{
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct list_node *node;
	list_for_each(node, process_table())
	{
		struct process *p = list_entry(node, struct process, all_link);
		if (p->pgid == pgrp)
			signal_send_locked(p, sig);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
}

int signal_kill(int pid, int sig)
{
	struct process *me = process_current();
	if (sig < 0 || sig > SIGNALS)
		return -EINVAL;
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	int found = 0;
	struct list_node *node;
	list_for_each(node, process_table())
	{
		struct process *p = list_entry(node, struct process, all_link);
		bool chosen = pid > 0	  ? p->pid == pid
			      : pid == 0  ? p->pgid == me->pgid
			      : pid == -1 ? p->pid != 1 && p != me
					  : p->pgid == -pid;
		if (!chosen)
			continue;
		found++; /* a zombie counts, as on Linux: it exists until reaped */
		if (sig) /* 0 only asks whether the target exists */
			signal_send_locked(p, sig);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return found ? 0 : -ESRCH;
}

void signal_deliver(void)
{
	struct task *t = current_task();
	struct process *p = t->process;
	uint64_t pending = __atomic_load_n(&t->signals, __ATOMIC_ACQUIRE) & ~t->blocked;
	while (pending) {
		int sig = __builtin_ctzll(pending) + 1;
		pending &= pending - 1;
		__atomic_and_fetch(&t->signals, ~BIT(sig), __ATOMIC_ACQ_REL);
		uint64_t flags = spin_lock_irqsave(&proc_lock);
		bool ignore = discarded(p, sig); /* the disposition may have changed since */
		spin_unlock_irqrestore(&proc_lock, flags);
		if (!ignore)
			process_exit(WAIT_SIGNALED(sig));
	}
}

void signal_reset_on_exec(struct process *p)
{
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	for (int i = 0; i < SIGNALS; i++) {
		bool ignored = p->actions[i].sa_handler == SIG_IGN;
		memset(&p->actions[i], 0, sizeof p->actions[i]);
		if (ignored)
			p->actions[i].sa_handler = SIG_IGN;
	}
	spin_unlock_irqrestore(&proc_lock, flags);
}

int signal_action(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct process *p = process_current();
	if (!valid(sig) || (act && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	if (old)
		*old = p->actions[sig - 1];
	if (act)
		p->actions[sig - 1] = *act;
	spin_unlock_irqrestore(&proc_lock, flags);
	if (act && discarded(p, sig)) /* ignoring a pending signal drops it */
		__atomic_and_fetch(&p->task->signals, ~BIT(sig), __ATOMIC_ACQ_REL);
	return 0;
}
