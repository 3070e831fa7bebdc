/* Calls on path names: stat and access, making and removing names (mkdir, mknod,
 * unlink, rmdir, link, symlink, rename), readlink, the working directory, umask, truncate.
 * The *at forms take a directory
 * descriptor or AT_FDCWD (<linux/fcntl.h>); the old forms are those with AT_FDCWD. */
#include <asm-generic/errno.h>
#include <asm/stat.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/stat.h>

#include "../arch/usercopy.h"
#include "../fs/file.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "../proc/process.h"
#include "sys.h"

#define AT_CWD ((uint64_t)AT_FDCWD)

/* Most paths are short: a block of PATH_SHORT comes from a slab, where one of
 * PATH_MAX would be a large block, a heap page mapped and unmapped for each path.
 * A longer path is read again into that. */
#define PATH_SHORT 256

long user_path(uintptr_t path, char **out)
{
	char *name = kmalloc(PATH_SHORT);
	if (!name)
		return -ENOMEM;
	long len = strncpy_from_user(name, path, PATH_SHORT);
	if (len < 0) {
		kfree(name);
		if (!(name = kmalloc(PATH_MAX)))
			return -ENOMEM;
		len = strncpy_from_user(name, path, PATH_MAX);
	}
	if (len < 0) {
		/* No NUL in PATH_MAX bytes that could be read: too long, or a bad address. */
		char probe;
		bool readable = copy_from_user(&probe, path + PATH_MAX - 1, 1);
		kfree(name);
		return readable ? -ENAMETOOLONG : -EFAULT;
	}
	*out = name;
	return 0;
}

long at_base(int dirfd, const char *path, struct inode **base)
{
	struct process *p = process_current();
	if (!path[0])
		return -ENOENT; /* as Linux: "" names nothing without AT_EMPTY_PATH */
	if (path[0] == '/' || dirfd == AT_FDCWD) {
		*base = path[0] == '/' ? fs_root() : p->cwd;
		inode_get(*base);
		return 0;
	}
	struct file *f = dirfd >= 0 ? fd_get(p->files, dirfd) : 0;
	if (!f)
		return -EBADF;
	long err = S_ISDIR(f->inode->mode) ? 0 : -ENOTDIR;
	if (!err) {
		*base = f->inode;
		inode_get(*base);
	}
	file_put(f);
	return err;
}

long lookup_at(uint64_t dirfd, uintptr_t upath, unsigned flags, struct inode **out)
{
	char *path;
	long err = user_path(upath, &path);
	if (err)
		return err;
	if (!path[0] && (flags & AT_EMPTY_PATH)) {
		struct file *f = fd_get(process_current()->files, (int)dirfd);
		kfree(path);
		if (!f && (int)dirfd == AT_FDCWD) {
			*out = process_current()->cwd;
			inode_get(*out);
			return 0;
		}
		if (!f)
			return -EBADF;
		*out = f->inode;
		inode_get(*out);
		file_put(f);
		return 0;
	}
	struct inode *base;
	if (!(err = at_base((int)dirfd, path, &base))) {
		err = path_lookup(base, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW,
				  out);
		inode_put(base);
	}
	kfree(path);
	return err;
}

/* ---- stat and access -------------------------------------------------------------- */

long sys_newfstatat(uint64_t dirfd, uint64_t path, uint64_t buf, uint64_t flags, uint64_t a5,
		    uint64_t a6)
{
	(void)a5, (void)a6;
	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	struct inode *inode;
	long err = lookup_at(dirfd, path, (unsigned)flags, &inode);
	if (err)
		return err;
	struct stat st;
	inode_stat(inode, &st);
	inode_put(inode);
	return copy_to_user(buf, &st, sizeof st) ? 0 : -EFAULT;
}

long sys_stat(uint64_t path, uint64_t buf, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	return sys_newfstatat(AT_CWD, path, buf, 0, 0, 0);
}

long sys_lstat(uint64_t path, uint64_t buf, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	return sys_newfstatat(AT_CWD, path, buf, AT_SYMLINK_NOFOLLOW, 0, 0);
}

/* As root: a file exists for F_OK, R_OK and W_OK; X_OK needs an execute bit
 * somewhere (or a directory). */
long sys_faccessat2(uint64_t dirfd, uint64_t path, uint64_t mode, uint64_t flags, uint64_t a5,
		    uint64_t a6)
{
	(void)a5, (void)a6;
	if (mode & ~(uint64_t)7 ||
	    flags & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct inode *inode;
	long err = lookup_at(dirfd, path, (unsigned)flags, &inode);
	if (err)
		return err;
	if ((mode & 1) && !S_ISDIR(inode->mode) && !(inode->mode & 0111))
		err = -EACCES;
	inode_put(inode);
	return err;
}

/* faccessat has no flags argument: whatever the fourth register holds is not one. */
long sys_faccessat(uint64_t dirfd, uint64_t path, uint64_t mode, uint64_t a4, uint64_t a5,
		   uint64_t a6)
{
	(void)a4;
	return sys_faccessat2(dirfd, path, mode, 0, a5, a6);
}

long sys_access(uint64_t path, uint64_t mode, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4;
	return sys_faccessat2(AT_CWD, path, mode, 0, a5, a6);
}

/* ---- making and removing names ------------------------------------------------------ */

/* Runs fn on (base, path) for a user path relative to dirfd. */
static long with_path(uint64_t dirfd, uintptr_t upath,
		      long (*fn)(struct inode *base, const char *path, uint64_t arg), uint64_t arg)
{
	char *path;
	struct inode *base;
	long err = user_path(upath, &path);
	if (err)
		return err;
	if (!(err = at_base((int)dirfd, path, &base))) {
		err = fn(base, path, arg);
		inode_put(base);
	}
	kfree(path);
	return err;
}

/* As Linux: mkdir's mode gives no set-user-ID or set-group-ID. */
#define MKDIR_MODE (S_IRWXU | S_IRWXG | S_IRWXO | S_ISVTX)

static long make_dir(struct inode *base, const char *path, uint64_t mode)
{
	uint32_t umask = process_current()->umask;
	return path_create(base, path, S_IFDIR | ((uint32_t)mode & MKDIR_MODE & ~umask), 0, 0, 0);
}

long sys_mkdirat(uint64_t dirfd, uint64_t path, uint64_t mode, uint64_t a4, uint64_t a5,
		 uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	return with_path(dirfd, path, make_dir, mode);
}

long sys_mkdir(uint64_t path, uint64_t mode, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3;
	return sys_mkdirat(AT_CWD, path, mode, a4, a5, a6);
}

static long unlink_name(struct inode *base, const char *path, uint64_t directory)
{
	return path_unlink(base, path, directory);
}

/* The node types mknod makes, as Linux's may_mknod says: files (type 0 too), devices,
 * FIFOs and sockets; a directory is EPERM, anything else EINVAL. */
static long node_type(uint32_t mode, uint32_t *type)
{
	switch (*type = mode & S_IFMT) {
	case 0: *type = S_IFREG; return 0;
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK: return 0;
	case S_IFDIR: return -EPERM;
	default: return -EINVAL;
	}
}

/* Linux takes the mode as a umode_t (16 bits) and the device as Linux's dev_t
 * encoding, which stat gives back as it is. */
long sys_mknodat(uint64_t dirfd, uint64_t path, uint64_t mode, uint64_t dev, uint64_t a5,
		 uint64_t a6)
{
	(void)a5, (void)a6;
	uint32_t type;
	long err = node_type((uint16_t)mode, &type);
	if (err)
		return err;
	uint32_t perm = (uint16_t)mode & 07777 & ~process_current()->umask;
	uint32_t rdev = type == S_IFCHR || type == S_IFBLK ? (uint32_t)dev : 0;
	char *name;
	struct inode *base;
	if ((err = user_path(path, &name)))
		return err;
	if (!(err = at_base((int)dirfd, name, &base))) {
		err = path_create(base, name, type | perm, rdev, 0, 0);
		inode_put(base);
	}
	kfree(name);
	return err;
}

long sys_mknod(uint64_t path, uint64_t mode, uint64_t dev, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4;
	return sys_mknodat(AT_CWD, path, mode, dev, a5, a6);
}

long sys_unlinkat(uint64_t dirfd, uint64_t path, uint64_t flags, uint64_t a4, uint64_t a5,
		  uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	if (flags & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	return with_path(dirfd, path, unlink_name, (flags & AT_REMOVEDIR) != 0);
}

long sys_unlink(uint64_t path, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3;
	return sys_unlinkat(AT_CWD, path, 0, a4, a5, a6);
}

long sys_rmdir(uint64_t path, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3;
	return sys_unlinkat(AT_CWD, path, AT_REMOVEDIR, a4, a5, a6);
}

/* Two user paths, each with its directory (link, rename); fn gets both. */
static long with_two_paths(uint64_t dirfd1, uintptr_t upath1, uint64_t dirfd2, uintptr_t upath2,
			   int (*fn)(struct inode *, const char *, struct inode *, const char *))
{
	char *a = 0, *b = 0;
	struct inode *base_a = 0, *base_b = 0;
	long err = user_path(upath1, &a);
	if (!err)
		err = user_path(upath2, &b);
	if (!err)
		err = at_base((int)dirfd1, a, &base_a);
	if (!err)
		err = at_base((int)dirfd2, b, &base_b);
	if (!err)
		err = fn(base_a, a, base_b, b);
	if (base_a)
		inode_put(base_a);
	if (base_b)
		inode_put(base_b);
	kfree(a);
	kfree(b);
	return err;
}

long sys_linkat(uint64_t olddirfd, uint64_t oldpath, uint64_t newdirfd, uint64_t newpath,
		uint64_t flags, uint64_t a6)
{
	(void)a6;
	if (flags & ~(uint64_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!flags)
		return with_two_paths(olddirfd, oldpath, newdirfd, newpath, path_link);
	/* The old file first: a link at its end followed, or "" for olddirfd's own. */
	struct inode *inode;
	unsigned lookup =
		(flags & AT_EMPTY_PATH) | ((flags & AT_SYMLINK_FOLLOW) ? 0 : AT_SYMLINK_NOFOLLOW);
	long err = lookup_at(olddirfd, oldpath, lookup, &inode);
	if (err)
		return err;
	char *path;
	struct inode *base;
	if (!(err = user_path(newpath, &path))) {
		if (!(err = at_base((int)newdirfd, path, &base))) {
			err = path_link_inode(inode, base, path);
			inode_put(base);
		}
		kfree(path);
	}
	inode_put(inode);
	return err;
}

long sys_link(uint64_t oldpath, uint64_t newpath, uint64_t a3, uint64_t a4, uint64_t a5,
	      uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	return with_two_paths(AT_CWD, oldpath, AT_CWD, newpath, path_link);
}

long sys_renameat2(uint64_t olddirfd, uint64_t oldpath, uint64_t newdirfd, uint64_t newpath,
		   uint64_t flags, uint64_t a6)
{
	(void)a6;
	if (flags == RENAME_NOREPLACE)
		return with_two_paths(olddirfd, oldpath, newdirfd, newpath, path_rename_noreplace);
	if (flags)
		return -EINVAL; /* RENAME_EXCHANGE, RENAME_WHITEOUT: not yet */
	return with_two_paths(olddirfd, oldpath, newdirfd, newpath, path_rename);
}

long sys_renameat(uint64_t olddirfd, uint64_t oldpath, uint64_t newdirfd, uint64_t newpath,
		  uint64_t a5, uint64_t a6)
{
	(void)a5, (void)a6;
	return sys_renameat2(olddirfd, oldpath, newdirfd, newpath, 0, 0);
}

long sys_rename(uint64_t oldpath, uint64_t newpath, uint64_t a3, uint64_t a4, uint64_t a5,
		uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	return sys_renameat2(AT_CWD, oldpath, AT_CWD, newpath, 0, 0);
}

long sys_symlinkat(uint64_t target, uint64_t dirfd, uint64_t linkpath, uint64_t a4, uint64_t a5,
		   uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	char *to, *path;
	struct inode *base;
	long err = user_path(target, &to);
	if (err)
		return err;
	if (!to[0])
		err = -ENOENT;
	else if (!(err = user_path(linkpath, &path))) {
		if (!(err = at_base((int)dirfd, path, &base))) {
			err = path_create(base, path, S_IFLNK | 0777, 0, to, 0);
			inode_put(base);
		}
		kfree(path);
	}
	kfree(to);
	return err;
}

long sys_symlink(uint64_t target, uint64_t linkpath, uint64_t a3, uint64_t a4, uint64_t a5,
		 uint64_t a6)
{
	(void)a3;
	return sys_symlinkat(target, AT_CWD, linkpath, a4, a5, a6);
}

long sys_readlinkat(uint64_t dirfd, uint64_t path, uint64_t buf, uint64_t size, uint64_t a5,
		    uint64_t a6)
{
	(void)a5, (void)a6;
	if ((int64_t)size <= 0)
		return -EINVAL;
	struct inode *inode;
	long err = lookup_at(dirfd, path, AT_SYMLINK_NOFOLLOW, &inode);
	if (err)
		return err;
	if (!S_ISLNK(inode->mode)) {
		inode_put(inode);
		return -EINVAL;
	}
	size_t n = inode->size < size ? inode->size : size; /* no NUL, as readlink(2) */
	bool ok = copy_to_user(buf, inode->target, n);
	inode_put(inode);
	return ok ? (long)n : -EFAULT;
}

long sys_readlink(uint64_t path, uint64_t buf, uint64_t size, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4;
	return sys_readlinkat(AT_CWD, path, buf, size, a5, a6);
}

/* ---- the working directory ---------------------------------------------------------- */

static long change_dir(struct inode *dir)
{
	if (!S_ISDIR(dir->mode)) {
		inode_put(dir);
		return -ENOTDIR;
	}
	struct process *p = process_current();
	struct inode *old = p->cwd;
	p->cwd = dir;
	inode_put(old);
	return 0;
}

long sys_chdir(uint64_t path, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	struct inode *dir;
	long err = lookup_at(AT_CWD, path, 0, &dir);
	return err ? err : change_dir(dir);
}

long sys_fchdir(uint64_t fd, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	struct file *f = fd < FD_MAX ? fd_get(process_current()->files, (int)fd) : 0;
	if (!f)
		return -EBADF;
	struct inode *dir = f->inode;
	inode_get(dir);
	file_put(f);
	return change_dir(dir);
}

long sys_getcwd(uint64_t buf, uint64_t size, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	char *path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	long len = path_of(process_current()->cwd, path, PATH_MAX);
	if (len > 0 && (uint64_t)len > size)
		len = -ERANGE;
	if (len > 0 && !copy_to_user(buf, path, (size_t)len))
		len = -EFAULT;
	kfree(path);
	return len;
}

/* ---- the umask and truncate --------------------------------------------------------- */

long sys_umask(uint64_t mask, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	struct process *p = process_current();
	uint32_t old = p->umask;
	p->umask = (uint32_t)mask & 0777;
	return old;
}

long sys_truncate(uint64_t path, uint64_t length, uint64_t a3, uint64_t a4, uint64_t a5,
		  uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	if ((int64_t)length < 0)
		return -EINVAL;
	struct inode *inode;
	long err = lookup_at(AT_CWD, path, 0, &inode);
	if (err)
		return err;
	err = S_ISDIR(inode->mode) ? -EISDIR : S_ISREG(inode->mode) ? 0 : -EINVAL;
	if (!err)
		err = inode_truncate(inode, length);
	inode_put(inode);
	return err;
}
