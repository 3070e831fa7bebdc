/* Open files (regular files and directories of the RAM file system; devices through
 * fs/devices.c) and descriptor tables. */
#include "file.h"

#include <asm-generic/errno.h>
#include <asm-generic/fcntl.h>
#include <asm/stat.h>
#include <linux/fs.h>
#include <linux/stat.h>

#include "../arch/usercopy.h"
#include "../lib/bitmap.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "../mm/paging.h"
#include "../sched/sched.h"
#include "../sched/task.h"
#include "devices.h"
#include "pipe.h"

/* ---- regular files and directories ------------------------------------------------ */

/* Regular files go through a kernel buffer, a chunk at a time: fs_lock is never
 * held across a user copy (vfs.h). The buffer is the task's own, made on its first
 * call and kept until it ends: a fresh one each call was a heap page mapped and
 * unmapped (4 KiB is a large block), and the kernel stack has no room for a page.
 * A task is in here once at most: a page fault in its user copies never comes back
 * through regular_io. */
#define CHUNK 4096

/* n bytes between the user's buf and the file at *offset, which moves on. With
 * `append`, each chunk goes at the end of the file (O_APPEND). */
static long regular_io(struct inode *inode, uintptr_t buf, size_t n, uint64_t *offset, bool writing,
		       bool append)
{
	struct task *self = current_task();
	if (!self->bounce && !(self->bounce = kmalloc(CHUNK)))
		return -ENOMEM;
	uint8_t *bounce = self->bounce;
	size_t done = 0;
	long err = 0;
	bool faulted = false;
	while (done < n && !faulted) {
		size_t want = n - done < CHUNK ? n - done : CHUNK;
		if (writing) { /* as Linux: what can be read of the buffer is written */
			size_t got = copy_from_user_partial(bounce, buf + done, want);
			faulted = got < want;
			want = got;
			if (!want) {
				err = -EFAULT;
				break;
			}
		}
		mutex_lock(&fs_lock);
		if (append)
			*offset = inode->size;
		long moved = writing ? ramfs_write(inode, *offset, bounce, want)
				     : ramfs_read(inode, *offset, bounce, want);
		mutex_unlock(&fs_lock);
		if (moved <= 0) {
			err = moved;
			break;
		}
		if (!writing) { /* the bytes that reached the user count, and no more */
			size_t put = copy_to_user_partial(buf + done, bounce, (size_t)moved);
			if (put < (size_t)moved) {
				faulted = true;
				err = -EFAULT;
				moved = (long)put;
			}
		}
		*offset += (uint64_t)moved;
		done += (size_t)moved;
		if ((size_t)moved < want)
			break;
	}
	return done ? (long)done : err;
}

static long regular_read(struct file *f, uintptr_t buf, size_t n)
{
	return regular_io(f->inode, buf, n, &f->offset, false, false);
}

static long regular_write(struct file *f, uintptr_t buf, size_t n)
{
	return regular_io(f->inode, buf, n, &f->offset, true, f->flags & O_APPEND);
}

int inode_fallocate(struct inode *inode, uint64_t offset, uint64_t len, bool punch, bool keep_size)
{
	mutex_lock(&fs_lock);
	int err = punch ? ramfs_punch_hole(inode, offset, len)
			: ramfs_allocate(inode, offset, len, keep_size);
	mutex_unlock(&fs_lock);
	return err;
}

int inode_truncate(struct inode *inode, uint64_t size)
{
	mutex_lock(&fs_lock);
	int err = ramfs_truncate(inode, size);
	mutex_unlock(&fs_lock);
	return err;
}

static long directory_read(struct file *f, uintptr_t buf, size_t n)
{
	(void)f, (void)buf, (void)n;
	return -EISDIR;
}

/* At the file's offset, which moves on; at its end under O_APPEND. */
static long regular_write_kernel(struct file *f, const void *buf, size_t n)
{
	mutex_lock(&fs_lock);
	if (f->flags & O_APPEND)
		f->offset = f->inode->size;
	long moved = ramfs_write(f->inode, f->offset, buf, n);
	if (moved > 0)
		f->offset += (uint64_t)moved;
	mutex_unlock(&fs_lock);
	return moved;
}

long file_send(struct file *in, uint64_t *pos, struct file *out, size_t count)
{
	struct task *self = current_task();
	if (!self->bounce && !(self->bounce = kmalloc(CHUNK)))
		return -ENOMEM;
	size_t done = 0;
	long err = 0;
	while (done < count) {
		size_t want = count - done < CHUNK ? count - done : CHUNK;
		long got = fs_read_kernel(in->inode, *pos, self->bounce, want);
		if (got <= 0)
			break; /* the end of the file */
		long put = out->ops->write_kernel(out, self->bounce, (size_t)got);
		if (put < 0) {
			err = put;
			break;
		}
		*pos += (uint64_t)put;
		done += (size_t)put;
		if (put < got)
			break;
	}
	return done ? (long)done : err;
}

static const struct file_ops regular_ops = {.read = regular_read,
					    .write = regular_write,
					    .write_kernel = regular_write_kernel,
					    .seekable = true};
static const struct file_ops directory_ops = {.read = directory_read, .seekable = true};

long file_transfer_at(struct file *f, uintptr_t buf, size_t n, uint64_t offset, bool writing)
{
	if (f->ops == &regular_ops) /* as Linux: pwrite on an O_APPEND file appends */
		return regular_io(f->inode, buf, n, &offset, writing,
				  writing && (f->flags & O_APPEND));
	if (!writing && f->ops->pread)
		return f->ops->pread(f, buf, n, &offset);
	return writing ? f->ops->write(f, buf, n) : f->ops->read(f, buf, n);
}

struct file *file_new(struct inode *inode, const struct file_ops *ops, unsigned flags)
{
	struct file *f = kcalloc(1, sizeof *f);
	if (!f)
		return 0;
	f->inode = inode;
	if (inode)
		inode_get(inode);
	f->ops = ops;
	f->flags = flags & (O_ACCMODE | O_APPEND | O_NONBLOCK);
	f->refs = 1;
	return f;
}

int file_open(struct inode *inode, unsigned flags, struct file **out)
{
	const struct file_ops *ops;
	if (inode->fops)
		ops = inode->fops;
	else if (S_ISREG(inode->mode))
		ops = &regular_ops;
	else if (S_ISDIR(inode->mode))
		ops = &directory_ops;
	else if (S_ISCHR(inode->mode) && (ops = device_ops(inode->rdev)))
		;
	else if (S_ISFIFO(inode->mode))
		return pipe_open_fifo(inode, flags, out);
	else
		return -ENXIO;
	struct file *f = file_new(inode, ops, flags);
	if (!f)
		return -ENOMEM;
	if (ops == &regular_ops && (flags & O_ACCMODE) != O_RDONLY)
		__atomic_add_fetch(&inode->writers, 1, __ATOMIC_RELAXED);
	*out = f;
	return 0;
}

void file_get(struct file *f)
{
	__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
}

void file_put(struct file *f)
{
	if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (f->ops->release)
		f->ops->release(f);
	if (f->inode && f->ops == &regular_ops && (f->flags & O_ACCMODE) != O_RDONLY)
		__atomic_sub_fetch(&f->inode->writers, 1, __ATOMIC_RELAXED);
	if (f->inode)
		inode_put(f->inode);
	kfree(f);
}

long file_seek(struct file *f, int64_t offset, int whence)
{
	if (!f->ops->seekable)
		return -ESPIPE;
	mutex_lock(&fs_lock);
	int64_t base = whence == SEEK_SET   ? 0
		       : whence == SEEK_CUR ? (int64_t)f->offset
		       : whence == SEEK_END ? (int64_t)(f->inode ? f->inode->size : 0)
					    : -1;
	long result;
	if (base < 0)
		result = -EINVAL;
	else if (offset < 0 && base + offset < 0)
		result = -EINVAL;
	else if (offset > 0 && base > INT64_MAX - offset)
		result = -EOVERFLOW;
	else
		result = (long)(f->offset = (uint64_t)(base + offset));
	mutex_unlock(&fs_lock);
	return result;
}

/* ---- getdents64 ------------------------------------------------------------------- */

/* Linux's struct linux_dirent64 (include/linux/dirent.h; not in the UAPI headers):
 * d_ino, d_off, d_reclen, d_type, then the name and a NUL, padded to 8 bytes.
 * d_type is the S_IF* type shifted down 12 (DT_DIR = 4, DT_REG = 8, ...). */
struct dirent64_head {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
} __attribute__((packed));

#define DIRENT_NAME_AT 19

#define DIRENTS_MAX (32 * 1024) /* records built per call, before the copy out */

/* Where getdents's records go: a kernel buffer, copied out after fs_lock. */
struct dir_sink {
	uint8_t *out;
	size_t size, at;
	bool full; /* a record did not fit */
};

bool dir_emit(struct dir_sink *sink, uint64_t ino, uint32_t mode, const char *name, uint64_t next)
{
	size_t len = strlen(name), reclen = (DIRENT_NAME_AT + len + 1 + 7) & ~(size_t)7;
	if (sink->at + reclen > sink->size) {
		sink->full = true;
		return false;
	}
	struct dirent64_head head = {ino, (int64_t)next, (uint16_t)reclen,
				     (uint8_t)((mode & S_IFMT) >> 12)};
	uint8_t *at = sink->out + sink->at;
	memset(at, 0, reclen);
	memcpy(at, &head, sizeof head);
	memcpy(at + DIRENT_NAME_AT, name, len);
	sink->at += reclen;
	return true;
}

/* The records at positions from `from` on into the sink; the position to go on from:
 * "." (0) and ".." (1), then the directory's own, each entry's position rising. */
static uint64_t list_entries(struct inode *dir, uint64_t from, struct dir_sink *sink)
{
	const struct inode *up = dir->parent ? dir->parent : dir;
	if (from == 0 && !dir_emit(sink, dir->ino, dir->mode, ".", 1))
		return 0;
	if (from <= 1 && !dir_emit(sink, up->ino, up->mode, "..", 2))
		return 1;
	if (from < 2)
		from = 2;
	if (dir->iops)
		return dir->iops->list(dir, from, sink);
	const struct list_node *node;
	list_for_each(node, &dir->entries)
	{
		const struct dir_entry *e = list_entry(node, struct dir_entry, link);
		if (e->position < from)
			continue;
		if (!dir_emit(sink, e->inode->ino, e->inode->mode, e->name, e->position + 1))
			return e->position;
		from = e->position + 1;
	}
	return from;
}

/* The offset is the position of the next entry: 0 is ".", 1 "..", then each entry's
 * own, given when it was made and rising in list order. So removing entries while
 * reading (rm -r does) skips nothing and repeats nothing. A directory removed while
 * open reads as ENOENT, as on Linux. */
long file_getdents(struct file *f, uintptr_t buf, size_t size)
{
	struct inode *dir = f->inode;
	if (!dir || !S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (size == 0)
		return -EINVAL; /* too small for any record, as Linux says */
	struct dir_sink sink = {.size = size < DIRENTS_MAX ? size : DIRENTS_MAX};
	if (!(sink.out = kmalloc(sink.size)))
		return -ENOMEM;
	mutex_lock(&fs_lock);
	uint64_t next = 0;
	bool removed = dir->nlink == 0;
	if (!removed)
		next = list_entries(dir, f->offset, &sink);
	mutex_unlock(&fs_lock);
	long result = removed	  ? -ENOENT
		      : sink.at	  ? (long)sink.at
		      : sink.full ? -EINVAL
				  : 0; /* EINVAL: no record fits */
	if (sink.at && !copy_to_user(buf, sink.out, sink.at))
		result = -EFAULT;
	else if (sink.at)
		f->offset = next;
	kfree(sink.out);
	return result;
}

void inode_stat(const struct inode *inode, struct stat *st)
{
	memset(st, 0, sizeof *st);
	st->st_dev = inode->iops ? inode->iops->dev : 1;
	st->st_ino = inode->ino;
	st->st_nlink = inode->nlink;
	st->st_mode = inode->mode;
	st->st_uid = inode->uid;
	st->st_gid = inode->gid;
	st->st_rdev = inode->rdev;
	st->st_size = (long)inode->size;
	st->st_blksize = 4096;
	/* 512-byte blocks of the pages it holds, as tmpfs counts (read in place from the
	 * initramfs: the pages it spans) */
	size_t pages = inode->image ? (inode->size + PAGE_SIZE - 1) / PAGE_SIZE : inode->pages_held;
	st->st_blocks = (long)(pages * (PAGE_SIZE / 512));
	st->st_atime = (unsigned long)inode->atime.sec;
	st->st_atime_nsec = (unsigned long)inode->atime.nsec;
	st->st_mtime = (unsigned long)inode->mtime.sec;
	st->st_mtime_nsec = (unsigned long)inode->mtime.nsec;
	st->st_ctime = (unsigned long)inode->ctime.sec;
	st->st_ctime_nsec = (unsigned long)inode->ctime.nsec;
}

/* ---- descriptor tables ------------------------------------------------------------ */

struct fd_table *fd_table_new(void)
{
	struct fd_table *t = kcalloc(1, sizeof *t);
	if (t) {
		spin_lock_init(&t->lock);
		t->limit = FD_MAX;
	}
	return t;
}

struct fd_table *fd_table_copy(struct fd_table *from)
{
	struct fd_table *t = fd_table_new();
	if (!t)
		return 0;
	uint64_t flags = spin_lock_irqsave(&from->lock);
	for (int fd = 0; fd < FD_MAX; fd++)
		if ((t->files[fd] = from->files[fd]))
			file_get(t->files[fd]);
	memcpy(t->close_on_exec, from->close_on_exec, sizeof t->close_on_exec);
	t->limit = from->limit;
	spin_unlock_irqrestore(&from->lock, flags);
	return t;
}

void fd_table_free(struct fd_table *t)
{
	for (int fd = 0; fd < FD_MAX; fd++)
		if (t->files[fd])
			file_put(t->files[fd]);
	kfree(t);
}

void fd_close_on_exec(struct fd_table *t)
{
	for (int fd = 0; fd < FD_MAX; fd++)
		if (bitmap_test(t->close_on_exec, (uint64_t)fd))
			fd_close(t, fd);
}

static void set_cloexec_locked(struct fd_table *t, int fd, bool on)
{
	if (on)
		bitmap_set(t->close_on_exec, (uint64_t)fd);
	else
		bitmap_clear(t->close_on_exec, (uint64_t)fd);
}

int fd_install(struct fd_table *t, struct file *f, int lowest, bool close_on_exec)
{
	uint64_t flags = spin_lock_irqsave(&t->lock);
	int fd = lowest, limit = t->limit;
	while (fd < limit && t->files[fd])
		fd++;
	if (fd < limit) {
		t->files[fd] = f;
		set_cloexec_locked(t, fd, close_on_exec);
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return fd < limit ? fd : -EMFILE;
}

int fd_install_at(struct fd_table *t, struct file *f, int fd, bool close_on_exec)
{
	if (fd < 0 || fd >= __atomic_load_n(&t->limit, __ATOMIC_RELAXED))
		return -EBADF; /* as Linux: dup2 past RLIMIT_NOFILE */
	uint64_t flags = spin_lock_irqsave(&t->lock);
	struct file *old = t->files[fd];
	t->files[fd] = f;
	set_cloexec_locked(t, fd, close_on_exec);
	spin_unlock_irqrestore(&t->lock, flags);
	if (old)
		file_put(old);
	return fd;
}

struct file *fd_get(struct fd_table *t, int fd)
{
	if (fd < 0 || fd >= FD_MAX)
		return 0;
	uint64_t flags = spin_lock_irqsave(&t->lock);
	struct file *f = t->files[fd];
	if (f)
		file_get(f);
	spin_unlock_irqrestore(&t->lock, flags);
	return f;
}

int fd_close(struct fd_table *t, int fd)
{
	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	uint64_t flags = spin_lock_irqsave(&t->lock);
	struct file *f = t->files[fd];
	t->files[fd] = 0;
	set_cloexec_locked(t, fd, false);
	spin_unlock_irqrestore(&t->lock, flags);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

bool fd_get_close_on_exec(struct fd_table *t, int fd)
{
	return fd >= 0 && fd < FD_MAX && bitmap_test(t->close_on_exec, (uint64_t)fd);
}

void fd_set_close_on_exec(struct fd_table *t, int fd, bool on)
{
	uint64_t flags = spin_lock_irqsave(&t->lock);
	if (fd >= 0 && fd < FD_MAX && t->files[fd])
		set_cloexec_locked(t, fd, on);
	spin_unlock_irqrestore(&t->lock, flags);
}
