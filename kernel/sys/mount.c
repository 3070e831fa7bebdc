/* mount(2) and umount2(2) over the mount table (fs/mount.h). Keel has one namespace:
 * proc is at /proc and devtmpfs at /dev from boot, so mounting them there again is
 * "already done" (0); tmpfs (or ramfs) on a directory is recorded, the directory
 * being in RAM already. Checks come in Linux's order: the strings (EFAULT), the
 * target (ENOENT, ENOTDIR), the flags (EINVAL), the type (ENODEV). Flags from
 * <linux/mount.h>. */
#include <asm-generic/errno.h>
#include <linux/fcntl.h>
#include <linux/mount.h>
#include <linux/stat.h>

#include "../fs/mount.h"
#include "../fs/vfs.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "sys.h"

/* umount2's flags: not in the UAPI headers (glibc's <sys/mount.h>, Linux's
 * include/linux/fs.h). */
#define MNT_FORCE	1
#define MNT_DETACH	2
#define MNT_EXPIRE	4
#define UMOUNT_NOFOLLOW 8

#define MS_PROPAGATION (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)

/* The types there are: each is some RAM (procfs aside). */
static bool known_type(const char *type)
{
	static const char *const types[] = {"proc", "devtmpfs", "tmpfs", "ramfs"};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(type, types[i]) == 0)
			return true;
	return false;
}

/* The absolute path of the directory user path `upath` names, in a new buffer. */
static long directory_path(uintptr_t upath, bool follow, char **out)
{
	char *path;
	struct inode *base, *dir;
	long err = user_path(upath, &path);
	if (err)
		return err;
	if (!(err = at_base(AT_FDCWD, path, &base))) {
		err = path_lookup(base, path, follow ? LOOKUP_FOLLOW : 0, &dir);
		inode_put(base);
	}
	kfree(path);
	if (err)
		return err;
	if (!S_ISDIR(dir->mode))
		err = -ENOTDIR;
	else if (!(*out = kmalloc(PATH_MAX)))
		err = -ENOMEM;
	else if ((err = path_of(dir, *out, PATH_MAX)) > 0)
		err = 0;
	else
		kfree(*out);
	inode_put(dir);
	return err;
}

/* A new mount of `type` (known) on directory `target`. */
static long mount_new(const char *source, const char *target, const char *type)
{
	char mounted[MOUNT_TYPE_MAX];
	if (mount_type_at(target, mounted) && strcmp(mounted, type) == 0)
		return 0; /* there already: /proc and /dev from boot, or an earlier tmpfs */
	if (strcmp(type, "tmpfs") == 0 || strcmp(type, "ramfs") == 0)
		return mount_add(source, target, type, false);
	return -EBUSY; /* proc and devtmpfs stay where boot put them */
}

static long mount_at(const char *source, const char *target, const char *type, uint64_t flags)
{
	if (flags & MS_REMOUNT) {
		char mounted[MOUNT_TYPE_MAX];
		return mount_type_at(target, mounted) ? 0 : -EINVAL;
	}
	if (flags & (MS_BIND | MS_MOVE))
		return -EINVAL; /* one namespace: no second view of a tree (not yet) */
	if (flags & MS_PROPAGATION)
		return 0; /* one namespace: nothing to propagate to */
	if (!type)
		return -EINVAL;
	if (!known_type(type))
		return -ENODEV;
	return mount_new(source ? source : "none", target, type);
}

long sys_mount(uint64_t source, uint64_t target, uint64_t type, uint64_t flags, uint64_t data,
	       uint64_t a6)
{
	(void)data, (void)a6; /* no file system here takes options */
	char *type_name = 0, *source_name = 0, *target_path = 0;
	long err = type ? user_path(type, &type_name) : 0;
	if (!err && source)
		err = user_path(source, &source_name);
	if (!err)
		err = directory_path(target, true, &target_path);
	if (!err)
		err = mount_at(source_name, target_path, type_name, flags);
	kfree(type_name);
	kfree(source_name);
	kfree(target_path);
	return err;
}

long sys_umount2(uint64_t target, uint64_t flags, uint64_t a3, uint64_t a4, uint64_t a5,
		 uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	if (flags & ~(uint64_t)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	char *target_path;
	long err = directory_path(target, !(flags & UMOUNT_NOFOLLOW), &target_path);
	if (err)
		return err == -ENOTDIR ? -EINVAL : err; /* a file is no mount point */
	err = mount_remove(target_path);
	kfree(target_path);
	return err;
}
