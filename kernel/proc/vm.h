/* A process's memory: regions of its lower half, each page a fresh zeroed frame
 * mapped with the region's protection. Eager for now (every page is mapped when
 * the region is made); demand paging and copy-on-write come with fork and mmap. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/list.h"

struct process;

/* Protection: what PROT_READ/WRITE/EXEC ask, as page flags (mm/paging.h). */
#define VM_WRITE (1u << 0)
#define VM_EXEC	 (1u << 1)

struct vm_region {
	uintptr_t start, end; /* page-aligned, [start, end) */
	unsigned prot;
	struct list_node link;
};

/* Maps [start, start + size) (page-aligned) as a new region of zeroed pages.
 * Returns 0, -EINVAL for a range outside user space or over another region, or
 * -ENOMEM (and nothing stays mapped). */
int vm_map_zeroed(struct process *p, uintptr_t start, size_t size, unsigned prot);

/* Writes into the process's pages through the kernel's own mapping of their
 * frames, whatever their protection (for exec, before the program runs). False if
 * some page is not mapped. */
bool vm_poke(struct process *p, uintptr_t addr, const void *src, size_t size);

/* Unmaps every region and frees its frames. */
void vm_release(struct process *p);
