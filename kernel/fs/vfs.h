/* The file system: inodes, open files and path names. The RAM file system
 * (fs/ramfs.c) is the root, holding what the initramfs unpacked; its namespace calls
 * are made directly. Another file system (/proc, proc/procfs.c) hangs a directory of
 * its own in that tree (path_mount) and answers for the directories below it through
 * struct inode_ops. Open files go through a table of their own (struct file_ops):
 * regular files, directories, devices, pipes, /proc's files.
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
struct inode;
struct dir_sink;
struct pipe;

struct file_ops {
	/* buf is a user address: copy with arch/usercopy.h. A return below 0 is -errno. */
	long (*read)(struct file *f, uintptr_t buf, size_t n);
	long (*write)(struct file *f, uintptr_t buf, size_t n);
	/* write's work from a kernel buffer, for sendfile; NULL: sendfile cannot write to
	 * it (EINVAL). */
	long (*write_kernel)(struct file *f, const void *buf, size_t n);
	long (*ioctl)(struct file *f, unsigned cmd, uintptr_t arg);
	void (*release)(struct file *f); /* the last descriptor closed */
	/* poll(2): POLLIN, POLLOUT, POLLHUP, POLLERR as the file stands now; with
	 * interrupts off, so spinlocks only. NULL: always ready (files, devices). */
	unsigned (*poll)(struct file *f);
	/* pread64: n bytes at *offset, which moves on. NULL: read ignores the offset
	 * (devices). Regular files of the RAM file system have their own way. */
	long (*pread)(struct file *f, uintptr_t buf, size_t n, uint64_t *offset);
	bool seekable; /* else lseek gives ESPIPE (ttys, pipes) */
};

/* A file system other than the RAM one: its directories answer lookups and
 * getdents themselves, with fs_lock held. Its inodes are made by each lookup, hold
 * a reference to their parent directory (for "..") and are freed with their last
 * reference (inode_new). */
struct inode_ops {
	/* The entry `name` (len bytes) of directory `dir`: a new reference, or -ENOENT. */
	int (*lookup)(struct inode *dir, const char *name, size_t len, struct inode **out);
	/* getdents: the entries at positions `from` (2 or more: "." and ".." are done
	 * for it) and on, put with dir_emit until it says false; the position to go on
	 * from next time. */
	uint64_t (*list)(struct inode *dir, uint64_t from, struct dir_sink *sink);
	/* The name `child` has in its parent directory (getcwd, /proc/PID/fd's links). */
	void (*name)(const struct inode *child, char *buf, size_t size);
	uint64_t dev; /* st_dev of its inodes */
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
	uint64_t data_version; /* a regular file's bytes: new (from one count for all
				* files) at each change, the page cache's key */
	uint32_t rdev;	       /* devices: major << 8 | minor (Linux's numbers) */
	struct timestamp atime, mtime, ctime;
	int refs;		      /* open files, working directories, lookups under way */
	int writers;		      /* open files that may write it: exec says ETXTBSY then */
	const struct file_ops *fops;  /* NULL: by its type (regular, directory, device) */
	const struct inode_ops *iops; /* another file system's inode; NULL: the RAM one's */
	/* A directory's "..": the RAM file system's directories do not count it as a
	 * reference; another file system's inodes (files too) do. */
	struct inode *parent;
	/* The RAM file system's own. */
	struct list_node entries; /* a directory: struct dir_entry, in creation order */
	uint64_t next_position;	  /* a directory: the next entry's position (getdents) */
	uint8_t **pages;	  /* a regular file: its data, a page each (NULL: zeroes) */
	size_t pages_held;	  /* how many of those there are */
	const uint8_t *image;	  /* or its bytes in the initramfs, read in place until changed */
	size_t page_slots;
	char *target;	   /* a symbolic link */
	struct pipe *fifo; /* a FIFO: its pipe while it is open (fs/pipe.c) */
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
	unsigned seen;	/* a FIFO's read end: the writers' opens it has seen (poll) */
};

extern struct mutex fs_lock;

/* The root directory; made by fs_init. */
struct inode *fs_root(void);
void fs_init(void);

/* ---- inodes (fs/ramfs.c) --------------------------------------------------------- */

void inode_get(struct inode *inode);
void inode_put(struct inode *inode);	    /* frees it once unlinked and unused */
void inode_put_locked(struct inode *inode); /* the same, fs_lock held */
void inode_now(struct timestamp *t);

/* Another file system's inode: number `ino`, `mode`, in directory `parent` (which
 * it takes a reference of), one reference for the caller, owned by root, times now.
 * NULL when memory ran out. */
struct inode *inode_new(const struct inode_ops *iops, uint64_t ino, uint32_t mode,
			struct inode *parent);

/* getdents's output, for inode_ops.list: one record for entry `name`, `mode` saying
 * its type, `next` the position after it. False when it does not fit: stop there. */
bool dir_emit(struct dir_sink *sink, uint64_t ino, uint32_t mode, const char *name, uint64_t next);

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
/* linkat's other forms: the file found already (a link followed, or a descriptor's). */
int path_link_inode(struct inode *inode, struct inode *new_base, const char *new_path);
int path_unlink(struct inode *base, const char *path, bool directory);
int path_rename(struct inode *old_base, const char *old, struct inode *new_base,
		const char *new_path);
/* rename with RENAME_NOREPLACE: -EEXIST when the new name exists. */
int path_rename_noreplace(struct inode *old_base, const char *old, struct inode *new_base,
			  const char *new_path);

/* path_lookup following every link, and the absolute path of what it found into
 * `real` (size bytes; links resolved, as /proc/PID/exe shows it). */
int path_lookup_real(struct inode *base, const char *path, struct inode **out, char *real,
		     size_t size);

/* The absolute path of directory `dir` into buf (size bytes); its length with the
 * NUL, or -errno (ENOENT once removed, ERANGE if it does not fit). */
long path_of(struct inode *dir, char *buf, size_t size);
long path_of_locked(struct inode *dir, char *buf, size_t size);

/* A name of any inode, as an absolute path (fs_lock held): a directory's path, or
 * the path of a name of a file, found by searching the tree (one of them, for a file
 * with several); -ENOENT for a file in no directory (removed, a pipe). */
long path_name_of_locked(struct inode *inode, char *buf, size_t size);

/* Puts `root`, another file system's root directory, at `path` (as mount(2) would):
 * in place of an empty directory there, if there is one. */
int path_mount(const char *path, struct inode *root);

/* ---- the RAM file system's data (fs/ramfs.c), fs_lock held ---------------------- */
/* Kernel buffers only: no user copy ever runs under fs_lock (a fault on a program's
 * page may read its file, and so need the lock). */

long ramfs_read(struct inode *inode, uint64_t offset, void *buf, size_t n);
long ramfs_write(struct inode *inode, uint64_t offset, const void *buf, size_t n);
int ramfs_truncate(struct inode *inode, uint64_t size);
/* fallocate: pages for [offset, offset + len), zeroed where new; the size grows to
 * cover them unless keep_size. Or a hole there: whole pages go, the rest is zeroed.
 * -ENOSPC when memory will not hold them. */
int ramfs_allocate(struct inode *inode, uint64_t offset, uint64_t len, bool keep_size);
int ramfs_punch_hole(struct inode *inode, uint64_t offset, uint64_t len);
/* A new file's contents: `size` bytes at `data`, which stay where they are (the
 * initramfs in the kernel image) and are copied only when the file first changes. */
void ramfs_attach_image(struct inode *inode, const uint8_t *data, uint64_t size);

/* Frames holding file data (/proc/meminfo's Cached and Shmem, as Linux counts tmpfs). */
uint64_t fs_data_pages(void);

/* Reads the file into a kernel buffer (exec), taking fs_lock. */
long fs_read_kernel(struct inode *inode, uint64_t offset, void *buf, size_t n);

/* statfs(2) for the RAM file system (<asm/statfs.h>): Linux's tmpfs, sized by free
 * memory. Takes fs_lock. */
struct statfs;
void fs_statfs(struct statfs *st);
