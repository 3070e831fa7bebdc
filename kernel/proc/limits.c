/* Resource limits (getrlimit(2)): each process keeps Linux's table of soft and hard
 * limits, inherited across fork and exec. Keel enforces RLIMIT_NOFILE (new
 * descriptors lie below it); the others are stored and read back, and the kernel's
 * own limits (the 8 MiB stack, PROCESS_MAX) stand whatever they say. */
#include <asm-generic/errno.h>

#include "../fs/file.h"
#include "process.h"
#include "vm.h"

void process_limits_default(struct process *p)
{
	for (unsigned r = 0; r < RLIM_NLIMITS; r++)
		p->limits[r] = (struct rlimit){RLIM_INFINITY, RLIM_INFINITY};
	p->limits[RLIMIT_STACK].rlim_cur = STACK_LIMIT;
	p->limits[RLIMIT_CORE].rlim_cur = 0;
	p->limits[RLIMIT_NOFILE] = (struct rlimit){FD_MAX, FD_MAX};
	p->limits[RLIMIT_NPROC] = (struct rlimit){PROCESS_MAX, PROCESS_MAX};
}

/* Whether `want` may replace `have`: never cur above max (EINVAL); and a descriptor
 * table cannot grow past FD_MAX (EPERM, as Linux past fs.nr_open). */
static int check_limit(unsigned resource, const struct rlimit *want)
{
	if (want->rlim_cur > want->rlim_max)
		return -EINVAL;
	if (resource == RLIMIT_NOFILE && want->rlim_max > FD_MAX)
		return -EPERM;
	return 0;
}

int process_limit(int pid, unsigned resource, const struct rlimit *new_limit, struct rlimit *old)
{
	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	int err = new_limit ? check_limit(resource, new_limit) : 0;
	if (err)
		return err;
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct process *p = pid ? process_find_locked(pid) : process_current();
	if (!p || p->state != PROCESS_ALIVE) {
		spin_unlock_irqrestore(&proc_lock, flags);
		return -ESRCH;
	}
	if (old)
		*old = p->limits[resource];
	if (new_limit) {
		p->limits[resource] = *new_limit;
		if (resource == RLIMIT_NOFILE)
			__atomic_store_n(&p->files->limit, (int)new_limit->rlim_cur,
					 __ATOMIC_RELAXED);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return 0;
}
