/* Signal calls: rt_sigaction, rt_sigprocmask, kill, tkill, tgkill. struct sigaction
 * as the kernel takes it on x86-64 (<asm/signal.h>): handler, flags, restorer,
 * mask; sigsetsize must be 8. */
#include <asm-generic/errno.h>
#include <asm/signal.h>

#include "../arch/usercopy.h"
#include "../proc/process.h"
#include "../sched/task.h"
#include "sys.h"

#define SIGSET_SIZE 8
#define UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))

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
		t->blocked &= ~UNBLOCKABLE;
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

/* One task per process: a thread id is a pid. */
long sys_tkill(uint64_t tid, uint64_t sig, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	if ((int)tid <= 0)
		return -EINVAL;
	return signal_kill((int)tid, (int)sig);
}

long sys_tgkill(uint64_t tgid, uint64_t tid, uint64_t sig, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	if ((int)tgid <= 0 || (int)tid <= 0)
		return -EINVAL;
	if (tgid != tid)
		return -ESRCH;
	return signal_kill((int)tid, (int)sig);
}
