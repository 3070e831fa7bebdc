#include "kstack.h"

#include "../lib/bitmap.h"
#include "../sync/spinlock.h"
#include "paging.h"

#define STACK_PAGES (KSTACK_SIZE / PAGE_SIZE)

/* Which slots are taken; the page tables have a lock of their own (paging.c). */
static struct spinlock slots_lock = SPINLOCK_INIT;
static uint64_t slots_taken[KSTACK_SLOTS / 64];

static uintptr_t slot_base(uint64_t slot)
{
	return KSTACK_BASE + slot * KSTACK_SLOT;
}

bool kstack_alloc(struct kstack *stack)
{
	uint64_t flags = spin_lock_irqsave(&slots_lock);
	uint64_t slot = bitmap_first_clear(slots_taken, 0, KSTACK_SLOTS);
	if (slot != BITMAP_NONE)
		bitmap_set(slots_taken, slot);
	spin_unlock_irqrestore(&slots_lock, flags);
	if (slot == BITMAP_NONE)
		return false;

	uintptr_t bottom = slot_base(slot) + KSTACK_SLOT - KSTACK_SIZE;
	if (paging_map_fresh(bottom, STACK_PAGES, PAGE_WRITABLE | PAGE_NOEXEC | PAGE_GLOBAL) != 0) {
		flags = spin_lock_irqsave(&slots_lock);
		bitmap_clear(slots_taken, slot);
		spin_unlock_irqrestore(&slots_lock, flags);
		return false;
	}
	stack->bottom = bottom;
	stack->top = bottom + KSTACK_SIZE;
	return true;
}

void kstack_free(const struct kstack *stack)
{
	uint64_t slot = (stack->bottom - KSTACK_BASE) / KSTACK_SLOT;
	paging_unmap_fresh(stack->bottom, STACK_PAGES, "kstack_free");
	uint64_t flags = spin_lock_irqsave(&slots_lock);
	bitmap_clear(slots_taken, slot);
	spin_unlock_irqrestore(&slots_lock, flags);
}
