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

/* The steps of wait_event, for waits that need more than a condition. */
void wait_prepare(struct wait_queue *wq, struct waiter *w);
void wait_finish(struct wait_queue *wq, struct waiter *w);

/* Sleeps until `cond` is true; `cond` is evaluated with no lock held. Only from a
 * task, with interrupts on. */
#define wait_event(wq, cond)                                 \
	do {                                                 \
		struct waiter wait_event_w_ = {0};           \
		for (;;) {                                   \
			wait_prepare(&(wq), &wait_event_w_); \
			if (cond)                            \
				break;                       \
			schedule();                          \
		}                                            \
		wait_finish(&(wq), &wait_event_w_);          \
	} while (0)

/* Wakes the first `count` waiters (they run when the scheduler picks them), or every
 * waiter for WAKE_ALL. From any context, interrupt handlers included. Returns how
 * many it woke. */
#define WAKE_ALL (~0u)
unsigned wake_up(struct wait_queue *wq, unsigned count);
