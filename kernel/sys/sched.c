/* Scheduling attributes: nice values (getpriority, setpriority; PRIO_* from
 * <linux/resource.h>) and CPU affinity (sched_getaffinity, sched_setaffinity) on a
 * machine of one CPU, so a mask of one bit. */
#include <asm-generic/errno.h>
#include <linux/resource.h>

#include "../arch/usercopy.h"
#include "../proc/process.h"
#include "sys.h"

#define MASK_BYTES sizeof(uint64_t) /* Linux's cpumask_size() for one possible CPU */

/* The raw call's value is 20 - nice, from 40 (nice -20) down to 1 (nice 19), so that
 * no success looks like an error; the C library gives back the nice value. */
long sys_getpriority(uint64_t which, uint64_t who, uint64_t a3, uint64_t a4, uint64_t a5,
		     uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	int nice;
	int err = process_get_nice((int)which, (int)who, &nice);
	return err ? err : 20 - nice;
}

long sys_setpriority(uint64_t which, uint64_t who, uint64_t nice, uint64_t a4, uint64_t a5,
		     uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	return process_set_nice((int)which, (int)who, (int)nice);
}

/* Whether process `pid` (0: the caller) is there: 0 or -ESRCH. */
static int process_there(uint64_t pid)
{
	int nice;
	return process_get_nice(PRIO_PROCESS, (int)pid, &nice);
}

/* CPU 0 alone; the bytes written (a word), as Linux returns. */
long sys_sched_getaffinity(uint64_t pid, uint64_t len, uint64_t mask, uint64_t a4, uint64_t a5,
			   uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	unsigned size = (unsigned)len;
	if (size == 0 || size % sizeof(unsigned long))
		return -EINVAL; /* too small for CPU 0, or not whole words */
	int err = process_there(pid);
	if (err)
		return err;
	uint64_t cpus = 1;
	return copy_to_user(mask, &cpus, MASK_BYTES) ? (long)MASK_BYTES : -EFAULT;
}

/* As Linux: the mask is read (a short one zero-filled), then it must hold a CPU there
 * is, CPU 0; which it then is. */
long sys_sched_setaffinity(uint64_t pid, uint64_t len, uint64_t mask, uint64_t a4, uint64_t a5,
			   uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	uint64_t cpus = 0;
	unsigned size = (unsigned)len < MASK_BYTES ? (unsigned)len : MASK_BYTES;
	if (!copy_from_user(&cpus, mask, size))
		return -EFAULT;
	int err = process_there(pid);
	if (err)
		return err;
	return cpus & 1 ? 0 : -EINVAL;
}
