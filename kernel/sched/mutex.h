/* Sleeping locks for tasks: a mutex, which records its owner, and a counting
 * semaphore. Both sleep on a wait queue, so only tasks may take them (never an
 * interrupt handler, never with interrupts off); a semaphore's up may come from
 * anywhere. Spinlocks (sync/spinlock.h) are for short sections and interrupts.
 *
 * With LOCK_DEBUG (wait.h: every build but make RELEASE=1), a task that locks a
 * mutex it holds, or unlocks one it does not hold, panics, naming both tasks. */
#pragma once

#include <stdbool.h>

#include "wait.h"

struct task;

struct mutex {
	const char *name;
	struct task *owner; /* NULL when free */
	struct wait_queue waiters;
};

#define MUTEX_INIT(var, label)                           \
	{                                                \
		label, 0, WAIT_QUEUE_INIT((var).waiters) \
	}

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);

struct semaphore {
	struct spinlock lock;
	unsigned long count;
	struct wait_queue waiters;
};

void semaphore_init(struct semaphore *s, unsigned long count);
void semaphore_down(struct semaphore *s); /* sleeps while the count is 0 */
bool semaphore_trydown(struct semaphore *s);
void semaphore_up(struct semaphore *s); /* from any context */
