/* Paging: 4-level page tables, for any number of address spaces.
 *
 * The kernel's address space holds, all in the upper half (the kernel half),
 *   - the kernel image where it was linked, KERNEL_VMA + its physical address, in
 *     4 KiB pages with the protections each section deserves: text read-only and
 *     executable, rodata read-only, data and bss writable, neither executable; the
 *     page below each kernel stack unmapped (a guard page);
 *   - all physical memory (and the first 4 GiB, where devices live) at
 *     DIRECT_MAP_BASE + physical address, writable, not executable, in 2 MiB pages;
 *     and there too one device that lies beyond them (a framebuffer), uncached;
 *   - the kernel heap at HEAP_BASE;
 *   - task kernel stacks at KSTACK_BASE, each with unmapped pages below it.
 * Nothing in the lower half: it is user space's, and null pointers fault. EFER.NXE
 * and CR0.WP are on. Other address spaces share the upper half (paging.c says how)
 * and map only in the lower half. Kernel mappings carry PAGE_GLOBAL for when
 * CR4.PGE is turned on; it is not yet. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmm.h"

#define PAGE_SIZE      4096ul
#define HUGE_PAGE_SIZE (2ul << 20)

#define DIRECT_MAP_BASE 0xFFFF800000000000ull
#define KERNEL_VMA	0xFFFFFFFF80000000ull /* the image: KERNEL_VMA + physical (link.ld) */
#define HEAP_BASE	0xFFFFC00000000000ull
#define KSTACK_BASE	0xFFFFC08000000000ull /* the next PML4 entry: kernel stacks */

/* Mapping flags (they are the x86 page-table bits). */
#define PAGE_WRITABLE (1ull << 1)
#define PAGE_USER     (1ull << 2)
#define PAGE_NOCACHE  (1ull << 4) /* PCD: uncached-minus, with the PAT as reset leaves it */
#define PAGE_GLOBAL   (1ull << 8)
#define PAGE_NOEXEC   (1ull << 63)

struct address_space {
	phys_addr_t pml4; /* physical address of the top table: what CR3 holds */
};

/* Builds the kernel's address space over the sanitised memory map and switches to
 * it. Page tables for it come from usable memory just past the kernel; those
 * frames are added to `reserved` (which must have room for one more range) so
 * that pmm_init does not hand them out. `device` (empty: end <= base) joins the
 * direct map wherever it lies. */
void paging_init(const struct mem_range *usable, size_t usable_count, struct mem_range device,
		 struct mem_range *reserved, size_t *reserved_count);

struct address_space *paging_kernel_space(void);

static inline void *phys_to_virt(phys_addr_t phys)
{
	return (void *)(uintptr_t)(DIRECT_MAP_BASE + phys);
}

/* The physical address behind a direct-map address (one phys_to_virt gave). */
static inline phys_addr_t virt_to_phys(const void *p)
{
	return (uintptr_t)p - DIRECT_MAP_BASE;
}

/* The physical address of something in the kernel image (text, data, bss). */
static inline phys_addr_t kernel_image_phys(const void *p)
{
	return (uintptr_t)p - KERNEL_VMA;
}

/* A new address space: the kernel's upper half shared, nothing in the lower half.
 * Returns 0, or -1 if memory ran out. */
int paging_create_space(struct address_space *as);

/* Frees a space's own tables (not the pages they map); never the one in use. */
void paging_destroy_space(struct address_space *as);

/* Loads `as` into CR3. */
void paging_switch_to(const struct address_space *as);

/* Maps one page of `size` (PAGE_SIZE or HUGE_PAGE_SIZE) at virt to phys, creating
 * intermediate tables from the PMM as needed. Returns 0, or -1 if virt or phys is
 * misaligned or non-canonical, the page is already mapped, memory ran out, or a space
 * other than the kernel's maps in the kernel half. */
int paging_map(struct address_space *as, uintptr_t virt, phys_addr_t phys, size_t size,
	       uint64_t flags);

/* Unmaps the page at virt (of the size it was mapped with), invalidates the TLB
 * entry, and frees tables left empty. Returns 0, or -1 if nothing was mapped. */
int paging_unmap(struct address_space *as, uintptr_t virt);

/* Changes the flags of the page at virt. Returns 0, or -1 if nothing is mapped. */
int paging_protect(struct address_space *as, uintptr_t virt, uint64_t flags);

/* The physical address virt maps to, and its page's flags and size. */
bool paging_translate(const struct address_space *as, uintptr_t virt, phys_addr_t *phys,
		      uint64_t *flags, size_t *size);

/* The first page at or above virt and below end that something maps in `as`, or end
 * if none: walks that skip whole absent tables, so a process that reserved a
 * terabyte and touched a page is freed in a few steps, not 2^28 lookups. */
uintptr_t paging_next_mapped(const struct address_space *as, uintptr_t virt, uintptr_t end);

/* True when phys lies in the direct map (all RAM, the first 4 GiB, the device). */
bool paging_direct_mapped(phys_addr_t phys);

/* `count` fresh frames mapped at virt in the kernel's space with `flags`, 4 KiB
 * pages; returns 0, or -1 (and nothing stays mapped or taken) when memory ran out.
 * paging_unmap_fresh undoes it, freeing the frames; a page that is not mapped means
 * the caller's books are wrong: a panic naming `owner`. */
int paging_map_fresh(uintptr_t virt, size_t count, uint64_t flags);
void paging_unmap_fresh(uintptr_t virt, size_t count, const char *owner);

/* Unmaps the 4 KiB page at `page` in the kernel's space: any access faults. */
void paging_unmap_guard_page(void *page);

/* True when `address` is mapped in the current address space (backtraces use it
 * to walk frame pointers without faulting). */
bool paging_is_mapped(uintptr_t address);

#ifdef KEEL_TEST /* for paging_test.c */
extern uint64_t noexec_supported, direct_map_end, kernel_half_tables;
extern struct mem_range direct_device;
int direct_map_device(struct mem_range device, uint64_t top);
#endif
