/* The root file system: an empty RAM file system made at boot, /dev with its
 * devices, then the initramfs (a newc cpio archive the build put into the kernel
 * image, fs/initramfs_image.asm) unpacked into it, as Linux's init/initramfs.c does.
 * A damaged archive is reported with the byte where it went wrong; what came
 * before it stays unpacked. */
#include <asm-generic/errno.h>
#include <linux/stat.h>

#include "../console.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "cpio.h"
#include "devices.h"
#include "mount.h"
#include "ramfs.h"
#include "vfs.h"

static struct inode *root; /* ramfs_root(), for short */

/* fs/initramfs_image.asm */
extern const uint8_t initramfs_start[], initramfs_end[];

/* Hard links in the archive: members with the same inode number after the first. */
struct seen {
	uint32_t ino;
	char *path;
};

static const char *seen_path(struct seen *seen, size_t count, uint32_t ino)
{
	for (size_t i = 0; i < count; i++)
		if (seen[i].ino == ino)
			return seen[i].path;
	return 0;
}

static void set_attributes(const char *path, const struct cpio_member *m)
{
	struct inode *inode;
	if (path_lookup(root, path, 0, &inode) != 0)
		return;
	mutex_lock(&fs_lock);
	inode->mode = (inode->mode & S_IFMT) | (m->mode & 07777);
	inode->uid = m->uid;
	inode->gid = m->gid;
	inode->mtime.sec = m->mtime;
	inode->mtime.nsec = 0;
	inode_put_locked(inode);
	mutex_unlock(&fs_lock);
}

/* The file's bytes stay in the archive, in the kernel image: no copy at boot, and
 * the image's memory serves the files instead of lying idle. */
static int write_data(struct inode *inode, const struct cpio_member *m)
{
	mutex_lock(&fs_lock);
	ramfs_attach_image(inode, m->data, m->size);
	mutex_unlock(&fs_lock);
	return 0;
}

static int unpack_regular(const char *path, const struct cpio_member *m, struct seen **seen,
			  size_t *seen_count)
{
	const char *first = m->nlink > 1 ? seen_path(*seen, *seen_count, m->ino) : 0;
	struct inode *inode;
	int err;
	if (first) {
		if ((err = path_link(root, first, root, path)) ||
		    (err = path_lookup(root, path, 0, &inode)))
			return err;
	} else {
		if ((err = path_create(root, path, S_IFREG | (m->mode & 07777), 0, 0, &inode)))
			return err;
		if (m->nlink > 1) {
			struct seen *more = krealloc(*seen, (*seen_count + 1) * sizeof **seen);
			size_t len = strlen(path);
			char *copy = kmalloc(len + 1);
			if (more)
				*seen = more;
			if (more && copy) {
				memcpy(copy, path, len + 1);
				(*seen)[(*seen_count)++] = (struct seen){m->ino, copy};
			} else {
				kfree(copy);
			}
		}
	}
	err = m->size ? write_data(inode, m) : 0;
	inode_put(inode);
	if (!err)
		set_attributes(path, m); /* the archive's owner and date, as for the others */
	return err;
}

static int unpack_symlink(const char *path, const struct cpio_member *m)
{
	char *target = kmalloc((size_t)m->size + 1);
	if (!target)
		return -ENOMEM;
	memcpy(target, m->data, m->size);
	target[m->size] = 0;
	int err = path_create(root, path, S_IFLNK | 0777, 0, target, 0);
	kfree(target);
	return err;
}

static int unpack_one(const char *path, const struct cpio_member *m, struct seen **seen,
		      size_t *seen_count)
{
	uint32_t type = m->mode & S_IFMT;
	int err;
	switch (type) {
	case S_IFDIR:
		err = path_create(root, path, S_IFDIR | (m->mode & 07777), 0, 0, 0);
		if (err == -EEXIST)
			err = 0; /* /dev, or a directory named twice: keep it */
		break;
	case S_IFREG: return unpack_regular(path, m, seen, seen_count);
	case S_IFLNK: return unpack_symlink(path, m);
	case S_IFCHR:
	case S_IFBLK:
		err = path_create(root, path, type | (m->mode & 07777),
				  m->rdev_major << 8 | m->rdev_minor, 0, 0);
		if (err == -EEXIST)
			err = 0; /* the archive's /dev/console over ours: the same device */
		break;
	default: kprintf("initramfs: %s: a FIFO or socket, skipped\n", path); return 0;
	}
	if (!err)
		set_attributes(path, m);
	return err;
}

/* The member's name as an absolute path in buf, or NULL for the archive's ".". */
static const char *absolute(const char *name, char *buf, size_t size)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (*name == '/')
		name++;
	if (!*name || strcmp(name, ".") == 0 || strlen(name) + 2 > size)
		return 0;
	buf[0] = '/';
	memcpy(buf + 1, name, strlen(name) + 1);
	return buf;
}

static void unpack(const uint8_t *archive, size_t size)
{
	struct cpio_reader r;
	struct cpio_member m;
	struct seen *seen = 0;
	size_t seen_count = 0, files = 0, bytes = 0;
	static char path[PATH_MAX];
	cpio_begin(&r, archive, size);
	while (cpio_next(&r, &m)) {
		if (!absolute(m.name, path, sizeof path))
			continue;
		int err = unpack_one(path, &m, &seen, &seen_count);
		if (err)
			kprintf("initramfs: %s: not unpacked (error %d)\n", path, -err);
		files++;
		bytes += m.size;
	}
	for (size_t i = 0; i < seen_count; i++)
		kfree(seen[i].path);
	kfree(seen);
	if (r.error)
		kprintf("initramfs: %s at byte %zu of %zu; the %zu members before it are "
			"unpacked\n",
			r.error, r.error_at, size, files);
	else
		kprintf("initramfs: %zu files, %zu KiB\n", files, (bytes + 1023) / 1024);
}

void fs_init(void)
{
	root = ramfs_make_root();
	if (!root) {
		kprintf("fs: no memory for the root directory\n");
		return;
	}
	mount_add("rootfs", "/", "rootfs", true);
	int err = devices_populate();
	if (err)
		kprintf("fs: /dev not made (error %d)\n", -err);
	else
		mount_add("devtmpfs", "/dev", "devtmpfs",
			  true); /* what Linux's init mounts there */
	size_t size = (uintptr_t)initramfs_end - (uintptr_t)initramfs_start;
	if (size)
		unpack(initramfs_start, size);
}
