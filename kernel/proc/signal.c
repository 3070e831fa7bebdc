/* Signals: sending (kill, the terminal's ^C, faults, a child's exit), blocking
 * (rt_sigprocmask), dispositions (rt_sigaction) and, on the way back to ring 3,
 * delivery: a default action, or the program's handler on Linux's signal frame
 * (signal_frame.c) with SA_SIGINFO's siginfo, SA_NODEFER, SA_RESETHAND, SA_ONSTACK
 * and SA_RESTART.
 *
 * Default actions (signal(7)): SIGCHLD, SIGURG, SIGWINCH and SIGCONT are ignored;
 * the stop signals (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) would stop the process, which
 * needs job control (still to come): they are ignored for now; all others end it.
 * As on Linux, init (pid 1) gets no signal it has no handler for.
 *
 * A standard signal is pending or not: a second one sent before the first is taken
 * is merged with it, and the first's siginfo stands. */
#include <asm-generic/errno.h>
#include <asm-generic/siginfo.h>

#include "../arch/syscall.h"
#include "../arch/trap.h"
#include "../console.h"
#include "../lib/restart.h"
#include "../lib/string.h"
#include "../sched/sched.h"
#include "../sched/task.h"
#include "process.h"

#define BIT(sig)     (1ull << ((sig)-1))
#define IGNORED_DFL  (BIT(SIGCHLD) | BIT(SIGURG) | BIT(SIGWINCH) | BIT(SIGCONT))
#define STOPPING_DFL (BIT(SIGSTOP) | BIT(SIGTSTP) | BIT(SIGTTIN) | BIT(SIGTTOU))

#define SYSCALL_INSN_SIZE 2 /* `syscall`, 0F 05: a restart runs it again */

static bool valid(int sig)
{
	return sig >= 1 && sig <= SIGNALS;
}

static __sighandler_t handler_of(const struct process *p, int sig)
{
	if (sig == SIGKILL || sig == SIGSTOP)
		return SIG_DFL; /* neither can be caught or ignored */
	return p->actions[sig - 1].sa_handler;
}

/* Whether `sig` would do nothing to `p` now (so it need not be queued). */
static bool discarded(const struct process *p, int sig)
{
	__sighandler_t h = handler_of(p, sig);
	if (h == SIG_IGN)
		return true;
	if (h != SIG_DFL)
		return false;
	return p->pid == 1 || (BIT(sig) & (IGNORED_DFL | STOPPING_DFL));
}

void signal_queue_locked(struct process *p, int sig, const struct signal_info *info)
{
	static const struct signal_info from_kernel = {.code = SI_KERNEL};
	if (p->state != PROCESS_ALIVE || discarded(p, sig))
		return;
	uint64_t pending =
		p->task ? __atomic_load_n(&p->task->signals, __ATOMIC_ACQUIRE) : p->early_signals;
	if (!(pending & BIT(sig)))
		p->signal_info[sig - 1] = info ? *info : from_kernel;
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
			signal_queue_locked(p, sig, 0);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
}

int signal_kill(int pid, int sig)
{
	struct process *me = process_current();
	if (sig < 0 || sig > SIGNALS)
		return -EINVAL;
	const struct signal_info info = {.code = SI_USER, .pid = me->pid};
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
			signal_queue_locked(p, sig, &info);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return found ? 0 : -ESRCH;
}

bool signal_fault(int sig, int code, uint64_t addr)
{
	struct task *t = current_task();
	struct process *p = t->process;
	const struct signal_info info = {.code = code, .addr = addr};
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	__sighandler_t h = handler_of(p, sig);
	/* As Linux: a fault's signal that is blocked or ignored kills all the same. */
	bool caught = h != SIG_DFL && h != SIG_IGN && !(t->blocked & BIT(sig));
	if (caught) {
		p->signal_info[sig - 1] = info;
		__atomic_or_fetch(&t->signals, BIT(sig), __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return caught;
}

/* A system call that a signal interrupted: run it again (back to its `syscall`,
 * with its number) or make it fail with EINTR. */
static void finish_interrupted_call(struct trap_frame *f, bool handler, bool sa_restart)
{
	if (f->vector != SYSCALL_VECTOR || f->error_code == (uint64_t)-1)
		return;
	long result = (long)f->rax;
	if (result != -ERESTARTSYS && result != -ERESTARTNOHAND)
		return;
	if (!handler || (result == -ERESTARTSYS && sa_restart)) {
		f->rax = f->error_code;
		f->rip -= SYSCALL_INSN_SIZE;
	} else {
		f->rax = (uint64_t)-EINTR;
	}
	f->error_code = (uint64_t)-1; /* once */
}

/* The signal's handler on the user stack; false when the frame could not be
 * written (the process then dies of SIGSEGV, as on Linux). */
static bool run_handler(struct task *t, struct process *p, struct trap_frame *f, int sig)
{
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct sigaction act = p->actions[sig - 1];
	struct signal_info info = p->signal_info[sig - 1];
	if (act.sa_flags & SA_RESETHAND)
		p->actions[sig - 1].sa_handler = SIG_DFL;
	spin_unlock_irqrestore(&proc_lock, flags);
	finish_interrupted_call(f, true, act.sa_flags & SA_RESTART);
	uint64_t old_mask = p->restore_blocked ? p->saved_blocked : t->blocked;
	p->restore_blocked = false;
	if (!(act.sa_flags & SA_RESTORER) || !signal_frame_push(p, f, sig, &act, &info, old_mask))
		return false;
	t->blocked = (old_mask | act.sa_mask | ((act.sa_flags & SA_NODEFER) ? 0 : BIT(sig))) &
		     ~SIGNALS_UNBLOCKABLE;
	return true;
}

void signal_deliver(void)
{
	struct task *t = current_task();
	struct process *p = t->process;
	struct trap_frame *f = task_user_frame(t);
	uint64_t pending;
	while ((pending = __atomic_load_n(&t->signals, __ATOMIC_ACQUIRE) & ~t->blocked)) {
		int sig = __builtin_ctzll(pending) + 1;
		__atomic_and_fetch(&t->signals, ~BIT(sig), __ATOMIC_ACQ_REL);
		uint64_t flags = spin_lock_irqsave(&proc_lock);
		bool ignore = discarded(p, sig); /* the disposition may have changed since */
		bool caught = handler_of(p, sig) != SIG_DFL;
		spin_unlock_irqrestore(&proc_lock, flags);
		if (ignore)
			continue;
		if (!caught)
			process_exit(WAIT_SIGNALED(sig));
		if (!run_handler(t, p, f, sig)) {
			kprintf("keel: pid %d (%s): SIGSEGV, no room for signal %d's frame at "
				"rsp %#lx (or no SA_RESTORER)\n",
				p->pid, p->name, sig, f->rsp);
			process_exit(WAIT_SIGNALED(SIGSEGV));
		}
	}
	finish_interrupted_call(f, false, false); /* no handler ran: run the call again */
	if (p->restore_blocked) {
		t->blocked = p->saved_blocked;
		p->restore_blocked = false;
	}
}

void signal_mask_while_waiting(uint64_t mask)
{
	struct task *t = current_task();
	struct process *p = t->process;
	p->saved_blocked = t->blocked;
	p->restore_blocked = true;
	t->blocked = mask & ~SIGNALS_UNBLOCKABLE;
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
	p->altstack_size = 0; /* the stack was in the old program's memory */
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
	if (act) {
		p->actions[sig - 1] = *act;
		p->actions[sig - 1].sa_mask &= ~SIGNALS_UNBLOCKABLE;
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	if (act && discarded(p, sig)) /* ignoring a pending signal drops it */
		__atomic_and_fetch(&p->task->signals, ~BIT(sig), __ATOMIC_ACQ_REL);
	return 0;
}
