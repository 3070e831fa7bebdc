#include "kstack.h"

#include "../lib/bitmap.h"
#include "../panic.h"
#include "../sync/spinlock.h"
#include "paging.h"
#include "pmm.h"

#define STACK_PAGES (KSTACK_SIZE / PAGE_SIZE)

/* Which slots are taken. The lock covers the bitmap only: the page tables have none
 * of their own yet (one CPU; see docs/ARCHITECTURE.md). */
static struct spinlock slots_lock = SPINLOCK_INIT;
static uint64_t slots_taken[KSTACK_SLOTS / 64];

static uintptr_t slot_base(uint64_t slot)
{
	return KSTACK_BASE + slot * KSTACK_SLOT;
}

static void unmap_pages(uintptr_t bottom, unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		phys_addr_t frame;
		uintptr_t page = bottom + i * PAGE_SIZE;
		if (!paging_translate(paging_kernel_space(), page, &frame, 0, 0) ||
		    paging_unmap(paging_kernel_space(), page) != 0)
			panic("kstack: page %#lx of a stack is not mapped", page);
		pmm_free_frame(frame);
	}
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
	for (unsigned i = 0; i < STACK_PAGES; i++) {
		phys_addr_t frame = pmm_alloc_frame();
		if (frame == PMM_NO_FRAME ||
		    paging_map(paging_kernel_space(), bottom + i * PAGE_SIZE, frame, PAGE_SIZE,
			       PAGE_WRITABLE | PAGE_NOEXEC | PAGE_GLOBAL) != 0) {
			if (frame != PMM_NO_FRAME)
				pmm_free_frame(frame);
			unmap_pages(bottom, i);
			flags = spin_lock_irqsave(&slots_lock);
			bitmap_clear(slots_taken, slot);
			spin_unlock_irqrestore(&slots_lock, flags);
			return false;
		}
	}
	stack->bottom = bottom;
	stack->top = bottom + KSTACK_SIZE;
	return true;
}

void kstack_free(const struct kstack *stack)
{
	uint64_t slot = (stack->bottom - KSTACK_BASE) / KSTACK_SLOT;
	unmap_pages(stack->bottom, STACK_PAGES);
	uint64_t flags = spin_lock_irqsave(&slots_lock);
	bitmap_clear(slots_taken, slot);
	spin_unlock_irqrestore(&slots_lock, flags);
}
