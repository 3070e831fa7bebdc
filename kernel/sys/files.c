/* Descriptors, for now only the console's: 0, 1 and 2 write to it. (The VFS and a
 * descriptor table come with the file system.) Structures from Linux's UAPI:
 * struct iovec (<linux/uio.h>), struct winsize and TIOCGWINSZ (<asm/ioctls.h>). */
#include <asm-generic/errno.h>
#include <asm-generic/termios.h>
#include <asm/ioctls.h>
#include <linux/uio.h>

#include "../arch/usercopy.h"
#include "../console.h"
#include "sys.h"

#define CHUNK	     256
#define IOV_MAX	     1024 /* Linux's UIO_MAXIOV */
#define CONSOLE_ROWS 25
#define CONSOLE_COLS 80

static bool is_console(uint64_t fd)
{
	return fd <= 2;
}

/* Copies the user's bytes out in chunks and prints them; what was written, or
 * -EFAULT if nothing could be. */
static long write_console(uintptr_t buf, uint64_t count)
{
	char chunk[CHUNK];
	uint64_t done = 0;
	while (done < count) {
		size_t n = count - done < CHUNK ? count - done : CHUNK;
		if (!copy_from_user(chunk, buf + done, n))
			return done ? (long)done : -EFAULT;
		console_write_n(chunk, n);
		done += n;
	}
	return (long)done;
}

long sys_write(uint64_t fd, uint64_t buf, uint64_t count, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	if (!is_console(fd))
		return -EBADF;
	if (!user_range_ok(buf, count))
		return -EFAULT;
	return write_console(buf, count);
}

long sys_writev(uint64_t fd, uint64_t iov, uint64_t iovcnt, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	if (!is_console(fd))
		return -EBADF;
	if (iovcnt > IOV_MAX)
		return -EINVAL;
	long total = 0;
	for (uint64_t i = 0; i < iovcnt; i++) {
		struct iovec v;
		if (!copy_from_user(&v, iov + i * sizeof v, sizeof v))
			return total ? total : -EFAULT;
		if (!user_range_ok((uintptr_t)v.iov_base, v.iov_len))
			return total ? total : -EFAULT;
		long n = write_console((uintptr_t)v.iov_base, v.iov_len);
		if (n < 0)
			return total ? total : n;
		total += n;
	}
	return total;
}

long sys_ioctl(uint64_t fd, uint64_t request, uint64_t arg, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	if (!is_console(fd))
		return -EBADF;
	if (request == TIOCGWINSZ) {
		struct winsize size = {.ws_row = CONSOLE_ROWS, .ws_col = CONSOLE_COLS};
		return copy_to_user(arg, &size, sizeof size) ? 0 : -EFAULT;
	}
	return -ENOTTY;
}
