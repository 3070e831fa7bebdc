#include "mem.h"

#include "../arch/cpu.h"
#include "../console.h"
#include "../panic.h"
#include "../sync/spinlock.h"
#include "e820.h"
#include "heap.h"
#include "paging.h"
#include "pmm.h"

#define MAX_USABLE_RANGES   64
#define MAX_RESERVED_RANGES 4
#define HEAP_FREE_RANGES    4096

extern char __load_start[], __kernel_end[];

/* ---- the heap's pages: fresh frames mapped at HEAP_BASE and up ------------------- */

/* Virtual ranges the heap gave back, for reuse: sorted by address, never touching
 * (a range given back merges with both neighbours), none ending at heap_top (that
 * one lowers heap_top instead). Ranges are taken lowest first. All of this keeps
 * the heap's pages packed at the bottom of its area: each 2 MiB of it where a page
 * is mapped holds a page table, so pages left scattered after a burst (a fork bomb
 * peaks at megabytes) would keep a page table each, and more after every burst.
 * One heap for the machine, so one list; the heap's lock covers it (only the heap
 * calls in here). */
static struct {
	uintptr_t base;
	size_t pages;
} free_ranges[HEAP_FREE_RANGES];
static size_t free_range_count;
static uintptr_t heap_top = HEAP_BASE;

static uintptr_t range_end(size_t i)
{
	return free_ranges[i].base + free_ranges[i].pages * PAGE_SIZE;
}

static void remove_range(size_t i)
{
	free_range_count--;
	for (; i < free_range_count; i++)
		free_ranges[i] = free_ranges[i + 1];
}

static uintptr_t take_virtual_range(size_t pages)
{
	for (size_t i = 0; i < free_range_count; i++) {
		if (free_ranges[i].pages < pages)
			continue;
		uintptr_t base = free_ranges[i].base;
		free_ranges[i].base += pages * PAGE_SIZE;
		free_ranges[i].pages -= pages;
		if (free_ranges[i].pages == 0)
			remove_range(i);
		return base;
	}
	uintptr_t base = heap_top;
	heap_top += pages * PAGE_SIZE;
	return base;
}

static void give_back_virtual_range(uintptr_t base, size_t pages)
{
	size_t i = 0; /* where it goes: the first range above it */
	while (i < free_range_count && free_ranges[i].base < base)
		i++;
	uintptr_t end = base + pages * PAGE_SIZE;
	bool joins_below = i > 0 && range_end(i - 1) == base;
	bool joins_above = i < free_range_count && free_ranges[i].base == end;
	if (joins_below && joins_above) {
		free_ranges[i - 1].pages += pages + free_ranges[i].pages;
		remove_range(i);
	} else if (joins_below) {
		free_ranges[i - 1].pages += pages;
	} else if (joins_above) {
		free_ranges[i].base = base;
		free_ranges[i].pages += pages;
	} else if (free_range_count < HEAP_FREE_RANGES) {
		for (size_t j = free_range_count++; j > i; j--)
			free_ranges[j] = free_ranges[j - 1];
		free_ranges[i].base = base;
		free_ranges[i].pages = pages;
	} else {
		/* Full: that many holes needs as many live page runs between them. Only
		 * the addresses are lost, not the memory (the heap's area is 512 GiB). */
		if (end == heap_top)
			heap_top = base;
		return;
	}
	/* A free range at the top is no range: the top comes down to it. */
	if (range_end(free_range_count - 1) == heap_top) {
		heap_top = free_ranges[free_range_count - 1].base;
		free_range_count--;
	}
}

static void heap_free_pages(void *pages, size_t count)
{
	paging_unmap_fresh((uintptr_t)pages, count, "heap: pages given back");
	give_back_virtual_range((uintptr_t)pages, count);
}

static void *heap_alloc_pages(size_t count)
{
	uintptr_t base = take_virtual_range(count);
	if (paging_map_fresh(base, count, PAGE_WRITABLE | PAGE_NOEXEC | PAGE_GLOBAL) != 0) {
		give_back_virtual_range(base, count);
		return NULL;
	}
	return (void *)base;
}

/* The heap's and the frame allocator's locks: spinlocks with interrupts off, so no
 * task is preempted inside either, and SMP's CPUs take turns. The heap's calls the
 * frame allocator (and the page tables) while held: heap, then paging, then frames. */
static struct spinlock heap_lock = SPINLOCK_INIT, frames_lock = SPINLOCK_INIT;

static uint64_t lock_heap(void)
{
	return spin_lock_irqsave(&heap_lock);
}

static void unlock_heap(uint64_t key)
{
	spin_unlock_irqrestore(&heap_lock, key);
}

static uint64_t lock_frames(void)
{
	return spin_lock_irqsave(&frames_lock);
}

static void unlock_frames(uint64_t key)
{
	spin_unlock_irqrestore(&frames_lock, key);
}

static const struct heap_page_source kernel_heap_pages = {heap_alloc_pages, heap_free_pages,
							  lock_heap, unlock_heap};

/* ---- bring-up ------------------------------------------------------------------ */

static void *direct_map(phys_addr_t phys)
{
	return phys_to_virt(phys);
}

/* RAM the map claims past what the CPU can address, or past the direct map's
 * 64 TiB, would wrap the page-table arithmetic: it is left out, and said so. */
static size_t clip_to_addressable(struct mem_range *usable, size_t count)
{
	unsigned bits = cpu_physical_address_bits();
	uint64_t limit = HEAP_BASE - DIRECT_MAP_BASE;
	if (bits < 64 && (1ull << bits) < limit)
		limit = 1ull << bits;
	uint64_t cut = 0;
	count = mem_ranges_clip(usable, count, limit, &cut);
	if (cut)
		kprintf("memory: %llu MiB of usable memory past %#llx ignored (the CPU has %u-bit "
			"physical addresses; the direct map covers %llu TiB)\n",
			(unsigned long long)(cut >> 20), (unsigned long long)limit, bits,
			(unsigned long long)((HEAP_BASE - DIRECT_MAP_BASE) >> 40));
	return count;
}

void mem_init(const struct boot_info *bi)
{
	struct mem_range usable[MAX_USABLE_RANGES];
	size_t usable_count = e820_sanitise(bi->e820, bi->e820_count, usable, MAX_USABLE_RANGES);
	usable_count = clip_to_addressable(usable, usable_count);
	if (usable_count == 0)
		panic("no usable memory above 1 MiB in the E820 map");

	struct mem_range reserved[MAX_RESERVED_RANGES] = {
		{(uintptr_t)__load_start, kernel_image_phys(__kernel_end)},
	};
	size_t reserved_count = 1;
	/* UEFI's framebuffer may lie past 4 GiB and all RAM (a 64-bit BAR): the direct map
	 * takes it in too, for the console. */
	struct mem_range framebuffer = {0, 0};
	if (bi->fb_base)
		framebuffer = (struct mem_range){bi->fb_base, bi->fb_base + bi->fb_size};
	paging_init(usable, usable_count, framebuffer, reserved, &reserved_count);
	console_follow_direct_map(direct_map); /* before anything can print or panic */
	if (!pmm_init(usable, usable_count, reserved, reserved_count, direct_map))
		panic("no usable memory left for the frame allocator");
	pmm_set_lock(lock_frames, unlock_frames);
	heap_init(&kernel_heap_pages);
}

static uint64_t mib(uint64_t frames)
{
	return frames * PMM_FRAME_SIZE >> 20;
}

void mem_report(const struct boot_info *bi)
{
	e820_print(bi);
	struct pmm_stats s;
	pmm_get_stats(&s);
	kprintf("frames: %lu total (%lu MiB), %lu used, %lu free (%lu MiB)\n",
		(unsigned long)s.total_frames, (unsigned long)mib(s.total_frames),
		(unsigned long)s.used_frames, (unsigned long)s.free_frames,
		(unsigned long)mib(s.free_frames));

	struct heap_stats h;
	heap_get_stats(&h);
	kprintf("heap: %zu bytes in use in %zu KiB of pages (%zu of them bookkeeping), "
		"%zu large allocations in %zu pages%s\n",
		h.bytes_requested, h.bytes_reserved >> 10, h.meta_pages, h.large_allocations,
		h.large_pages, HEAP_CANARIES ? "" : "; no canaries (release build)");
	for (size_t i = 0; i < h.classes; i++) {
		const struct heap_class_stats *c = &h.class_stats[i];
		if (c->in_use || c->pages)
			kprintf("  %5zu-byte blocks: %zu in use, %zu free, %zu pages\n", c->size,
				c->in_use, c->free, c->pages);
	}
}

void pmm_report_misuse(const char *what, phys_addr_t frame)
{
	panic("frame allocator: %s (frame %#lx)", what, frame);
}

void heap_report_corruption(const char *what, const void *ptr)
{
	panic("heap: %s (block %p)", what, ptr);
}
