/* futex(2), FUTEX_WAIT and FUTEX_WAKE (<linux/futex.h>). A process is one task and
 * no memory is shared between processes yet, so no one else can wake a waiter: a
 * wait whose word still holds the expected value sleeps until its timeout or a
 * signal, and a wake finds no one. Threads (issue 15) bring the wait queues. */
#include <asm-generic/errno.h>
#include <linux/futex.h>
#include <linux/time_types.h>

#include "../arch/clock.h"
#include "../arch/usercopy.h"
#include "../sched/sched.h"
#include "sys.h"

#define NS 1000000000ull

long sys_futex(uint64_t uaddr, uint64_t op, uint64_t val, uint64_t timeout, uint64_t a5,
	       uint64_t a6)
{
	(void)a5, (void)a6;
	if (uaddr % 4)
		return -EINVAL;
	switch (op & FUTEX_CMD_MASK) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET: {
		uint32_t word;
		if (!copy_from_user(&word, uaddr, sizeof word))
			return -EFAULT;
		if (word != (uint32_t)val)
			return -EAGAIN;
		uint64_t deadline = UINT64_MAX;
		if (timeout) {
			struct __kernel_timespec ts;
			if (!copy_from_user(&ts, timeout, sizeof ts))
				return -EFAULT;
			if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long long)NS)
				return -EINVAL;
			/* FUTEX_WAIT's timeout is relative; _BITSET's absolute (monotonic). */
			uint64_t ns = (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
			deadline = (op & FUTEX_CMD_MASK) == FUTEX_WAIT ? clock_ns() + ns : ns;
		}
		return sleep_interruptible(deadline) ? -ETIMEDOUT : -EINTR;
	}
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET: return 0;
	default: return -ENOSYS;
	}
}
