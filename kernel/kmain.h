#pragma once

#include "bootinfo.h"

__attribute__((noreturn)) void kmain(const struct boot_info *boot_info);

/* Unmaps the page below the boot stack (start.c); needs paging_init first. */
void boot_stack_guard(void);
