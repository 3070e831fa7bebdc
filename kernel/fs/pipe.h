/* Pipes and FIFOs: a ring between a read end and a write end, of 64 KiB (Linux's default pipe
 * capacity) until F_SETPIPE_SZ changes it. Readers wait for data and see end of
 * file once every writer has closed; writers wait for room, and get EPIPE and
 * SIGPIPE once every reader has. Writes of at most PIPE_BUF (4096) bytes are never
 * interleaved with others. */
#pragma once

#include "vfs.h"

/* Both ends, each with a reference for the caller; `flags` may hold O_NONBLOCK. */
int pipe_create(unsigned flags, struct file **read_end, struct file **write_end);

/* Opens FIFO `inode` (a named pipe) as open(2)'s flags say: its pipe is made by its
 * first open and goes with its last close. A reader waits for a writer and the other
 * way round, unless O_NONBLOCK (then a writer with no reader gets ENXIO); opened
 * O_RDWR it waits for no one. -ERESTARTSYS if a signal comes first. */
int pipe_open_fifo(struct inode *inode, unsigned flags, struct file **out);

/* Whether an open file is either end of a pipe or a FIFO; an anonymous pipe's. */
bool pipe_is(const struct file *f);
bool pipe_is_anonymous(const struct file *f);

/* F_GETPIPE_SZ and F_SETPIPE_SZ: the capacity in bytes, or -errno (EBADF for what is
 * not a pipe). */
long pipe_get_size(struct file *f);
long pipe_set_size(struct file *f, unsigned long size);
