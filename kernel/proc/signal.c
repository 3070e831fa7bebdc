/* Signals: sending (kill, the terminal's ^C, faults, a child's exit), blocking
 * (rt_sigprocmask), dispositions (rt_sigaction) and, on the way back to ring 3,
 * delivery: a default action, or the program's handler on Linux's signal frame
 * (signal_frame.c) with SA_SIGINFO's siginfo, SA_NODEFER, SA_RESETHAND, SA_ONSTACK
 * and SA_RESTART.
 *
 * Default actions (signal(7)): SIGCHLD, SIGURG, SIGWINCH and SIGCONT are ignored
 * (SIGCONT continues a stopped process when it is sent: jobctl.c); the stop signals
 * (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) stop the process (jobctl.c); all others end it.
 * As on Linux, init (pid 1) gets no signal it has no handler for.
 *
 * A standard signal is pending or not: a second one sent before the first is taken
 * is merged with it, and the first's siginfo stands. A signal is pending for the
 * process (kill, the terminal, alarms, SIGCHLD: any thread that does not block it
 * takes it) or for one thread (tgkill, faults); each thread takes its own first. */
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
#include "thread.h"

#define BIT(sig)    (1ull << ((sig)-1))
#define IGNORED_DFL (BIT(SIGCHLD) | BIT(SIGURG) | BIT(SIGWINCH) | BIT(SIGCONT))

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
	if (sig == SIGKILL && (p->exiting || p->exec_thread))
		return false; /* its threads are being ended: init's too */
	__sighandler_t h = handler_of(p, sig);
	if (h == SIG_IGN)
		return true;
	if (h != SIG_DFL)
		return false;
	return p->pid == 1 || (BIT(sig) & IGNORED_DFL);
}

static const struct signal_info from_kernel = {.code = SI_KERNEL};

void signal_queue_locked(struct process *p, int sig, const struct signal_info *info)
{
	if (p->state != PROCESS_ALIVE)
		return;
	job_signal_sent_locked(p, sig);
	if (discarded(p, sig))
		return;
	if (!(p->shared_signals & BIT(sig)))
		p->shared_info[sig - 1] = info ? *info : from_kernel;
	__atomic_or_fetch(&p->shared_signals, BIT(sig), __ATOMIC_RELEASE);
	/* One thread that does not block it wakes to take it (none: it waits). */
	struct list_node *node;
	list_for_each(node, &p->threads)
	{
		struct task *t = list_entry(node, struct thread, link)->task;
		if (t && !(t->blocked & BIT(sig))) {
			sched_wake(t); /* out of an interruptible sleep, to see it */
			break;
		}
	}
}

void signal_queue_thread_locked(struct thread *t, int sig, const struct signal_info *info)
{
	if (t->process->state != PROCESS_ALIVE)
		return;
	job_signal_sent_locked(t->process, sig);
	if (discarded(t->process, sig))
		return;
	uint64_t pending =
		t->task ? __atomic_load_n(&t->task->signals, __ATOMIC_ACQUIRE) : t->early_signals;
	if (!(pending & BIT(sig)))
		t->signal_info[sig - 1] = info ? *info : from_kernel;
	if (!t->task) { /* not started yet: its task takes these when it first runs */
		t->early_signals |= BIT(sig);
		return;
	}
	__atomic_or_fetch(&t->task->signals, BIT(sig), __ATOMIC_RELEASE);
	sched_wake(t->task);
}

uint64_t signal_pending_set(void)
{
	struct task *t = current_task();
	return __atomic_load_n(&t->signals, __ATOMIC_ACQUIRE) |
	       __atomic_load_n(&t->process->shared_signals, __ATOMIC_ACQUIRE);
}

void signal_send_group_locked(int pgrp, int sig)
{
	struct list_node *node;
	list_for_each(node, process_table())
	{
		struct process *p = list_entry(node, struct process, all_link);
		if (p->pgid == pgrp)
			signal_queue_locked(p, sig, 0);
	}
}

void signal_send_group(int pgrp, int sig)
{
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	signal_send_group_locked(pgrp, sig);
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

int signal_kill_thread(int tgid, int tid, int sig)
{
	struct process *me = process_current();
	if (sig < 0 || sig > SIGNALS)
		return -EINVAL;
	const struct signal_info info = {.code = SI_TKILL, .pid = me->pid};
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct thread *t = thread_find_locked(tid);
	bool found = t && (tgid <= 0 || t->process->pid == tgid);
	if (found && sig)
		signal_queue_thread_locked(t, sig, &info);
	spin_unlock_irqrestore(&proc_lock, flags);
	return found ? 0 : -ESRCH;
}

bool signal_fault(int sig, int code, uint64_t addr)
{
	struct task *t = current_task();
	struct thread *th = t->thread;
	struct process *p = t->process;
	const struct signal_info info = {.code = code, .addr = addr};
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	__sighandler_t h = handler_of(p, sig);
	/* As Linux: a fault's signal that is blocked or ignored kills all the same. */
	bool caught = h != SIG_DFL && h != SIG_IGN && !(t->blocked & BIT(sig));
	if (caught) {
		th->signal_info[sig - 1] = info;
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
static bool run_handler(struct task *t, struct trap_frame *f, int sig, const struct sigaction *act,
			const struct signal_info *info)
{
	struct thread *th = t->thread;
	finish_interrupted_call(f, true, act->sa_flags & SA_RESTART);
	uint64_t old_mask = th->restore_blocked ? th->saved_blocked : t->blocked;
	th->restore_blocked = false;
	if (!(act->sa_flags & SA_RESTORER) || !signal_frame_push(th, f, sig, act, info, old_mask))
		return false;
	t->blocked = (old_mask | act->sa_mask | ((act->sa_flags & SA_NODEFER) ? 0 : BIT(sig))) &
		     ~SIGNALS_UNBLOCKABLE;
	return true;
}

/* What signal_deliver acts on next: a signal the thread does not block, its own
 * first, taken off its pending set with its siginfo and disposition (SA_RESETHAND
 * done); 0 when there is none. */
struct taken {
	struct sigaction act;
	struct signal_info info;
	bool ignore;
};

static int take_signal(struct task *t, struct taken *out)
{
	if (!signal_pending())
		return 0; /* the way back of nearly every call: no lock taken */
	struct process *p = t->process;
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	uint64_t own = __atomic_load_n(&t->signals, __ATOMIC_ACQUIRE) & ~t->blocked;
	uint64_t shared = __atomic_load_n(&p->shared_signals, __ATOMIC_ACQUIRE) & ~t->blocked;
	int sig = own ? __builtin_ctzll(own) + 1 : shared ? __builtin_ctzll(shared) + 1 : 0;
	if (sig) {
		__atomic_and_fetch(own ? &t->signals : &p->shared_signals, ~BIT(sig),
				   __ATOMIC_ACQ_REL);
		out->info = own ? t->thread->signal_info[sig - 1] : p->shared_info[sig - 1];
		out->ignore = discarded(p, sig); /* the disposition may have changed since */
		out->act = p->actions[sig - 1];
		out->act.sa_handler = handler_of(p, sig);
		if (!out->ignore && out->act.sa_handler != SIG_DFL &&
		    (out->act.sa_flags & SA_RESETHAND))
			p->actions[sig - 1].sa_handler = SIG_DFL;
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return sig;
}

/* exit_group or another thread's execve is ending this thread. */
static bool being_ended(const struct process *p, const struct thread *me)
{
	struct thread *exec = __atomic_load_n(&p->exec_thread, __ATOMIC_ACQUIRE);
	return __atomic_load_n(&p->exiting, __ATOMIC_ACQUIRE) || (exec && exec != me);
}

void signal_deliver(void)
{
	struct task *t = current_task();
	struct thread *th = t->thread;
	struct process *p = t->process;
	struct trap_frame *f = task_user_frame(t);
	struct taken taken;
	for (;;) {
		if (being_ended(p, th))
			process_exit(WAIT_SIGNALED(SIGKILL));
		if (__atomic_load_n(&p->stopped, __ATOMIC_ACQUIRE))
			job_stopped(); /* another thread stopped the process */
		int sig = take_signal(t, &taken);
		if (!sig)
			break;
		if (taken.ignore)
			continue;
		if (taken.act.sa_handler == SIG_DFL && (BIT(sig) & SIGNALS_STOPPING)) {
			job_stop(sig);
			continue;
		}
		if (taken.act.sa_handler == SIG_DFL)
			process_exit(WAIT_SIGNALED(sig));
		if (!run_handler(t, f, sig, &taken.act, &taken.info)) {
			kprintf("keel: pid %d (%s): SIGSEGV, no room for signal %d's frame at "
				"rsp %#lx (or no SA_RESTORER)\n",
				p->pid, p->name, sig, f->rsp);
			process_exit(WAIT_SIGNALED(SIGSEGV));
		}
	}
	finish_interrupted_call(f, false, false); /* no handler ran: run the call again */
	if (th->restore_blocked) {
		t->blocked = th->saved_blocked;
		th->restore_blocked = false;
	}
}

void signal_mask_while_waiting(uint64_t mask)
{
	struct task *t = current_task();
	struct thread *th = t->thread;
	th->saved_blocked = t->blocked;
	th->restore_blocked = true;
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
	thread_current()->altstack_size = 0; /* the stack was in the old program's memory */
	spin_unlock_irqrestore(&proc_lock, flags);
}

void signal_drop_pending_locked(struct process *p, int sig)
{
	__atomic_and_fetch(&p->shared_signals, ~BIT(sig), __ATOMIC_ACQ_REL);
	struct list_node *node;
	list_for_each(node, &p->threads)
	{
		struct thread *t = list_entry(node, struct thread, link);
		if (t->task)
			__atomic_and_fetch(&t->task->signals, ~BIT(sig), __ATOMIC_ACQ_REL);
		t->early_signals &= ~BIT(sig);
	}
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
	if (act && discarded(p, sig)) /* ignoring a pending signal drops it */
		signal_drop_pending_locked(p, sig);
	spin_unlock_irqrestore(&proc_lock, flags);
	return 0;
}
