/* Calls on descriptors: read and write (vectored, positional), open and close, dup,
 * pipes, fcntl, ioctl, lseek, fstat, getdents64, ftruncate, fallocate, the syncs,
 * sendfile.
 * Flags and structures from Linux's UAPI: <linux/fcntl.h>, struct iovec
 * (<linux/uio.h>), struct stat (<asm/stat.h>). */
#include <asm-generic/errno.h>
#include <asm/stat.h>
#include <linux/falloc.h>
#include <linux/fcntl.h>
#include <linux/stat.h>
#include <linux/uio.h>

#include "../arch/usercopy.h"
#include "../fs/file.h"
#include "../fs/pipe.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "../proc/process.h"
#include "sys.h"

#define IOV_MAX 1024 /* Linux's UIO_MAXIOV */

static struct fd_table *files(void)
{
	return process_current()->files;
}

/* The open file at fd (a reference), or NULL. Linux takes descriptors as unsigned
 * int: the upper half of the register is ignored. */
static struct file *get(uint64_t fd)
{
	fd = (uint32_t)fd;
	return fd < FD_MAX ? fd_get(files(), (int)fd) : 0;
}

static bool can_read(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool can_write(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

/* Linux's limit on one transfer (MAX_RW_COUNT): INT_MAX rounded down to a page. */
static size_t clamp_count(uint64_t count)
{
	const size_t max = 0x7FFFF000;
	return count > max ? max : (size_t)count;
}

static long do_read(struct file *f, uintptr_t buf, size_t n)
{
	if (!can_read(f) || !f->ops->read)
		return -EBADF;
	if (!user_range_ok(buf, n))
		return -EFAULT;
	return f->ops->read(f, buf, n);
}

static long do_write(struct file *f, uintptr_t buf, size_t n)
{
	if (!can_write(f) || !f->ops->write)
		return -EBADF;
	if (!user_range_ok(buf, n))
		return -EFAULT;
	return f->ops->write(f, buf, n);
}

long sys_read(uint64_t fd, uint64_t buf, uint64_t count, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	long r = do_read(f, buf, clamp_count(count));
	file_put(f);
	return r;
}

long sys_write(uint64_t fd, uint64_t buf, uint64_t count, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	long r = do_write(f, buf, clamp_count(count));
	file_put(f);
	return r;
}

/* readv and writev: every iovec is read and checked first (EFAULT, EINVAL), as
 * Linux does, then each is transferred in turn until one comes up short. */
static long vectored(uint64_t fd, uint64_t iov, uint64_t iovcnt, bool writing)
{
	if (iovcnt > IOV_MAX)
		return -EINVAL;
	struct iovec *v = kmalloc((iovcnt ? iovcnt : 1) * sizeof *v);
	if (!v)
		return -ENOMEM;
	long err = copy_from_user(v, iov, iovcnt * sizeof *v) ? 0 : -EFAULT;
	uint64_t total = 0;
	for (uint64_t i = 0; !err && i < iovcnt; i++) {
		if ((int64_t)v[i].iov_len < 0 || v[i].iov_len > INT64_MAX - total)
			err = -EINVAL;
		else if (!user_range_ok((uintptr_t)v[i].iov_base, v[i].iov_len))
			err = -EFAULT;
		else
			total += v[i].iov_len;
	}
	struct file *f = err ? 0 : get(fd);
	if (!err && !f)
		err = -EBADF;
	long done = 0;
	for (uint64_t i = 0; !err && i < iovcnt; i++) {
		size_t len = clamp_count(v[i].iov_len);
		if (len == 0)
			continue;
		long n = writing ? do_write(f, (uintptr_t)v[i].iov_base, len)
				 : do_read(f, (uintptr_t)v[i].iov_base, len);
		if (n < 0)
			err = n;
		else
			done += n;
		if (n < 0 || (size_t)n < len)
			break;
	}
	if (f)
		file_put(f);
	kfree(v);
	return done ? done : err;
}

long sys_readv(uint64_t fd, uint64_t iov, uint64_t iovcnt, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	return vectored(fd, iov, iovcnt, false);
}

long sys_writev(uint64_t fd, uint64_t iov, uint64_t iovcnt, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	return vectored(fd, iov, iovcnt, true);
}

/* pread64 and pwrite64: at `offset`, leaving the file's own offset alone. */
static long positional(uint64_t fd, uint64_t buf, uint64_t count, int64_t offset, bool writing)
{
	if (offset < 0)
		return -EINVAL;
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	long r;
	if (!f->ops->seekable)
		r = -ESPIPE;
	else if (!(writing ? can_write(f) : can_read(f)))
		r = -EBADF;
	else
		r = file_transfer_at(f, buf, clamp_count(count), (uint64_t)offset, writing);
	file_put(f);
	return r;
}

long sys_pread64(uint64_t fd, uint64_t buf, uint64_t count, uint64_t offset, uint64_t a5,
		 uint64_t a6)
{
	(void)a5, (void)a6;
	return positional(fd, buf, count, (int64_t)offset, false);
}

long sys_pwrite64(uint64_t fd, uint64_t buf, uint64_t count, uint64_t offset, uint64_t a5,
		  uint64_t a6)
{
	(void)a5, (void)a6;
	return positional(fd, buf, count, (int64_t)offset, true);
}

long sys_openat(uint64_t dirfd, uint64_t path, uint64_t flags, uint64_t mode, uint64_t a5,
		uint64_t a6)
{
	(void)a5, (void)a6;
	char *name;
	struct inode *base, *inode;
	long err = user_path(path, &name);
	if (err)
		return err;
	if (!(err = at_base((int)dirfd, name, &base))) {
		uint32_t umask = process_current()->umask;
		err = path_open(base, name, (unsigned)flags, (uint32_t)mode & ~umask, &inode);
		inode_put(base);
	}
	kfree(name);
	if (err)
		return err;
	struct file *f;
	err = file_open(inode, (unsigned)flags, &f);
	inode_put(inode);
	if (err)
		return err;
	int fd = fd_install(files(), f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_open(uint64_t path, uint64_t flags, uint64_t mode, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4;
	return sys_openat((uint64_t)AT_FDCWD, path, flags, mode, a5, a6);
}

long sys_creat(uint64_t path, uint64_t mode, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4;
	return sys_openat((uint64_t)AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode, a5, a6);
}

long sys_close(uint64_t fd, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return fd < FD_MAX ? fd_close(files(), (int)fd) : -EBADF;
}

long sys_lseek(uint64_t fd, uint64_t offset, uint64_t whence, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	long r = file_seek(f, (int64_t)offset, (int)whence);
	file_put(f);
	return r;
}

/* ---- descriptors ------------------------------------------------------------------ */

static long dup_to(uint64_t oldfd, uint64_t newfd, uint64_t flags, bool same_is_error)
{
	if (flags & ~(uint64_t)O_CLOEXEC)
		return -EINVAL;
	struct file *f = get(oldfd);
	if (!f)
		return -EBADF;
	if (oldfd == newfd) {
		file_put(f);
		return same_is_error ? -EINVAL : (long)newfd;
	}
	if (newfd >= FD_MAX) {
		file_put(f);
		return -EBADF;
	}
	return fd_install_at(files(), f, (int)newfd, flags & O_CLOEXEC);
}

long sys_dup(uint64_t fd, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	int newfd = fd_install(files(), f, 0, false);
	if (newfd < 0)
		file_put(f);
	return newfd;
}

long sys_dup2(uint64_t oldfd, uint64_t newfd, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	return dup_to(oldfd, newfd, 0, false);
}

long sys_dup3(uint64_t oldfd, uint64_t newfd, uint64_t flags, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	return dup_to(oldfd, newfd, flags, true);
}

long sys_pipe2(uint64_t fds, uint64_t flags, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	struct file *r, *w;
	int err = pipe_create((unsigned)flags, &r, &w);
	if (err)
		return err;
	int pair[2] = {fd_install(files(), r, 0, flags & O_CLOEXEC), -1};
	if (pair[0] >= 0)
		pair[1] = fd_install(files(), w, 0, flags & O_CLOEXEC);
	if (pair[0] < 0 || pair[1] < 0) {
		if (pair[0] >= 0)
			fd_close(files(), pair[0]);
		else
			file_put(r);
		file_put(w);
		return -EMFILE;
	}
	if (!copy_to_user(fds, pair, sizeof pair)) {
		fd_close(files(), pair[0]);
		fd_close(files(), pair[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(uint64_t fds, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2;
	return sys_pipe2(fds, 0, a3, a4, a5, a6);
}

long sys_fcntl(uint64_t fd, uint64_t cmd, uint64_t arg, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	long r;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= (uint64_t)files()->limit) {
			r = -EINVAL;
			break;
		}
		file_get(f);
		r = fd_install(files(), f, (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			file_put(f);
		break;
	case F_GETFD: r = fd_get_close_on_exec(files(), (int)fd) ? FD_CLOEXEC : 0; break;
	case F_SETFD:
		fd_set_close_on_exec(files(), (int)fd, arg & FD_CLOEXEC);
		r = 0;
		break;
	case F_GETFL: r = f->flags; break;
	case F_SETFL:
		f->flags = (f->flags & ~(unsigned)(O_APPEND | O_NONBLOCK)) |
			   ((unsigned)arg & (O_APPEND | O_NONBLOCK));
		r = 0;
		break;
	case F_GETPIPE_SZ: r = pipe_get_size(f); break;
	case F_SETPIPE_SZ: r = pipe_set_size(f, (unsigned)arg); break; /* an int, as Linux */
	default: r = -EINVAL;
	}
	file_put(f);
	return r;
}

long sys_ioctl(uint64_t fd, uint64_t request, uint64_t arg, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	long r = f->ops->ioctl ? f->ops->ioctl(f, (unsigned)request, arg) : -ENOTTY;
	file_put(f);
	return r;
}

long sys_fstat(uint64_t fd, uint64_t buf, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	struct stat st;
	inode_stat(f->inode, &st);
	file_put(f);
	return copy_to_user(buf, &st, sizeof st) ? 0 : -EFAULT;
}

long sys_getdents64(uint64_t fd, uint64_t buf, uint64_t count, uint64_t a4, uint64_t a5,
		    uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	long r = user_range_ok(buf, count) ? file_getdents(f, buf, clamp_count(count)) : -EFAULT;
	file_put(f);
	return r;
}

long sys_ftruncate(uint64_t fd, uint64_t length, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	if ((int64_t)length < 0)
		return -EINVAL;
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	long r;
	if (!can_write(f))
		r = -EINVAL; /* Linux: EINVAL for a descriptor not open for writing */
	else if (!S_ISREG(f->inode->mode))
		r = -EINVAL;
	else
		r = inode_truncate(f->inode, length);
	file_put(f);
	return r;
}

/* fallocate's checks in Linux's order (vfs_fallocate), then tmpfs's: of the modes,
 * plain allocation, FALLOC_FL_KEEP_SIZE and FALLOC_FL_PUNCH_HOLE (<linux/falloc.h>). */
static long fallocate_mode_check(int mode)
{
	const int known = FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE |
			  FALLOC_FL_ZERO_RANGE | FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE;
	const int punch_or_zero = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE;
	if ((mode & ~known) || (mode & punch_or_zero) == punch_or_zero ||
	    ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE)))
		return -EOPNOTSUPP;
	if (((mode & FALLOC_FL_COLLAPSE_RANGE) && (mode & ~FALLOC_FL_COLLAPSE_RANGE)) ||
	    ((mode & FALLOC_FL_INSERT_RANGE) && (mode & ~FALLOC_FL_INSERT_RANGE)) ||
	    ((mode & FALLOC_FL_UNSHARE_RANGE) &&
	     (mode & ~(FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_KEEP_SIZE))))
		return -EINVAL;
	return 0;
}

/* Then the file's checks: open for writing, a regular file, room for the range. */
static long fallocate_file_check(const struct file *f, int64_t at, int64_t n, int mode)
{
	uint32_t type = f->inode->mode & S_IFMT;
	if (!can_write(f))
		return -EBADF;
	if (type != S_IFREG)
		return type == S_IFIFO ? -ESPIPE : type == S_IFDIR ? -EISDIR : -ENODEV;
	if (at > INT64_MAX - n)
		return -EFBIG;
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP; /* what tmpfs cannot do */
	return 0;
}

long sys_fallocate(uint64_t fd, uint64_t mode, uint64_t offset, uint64_t len, uint64_t a5,
		   uint64_t a6)
{
	(void)a5, (void)a6;
	int64_t at = (int64_t)offset, n = (int64_t)len;
	if (at < 0 || n <= 0)
		return -EINVAL;
	long err = fallocate_mode_check((int)mode);
	if (err)
		return err;
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	if (!(err = fallocate_file_check(f, at, n, (int)mode)))
		err = inode_fallocate(f->inode, (uint64_t)at, (uint64_t)n,
				      mode & FALLOC_FL_PUNCH_HOLE, mode & FALLOC_FL_KEEP_SIZE);
	file_put(f);
	return err;
}

long sys_fsync(uint64_t fd, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0; /* nothing is ever held back from the RAM file system */
}

long sys_syncfs(uint64_t fd, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	return sys_fsync(fd, a2, a3, a4, a5, a6); /* the same: EBADF, else nothing to do */
}

long sys_sync(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return 0; /* nothing is ever held back from the RAM file system */
}

/* sendfile's checks in Linux's order (do_sendfile, do_splice_direct): the input,
 * readable, seekable if an offset is given; the offset and count; the output,
 * writable, not O_APPEND (but a pipe); and only then whether the data can go from
 * one to the other: from a regular file of the RAM file system (not /proc's: Linux
 * can, Keel's callers fall back to read), to a file that takes kernel buffers. */
static long send(uint64_t out_fd, uint64_t in_fd, int64_t *pos_arg, uint64_t count)
{
	struct file *in = get(in_fd), *out = 0;
	long err = !in || !can_read(in) ? -EBADF : pos_arg && !in->ops->seekable ? -ESPIPE : 0;
	int64_t pos = err ? 0 : pos_arg ? *pos_arg : (int64_t)in->offset;
	if (!err && ((int64_t)count < 0 || pos < 0 || pos > INT64_MAX - (int64_t)count))
		err = -EINVAL;
	if (!err && (!(out = get(out_fd)) || !can_write(out)))
		err = -EBADF;
	else if (!err && (out->flags & O_APPEND) && !pipe_is(out))
		err = -EINVAL;
	else if (!err && (!S_ISREG(in->inode->mode) || in->inode->iops /* /proc's */ ||
			  !out->ops->write_kernel))
		err = -EINVAL;
	if (!err) {
		uint64_t at = (uint64_t)pos;
		err = file_send(in, &at, out, clamp_count(count));
		if (pos_arg)
			*pos_arg = (int64_t)at;
		else
			in->offset = at;
	}
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	return err;
}

/* With an offset the input's own stays where it is, and the new offset is written
 * back, whatever happened. */
long sys_sendfile(uint64_t out_fd, uint64_t in_fd, uint64_t offset, uint64_t count, uint64_t a5,
		  uint64_t a6)
{
	(void)a5, (void)a6;
	int64_t pos;
	if (offset && !copy_from_user(&pos, offset, sizeof pos))
		return -EFAULT;
	long r = send(out_fd, in_fd, offset ? &pos : 0, count);
	if (offset && !copy_to_user(offset, &pos, sizeof pos))
		return -EFAULT;
	return r;
}
