/* Kernel stacks for tasks: KSTACK_SIZE bytes of fresh frames mapped in the stack
 * region (paging.h, KSTACK_BASE), each in a slot of its own whose lower pages stay
 * unmapped: a stack that overflows runs into a guard page and faults at once. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define KSTACK_SIZE  (16 * 1024)
#define KSTACK_SLOT  (32 * 1024) /* the stack at the top, the guard pages below it */
#define KSTACK_SLOTS 4096

struct kstack {
	uintptr_t bottom, top; /* the mapped stack: [bottom, top) */
};

/* A new stack, or false if frames or slots ran out. */
bool kstack_alloc(struct kstack *stack);

/* Unmaps the stack and gives its frames and slot back. */
void kstack_free(const struct kstack *stack);
