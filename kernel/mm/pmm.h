/* Physical memory manager: 4 KiB frames from the sanitised E820 map (e820.h).
 *
 * Never hands out the first MiB, the kernel image and .bss, or any range passed as
 * reserved; never hands out a frame twice; a double free or a free of a frame it
 * never handed out is reported through pmm_report_misuse. Frame addresses are
 * physical; the allocator reaches its own metadata through the phys_to_virt
 * function it is given (the kernel's direct map, or a host test's arena). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "e820.h" /* struct mem_range */

#define PMM_FRAME_SIZE 4096ull
#define PMM_NO_FRAME   0ull /* frame 0 lies in the first MiB: never a valid answer */

typedef uint64_t phys_addr_t;

/* Builds the allocator over `usable` (sanitised), minus the `reserved` ranges (the
 * kernel image and .bss, boot page tables...; any order, rounded out to frames).
 * The allocator's own metadata (about 3/8 byte per frame of the span from the lowest
 * to the highest usable frame) is carved out of the first piece of usable memory
 * that holds it and counted as used; phys_to_virt must map it contiguously. Memory
 * at or above 2^52 is ignored. Returns false (and hands out nothing) if no usable
 * memory remains. May be called again to start over. */
bool pmm_init(const struct mem_range *usable, size_t usable_count, const struct mem_range *reserved,
	      size_t reserved_count, void *(*phys_to_virt)(phys_addr_t));

/* The kernel's lock for the entry points below (a spinlock with interrupts off, so
 * no task is preempted inside the allocator); without it, none (host tests). */
void pmm_set_lock(uint64_t (*lock)(void), void (*unlock)(uint64_t key));

/* One frame, or PMM_NO_FRAME when memory is exhausted. */
phys_addr_t pmm_alloc_frame(void);

/* `count` physically contiguous frames, the first aligned to `count` rounded up to a
 * power of two (at most 1 << PMM_MAX_ORDER frames); PMM_NO_FRAME if none, or if
 * `count` is 0 or too large. Exactly `count` frames are used: the rest of the
 * power-of-two block stays free. */
#define PMM_MAX_ORDER 10 /* 4 MiB */
phys_addr_t pmm_alloc_frames(size_t count);

/* Who can give frames back when none is free (the page cache's retained ones): asked
 * once by an allocation that finds none, which then tries again. */
void pmm_set_reclaimer(size_t (*reclaim)(size_t want));

/* Frees frames handed out, in any grouping: a run whole, in parts, or frame by frame.
 * If any of them is not handed out now, nothing is freed and the misuse reported. */
void pmm_free_frame(phys_addr_t frame);
void pmm_free_frames(phys_addr_t first, size_t count);

struct pmm_stats {
	uint64_t total_frames; /* every frame the allocator manages, metadata included */
	uint64_t free_frames;
	uint64_t used_frames;
};
void pmm_get_stats(struct pmm_stats *stats);

/* Called on a double free, a free of a frame never handed out (reserved, metadata,
 * a hole, outside managed memory), a misaligned frame address, a free of zero
 * frames, or a free list found overwritten (a write to a freed frame); the call
 * then changes nothing. pmm.c has a weak definition that panics; host tests define
 * it to record the complaint. */
void pmm_report_misuse(const char *what, phys_addr_t frame);

#ifdef KEEL_TEST /* for pmm_test.c */
bool pmm_frame_handed_out(phys_addr_t frame);
#endif
