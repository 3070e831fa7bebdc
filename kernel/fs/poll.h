/* Waiting on many files at once (poll(2), sys/poll.c). A file says what it is ready
 * for through file_ops.poll; files that can change state (ttys, pipes) call
 * poll_notify when they do, which wakes every poller to look again. One queue for
 * all: pollers are few, and a spurious wake-up costs one scan. */
#pragma once

#include "../sched/wait.h"

extern struct wait_queue poll_waiters;

/* Something may have become readable or writable: pollers look again. From any
 * context, interrupt handlers included. */
void poll_notify(void);
