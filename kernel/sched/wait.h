/* Wait queues: tasks sleep on one until another task, or an interrupt handler, wakes
 * them. The sleeper re-checks its condition after marking itself asleep, and a
 * wake-up marks it running again, so a wake-up between the check and the switch is
 * never lost. */
#pragma once

#include <stdbool.h>

#include "../lib/list.h"
#include "../sync/spinlock.h"
#include "sched.h"

struct task;

struct wait_queue {
	struct spinlock lock;
	struct list_node waiters;
};

struct waiter {
	struct task *task;
	struct list_node link;
};

#define WAIT_QUEUE_INIT(name)                            \
	{                                                \
		SPINLOCK_INIT, LIST_INIT((name).waiters) \
	}

void wait_queue_init(struct wait_queue *wq);

/* LOCK_DEBUG (all builds but make RELEASE=1): sleeping where it is not allowed
 * (an interrupt handler, interrupts off) panics instead of wrecking the scheduler. */
#ifndef LOCK_DEBUG
#define LOCK_DEBUG 1
#endif

/* The steps of wait_event. wait_prepare_locked queues the waiter (unless it is
 * queued) and marks the task asleep, and returns with the queue's lock held;
 * wait_finish_locked takes it off the queue, marks it running and unlocks. */
uint64_t wait_prepare_locked(struct wait_queue *wq, struct waiter *w);
void wait_finish_locked(struct wait_queue *wq, struct waiter *w, uint64_t flags);
void wait_check_may_sleep(const char *what);

/* The same without the lock held in between, for a waiter that checks its
 * condition under a lock of its own and is only ever woken with WAKE_ALL. */
void wait_prepare(struct wait_queue *wq, struct waiter *w);
void wait_finish(struct wait_queue *wq, struct waiter *w);

/* Sleeps until `cond` is true. Only from a task, with interrupts on. `cond` is
 * evaluated under the queue's lock with interrupts off, and on success the waiter
 * leaves the queue before the lock is let go: a wake-up of one waiter can never be
 * spent on a task that no longer waits. So `cond` must be short, must not sleep,
 * and may take only spinlocks that are not held while this queue is woken. */
#define wait_event(wq, cond)                                                                 \
	do {                                                                                 \
		struct waiter wait_event_w_ = {0};                                           \
		wait_check_may_sleep("wait_event");                                          \
		for (;;) {                                                                   \
			uint64_t wait_event_f_ = wait_prepare_locked(&(wq), &wait_event_w_); \
			if (cond) {                                                          \
				wait_finish_locked(&(wq), &wait_event_w_, wait_event_f_);    \
				break;                                                       \
			}                                                                    \
			spin_unlock_irqrestore(&(wq).lock, wait_event_f_);                   \
			schedule();                                                          \
		}                                                                            \
	} while (0)

/* Wakes the first `count` waiters (they run when the scheduler picks them), or every
 * waiter for WAKE_ALL. From any context, interrupt handlers included. Returns how
 * many it woke. */
#define WAKE_ALL (~0u)
unsigned wake_up(struct wait_queue *wq, unsigned count);
