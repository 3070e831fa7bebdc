/* futex(2) (<linux/futex.h>): FUTEX_WAIT, FUTEX_WAKE, their _BITSET forms, FUTEX_REQUEUE
 * and FUTEX_CMP_REQUEUE, what musl's and glibc's thread libraries ask for; the wait
 * queues are proc/futex.c's. FUTEX_PRIVATE_FLAG changes nothing here (futex.h). */
#include <asm-generic/errno.h>
#include <linux/futex.h>
#include <linux/time_types.h>

#include "../arch/clock.h"
#include "../arch/usercopy.h"
#include "../dev/wallclock.h"
#include "../proc/futex.h"
#include "../proc/process.h"
#include "sys.h"

#define NS 1000000000ull

/* The deadline for a wait, on clock_ns's clock: FUTEX_WAIT's timeout is relative,
 * _BITSET's absolute, on CLOCK_MONOTONIC or (FUTEX_CLOCK_REALTIME) CLOCK_REALTIME. */
static long deadline_of(uint64_t timeout, bool absolute, bool realtime, uint64_t *deadline)
{
	*deadline = UINT64_MAX;
	if (!timeout)
		return 0;
	struct __kernel_timespec ts;
	if (!copy_from_user(&ts, timeout, sizeof ts))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long long)NS)
		return -EINVAL;
	uint64_t ns = (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
	/* CLOCK_REALTIME's lead on the monotonic clock (clock_settime may make it any). */
	int64_t lead = (int64_t)(wall_clock_ns() - clock_ns());
	if (!absolute)
		*deadline = clock_ns() + ns;
	else if (realtime)
		*deadline = (int64_t)ns > lead ? ns - (uint64_t)lead : 0; /* passed: at once */
	else
		*deadline = ns;
	return 0;
}

long sys_futex(uint64_t uaddr, uint64_t op, uint64_t val, uint64_t timeout, uint64_t uaddr2,
	       uint64_t val3)
{
	struct mm *mm = process_current()->mm;
	int cmd = (int)(op & FUTEX_CMD_MASK);
	if (uaddr % 4)
		return -EINVAL;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET: {
		uint32_t bitset = cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : (uint32_t)val3;
		uint64_t deadline;
		if (!bitset)
			return -EINVAL;
		long err = deadline_of(timeout, cmd == FUTEX_WAIT_BITSET, op & FUTEX_CLOCK_REALTIME,
				       &deadline);
		return err ? err : futex_wait(mm, uaddr, (uint32_t)val, deadline, bitset);
	}
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET: {
		uint32_t bitset = cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : (uint32_t)val3;
		if (!bitset)
			return -EINVAL;
		return futex_wake(mm, uaddr, (int)val, bitset);
	}
	case FUTEX_CMP_REQUEUE:
	case FUTEX_REQUEUE: {
		/* The fourth argument is a count here, not a timeout. */
		if ((int)val < 0 || (int)timeout < 0 || uaddr2 % 4)
			return -EINVAL;
		if (cmd == FUTEX_CMP_REQUEUE) {
			uint32_t word;
			if (!copy_from_user(&word, uaddr, sizeof word))
				return -EFAULT;
			if (word != (uint32_t)val3)
				return -EAGAIN;
		}
		return futex_requeue(mm, uaddr, uaddr2, (int)val, (int)timeout);
	}
	default: return -ENOSYS;
	}
}
