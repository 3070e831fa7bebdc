/* Calls that change a file's attributes: its mode (chmod), its owner (chown) and its
 * times (utimensat, futimesat, utimes, utime). Kept and shown by stat, not enforced:
 * everyone is root. The *at forms take a directory descriptor or AT_FDCWD
 * (<linux/fcntl.h>); times are <linux/time_types.h>'s and <linux/utime.h>'s. */
#include <asm-generic/errno.h>
#include <linux/fcntl.h>
#include <linux/stat.h>
#include <linux/time_types.h>
#include <linux/utime.h>

#include "../arch/usercopy.h"
#include "../fs/file.h"
#include "../proc/process.h"
#include "sys.h"

/* utimensat's special nanoseconds: include/linux/stat.h, not in the UAPI headers. */
#define UTIME_NOW  ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

#define AT_CWD ((uint64_t)AT_FDCWD)
#define NS     1000000000ll

/* The inode open at fd (a reference), or NULL. */
static struct inode *fd_inode(uint64_t fd)
{
	struct file *f = fd_get(process_current()->files, (int)(uint32_t)fd);
	if (!f)
		return 0;
	struct inode *inode = f->inode;
	inode_get(inode);
	file_put(f);
	return inode;
}

/* ---- modes ------------------------------------------------------------------------- */

static long set_mode(struct inode *inode, uint64_t mode)
{
	mutex_lock(&fs_lock);
	inode->mode = (inode->mode & S_IFMT) | ((uint32_t)mode & 07777);
	inode_now(&inode->ctime);
	mutex_unlock(&fs_lock);
	inode_put(inode);
	return 0;
}

long sys_fchmodat(uint64_t dirfd, uint64_t path, uint64_t mode, uint64_t a4, uint64_t a5,
		  uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	struct inode *inode;
	long err = lookup_at(dirfd, path, 0, &inode);
	return err ? err : set_mode(inode, mode);
}

long sys_chmod(uint64_t path, uint64_t mode, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3;
	return sys_fchmodat(AT_CWD, path, mode, a4, a5, a6);
}

long sys_fchmod(uint64_t fd, uint64_t mode, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	struct inode *inode = fd_inode(fd);
	return inode ? set_mode(inode, mode) : -EBADF;
}

/* ---- owners ------------------------------------------------------------------------ */

/* -1 leaves an id as it is. As on Linux, for root too, whatever the ids: a file that
 * is not a directory loses set-user-ID, and set-group-ID where that means it (with
 * group execute; without, it marks mandatory locking). */
static long set_owner(struct inode *inode, uint64_t uid, uint64_t gid)
{
	mutex_lock(&fs_lock);
	if ((uint32_t)uid != (uint32_t)-1)
		inode->uid = (uint32_t)uid;
	if ((uint32_t)gid != (uint32_t)-1)
		inode->gid = (uint32_t)gid;
	if (!S_ISDIR(inode->mode)) {
		inode->mode &= ~(uint32_t)S_ISUID;
		if (inode->mode & S_IXGRP)
			inode->mode &= ~(uint32_t)S_ISGID;
	}
	inode_now(&inode->ctime);
	mutex_unlock(&fs_lock);
	inode_put(inode);
	return 0;
}

long sys_fchownat(uint64_t dirfd, uint64_t path, uint64_t uid, uint64_t gid, uint64_t flags,
		  uint64_t a6)
{
	(void)a6;
	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct inode *inode;
	long err = lookup_at(dirfd, path, (unsigned)flags, &inode);
	return err ? err : set_owner(inode, uid, gid);
}

long sys_chown(uint64_t path, uint64_t uid, uint64_t gid, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	return sys_fchownat(AT_CWD, path, uid, gid, 0, 0);
}

long sys_lchown(uint64_t path, uint64_t uid, uint64_t gid, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	return sys_fchownat(AT_CWD, path, uid, gid, AT_SYMLINK_NOFOLLOW, 0);
}

long sys_fchown(uint64_t fd, uint64_t uid, uint64_t gid, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	struct inode *inode = fd_inode(fd);
	return inode ? set_owner(inode, uid, gid) : -EBADF;
}

/* ---- times ------------------------------------------------------------------------- */

static bool nsec_valid(long long nsec)
{
	return nsec == UTIME_NOW || nsec == UTIME_OMIT || (nsec >= 0 && nsec < NS);
}

/* Access and modification time as t[0] and t[1] say (NULL: both now); the change
 * time is now in any case. */
static long set_times(struct inode *inode, const struct __kernel_timespec *t)
{
	mutex_lock(&fs_lock);
	struct timestamp now;
	inode_now(&now);
	for (int i = 0; i < 2; i++) {
		struct timestamp *field = i ? &inode->mtime : &inode->atime;
		if (!t || t[i].tv_nsec == UTIME_NOW)
			*field = now;
		else if (t[i].tv_nsec != UTIME_OMIT)
			*field = (struct timestamp){t[i].tv_sec, t[i].tv_nsec};
	}
	inode->ctime = now;
	mutex_unlock(&fs_lock);
	inode_put(inode);
	return 0;
}

/* What every times call comes to, in Linux's order of checks. A NULL path with a
 * directory descriptor names that descriptor's own file (futimens). */
static long change_times(uint64_t dirfd, uintptr_t path, const struct __kernel_timespec *t,
			 uint64_t flags)
{
	if (t && t[0].tv_nsec == UTIME_OMIT && t[1].tv_nsec == UTIME_OMIT)
		return 0; /* nothing to do: not even the path is looked at */
	struct inode *inode;
	if (!path && (int)dirfd != AT_FDCWD) {
		if (flags)
			return -EINVAL;
		if (!(inode = fd_inode(dirfd)))
			return -EBADF;
	} else {
		if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
			return -EINVAL;
		long err = lookup_at(dirfd, path, (unsigned)flags, &inode);
		if (err)
			return err;
	}
	if (t && (!nsec_valid(t[0].tv_nsec) || !nsec_valid(t[1].tv_nsec))) {
		inode_put(inode);
		return -EINVAL;
	}
	return set_times(inode, t);
}

long sys_utimensat(uint64_t dirfd, uint64_t path, uint64_t times, uint64_t flags, uint64_t a5,
		   uint64_t a6)
{
	(void)a5, (void)a6;
	struct __kernel_timespec t[2];
	if (times && !copy_from_user(t, times, sizeof t))
		return -EFAULT;
	return change_times(dirfd, path, times ? t : 0, flags);
}

/* futimesat and utimes: microseconds, which must be below a second (so neither
 * UTIME_NOW nor UTIME_OMIT can be asked for). */
long sys_futimesat(uint64_t dirfd, uint64_t path, uint64_t times, uint64_t a4, uint64_t a5,
		   uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	struct __kernel_old_timeval tv[2];
	struct __kernel_timespec t[2];
	if (times && !copy_from_user(tv, times, sizeof tv))
		return -EFAULT;
	for (int i = 0; times && i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		t[i] = (struct __kernel_timespec){tv[i].tv_sec, tv[i].tv_usec * 1000};
	}
	return change_times(dirfd, path, times ? t : 0, 0);
}

long sys_utimes(uint64_t path, uint64_t times, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3;
	return sys_futimesat(AT_CWD, path, times, a4, a5, a6);
}

/* utime: whole seconds. */
long sys_utime(uint64_t path, uint64_t times, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	struct utimbuf u = {0};
	if (times && !copy_from_user(&u, times, sizeof u))
		return -EFAULT;
	struct __kernel_timespec t[2] = {{u.actime, 0}, {u.modtime, 0}};
	return change_times(AT_CWD, path, times ? t : 0, 0);
}
