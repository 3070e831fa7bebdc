/* Pipes: a ring between a read end and a write end, of 64 KiB (Linux's default pipe
 * capacity) until F_SETPIPE_SZ changes it. Readers wait for data and see end of
 * file once every writer has closed; writers wait for room, and get EPIPE and
 * SIGPIPE once every reader has. Writes of at most PIPE_BUF (4096) bytes are never
 * interleaved with others. */
#pragma once

#include "vfs.h"

/* Both ends, each with a reference for the caller; `flags` may hold O_NONBLOCK. */
int pipe_create(unsigned flags, struct file **read_end, struct file **write_end);

/* Whether an open file is either end of a pipe. */
bool pipe_is(const struct file *f);

/* F_GETPIPE_SZ and F_SETPIPE_SZ: the capacity in bytes, or -errno (EBADF for what is
 * not a pipe). */
long pipe_get_size(struct file *f);
long pipe_set_size(struct file *f, unsigned long size);
