/* KTESTs for namei.c's paths of what a lookup found (test kernel only), and for the
 * directory another file system answers for: /proc, mounted at boot. */
#include <asm-generic/errno.h>
#include <linux/stat.h>

#include "../lib/string.h"
#include "../test/ktest.h"
#include "mount.h"
#include "vfs.h"

KTEST(path_lookup_real_resolves_links_and_any_name_of_a_file_is_found_again)
{
	struct inode *root = fs_root(), *file;
	char real[PATH_MAX];
	KEXPECT_EQ(path_create(root, "/ktest-real", S_IFDIR | 0755, 0, 0, 0), 0);
	KEXPECT_EQ(path_create(root, "/ktest-real/dir", S_IFDIR | 0755, 0, 0, 0), 0);
	KEXPECT_EQ(path_create(root, "/ktest-real/dir/file", S_IFREG | 0755, 0, 0, 0), 0);
	KEXPECT_EQ(path_create(root, "/ktest-real/link", S_IFLNK | 0777, 0, "dir/../dir/file", 0),
		   0);
	KEXPECT_EQ(path_lookup_real(root, "/ktest-real/link", &file, real, sizeof real), 0);
	KEXPECT_STR(real, "/ktest-real/dir/file");
	mutex_lock(&fs_lock);
	KEXPECT_EQ(path_name_of_locked(file, real, sizeof real), 21L);
	KEXPECT_STR(real, "/ktest-real/dir/file");
	KEXPECT_EQ(path_name_of_locked(file, real, 10), (long)-ERANGE);
	mutex_unlock(&fs_lock);
	inode_put(file);
	KEXPECT_EQ(path_unlink(root, "/ktest-real/link", false), 0);
	KEXPECT_EQ(path_unlink(root, "/ktest-real/dir/file", false), 0);
	KEXPECT_EQ(path_unlink(root, "/ktest-real/dir", true), 0);
	KEXPECT_EQ(path_unlink(root, "/ktest-real", true), 0);
}

KTEST(proc_is_another_file_system_whose_names_cannot_be_made_or_removed)
{
	struct inode *root = fs_root(), *inode;
	char path[PATH_MAX];
	KEXPECT_EQ(path_lookup(root, "/proc/meminfo", 0, &inode), 0);
	KEXPECT(S_ISREG(inode->mode) && inode->iops && inode->fops);
	mutex_lock(&fs_lock);
	KEXPECT_EQ(path_name_of_locked(inode, path, sizeof path), 14L);
	KEXPECT_STR(path, "/proc/meminfo");
	mutex_unlock(&fs_lock);
	inode_put(inode); /* made for the lookup: freed here */
	KEXPECT_EQ(path_lookup(root, "/proc/self", 0, &inode), -ENOENT); /* a kernel thread */
	KEXPECT_EQ(path_lookup(root, "/proc/nothing", 0, &inode), -ENOENT);
	KEXPECT_EQ(path_create(root, "/proc/x", S_IFDIR | 0755, 0, 0, 0), -ENOENT);
	KEXPECT_EQ(path_create(root, "/proc/meminfo", S_IFREG | 0644, 0, 0, 0), -EEXIST);
	KEXPECT_EQ(path_unlink(root, "/proc/meminfo", false), -EPERM);
	KEXPECT_EQ(path_unlink(root, "/proc", true), -EBUSY);
	KEXPECT_EQ(path_link(root, "/proc/meminfo", root, "/meminfo"), -EXDEV);
	KEXPECT_EQ(path_rename(root, "/proc", root, "/elsewhere"), -EBUSY);
	KEXPECT_EQ(path_rename(root, "/proc/uptime", root, "/uptime"), -EXDEV);
	KEXPECT_EQ(path_lookup(root, "/proc/..", 0, &inode), 0);
	KEXPECT(inode == root);
	inode_put(inode);
}

KTEST(the_mount_table_keeps_boots_mounts_and_forgets_others)
{
	char type[MOUNT_TYPE_MAX];
	KEXPECT(mount_type_at("/proc", type));
	KEXPECT_STR(type, "proc");
	KEXPECT(!mount_type_at("/ktest-mnt", type));
	KEXPECT_EQ(mount_add("none", "/ktest-mnt", "tmpfs", false), 0);
	KEXPECT(mount_type_at("/ktest-mnt", type));
	KEXPECT_STR(type, "tmpfs");
	KEXPECT_EQ(mount_remove("/ktest-mnt"), 0);
	KEXPECT_EQ(mount_remove("/ktest-mnt"), -EINVAL);
	KEXPECT_EQ(mount_remove("/proc"), -EBUSY);
	KEXPECT_EQ(mount_remove("/"), -EBUSY);
}
