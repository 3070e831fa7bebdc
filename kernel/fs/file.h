/* Open files and descriptor tables. A struct file is one open(2): its offset and
 * flags, shared by the descriptors dup and fork make. A descriptor table maps a
 * process's small numbers to open files, with close-on-exec marks. */
#pragma once

#include "../sync/spinlock.h"
#include "vfs.h"

#define FD_MAX 1024 /* descriptors per process: Linux's default RLIMIT_NOFILE */

struct fd_table {
	struct spinlock lock;
	int limit; /* RLIMIT_NOFILE's soft limit, at most FD_MAX: new descriptors lie below */
	struct file *files[FD_MAX];
	uint64_t close_on_exec[FD_MAX / 64];
};

/* An open file for `inode` (which it takes a reference of) with open(2)'s flags;
 * -ENXIO for a device nobody drives. */
int file_open(struct inode *inode, unsigned flags, struct file **out);
struct file *file_new(struct inode *inode, const struct file_ops *ops, unsigned flags);
void file_get(struct file *f);
void file_put(struct file *f); /* the last one releases it */

/* pread64/pwrite64: n bytes at `offset`, the file's own offset left alone (devices
 * ignore the offset). */
long file_transfer_at(struct file *f, uintptr_t buf, size_t n, uint64_t offset, bool writing);

/* sendfile(2)'s transfer: up to `count` bytes of regular file `in` from *pos, which
 * moves on, to `out` through its write_kernel. Bytes sent, or -errno if none were. */
long file_send(struct file *in, uint64_t *pos, struct file *out, size_t count);

/* fallocate(2)'s two modes on a regular file: pages made (the size grown unless
 * keep_size), or a hole punched. */
int inode_fallocate(struct inode *inode, uint64_t offset, uint64_t len, bool punch, bool keep_size);

/* truncate(2): a regular file's new size. */
int inode_truncate(struct inode *inode, uint64_t size);

/* Seeks as lseek(2) says; the new offset, or -errno (ESPIPE where it cannot). */
long file_seek(struct file *f, int64_t offset, int whence);

/* getdents64(2): as many linux_dirent64 records as fit in `size` bytes at user
 * address `buf`; bytes written, 0 at the end, or -errno. */
long file_getdents(struct file *f, uintptr_t buf, size_t size);

/* Fills a struct stat (<asm/stat.h>) for `inode`. */
struct stat;
void inode_stat(const struct inode *inode, struct stat *st);

/* ---- descriptor tables --------------------------------------------------------- */

struct fd_table *fd_table_new(void);
struct fd_table *fd_table_copy(struct fd_table *from); /* fork: the same open files */
void fd_table_free(struct fd_table *t);		       /* closes all */
void fd_close_on_exec(struct fd_table *t);

/* Puts `f` (its reference passes to the table) at the lowest free descriptor from
 * `lowest` on; the descriptor, or -EMFILE. */
int fd_install(struct fd_table *t, struct file *f, int lowest, bool close_on_exec);

/* dup2/dup3: puts `f` at descriptor `fd`, closing what was there. */
int fd_install_at(struct fd_table *t, struct file *f, int fd, bool close_on_exec);

/* The open file at `fd` with a reference for the caller, or NULL (EBADF). */
struct file *fd_get(struct fd_table *t, int fd);
int fd_close(struct fd_table *t, int fd);
bool fd_get_close_on_exec(struct fd_table *t, int fd);
void fd_set_close_on_exec(struct fd_table *t, int fd, bool on);
