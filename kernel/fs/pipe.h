/* Pipes: a 64 KiB ring between a read end and a write end (Linux's default pipe
 * capacity). Readers wait for data and see end of file once every writer has
 * closed; writers wait for room, and get EPIPE and SIGPIPE once every reader has.
 * Writes of at most PIPE_BUF (4096) bytes are never interleaved with others. */
#pragma once

#include "vfs.h"

/* Both ends, each with a reference for the caller; `flags` may hold O_NONBLOCK. */
int pipe_create(unsigned flags, struct file **read_end, struct file **write_end);

/* Whether an open file is either end of a pipe. */
bool pipe_is(const struct file *f);
