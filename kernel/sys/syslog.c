/* syslog(2), which dmesg reads the kernel's log with: here the console's log ring
 * (console.h), whose text is all the console has shown, programs' output included.
 * Reading what has come since the last read (SYSLOG_ACTION_READ, klogd's way) is
 * not offered yet. */
#include <asm-generic/errno.h>

#include "../arch/usercopy.h"
#include "../console.h"
#include "../mm/heap.h"
#include "sys.h"

/* The actions: include/linux/syslog.h, not in the UAPI headers. */
#define SYSLOG_ACTION_CLOSE	    0
#define SYSLOG_ACTION_OPEN	    1
#define SYSLOG_ACTION_READ_ALL	    3
#define SYSLOG_ACTION_READ_CLEAR    4
#define SYSLOG_ACTION_CLEAR	    5
#define SYSLOG_ACTION_CONSOLE_OFF   6
#define SYSLOG_ACTION_CONSOLE_ON    7
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define SYSLOG_ACTION_SIZE_UNREAD   9
#define SYSLOG_ACTION_SIZE_BUFFER   10

static uint64_t cleared_at; /* console_log_written() at the last clear */

/* What READ_ALL may give: what came since the last clear, as much as the ring holds. */
static size_t kept(void)
{
	uint64_t since = console_log_written() - __atomic_load_n(&cleared_at, __ATOMIC_RELAXED);
	return since < CONSOLE_LOG_SIZE ? (size_t)since : CONSOLE_LOG_SIZE;
}

static void clear(void)
{
	__atomic_store_n(&cleared_at, console_log_written(), __ATOMIC_RELAXED);
}

/* The newest `len` bytes or fewer of what is kept; how many. */
static long read_all(uintptr_t buf, int len)
{
	if (!buf || len < 0)
		return -EINVAL;
	if (!user_range_ok(buf, (size_t)len))
		return -EFAULT;
	size_t want = kept() < (size_t)len ? kept() : (size_t)len;
	if (!want)
		return 0;
	char *text = kmalloc(want);
	if (!text)
		return -ENOMEM;
	size_t n = console_log_copy(text, want);
	long r = copy_to_user(buf, text, n) ? (long)n : -EFAULT;
	kfree(text);
	return r;
}

long sys_syslog(uint64_t type, uint64_t buf, uint64_t len, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	long r;
	switch ((int)type) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
	case SYSLOG_ACTION_CONSOLE_OFF:
	case SYSLOG_ACTION_CONSOLE_ON: return 0;
	case SYSLOG_ACTION_CONSOLE_LEVEL: return (int)len < 1 || (int)len > 8 ? -EINVAL : 0;
	case SYSLOG_ACTION_READ_ALL: return read_all(buf, (int)len);
	case SYSLOG_ACTION_READ_CLEAR:
		if ((r = read_all(buf, (int)len)) >= 0)
			clear();
		return r;
	case SYSLOG_ACTION_CLEAR: clear(); return 0;
	case SYSLOG_ACTION_SIZE_UNREAD: /* nothing read with READ: all the ring holds */
		return console_log_written() < CONSOLE_LOG_SIZE ? (long)console_log_written()
								: CONSOLE_LOG_SIZE;
	case SYSLOG_ACTION_SIZE_BUFFER: return CONSOLE_LOG_SIZE;
	default: return -EINVAL;
	}
}
