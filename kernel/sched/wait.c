#include "wait.h"

#include "../panic.h"
#include "task.h"

void wait_queue_init(struct wait_queue *wq)
{
	wq->lock = (struct spinlock)SPINLOCK_INIT;
	list_init(&wq->waiters);
}

static bool linked(const struct waiter *w)
{
	return w->link.next && w->link.next != &w->link;
}

void wait_check_may_sleep(const char *what)
{
	if (LOCK_DEBUG && !sched_can_sleep())
		panic("%s where sleeping is not allowed (an interrupt handler, interrupts off, "
		      "or no task)",
		      what);
}

/* Queued, then marked asleep: the caller checks its condition after this, so a
 * wake-up from here on finds it in the queue and marks it running again. */
uint64_t wait_prepare_locked(struct wait_queue *wq, struct waiter *w)
{
	w->task = current_task();
	uint64_t flags = spin_lock_irqsave(&wq->lock);
	if (!linked(w))
		list_push_back(&wq->waiters, &w->link);
	__atomic_store_n(&w->task->state, TASK_SLEEPING, __ATOMIC_SEQ_CST);
	return flags;
}

void wait_finish_locked(struct wait_queue *wq, struct waiter *w, uint64_t flags)
{
	__atomic_store_n(&w->task->state, TASK_RUNNING, __ATOMIC_SEQ_CST);
	if (linked(w))
		list_remove(&w->link);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void wait_prepare(struct wait_queue *wq, struct waiter *w)
{
	spin_unlock_irqrestore(&wq->lock, wait_prepare_locked(wq, w));
}

void wait_finish(struct wait_queue *wq, struct waiter *w)
{
	wait_finish_locked(wq, w, spin_lock_irqsave(&wq->lock));
}

unsigned wake_up(struct wait_queue *wq, unsigned count)
{
	unsigned woken = 0;
	uint64_t flags = spin_lock_irqsave(&wq->lock);
	while (woken < count) {
		struct list_node *node = list_pop_front(&wq->waiters);
		if (!node)
			break;
		sched_wake(list_entry(node, struct waiter, link)->task);
		woken++;
	}
	spin_unlock_irqrestore(&wq->lock, flags);
	return woken;
}
