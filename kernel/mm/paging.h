/* Early paging: the kernel's own page tables, replacing the boot sector's. For now
 * they identity-map the first 1 GiB, with 4 KiB pages over the first 4 MiB (where
 * the kernel lives) so single pages can be left unmapped: the null page and the
 * guard pages below stacks. */
#pragma once

#include <stdint.h>

#define PAGE_SIZE 4096ul

void paging_init(void);

/* Unmaps the 4 KiB page at `page` (page-aligned, inside the 4 KiB-mapped region):
 * any access to it faults at once. */
void paging_unmap_guard_page(void *page);

/* True when `address` is mapped (present) in the current tables. */
int paging_is_mapped(uintptr_t address);
