/* poll and ppoll (Linux's numbers and struct pollfd, <asm-generic/poll.h>). Each
 * round marks the task asleep on fs/poll.h's queue, then looks at every file with
 * interrupts off (so nothing can slip between the look and the sleep: a change
 * after it wakes the task), and sleeps until a change, the deadline or a signal. */
#include <asm-generic/errno.h>
#include <asm-generic/poll.h>
#include <linux/time_types.h>

#include "../arch/clock.h"
#include "../arch/usercopy.h"
#include "../arch/x86.h"
#include "../fs/file.h"
#include "../fs/poll.h"
#include "../lib/restart.h"
#include "../mm/heap.h"
#include "../proc/process.h"
#include "../sched/sched.h"
#include "../sched/sleep.h"
#include "../sched/task.h"
#include "sys.h"

#define NS_PER_MS 1000000ull
#define NS_PER_S  1000000000ull
#define ALWAYS	  (POLLERR | POLLHUP | POLLNVAL) /* reported whether asked for or not */

/* revents for each entry; how many have any. */
static int scan(struct pollfd *fds, uint64_t nfds)
{
	struct fd_table *files = process_current()->files;
	int ready = 0;
	for (uint64_t i = 0; i < nfds; i++) {
		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		struct file *f = fd_get(files, fds[i].fd);
		unsigned mask = !f ? POLLNVAL : f->ops->poll ? f->ops->poll(f) : POLLIN | POLLOUT;
		if (f)
			file_put(f);
		fds[i].revents = (short)(mask & ((unsigned)(uint16_t)fds[i].events | ALWAYS));
		ready += fds[i].revents != 0;
	}
	return ready;
}

/* Waits until an entry is ready, the deadline (0: none) or a signal. */
static long wait_ready(struct pollfd *fds, uint64_t nfds, uint64_t deadline_ns, bool no_wait)
{
	struct task *t = current_task();
	for (;;) {
		struct waiter w = {0};
		wait_prepare(&poll_waiters, &w);
		if (deadline_ns)
			sleep_arm(t, deadline_ns);
		cpu_disable_interrupts();
		int ready = scan(fds, nfds);
		cpu_enable_interrupts();
		bool done = ready || no_wait || signal_pending() ||
			    (deadline_ns && clock_ns() >= deadline_ns);
		if (!done)
			schedule();
		if (deadline_ns)
			sleep_disarm(t);
		wait_finish(&poll_waiters, &w);
		if (done)
			return ready ? ready : signal_pending() ? -ERESTARTNOHAND : 0;
	}
}

static long do_poll(uint64_t ufds, uint64_t nfds, uint64_t deadline_ns, bool no_wait)
{
	if (nfds > (uint64_t)process_current()->files->limit)
		return -EINVAL;
	size_t bytes = nfds * sizeof(struct pollfd);
	struct pollfd *fds = nfds ? kmalloc(bytes) : 0;
	if (nfds && !fds)
		return -ENOMEM;
	long r = nfds && !copy_from_user(fds, ufds, bytes)
			 ? -EFAULT
			 : wait_ready(fds, nfds, deadline_ns, no_wait);
	if (r >= 0 && nfds && !copy_to_user(ufds, fds, bytes))
		r = -EFAULT;
	kfree(fds);
	return r;
}

long sys_poll(uint64_t ufds, uint64_t nfds, uint64_t timeout_ms, uint64_t a4, uint64_t a5,
	      uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	int timeout = (int)timeout_ms;
	uint64_t deadline = timeout > 0 ? clock_ns() + (uint64_t)timeout * NS_PER_MS : 0;
	return do_poll(ufds, nfds, deadline, timeout == 0);
}

/* ppoll: a timespec (NULL: no limit) and a signal mask in force while it waits,
 * put back on the way out (or after the handler of a signal that ended it). */
long sys_ppoll(uint64_t ufds, uint64_t nfds, uint64_t tsp, uint64_t sigmask, uint64_t sigsetsize,
	       uint64_t a6)
{
	(void)a6;
	uint64_t deadline = 0;
	bool no_wait = false;
	if (tsp) {
		struct __kernel_timespec ts;
		if (!copy_from_user(&ts, tsp, sizeof ts))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long long)NS_PER_S)
			return -EINVAL;
		uint64_t ns = (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
		no_wait = ns == 0;
		deadline = clock_ns() + ns;
	}
	if (sigmask) {
		uint64_t mask;
		if (sigsetsize != sizeof mask)
			return -EINVAL;
		if (!copy_from_user(&mask, sigmask, sizeof mask))
			return -EFAULT;
		signal_mask_while_waiting(mask);
	}
	return do_poll(ufds, nfds, deadline, no_wait);
}
