/* Waiting on many files at once (poll, ppoll, select, pselect6: sys/poll.c and
 * sys/select.c). A file says what it is ready for through file_ops.poll; files that
 * can change state (ttys, pipes) call poll_notify when they do, which wakes every
 * poller to look again. One queue for all: pollers are few, and a spurious wake-up
 * costs one scan. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "../sched/wait.h"

extern struct wait_queue poll_waiters;

/* Something may have become readable or writable: pollers look again. From any
 * context, interrupt handlers included. */
void poll_notify(void);

/* Calls scan(ctx), which asks files' poll with interrupts off and counts what is
 * ready, until it finds something, the deadline passes (clock_ns; 0: none) or a
 * signal is pending; once only with `no_wait`. Each round marks the task asleep on
 * poll_waiters before it looks, so a change after the look wakes it. Returns the
 * count, 0 at the deadline, or -ERESTARTNOHAND (lib/restart.h) for a signal. */
long poll_wait(int (*scan)(void *ctx), void *ctx, uint64_t deadline_ns, bool no_wait);

/* What is left until a deadline on clock_ns, or 0 once it has passed. */
uint64_t poll_time_left(uint64_t deadline_ns);

/* The deadline `ns` from now, saturating: no overflow for a timeout of centuries. */
uint64_t poll_deadline_in(uint64_t ns);
