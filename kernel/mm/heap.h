/* Kernel heap: kmalloc/kfree/kcalloc/krealloc.
 *
 * Small sizes come from per-size-class slabs carved from pages; large sizes from
 * whole pages. Pages come from a page source (the kernel maps fresh frames; host
 * tests use an arena). Checks catch double frees, frees of pointers never handed
 * out and (unless HEAP_CANARIES is 0, below) writes past the end of a block (red
 * zone checked on free) and report them through heap_report_corruption (panic in
 * the kernel). See heap.c for the design and the exact guarantees.
 *
 * Every block is aligned to 16 bytes. kmalloc(0) returns a unique, freeable
 * pointer to a block with no usable bytes (NULL only when memory is exhausted). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEAP_PAGE_SIZE 4096u

/* HEAP_CANARIES=0 is the release build's heap (make RELEASE=1): it writes and
 * checks no canaries, so a write past the end of a block goes unseen. Double frees
 * and frees of pointers it never handed out are caught in both builds. */
#ifndef HEAP_CANARIES
#define HEAP_CANARIES 1
#endif

struct heap_page_source {
	/* `count` contiguous, page-aligned, writable pages, or NULL. */
	void *(*alloc_pages)(size_t count);
	void (*free_pages)(void *pages, size_t count);
	/* Optional (NULL: no lock, as in the host tests): every entry point below takes
	 * lock() first and gives its key to unlock() on the way out. The kernel's is a
	 * spinlock with interrupts off, so no task is preempted inside the heap. */
	uint64_t (*lock)(void);
	void (*unlock)(uint64_t key);
};

/* Starts the heap on `source`. Called again (host tests), it first returns every
 * page it holds to the previous source, reporting "blocks still live" if any were
 * never freed; heap_init(NULL) just shuts the heap down (kmalloc returns NULL). */
void heap_init(const struct heap_page_source *source);

void *kmalloc(size_t size);
/* `align` is a power of two, at most HEAP_PAGE_SIZE (else NULL). */
void *kmalloc_aligned(size_t size, size_t align);
void *kcalloc(size_t count, size_t size); /* NULL on overflow of count * size */
/* krealloc(NULL, n) = kmalloc(n); krealloc(p, 0) shrinks p to a 0-byte block
 * (like kmalloc(0)). Keeps the block when the new size still fits it (and uses at
 * least half of it), else moves it (to a 16-byte-aligned block; an alignment from
 * kmalloc_aligned is not kept). On failure returns NULL and leaves p as it was. */
void *krealloc(void *ptr, size_t size);
void kfree(void *ptr); /* kfree(NULL) does nothing */

/* Each class caches recently freed blocks for kmalloc to reuse; this gives them all
 * back to their slabs, so empty slabs back to the page source (but the one each
 * class keeps). The heap does it itself when the page source runs dry. */
void heap_drain(void);

#define HEAP_CLASSES 23 /* 16 ... 2048 bytes: the table and its reasons are in heap.c */

struct heap_class_stats {
	size_t size;   /* block size of the class */
	size_t in_use; /* blocks handed out */
	size_t free;   /* blocks ready in its slabs and its cache */
	size_t pages;  /* pages its slabs hold */
};

struct heap_stats {
	size_t classes;
	struct heap_class_stats class_stats[HEAP_CLASSES];
	size_t large_allocations, large_pages;
	size_t meta_pages;	/* bookkeeping: slab/large records and the page registry */
	size_t idle_pages;	/* kept with nothing in them: an empty slab, an empty record page */
	size_t bytes_requested; /* sum of sizes asked for, live blocks */
	size_t bytes_reserved;	/* pages held by the heap (slabs, large, meta), in bytes */
};
void heap_get_stats(struct heap_stats *stats);

/* Blocks handed out and not yet freed, small and large. */
size_t heap_live_blocks(void);

/* Called once per misuse detected (double free, pointer never handed out, red zone
 * overwritten...); `what` names it, `ptr` is the pointer concerned. The kernel
 * defines it to panic (heap.c has a weak default that traps); host tests record
 * it, and the heap stays usable: the bad operation is ignored. */
void heap_report_corruption(const char *what, const void *ptr);
