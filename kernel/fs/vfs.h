/* The file system: inodes, open files and path names. One file system for now, the
 * RAM file system (fs/ramfs.c) as root, holding what the initramfs unpacked; its
 * namespace calls are made directly, not through a table (a second file system
 * brings struct inode_ops). Open files do go through a table of their own
 * (struct file_ops): regular files, directories, devices, pipes.
 *
 * Locking: one sleeping lock, fs_lock, for every namespace change and lookup and for
 * the RAM file system's data. Device and pipe reads, which may wait for a long time,
 * run without it. One lock for all CPUs (docs/ARCHITECTURE.md).
 *
 * Everyone is root: modes and owners are kept and shown, not enforced, except that
 * exec needs an execute bit, as for root on Linux. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/list.h"
#include "../sched/mutex.h"

#define NAME_MAX    255	 /* <linux/limits.h> */
#define PATH_MAX    4096 /* <linux/limits.h>, with the NUL */
#define SYMLINK_MAX 40	 /* links followed in one lookup, as Linux's MAXSYMLINKS */

struct file;

struct file_ops {
	/* buf is a user address: copy with arch/usercopy.h. A return below 0 is -errno. */
	long (*read)(struct file *f, uintptr_t buf, size_t n);
	long (*write)(struct file *f, uintptr_t buf, size_t n);
	long (*ioctl)(struct file *f, unsigned cmd, uintptr_t arg);
	void (*release)(struct file *f); /* the last descriptor closed */
	/* poll(2): POLLIN, POLLOUT, POLLHUP, POLLERR as the file stands now; with
	 * interrupts off, so spinlocks only. NULL: always ready (files, devices). */
	unsigned (*poll)(struct file *f);
	bool seekable; /* else lseek gives ESPIPE (ttys, pipes) */
};

struct timestamp {
	int64_t sec;
	int64_t nsec;
};

struct inode {
	uint64_t ino;
	uint32_t mode; /* S_IF* and the permission bits (<linux/stat.h>) */
	uint32_t nlink;
	uint32_t uid, gid;
	uint64_t size;
	uint32_t rdev; /* devices: major << 8 | minor (Linux's numbers) */
	struct timestamp atime, mtime, ctime;
	int refs;    /* open files, working directories, lookups under way */
	int writers; /* open files that may write it: exec says ETXTBSY then */
	const struct file_ops *fops;
	/* The RAM file system's own. */
	struct list_node entries; /* a directory: struct dir_entry, in creation order */
	struct inode *parent;	  /* a directory: its ".." */
	uint64_t next_position;	  /* a directory: the next entry's position (getdents) */
	uint8_t **pages;	  /* a regular file: its data, a page each (NULL: zeroes) */
	const uint8_t *image;	  /* or its bytes in the initramfs, read in place until changed */
	size_t page_slots;
	char *target; /* a symbolic link */
};

struct dir_entry {
	struct list_node link;
	struct inode *inode;
	uint64_t position; /* its getdents offset: rising in list order, never reused */
	char name[];	   /* NUL-terminated */
};

struct file {
	struct inode *inode;
	const struct file_ops *ops;
	uint64_t offset;
	unsigned flags; /* O_ACCMODE, O_APPEND, O_NONBLOCK (<asm-generic/fcntl.h>) */
	int refs;	/* descriptors that share it (dup, fork) */
	void *private;	/* pipes: their buffer */
};

extern struct mutex fs_lock;

/* The root directory; made by fs_init. */
struct inode *fs_root(void);
void fs_init(void);

/* ---- inodes (fs/ramfs.c) --------------------------------------------------------- */

void inode_get(struct inode *inode);
void inode_put(struct inode *inode); /* frees it once unlinked and unused */
void inode_now(struct timestamp *t);

/* ---- path names (fs/namei.c); all take fs_lock themselves ------------------------ */

#define LOOKUP_FOLLOW 1 /* follow a symbolic link in the last component too */

/* The inode `path` names, relative to `base` (a directory) unless absolute; a
 * reference the caller puts. Returns 0 or -errno (ENOENT, ENOTDIR, ELOOP,
 * ENAMETOOLONG). */
int path_lookup(struct inode *base, const char *path, unsigned flags, struct inode **out);

/* Makes a directory entry `path` for a new inode of `mode` (regular file, directory,
 * symlink with `target`, or device with `rdev`). EEXIST if the name is taken. */
int path_create(struct inode *base, const char *path, uint32_t mode, uint32_t rdev,
		const char *target, struct inode **out);
/* open(2)'s part in the namespace: finds `path`, or creates a regular file with
 * `mode` under O_CREAT, and applies O_EXCL, O_NOFOLLOW, O_DIRECTORY and O_TRUNC. */
int path_open(struct inode *base, const char *path, unsigned flags, uint32_t mode,
	      struct inode **out);
int path_link(struct inode *old_base, const char *old, struct inode *new_base,
	      const char *new_path);
int path_unlink(struct inode *base, const char *path, bool directory);
int path_rename(struct inode *old_base, const char *old, struct inode *new_base,
		const char *new_path);
/* rename with RENAME_NOREPLACE: -EEXIST when the new name exists. */
int path_rename_noreplace(struct inode *old_base, const char *old, struct inode *new_base,
			  const char *new_path);

/* The absolute path of directory `dir` into buf (size bytes); its length with the
 * NUL, or -errno (ENOENT once removed, ERANGE if it does not fit). */
long path_of(struct inode *dir, char *buf, size_t size);

/* ---- the RAM file system's data (fs/ramfs.c), fs_lock held ---------------------- */
/* Kernel buffers only: no user copy ever runs under fs_lock (a fault on a program's
 * page may read its file, and so need the lock). */

long ramfs_read(struct inode *inode, uint64_t offset, void *buf, size_t n);
long ramfs_write(struct inode *inode, uint64_t offset, const void *buf, size_t n);
int ramfs_truncate(struct inode *inode, uint64_t size);
/* A new file's contents: `size` bytes at `data`, which stay where they are (the
 * initramfs in the kernel image) and are copied only when the file first changes. */
void ramfs_attach_image(struct inode *inode, const uint8_t *data, uint64_t size);

/* Reads the file into a kernel buffer (exec), taking fs_lock. */
long fs_read_kernel(struct inode *inode, uint64_t offset, void *buf, size_t n);
