/* Spinlocks that also disable interrupts, so that an interrupt handler on the same
 * CPU can never spin on a lock its interrupted code holds. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "../arch/x86.h"

struct spinlock {
	volatile uint32_t locked;
};

#define SPINLOCK_INIT \
	{             \
		0     \
	}

static inline void spin_lock_init(struct spinlock *lock)
{
	lock->locked = 0;
}

static inline uint64_t spin_lock_irqsave(struct spinlock *lock)
{
	uint64_t flags = cpu_irq_save();
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
	return flags;
}

/* One try, for paths that must not wait (a panic printing through a lock that the
 * failing code may hold). */
static inline bool spin_trylock_irqsave(struct spinlock *lock, uint64_t *flags)
{
	*flags = cpu_irq_save();
	if (!__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		return true;
	cpu_irq_restore(*flags);
	return false;
}

static inline void spin_unlock_irqrestore(struct spinlock *lock, uint64_t flags)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
	cpu_irq_restore(flags);
}
