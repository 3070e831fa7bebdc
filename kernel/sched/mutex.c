#include "mutex.h"

#include "../panic.h"
#include "task.h"

void mutex_init(struct mutex *m, const char *name)
{
	m->name = name;
	m->owner = 0;
	wait_queue_init(&m->waiters);
}

static bool try_take(struct mutex *m, struct task *self)
{
	struct task *none = 0;
	return __atomic_compare_exchange_n(&m->owner, &none, self, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

void mutex_lock(struct mutex *m)
{
	struct task *self = current_task();
	if (LOCK_DEBUG) {
		wait_check_may_sleep("mutex_lock");
		if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) == self)
			panic("mutex %s: task %d (%s) locks it again while it holds it", m->name,
			      self->id, self->name);
	}
	/* Each try is made queued: an unlock's wake-up finds the next waiter. */
	wait_event(m->waiters, try_take(m, self));
}

bool mutex_trylock(struct mutex *m)
{
	return try_take(m, current_task());
}

void mutex_unlock(struct mutex *m)
{
	struct task *self = current_task(), *owner = __atomic_load_n(&m->owner, __ATOMIC_RELAXED);
	if (LOCK_DEBUG && owner != self) {
		if (owner)
			panic("mutex %s: task %d (%s) unlocks it, but task %d (%s) holds it",
			      m->name, self->id, self->name, owner->id, owner->name);
		panic("mutex %s: task %d (%s) unlocks it, but nobody holds it", m->name, self->id,
		      self->name);
	}
	__atomic_store_n(&m->owner, 0, __ATOMIC_RELEASE);
	wake_up(&m->waiters, 1);
}

void semaphore_init(struct semaphore *s, unsigned long count)
{
	s->lock = (struct spinlock)SPINLOCK_INIT;
	s->count = count;
	wait_queue_init(&s->waiters);
}

bool semaphore_trydown(struct semaphore *s)
{
	uint64_t flags = spin_lock_irqsave(&s->lock);
	bool taken = s->count > 0;
	if (taken)
		s->count--;
	spin_unlock_irqrestore(&s->lock, flags);
	return taken;
}

void semaphore_down(struct semaphore *s)
{
	wait_event(s->waiters, semaphore_trydown(s));
}

void semaphore_up(struct semaphore *s)
{
	uint64_t flags = spin_lock_irqsave(&s->lock);
	s->count++;
	spin_unlock_irqrestore(&s->lock, flags);
	wake_up(&s->waiters, 1);
}
