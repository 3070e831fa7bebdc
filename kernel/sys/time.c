/* Time and the system: clocks (read and set), sleeping, uname and the host's names,
 * sysinfo, times, getrusage, getrandom, sched_yield, reboot. Structures from Linux's
 * UAPI: <linux/time_types.h>, <linux/time.h>, <linux/utsname.h>, <linux/sysinfo.h>,
 * <linux/times.h>, <linux/resource.h>, <linux/reboot.h>, <linux/random.h>.
 * CLOCK_REALTIME is the wall clock (dev/wallclock.h). */
#include <asm-generic/errno.h>
#include <linux/random.h>
#include <linux/reboot.h>
#include <linux/resource.h>
#include <linux/sysinfo.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/times.h>
#include <linux/utsname.h>

#include "../arch/clock.h"
#include "../arch/usercopy.h"
#include "../dev/power.h"
#include "../dev/random.h"
#include "../dev/wallclock.h"
#include "../fs/vfs.h"
#include "../lib/string.h"
#include "../mm/frame_share.h"
#include "../mm/heap.h"
#include "../mm/pmm.h"
#include "../proc/process.h"
#include "../proc/vm.h"
#include "../sched/sched.h"
#include "../sched/task.h"
#include "../sync/spinlock.h"
#include "sys.h"

#define NS	   1000000000ull
#define USER_HZ	   100			  /* the unit of times() and clock_t, as on Linux */
#define RANDOM_MAX (32 * 1024 * 1024 - 1) /* getrandom's most per call, as Linux */

static uint64_t task_ns(void)
{
	return clock_cycles_to_ns(task_cycles(current_task()));
}

/* The clock's reading in ns; false for a clock Keel does not have. */
static bool read_clock(uint64_t clock, uint64_t *ns)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE: *ns = wall_clock_ns(); return true;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME: *ns = clock_ns(); return true;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID: *ns = task_ns(); return true;
	default: return false;
	}
}

long sys_clock_gettime(uint64_t clock, uint64_t tp, uint64_t a3, uint64_t a4, uint64_t a5,
		       uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	uint64_t ns;
	if (!read_clock(clock, &ns))
		return -EINVAL;
	struct __kernel_timespec ts = {(long long)(ns / NS), (long long)(ns % NS)};
	return copy_to_user(tp, &ts, sizeof ts) ? 0 : -EFAULT;
}

long sys_clock_getres(uint64_t clock, uint64_t res, uint64_t a3, uint64_t a4, uint64_t a5,
		      uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	uint64_t ns;
	if (!read_clock(clock, &ns))
		return -EINVAL;
	struct __kernel_timespec ts = {0, 1}; /* the TSC: finer than a nanosecond */
	return !res || copy_to_user(res, &ts, sizeof ts) ? 0 : -EFAULT;
}

/* The time zone settimeofday stored: only kept and given back, as on Linux, where
 * nothing but a few file systems look at it. */
static struct timezone zone;

long sys_gettimeofday(uint64_t tv, uint64_t tz, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	uint64_t ns;
	read_clock(CLOCK_REALTIME, &ns);
	struct __kernel_old_timeval t = {(long)(ns / NS), (long)(ns % NS / 1000)};
	if (tv && !copy_to_user(tv, &t, sizeof t))
		return -EFAULT;
	return !tz || copy_to_user(tz, &zone, sizeof zone) ? 0 : -EFAULT;
}

/* Setting the wall clock (root's right, and everyone is root): CLOCK_REALTIME only. */
long sys_clock_settime(uint64_t clock, uint64_t tp, uint64_t a3, uint64_t a4, uint64_t a5,
		       uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	if (clock != CLOCK_REALTIME)
		return -EINVAL; /* the others cannot be set */
	struct __kernel_timespec ts;
	if (!copy_from_user(&ts, tp, sizeof ts))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long long)NS ||
	    (uint64_t)ts.tv_sec >= UINT64_MAX / NS)
		return -EINVAL;
	wall_clock_set((uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec);
	return 0;
}

/* Linux's checks: microseconds up to 1,000,000 pass the first (and fail the
 * second); a zone at most 15 hours from Greenwich. */
long sys_settimeofday(uint64_t tv, uint64_t tz, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	struct __kernel_old_timeval t;
	struct timezone z;
	if (tv && !copy_from_user(&t, tv, sizeof t))
		return -EFAULT;
	if (tv && (t.tv_usec < 0 || t.tv_usec > 1000000))
		return -EINVAL;
	if (tz && !copy_from_user(&z, tz, sizeof z))
		return -EFAULT;
	if (tv && (t.tv_sec < 0 || t.tv_usec == 1000000 || (uint64_t)t.tv_sec >= UINT64_MAX / NS))
		return -EINVAL;
	if (tz && (z.tz_minuteswest > 15 * 60 || z.tz_minuteswest < -15 * 60))
		return -EINVAL;
	if (tz)
		zone = z;
	if (tv)
		wall_clock_set((uint64_t)t.tv_sec * NS + (uint64_t)t.tv_usec * 1000);
	return 0;
}

long sys_time(uint64_t tloc, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	uint64_t ns;
	read_clock(CLOCK_REALTIME, &ns);
	long seconds = (long)(ns / NS);
	return !tloc || copy_to_user(tloc, &seconds, sizeof seconds) ? seconds : -EFAULT;
}

/* Sleeps until `deadline` on the monotonic clock; on a signal, EINTR and what was
 * left in `rem`. */
static long sleep_to(uint64_t deadline, uint64_t rem)
{
	if (sleep_interruptible(deadline))
		return 0;
	uint64_t now = clock_ns(), left = deadline > now ? deadline - now : 0;
	struct __kernel_timespec ts = {(long long)(left / NS), (long long)(left % NS)};
	if (rem && !copy_to_user(rem, &ts, sizeof ts))
		return -EFAULT;
	return -EINTR;
}

static long read_timespec(uint64_t addr, uint64_t *ns)
{
	struct __kernel_timespec ts;
	if (!copy_from_user(&ts, addr, sizeof ts))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long long)NS)
		return -EINVAL;
	uint64_t secs = (uint64_t)ts.tv_sec > UINT64_MAX / NS - 1 ? UINT64_MAX / NS - 1
								  : (uint64_t)ts.tv_sec;
	*ns = secs * NS + (uint64_t)ts.tv_nsec;
	return 0;
}

long sys_nanosleep(uint64_t req, uint64_t rem, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	uint64_t ns;
	long err = read_timespec(req, &ns);
	if (err)
		return err;
	uint64_t now = clock_ns();
	return sleep_to(ns > UINT64_MAX - now ? UINT64_MAX : now + ns, rem);
}

long sys_clock_nanosleep(uint64_t clock, uint64_t flags, uint64_t req, uint64_t rem, uint64_t a5,
			 uint64_t a6)
{
	(void)a5, (void)a6;
	uint64_t ns, now;
	if (clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID ||
	    !read_clock(clock, &now))
		return -EINVAL;
	long err = read_timespec(req, &ns);
	if (err)
		return err;
	uint64_t mono = clock_ns();
	if (flags & TIMER_ABSTIME) /* a time on `clock`: turned into the monotonic clock's */
		return sleep_to(ns > now ? mono + (ns - now) : mono, 0);
	return sleep_to(ns > UINT64_MAX - mono ? UINT64_MAX : mono + ns, rem);
}

long sys_sched_yield(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	yield();
	return 0;
}

/* ---- the system ------------------------------------------------------------------ */

/* The names sethostname and setdomainname change, under their own lock. */
static struct spinlock names_lock = SPINLOCK_INIT;
static char host_name[__NEW_UTS_LEN + 1] = "keel", domain_name[__NEW_UTS_LEN + 1] = "(none)";

long sys_uname(uint64_t buf, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	struct new_utsname u;
	memset(&u, 0, sizeof u);
	strncpy_safe(u.sysname, "Keel", sizeof u.sysname);
	strncpy_safe(u.release, "0.14", sizeof u.release);
	strncpy_safe(u.version, "#1", sizeof u.version);
	strncpy_safe(u.machine, "x86_64", sizeof u.machine);
	uint64_t flags = spin_lock_irqsave(&names_lock);
	memcpy(u.nodename, host_name, sizeof host_name);
	memcpy(u.domainname, domain_name, sizeof domain_name);
	spin_unlock_irqrestore(&names_lock, flags);
	return copy_to_user(buf, &u, sizeof u) ? 0 : -EFAULT;
}

/* `len` bytes (at most 64; no NUL needed) from user `name` become `to`. */
static long set_name(char *to, uint64_t name, uint64_t len)
{
	char fresh[__NEW_UTS_LEN + 1] = {0};
	if ((int)len < 0 || (int)len > __NEW_UTS_LEN)
		return -EINVAL;
	if (!copy_from_user(fresh, name, (size_t)(int)len))
		return -EFAULT;
	uint64_t flags = spin_lock_irqsave(&names_lock);
	memcpy(to, fresh, sizeof fresh);
	spin_unlock_irqrestore(&names_lock, flags);
	return 0;
}

long sys_sethostname(uint64_t name, uint64_t len, uint64_t a3, uint64_t a4, uint64_t a5,
		     uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	return set_name(host_name, name, len);
}

long sys_setdomainname(uint64_t name, uint64_t len, uint64_t a3, uint64_t a4, uint64_t a5,
		       uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	return set_name(domain_name, name, len);
}

/* Pages the heap holds with nothing in them (after a drain, the empty slab a size
 * class keeps and an empty record page). They are as free as the allocator's, so
 * freeram counts them: a program that maps and unmaps sees every page back, and a
 * leak still shows. */
static uint64_t heap_idle_pages(void)
{
	struct heap_stats heap;
	heap_drain();
	heap_get_stats(&heap);
	return heap.idle_pages;
}

long sys_sysinfo(uint64_t buf, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	uint64_t idle = heap_idle_pages();
	struct pmm_stats frames;
	pmm_get_stats(&frames);
	struct sysinfo info;
	memset(&info, 0, sizeof info);
	info.uptime = (long)(clock_ns() / NS);
	info.totalram = frames.total_frames;
	info.freeram = frames.free_frames + idle + frame_cache_retained(); /* all to be had */
	info.sharedram = fs_data_pages(); /* as /proc/meminfo's Shmem: tmpfs-like file data */
	info.procs = (unsigned short)process_count_now();
	info.mem_unit = PMM_FRAME_SIZE;
	return copy_to_user(buf, &info, sizeof info) ? 0 : -EFAULT;
}

long sys_times(uint64_t buf, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	struct tms t = {0};
	t.tms_utime = (long)(task_ns() / (NS / USER_HZ)); /* user and system not told apart */
	if (buf && !copy_to_user(buf, &t, sizeof t))
		return -EFAULT;
	return (long)(clock_ns() / (NS / USER_HZ));
}

long sys_getrusage(uint64_t who, uint64_t buf, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	if ((int)who != RUSAGE_SELF && (int)who != RUSAGE_CHILDREN && (int)who != RUSAGE_THREAD)
		return -EINVAL;
	struct rusage u;
	memset(&u, 0, sizeof u);
	if ((int)who != RUSAGE_CHILDREN) {
		uint64_t ns = task_ns();
		u.ru_utime.tv_sec = (long)(ns / NS);
		u.ru_utime.tv_usec = (long)(ns % NS / 1000);
		struct process *p = process_current();
		unsigned long peak =
			p->mm->peak_pages > p->peak_pages ? p->mm->peak_pages : p->peak_pages;
		u.ru_maxrss = (long)(peak * (PAGE_SIZE / 1024)); /* KiB, as Linux */
	}
	return copy_to_user(buf, &u, sizeof u) ? 0 : -EFAULT;
}

long sys_getrandom(uint64_t buf, uint64_t len, uint64_t flags, uint64_t a4, uint64_t a5,
		   uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	if (flags & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	size_t n = len > RANDOM_MAX ? RANDOM_MAX : (size_t)len, done = 0;
	uint8_t chunk[256];
	while (done < n) {
		size_t k = n - done < sizeof chunk ? n - done : sizeof chunk;
		random_bytes(chunk, k);
		if (!copy_to_user(buf + done, chunk, k))
			return done ? (long)done : -EFAULT;
		done += k;
	}
	return (long)done;
}

long sys_reboot(uint64_t magic1, uint64_t magic2, uint64_t cmd, uint64_t arg, uint64_t a5,
		uint64_t a6)
{
	(void)arg, (void)a5, (void)a6;
	if ((uint32_t)magic1 != LINUX_REBOOT_MAGIC1 ||
	    ((uint32_t)magic2 != LINUX_REBOOT_MAGIC2 && (uint32_t)magic2 != LINUX_REBOOT_MAGIC2A &&
	     (uint32_t)magic2 != LINUX_REBOOT_MAGIC2B && (uint32_t)magic2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	switch ((uint32_t)cmd) {
	case LINUX_REBOOT_CMD_POWER_OFF:
	case LINUX_REBOOT_CMD_HALT: power_off();
	case LINUX_REBOOT_CMD_RESTART: power_reboot();
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF: return 0;
	default: return -EINVAL;
	}
}

/* ---- alarms: only ITIMER_REAL (proc/alarm.c) ----------------------------------------- */

#define US_PER_S  1000000ull
#define NS_PER_US 1000ull

static uint64_t timeval_ns(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * NS + (uint64_t)tv->tv_usec * NS_PER_US;
}

static struct timeval ns_timeval(uint64_t ns)
{
	/* Rounded up to the microsecond, as Linux: a timer still running never reads 0. */
	uint64_t us = (ns + NS_PER_US - 1) / NS_PER_US;
	return (struct timeval){(long)(us / US_PER_S), (long)(us % US_PER_S)};
}

long sys_alarm(uint64_t seconds, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	uint64_t left = alarm_set(process_current(), (uint32_t)seconds * NS, 0, 0);
	return (long)((left + NS - 1) / NS); /* rounded up: a pending alarm returns at least 1 */
}

long sys_setitimer(uint64_t which, uint64_t new_value, uint64_t old_value, uint64_t a4, uint64_t a5,
		   uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	struct itimerval want = {0}, had;
	if (which != ITIMER_REAL)
		return -EINVAL; /* ITIMER_VIRTUAL and ITIMER_PROF: not yet */
	if (new_value && !copy_from_user(&want, new_value, sizeof want))
		return -EFAULT;
	if (want.it_value.tv_usec < 0 || want.it_value.tv_usec >= (long)US_PER_S ||
	    want.it_interval.tv_usec < 0 || want.it_interval.tv_usec >= (long)US_PER_S ||
	    want.it_value.tv_sec < 0 || want.it_interval.tv_sec < 0)
		return -EINVAL;
	uint64_t interval;
	uint64_t left = new_value ? alarm_set(process_current(), timeval_ns(&want.it_value),
					      timeval_ns(&want.it_interval), &interval)
				  : alarm_left(process_current(), &interval);
	had.it_value = ns_timeval(left);
	had.it_interval = ns_timeval(interval);
	if (old_value && !copy_to_user(old_value, &had, sizeof had))
		return -EFAULT;
	return 0;
}

long sys_getitimer(uint64_t which, uint64_t value, uint64_t a3, uint64_t a4, uint64_t a5,
		   uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	if (which != ITIMER_REAL)
		return -EINVAL;
	return sys_setitimer(which, 0, value, 0, 0, 0);
}
