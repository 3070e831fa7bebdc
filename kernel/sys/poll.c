/* poll and ppoll (Linux's numbers and struct pollfd, <asm-generic/poll.h>). The
 * waiting is fs/poll.c's: here the asking, entry by entry, and the timeouts. */
#include <asm-generic/errno.h>
#include <asm-generic/poll.h>
#include <linux/time_types.h>

#include "../arch/usercopy.h"
#include "../fs/file.h"
#include "../fs/poll.h"
#include "../lib/restart.h"
#include "../mm/heap.h"
#include "../proc/process.h"
#include "sys.h"

#define NS_PER_MS 1000000ull
#define NS_PER_S  1000000000ull
#define ALWAYS	  (POLLERR | POLLHUP | POLLNVAL) /* reported whether asked for or not */

struct pollfds {
	struct pollfd *fds;
	uint64_t n;
};

/* revents for each entry; how many have any. */
static int scan(void *ctx)
{
	struct pollfds *p = ctx;
	struct fd_table *files = process_current()->files;
	int ready = 0;
	for (uint64_t i = 0; i < p->n; i++) {
		struct pollfd *e = &p->fds[i];
		e->revents = 0;
		if (e->fd < 0)
			continue;
		struct file *f = fd_get(files, e->fd);
		unsigned mask = !f ? POLLNVAL : f->ops->poll ? f->ops->poll(f) : POLLIN | POLLOUT;
		if (f)
			file_put(f);
		e->revents = (short)(mask & ((unsigned)(uint16_t)e->events | ALWAYS));
		ready += e->revents != 0;
	}
	return ready;
}

static long do_poll(uint64_t ufds, uint64_t nfds, uint64_t deadline_ns, bool no_wait)
{
	if (nfds > (uint64_t)process_current()->files->limit)
		return -EINVAL;
	size_t bytes = nfds * sizeof(struct pollfd);
	struct pollfds p = {nfds ? kmalloc(bytes) : 0, nfds};
	if (nfds && !p.fds)
		return -ENOMEM;
	long r = nfds && !copy_from_user(p.fds, ufds, bytes)
			 ? -EFAULT
			 : poll_wait(scan, &p, deadline_ns, no_wait);
	if (r >= 0 && nfds && !copy_to_user(ufds, p.fds, bytes))
		r = -EFAULT;
	kfree(p.fds);
	return r;
}

long sys_poll(uint64_t ufds, uint64_t nfds, uint64_t timeout_ms, uint64_t a4, uint64_t a5,
	      uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	int timeout = (int)timeout_ms;
	uint64_t deadline = timeout > 0 ? poll_deadline_in((uint64_t)timeout * NS_PER_MS) : 0;
	return do_poll(ufds, nfds, deadline, timeout == 0);
}

long timeout_from_user(uintptr_t tsp, uint64_t *deadline, bool *no_wait)
{
	*deadline = 0;
	*no_wait = false;
	if (!tsp)
		return 0;
	struct __kernel_timespec ts;
	if (!copy_from_user(&ts, tsp, sizeof ts))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long long)NS_PER_S)
		return -EINVAL;
	*no_wait = ts.tv_sec == 0 && ts.tv_nsec == 0;
	uint64_t sec = (uint64_t)ts.tv_sec, max = UINT64_MAX / NS_PER_S - 1;
	*deadline = poll_deadline_in((sec > max ? max : sec) * NS_PER_S + (uint64_t)ts.tv_nsec);
	return 0;
}

long timeout_to_user(uintptr_t tsp, uint64_t deadline, bool no_wait, long result)
{
	if (!tsp || no_wait)
		return result; /* as Linux: a zero timeout is not written */
	uint64_t left = poll_time_left(deadline);
	struct __kernel_timespec ts = {(long long)(left / NS_PER_S), (long long)(left % NS_PER_S)};
	if (!copy_to_user(tsp, &ts, sizeof ts) && result == -ERESTARTNOHAND)
		return -EINTR; /* a restart would wait all over again */
	return result;
}

long signal_mask_from_user(uintptr_t sigmask, uint64_t sigsetsize)
{
	if (!sigmask)
		return 0;
	uint64_t mask;
	if (sigsetsize != sizeof mask)
		return -EINVAL;
	if (!copy_from_user(&mask, sigmask, sizeof mask))
		return -EFAULT;
	signal_mask_while_waiting(mask);
	return 0;
}

/* ppoll: a timespec (NULL: no limit), written back with what was left; a signal mask
 * in force while it waits, put back on the way out (or after the handler of a
 * signal that ended it). */
long sys_ppoll(uint64_t ufds, uint64_t nfds, uint64_t tsp, uint64_t sigmask, uint64_t sigsetsize,
	       uint64_t a6)
{
	(void)a6;
	uint64_t deadline;
	bool no_wait;
	long err = timeout_from_user(tsp, &deadline, &no_wait);
	if (!err)
		err = signal_mask_from_user(sigmask, sigsetsize);
	if (err)
		return err;
	long r = do_poll(ufds, nfds, deadline, no_wait);
	return timeout_to_user(tsp, deadline, no_wait, r);
}
