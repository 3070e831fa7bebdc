/* The waiters of every futex, in a few lists hashed by address, under one spinlock.
 * A waiter is queued before it reads the word: a waker that changes the word and
 * then wakes finds it either way, so no wake-up falls between the check and the
 * sleep. */
#include "futex.h"

#include <asm-generic/errno.h>
#include <stdbool.h>

#include "../arch/usercopy.h"
#include "../lib/list.h"
#include "../lib/restart.h"
#include "../sched/sched.h"
#include "../sched/task.h"
#include "../sync/spinlock.h"

#define BUCKETS 64

struct futex_waiter {
	struct mm *mm;
	uintptr_t addr;
	uint32_t bitset;
	struct task *task;
	bool woken;
	struct list_node link;
};

static struct spinlock futex_lock = SPINLOCK_INIT;
static struct list_node buckets[BUCKETS];

static struct list_node *bucket_of(struct mm *mm, uintptr_t addr)
{
	struct list_node *b = &buckets[((addr >> 2) ^ ((uintptr_t)mm >> 6)) % BUCKETS];
	if (!b->next)
		list_init(b); /* first use (under futex_lock) */
	return b;
}

static void enqueue(struct futex_waiter *w)
{
	uint64_t flags = spin_lock_irqsave(&futex_lock);
	list_push_back(bucket_of(w->mm, w->addr), &w->link);
	spin_unlock_irqrestore(&futex_lock, flags);
}

/* Takes w off its list unless a waker did; whether it was woken. */
static bool dequeue(struct futex_waiter *w)
{
	uint64_t flags = spin_lock_irqsave(&futex_lock);
	bool woken = __atomic_load_n(&w->woken, __ATOMIC_ACQUIRE);
	if (!woken)
		list_remove(&w->link);
	spin_unlock_irqrestore(&futex_lock, flags);
	return woken;
}

static bool was_woken(const void *waiter)
{
	return __atomic_load_n(&((const struct futex_waiter *)waiter)->woken, __ATOMIC_ACQUIRE);
}

long futex_wait(struct mm *mm, uintptr_t addr, uint32_t val, uint64_t deadline_ns, uint32_t bitset)
{
	struct futex_waiter w = {.mm = mm, .addr = addr, .bitset = bitset, .task = current_task()};
	enqueue(&w);
	uint32_t word;
	if (!copy_from_user(&word, addr, sizeof word)) {
		dequeue(&w);
		return -EFAULT;
	}
	if (word != val) {
		dequeue(&w);
		return -EAGAIN;
	}
	sleep_until_done(deadline_ns, true, was_woken, &w); /* woken, timed out or a signal */
	if (dequeue(&w))
		return 0;
	return signal_pending() ? -ERESTARTSYS : -ETIMEDOUT;
}

int futex_wake(struct mm *mm, uintptr_t addr, int count, uint32_t bitset)
{
	int woken = 0;
	uint64_t flags = spin_lock_irqsave(&futex_lock);
	struct list_node *b = bucket_of(mm, addr), *node, *next;
	for (node = b->next; node != b && woken < count; node = next) {
		next = node->next;
		struct futex_waiter *w = list_entry(node, struct futex_waiter, link);
		if (w->mm != mm || w->addr != addr || !(w->bitset & bitset))
			continue;
		list_remove(&w->link);
		__atomic_store_n(&w->woken, true, __ATOMIC_RELEASE);
		sched_wake(w->task);
		woken++;
	}
	spin_unlock_irqrestore(&futex_lock, flags);
	return woken;
}

int futex_requeue(struct mm *mm, uintptr_t from, uintptr_t to, int wake, int requeue)
{
	int woken = 0, moved = 0;
	uint64_t flags = spin_lock_irqsave(&futex_lock);
	struct list_node *b = bucket_of(mm, from), *node, *next;
	for (node = b->next; node != b && (woken < wake || moved < requeue); node = next) {
		next = node->next;
		struct futex_waiter *w = list_entry(node, struct futex_waiter, link);
		if (w->mm != mm || w->addr != from)
			continue;
		list_remove(&w->link);
		if (woken < wake) {
			__atomic_store_n(&w->woken, true, __ATOMIC_RELEASE);
			sched_wake(w->task);
			woken++;
		} else {
			w->addr = to;
			list_push_back(bucket_of(mm, to), &w->link);
			moved++;
		}
	}
	spin_unlock_irqrestore(&futex_lock, flags);
	return woken + moved;
}
