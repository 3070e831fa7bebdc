/* Nice values (getpriority(2), setpriority(2)): each process keeps one, from -20 to
 * 19, inherited across fork and exec. Kept and reported; the scheduler does not look
 * at it yet. Everyone is root, so any process may set any value, and PRIO_USER's
 * user 0 is every process. */
#include <asm-generic/errno.h>
#include <linux/resource.h>

#include "process.h"

#define NICE_MIN PRIO_MIN
#define NICE_MAX (PRIO_MAX - 1)

/* Whether `p` is among what (which, who) names; who 0 is the caller's own. */
static bool chosen(const struct process *p, const struct process *me, int which, int who)
{
	switch (which) {
	case PRIO_PROCESS: return p->pid == (who ? who : me->pid);
	case PRIO_PGRP: return p->pgid == (who ? who : me->pgid);
	default: return who == 0; /* PRIO_USER: every process is user 0's */
	}
}

/* Sets the nice value of every chosen process to *set (if given), and gives the
 * lowest of theirs (before) in *lowest. -ESRCH when none is chosen. */
static int each_chosen(int which, int who, const int *set, int *lowest)
{
	if (which != PRIO_PROCESS && which != PRIO_PGRP && which != PRIO_USER)
		return -EINVAL;
	struct process *me = process_current();
	int found = 0;
	*lowest = NICE_MAX;
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct list_node *node;
	list_for_each(node, process_table())
	{
		struct process *p = list_entry(node, struct process, all_link);
		if (!chosen(p, me, which, who))
			continue;
		found++; /* a zombie counts, as on Linux: it exists until reaped */
		if (p->nice < *lowest)
			*lowest = p->nice;
		if (set)
			p->nice = *set;
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return found ? 0 : -ESRCH;
}

int process_get_nice(int which, int who, int *nice)
{
	return each_chosen(which, who, 0, nice);
}

int process_set_nice(int which, int who, int nice)
{
	int lowest;
	nice = nice < NICE_MIN ? NICE_MIN : nice > NICE_MAX ? NICE_MAX : nice;
	return each_chosen(which, who, &nice, &lowest);
}
