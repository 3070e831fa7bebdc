/* Signal calls: rt_sigaction, rt_sigprocmask, rt_sigreturn, rt_sigsuspend,
 * rt_sigpending, sigaltstack, pause, kill, tkill, tgkill. struct sigaction as the
 * kernel takes it on x86-64 (<asm/signal.h>): handler, flags, restorer, mask;
 * sigsetsize must be 8. */
#include <asm-generic/errno.h>
#include <asm/signal.h>
#include <linux/signal.h>

#include "../arch/trap.h"
#include "../arch/usercopy.h"
#include "../console.h"
#include "../lib/restart.h"
#include "../proc/process.h"
#include "../proc/thread.h"
#include "../sched/sched.h"
#include "../sched/task.h"
#include "sys.h"

#define SIGSET_SIZE 8

long sys_rt_sigaction(uint64_t sig, uint64_t act, uint64_t oldact, uint64_t sigsetsize, uint64_t a5,
		      uint64_t a6)
{
	(void)a5, (void)a6;
	if (sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	struct sigaction new_action, old_action;
	if (act && !copy_from_user(&new_action, act, sizeof new_action))
		return -EFAULT;
	long err = signal_action((int)sig, act ? &new_action : 0, &old_action);
	if (!err && oldact && !copy_to_user(oldact, &old_action, sizeof old_action))
		return -EFAULT;
	return err;
}

long sys_rt_sigprocmask(uint64_t how, uint64_t set, uint64_t oldset, uint64_t sigsetsize,
			uint64_t a5, uint64_t a6)
{
	(void)a5, (void)a6;
	if (sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	struct task *t = current_task();
	uint64_t old = t->blocked, mask;
	if (set) {
		if (!copy_from_user(&mask, set, sizeof mask))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK: t->blocked |= mask; break;
		case SIG_UNBLOCK: t->blocked &= ~mask; break;
		case SIG_SETMASK: t->blocked = mask; break;
		default: return -EINVAL;
		}
		t->blocked &= ~SIGNALS_UNBLOCKABLE;
	}
	if (oldset && !copy_to_user(oldset, &old, sizeof old))
		return -EFAULT;
	return 0;
}

long sys_kill(uint64_t pid, uint64_t sig, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	return signal_kill((int)pid, (int)sig);
}

long sys_tkill(uint64_t tid, uint64_t sig, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	if ((int)tid <= 0)
		return -EINVAL;
	return signal_kill_thread(0, (int)tid, (int)sig);
}

long sys_tgkill(uint64_t tgid, uint64_t tid, uint64_t sig, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	if ((int)tgid <= 0 || (int)tid <= 0)
		return -EINVAL;
	return signal_kill_thread((int)tgid, (int)tid, (int)sig);
}

/* The restorer's call, at the end of a handler: everything back as the signal
 * found it (signal_frame_pop). A frame that cannot be read ends the program with
 * SIGSEGV, as on Linux. Returns the interrupted code's RAX, which the dispatcher
 * puts back. */
long sys_rt_sigreturn(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	struct process *p = process_current();
	struct trap_frame *f = task_user_frame(current_task());
	if (!signal_frame_pop(thread_current(), f)) {
		kprintf("keel: pid %d (%s): SIGSEGV, a bad signal frame at rsp %#lx\n", p->pid,
			p->name, f->rsp);
		process_exit(WAIT_SIGNALED(SIGSEGV));
	}
	return (long)f->rax;
}

long sys_sigaltstack(uint64_t ss, uint64_t old_ss, uint64_t a3, uint64_t a4, uint64_t a5,
		     uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	struct thread *t = thread_current();
	uint64_t sp = task_user_frame(current_task())->rsp;
	stack_t want, had = {(void *)t->altstack_sp, 0, t->altstack_size};
	if (ss && !copy_from_user(&want, ss, sizeof want))
		return -EFAULT;
	had.ss_flags = !t->altstack_size ? SS_DISABLE : signal_on_altstack(t, sp) ? SS_ONSTACK : 0;
	if (t->altstack_autodisarm)
		had.ss_flags |= (int)SS_AUTODISARM;
	if (ss) {
		int mode = want.ss_flags & ~(int)SS_FLAG_BITS;
		if (signal_on_altstack(t, sp))
			return -EPERM;
		if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
			return -EINVAL;
		if (mode == SS_DISABLE) {
			t->altstack_sp = t->altstack_size = 0;
			t->altstack_autodisarm = false;
		} else {
			if (want.ss_size < MINSIGSTKSZ)
				return -ENOMEM;
			t->altstack_sp = (uint64_t)want.ss_sp;
			t->altstack_size = want.ss_size;
			t->altstack_autodisarm = want.ss_flags & SS_AUTODISARM;
		}
	}
	if (old_ss && !copy_to_user(old_ss, &had, sizeof had))
		return -EFAULT;
	return 0;
}

/* Waits for a signal with `mask` as the mask; its handler runs with the caller's
 * mask saved in the frame, which sigreturn puts back. Always EINTR, as on Linux. */
long sys_rt_sigsuspend(uint64_t set, uint64_t sigsetsize, uint64_t a3, uint64_t a4, uint64_t a5,
		       uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	uint64_t mask;
	if (sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	if (!copy_from_user(&mask, set, sizeof mask))
		return -EFAULT;
	signal_mask_while_waiting(mask);
	while (sleep_interruptible(UINT64_MAX))
		;
	return -ERESTARTNOHAND;
}

long sys_pause(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	while (sleep_interruptible(UINT64_MAX))
		;
	return -ERESTARTNOHAND;
}

long sys_rt_sigpending(uint64_t set, uint64_t sigsetsize, uint64_t a3, uint64_t a4, uint64_t a5,
		       uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	if (sigsetsize != SIGSET_SIZE)
		return -EINVAL;
	uint64_t pending = signal_pending_set() & current_task()->blocked;
	return copy_to_user(set, &pending, sizeof pending) ? 0 : -EFAULT;
}
