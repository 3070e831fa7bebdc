#pragma once

#include "bootinfo.h"

__attribute__((noreturn)) void kmain(const struct boot_info *boot_info);

#include <stdint.h>

struct kstack;

/* Unmaps the page below the boot stack (start.c); needs paging_init first. */
void boot_stack_guard(void);

/* The boot stack, which becomes the first task's, and its guard page. */
void boot_stack_bounds(struct kstack *stack, uintptr_t *guard);
