/* 4-level paging: Intel SDM vol. 3A, 4.5 (tables 4-14 to 4-20). A PD entry with PS
 * set maps 2 MiB. INVLPG also drops the paging-structure caches for its address
 * (4.10.4.1), which covers tables freed by an unmap. */
#include "paging.h"

#include "../arch/x86.h"
#include "../lib/string.h"
#include "../lib/visible.h"
#include "../panic.h"
#include "../sync/spinlock.h"

#define PTE_PRESENT (1ull << 0)
#define PTE_HUGE    (1ull << 7)
#define PTE_ADDRESS 0x000FFFFFFFFFF000ull
#define PTE_FLAGS   (PAGE_WRITABLE | PAGE_USER | PAGE_NOCACHE | PAGE_GLOBAL | PAGE_NOEXEC)
#define ENTRIES	    512
#define TOP_SHIFT   39

#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_EXT_NX	   (1u << 20)

#define GIB		   (1ull << 30)
#define EARLY_IDENTITY_END GIB /* what the boot sector's tables map */

extern char __image_start[], __text_end[], __data_start[], __kernel_end[];

/* The kernel's address space. Every other address space shares its upper half, the
 * kernel half: the same PDPTs under PML4 entries 256-511 (the direct map, the heap,
 * the kernel stacks and, in the last, the kernel image). So that sharing holds,
 *   - the kernel half's PML4 entries are made here, in the kernel's space, by
 *     paging_init, and are never cleared or freed; a map that would need a new one
 *     after another space exists fails;
 *   - only the kernel's space maps in the kernel half: other spaces own the lower
 *     half alone (user space);
 *   - a change in the kernel half is flushed from the TLB whichever space is loaded,
 *     as that space shares it. No other CPU's TLB is shot down yet (one CPU). */
static struct address_space kernel_space;

/* Every change to any page table, and every walk but paging_is_mapped's, is made
 * under this lock, with interrupts off: a task is never preempted half-way through
 * one. One lock for all spaces: they share the kernel half's tables. */
static struct spinlock tables_lock = SPINLOCK_INIT;

/* Address spaces made and not yet destroyed, besides the kernel's. */
static unsigned other_spaces;

/* Page-table frames below the kernel half's PML4 entries (its heap, stacks and
 * direct map come and go): tests count them as the kernel's own, not as lost. */
VISIBLE_IF_KTEST uint64_t kernel_half_tables;

/* PAGE_NOEXEC where the CPU has NX, else 0 (the bit would be reserved). */
VISIBLE_IF_KTEST uint64_t noexec_supported;

/* Until paging_init switches CR3, tables are reached through the boot sector's
 * identity map and come from a bump allocator over memory just past the kernel. */
static bool direct_map_live;
VISIBLE_IF_KTEST uint64_t direct_map_end;
VISIBLE_IF_KTEST struct mem_range direct_device; /* beyond direct_map_end, or empty */
static struct {
	phys_addr_t start, next, end;
} early;

static uint64_t *table_at(phys_addr_t phys)
{
	return direct_map_live ? phys_to_virt(phys) : (uint64_t *)(uintptr_t)phys;
}

static phys_addr_t alloc_table(void)
{
	phys_addr_t frame;
	if (!direct_map_live) {
		if (early.next >= early.end)
			panic("paging: the early page-table pool is exhausted");
		frame = early.next;
		early.next += PAGE_SIZE;
	} else if ((frame = pmm_alloc_frame()) == PMM_NO_FRAME) {
		return 0;
	}
	memset(table_at(frame), 0, PAGE_SIZE);
	return frame;
}

static void free_table(phys_addr_t frame)
{
	if (frame >= early.start && frame < early.end)
		return; /* boot-time tables are reserved, never given back */
	pmm_free_frame(frame);
}

static bool canonical(uintptr_t virt)
{
	return (uint64_t)((int64_t)(virt << 16) >> 16) == virt;
}

static unsigned index_at(uintptr_t virt, int shift)
{
	return (virt >> shift) & (ENTRIES - 1);
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static bool in_kernel_half(uintptr_t virt)
{
	return virt >> 63;
}

static bool is_current(const struct address_space *as)
{
	return (read_cr3() & PTE_ADDRESS) == as->pml4;
}

/* Finds the entries on the way to virt: path[0] in the PML4, path[1] in the PDPT,
 * and so on, down to the leaf (a 2 MiB PD entry or a 4 KiB PT entry). Returns the
 * leaf's level (2 or 3), or -1 if nothing is mapped there; then *absent (if given)
 * is the level whose entry is missing. */
static int find_path_or_gap(const struct address_space *as, uintptr_t virt, uint64_t *path[4],
			    int *absent)
{
	uint64_t *table = table_at(as->pml4);
	for (int level = 0, shift = TOP_SHIFT; level < 4; level++, shift -= 9) {
		uint64_t *entry = &table[index_at(virt, shift)];
		path[level] = entry;
		if (!(*entry & PTE_PRESENT)) {
			if (absent)
				*absent = level;
			return -1;
		}
		if (level == 3 || (level == 2 && (*entry & PTE_HUGE)))
			return level;
		if (*entry & PTE_HUGE)
			return -1; /* a 1 GiB page: we never make those */
		table = table_at(*entry & PTE_ADDRESS);
	}
	return -1;
}

static int find_path(const struct address_space *as, uintptr_t virt, uint64_t *path[4])
{
	return find_path_or_gap(as, virt, path, 0);
}

static int map_page(struct address_space *as, uintptr_t virt, phys_addr_t phys, size_t size,
		    uint64_t flags)
{
	int leaf_shift = size == HUGE_PAGE_SIZE ? 21 : 12;
	if ((size != PAGE_SIZE && size != HUGE_PAGE_SIZE) || virt % size || phys % size ||
	    !canonical(virt) || (as != &kernel_space && in_kernel_half(virt)))
		return -1;
	uint64_t *table = table_at(as->pml4);
	for (int shift = TOP_SHIFT; shift > leaf_shift; shift -= 9) {
		uint64_t *entry = &table[index_at(virt, shift)];
		if (!(*entry & PTE_PRESENT)) {
			/* A new kernel-half PML4 entry would not be shared (see the top). */
			if (shift == TOP_SHIFT && in_kernel_half(virt) &&
			    (as != &kernel_space || other_spaces))
				return -1;
			phys_addr_t next = alloc_table();
			if (!next)
				return -1;
			kernel_half_tables += in_kernel_half(virt);
			/* Upper levels allow everything; the leaf decides. */
			*entry = next | PTE_PRESENT | PAGE_WRITABLE;
		} else if (*entry & PTE_HUGE) {
			return -1; /* a larger page already covers virt */
		}
		*entry |= flags & PAGE_USER;
		table = table_at(*entry & PTE_ADDRESS);
	}
	uint64_t *leaf = &table[index_at(virt, leaf_shift)];
	if (*leaf & PTE_PRESENT)
		return -1;
	*leaf = phys | PTE_PRESENT | (size == HUGE_PAGE_SIZE ? PTE_HUGE : 0) |
		(flags & PTE_FLAGS & ~(PAGE_NOEXEC & ~noexec_supported));
	return 0;
}

static bool table_empty(const uint64_t *table)
{
	for (int i = 0; i < ENTRIES; i++)
		if (table[i])
			return false;
	return true;
}

static int unmap_page(struct address_space *as, uintptr_t virt)
{
	uint64_t *path[4];
	int leaf = find_path(as, virt, path);
	if (leaf < 0)
		return -1;
	*path[leaf] = 0;
	/* Unhook the tables this leaves empty, bottom up (never the PML4, nor a
	 * kernel-half PDPT, which every space shares); free them only after the TLB and
	 * paging-structure caches forgot them (SDM 4.10.4). */
	phys_addr_t emptied[3];
	int count = 0;
	int keep_above = in_kernel_half(virt) ? 1 : 0;
	for (int level = leaf; level > keep_above; level--) {
		uint64_t *table = (uint64_t *)((uintptr_t)path[level] & ~(PAGE_SIZE - 1));
		if (!table_empty(table))
			break;
		emptied[count++] = *path[level - 1] & PTE_ADDRESS;
		*path[level - 1] = 0;
	}
	if (in_kernel_half(virt) || is_current(as))
		invlpg((void *)virt);
	if (in_kernel_half(virt))
		kernel_half_tables -= (uint64_t)count;
	while (count > 0)
		free_table(emptied[--count]);
	return 0;
}

static int protect_page(struct address_space *as, uintptr_t virt, uint64_t flags)
{
	uint64_t *path[4];
	int leaf = find_path(as, virt, path);
	if (leaf < 0)
		return -1;
	uint64_t keep = *path[leaf] & (PTE_ADDRESS | PTE_PRESENT | PTE_HUGE);
	*path[leaf] = keep | (flags & PTE_FLAGS & ~(PAGE_NOEXEC & ~noexec_supported));
	if (in_kernel_half(virt) || is_current(as))
		invlpg((void *)virt);
	return 0;
}

static bool translate(const struct address_space *as, uintptr_t virt, phys_addr_t *phys,
		      uint64_t *flags, size_t *size)
{
	uint64_t *path[4];
	if (!canonical(virt))
		return false;
	int leaf = find_path(as, virt, path);
	if (leaf < 0)
		return false;
	size_t page = leaf == 2 ? HUGE_PAGE_SIZE : PAGE_SIZE;
	uint64_t entry = *path[leaf];
	uint64_t base = entry & PTE_ADDRESS & ~(uint64_t)(page - 1);
	if (phys)
		*phys = base + (virt & (page - 1));
	if (flags)
		*flags = entry & PTE_FLAGS;
	if (size)
		*size = page;
	return true;
}

struct address_space *paging_kernel_space(void)
{
	return &kernel_space;
}

bool paging_is_mapped(uintptr_t address)
{
	if (!kernel_space.pml4) /* before paging_init: the boot sector's 1 GiB */
		return address < EARLY_IDENTITY_END;
	struct address_space current = {read_cr3() & PTE_ADDRESS};
	return translate(&current, address, NULL, NULL, NULL); /* no lock: panics use it */
}

bool paging_direct_mapped(phys_addr_t phys)
{
	return phys < direct_map_end || (phys >= direct_device.base && phys < direct_device.end);
}

/* ---- the public operations, under the lock ------------------------------------------ */

uintptr_t paging_next_mapped(const struct address_space *as, uintptr_t virt, uintptr_t end)
{
	uint64_t held = spin_lock_irqsave(&tables_lock);
	while (virt < end) {
		uint64_t *path[4];
		int absent = 3;
		if (!canonical(virt)) {
			virt = end;
			break;
		}
		if (find_path_or_gap(as, virt, path, &absent) >= 0)
			break;
		uint64_t span = 1ull
				<< (TOP_SHIFT - 9 * absent); /* what the missing entry covers */
		uintptr_t next = (virt & ~(span - 1)) + span;
		virt = next > virt ? next : end;
	}
	spin_unlock_irqrestore(&tables_lock, held);
	return virt;
}

int paging_map(struct address_space *as, uintptr_t virt, phys_addr_t phys, size_t size,
	       uint64_t flags)
{
	uint64_t held = spin_lock_irqsave(&tables_lock);
	int result = map_page(as, virt, phys, size, flags);
	spin_unlock_irqrestore(&tables_lock, held);
	return result;
}

int paging_unmap(struct address_space *as, uintptr_t virt)
{
	uint64_t held = spin_lock_irqsave(&tables_lock);
	int result = unmap_page(as, virt);
	spin_unlock_irqrestore(&tables_lock, held);
	return result;
}

int paging_protect(struct address_space *as, uintptr_t virt, uint64_t flags)
{
	uint64_t held = spin_lock_irqsave(&tables_lock);
	int result = protect_page(as, virt, flags);
	spin_unlock_irqrestore(&tables_lock, held);
	return result;
}

bool paging_translate(const struct address_space *as, uintptr_t virt, phys_addr_t *phys,
		      uint64_t *flags, size_t *size)
{
	uint64_t held = spin_lock_irqsave(&tables_lock);
	bool mapped = translate(as, virt, phys, flags, size);
	spin_unlock_irqrestore(&tables_lock, held);
	return mapped;
}

int paging_map_fresh(uintptr_t virt, size_t count, uint64_t flags)
{
	for (size_t i = 0; i < count; i++) {
		phys_addr_t frame = pmm_alloc_frame();
		if (frame == PMM_NO_FRAME ||
		    paging_map(&kernel_space, virt + i * PAGE_SIZE, frame, PAGE_SIZE, flags) != 0) {
			if (frame != PMM_NO_FRAME)
				pmm_free_frame(frame);
			paging_unmap_fresh(virt, i, "paging_map_fresh");
			return -1;
		}
	}
	return 0;
}

void paging_unmap_fresh(uintptr_t virt, size_t count, const char *owner)
{
	for (size_t i = 0; i < count; i++) {
		phys_addr_t frame;
		uintptr_t page = virt + i * PAGE_SIZE;
		if (!paging_translate(&kernel_space, page, &frame, NULL, NULL) ||
		    paging_unmap(&kernel_space, page) != 0)
			panic("%s: page %#lx is not mapped", owner, page);
		pmm_free_frame(frame);
	}
}

void paging_unmap_guard_page(void *page)
{
	if ((uintptr_t)page % PAGE_SIZE || paging_unmap(&kernel_space, (uintptr_t)page) != 0)
		panic("cannot unmap guard page %p", page);
}

/* ---- building the kernel's address space --------------------------------------- */

/* Protection for a page of the kernel image, by the section it lies in. */
static uint64_t kernel_page_flags(uintptr_t page)
{
	if (page < (uintptr_t)__text_end)
		return PAGE_GLOBAL;
	if (page < (uintptr_t)__data_start)
		return PAGE_GLOBAL | PAGE_NOEXEC;
	return PAGE_GLOBAL | PAGE_WRITABLE | PAGE_NOEXEC;
}

static uint64_t tables_for(uint64_t bytes, uint64_t per_table)
{
	return (bytes + per_table - 1) / per_table;
}

/* The 2 MiB pages of a device that the direct map must add past top; empty when it
 * has none, or when they would reach the heap's addresses (64 TiB and up). */
static struct mem_range device_pages(struct mem_range device, uint64_t top)
{
	struct mem_range pages = {device.base & ~(HUGE_PAGE_SIZE - 1),
				  align_up(device.end, HUGE_PAGE_SIZE)};
	if (pages.base < top)
		pages.base = top;
	if (device.end <= device.base || pages.end <= pages.base ||
	    pages.end > HEAP_BASE - DIRECT_MAP_BASE)
		return (struct mem_range){0, 0};
	return pages;
}

/* Tables the boot-time address space needs: the PML4; for the direct map of [0, top),
 * a PDPT per 512 GiB and a PD per GiB begun; the heap's and the stacks' PDPTs; for
 * the kernel image,
 * a PDPT, a PD and its page tables (one more, as the image may straddle two); for
 * the device, two PDPTs and a PD per GiB, one more (either may straddle). */
static uint64_t early_tables_needed(uint64_t top, uint64_t kernel_pages, struct mem_range device)
{
	uint64_t device_tables =
		device.end > device.base ? 2 + tables_for(device.end - device.base, GIB) + 1 : 0;
	return 1 + tables_for(top, ENTRIES * GIB) + tables_for(top, GIB) + 2 /* heap, stacks */ +
	       2 + tables_for(kernel_pages, ENTRIES) + 1 + device_tables;
}

/* The pool for the boot-time tables, from the first usable range past the kernel,
 * under 1 GiB. */
static void early_pool_init(const struct mem_range *usable, size_t count, uint64_t top,
			    struct mem_range device)
{
	uint64_t kernel_pages = ((uintptr_t)__kernel_end - (uintptr_t)__image_start) / PAGE_SIZE;
	uint64_t frames = early_tables_needed(top, kernel_pages, device_pages(device, top));
	uint64_t after_kernel = align_up(kernel_image_phys(__kernel_end), PAGE_SIZE);
	for (size_t i = 0; i < count; i++) {
		uint64_t base = usable[i].base > after_kernel ? usable[i].base : after_kernel;
		if (base + frames * PAGE_SIZE <= usable[i].end &&
		    base + frames * PAGE_SIZE <= EARLY_IDENTITY_END) {
			early.start = early.next = base;
			early.end = base + frames * PAGE_SIZE;
			return;
		}
	}
	panic("paging: no room for %lu page-table frames past the kernel", frames);
}

static void enable_nx_and_wp(void)
{
	if (cpuid(CPUID_EXT_FEATURES, 0).edx & CPUID_EXT_NX) {
		noexec_supported = PAGE_NOEXEC;
		wrmsr(EFER, rdmsr(EFER) | EFER_NXE);
	}
	write_cr0(read_cr0() | CR0_WP); /* read-only pages bind the kernel too */
}

/* All of [0, top) at DIRECT_MAP_BASE in 2 MiB pages. paging_map makes the first entry
 * of each page directory; the other 511 are copies of it with the address moved on,
 * which spares a four-level walk for each of thousands of entries (each one emulated
 * under QEMU TCG: 300 us for the first 4 GiB). */
_Static_assert(DIRECT_MAP_BASE % GIB == 0, "each GiB of the direct map starts a PD");
static void direct_map_init(uint64_t top)
{
	for (uint64_t phys = 0; phys < top; phys += GIB) {
		uint64_t *path[4];
		if (map_page(&kernel_space, DIRECT_MAP_BASE + phys, phys, HUGE_PAGE_SIZE,
			     PAGE_WRITABLE | PAGE_NOEXEC | PAGE_GLOBAL) != 0 ||
		    find_path(&kernel_space, DIRECT_MAP_BASE + phys, path) != 2)
			panic("paging: cannot direct-map %#lx", phys);
		uint64_t *pd = path[2]; /* entry 0 of its page directory */
		for (unsigned i = 1; i < ENTRIES && phys + i * HUGE_PAGE_SIZE < top; i++)
			pd[i] = pd[0] + i * HUGE_PAGE_SIZE;
	}
}

/* The device's pages past top in the direct map, uncached-minus: the firmware's MTRRs
 * still choose between uncached and write-combining, as for the first 4 GiB, and no
 * device memory is ever cached write-back. Returns 0, or -1 if a page could not be
 * mapped (the device is then not in the direct map). */
VISIBLE_IF_KTEST int direct_map_device(struct mem_range device, uint64_t top)
{
	struct mem_range pages = device_pages(device, top);
	for (uint64_t phys = pages.base; phys < pages.end; phys += HUGE_PAGE_SIZE)
		if (paging_map(&kernel_space, DIRECT_MAP_BASE + phys, phys, HUGE_PAGE_SIZE,
			       PAGE_WRITABLE | PAGE_NOCACHE | PAGE_NOEXEC | PAGE_GLOBAL) != 0)
			return -1;
	if (pages.end > pages.base)
		direct_device = pages;
	return 0;
}

void paging_init(const struct mem_range *usable, size_t usable_count, struct mem_range device,
		 struct mem_range *reserved, size_t *reserved_count)
{
	uint64_t top = 4 * GIB; /* devices live below 4 GiB: map all of it */
	for (size_t i = 0; i < usable_count; i++)
		if (usable[i].end > top)
			top = usable[i].end;
	top = align_up(top, HUGE_PAGE_SIZE);

	enable_nx_and_wp();
	early_pool_init(usable, usable_count, top, device);
	kernel_space.pml4 = alloc_table();

	direct_map_init(top);
	if (direct_map_device(device, top) != 0) /* its tables were counted in the pool */
		panic("paging: cannot direct-map the device at %#lx", device.base);
	/* The heap's and the kernel stacks' PML4 entries, made now so that they are
	 * shared (see the top). */
	table_at(kernel_space.pml4)[index_at(HEAP_BASE, TOP_SHIFT)] =
		alloc_table() | PTE_PRESENT | PAGE_WRITABLE;
	table_at(kernel_space.pml4)[index_at(KSTACK_BASE, TOP_SHIFT)] =
		alloc_table() | PTE_PRESENT | PAGE_WRITABLE;
	for (uintptr_t page = (uintptr_t)__image_start; page < (uintptr_t)__kernel_end;
	     page += PAGE_SIZE)
		if (map_page(&kernel_space, page, kernel_image_phys((void *)page), PAGE_SIZE,
			     kernel_page_flags(page)) != 0)
			panic("paging: cannot map the kernel page %#lx", page);

	write_cr3(kernel_space.pml4);
	direct_map_live = true;
	direct_map_end = top;
	reserved[(*reserved_count)++] = (struct mem_range){early.start, early.end};
}

/* ---- other address spaces ------------------------------------------------------- */

static void destroy_space(struct address_space *as);

static int create_space(struct address_space *as)
{
	if (!(as->pml4 = alloc_table()))
		return -1;
	other_spaces++;
	uint64_t *kernel_pml4 = table_at(kernel_space.pml4), *pml4 = table_at(as->pml4);
	for (int i = ENTRIES / 2; i < ENTRIES; i++)
		pml4[i] = kernel_pml4[i]; /* the kernel half, shared */
	return 0;
}

/* Frees the low half's tables (not the pages they map): all the space's own. */
static void free_low_half(const uint64_t *pml4)
{
	for (int i = 0; i < ENTRIES / 2; i++) {
		if (!(pml4[i] & PTE_PRESENT))
			continue;
		const uint64_t *pdpt = table_at(pml4[i] & PTE_ADDRESS);
		for (int j = 0; j < ENTRIES; j++) {
			if (!(pdpt[j] & PTE_PRESENT) || (pdpt[j] & PTE_HUGE))
				continue;
			uint64_t *pd = table_at(pdpt[j] & PTE_ADDRESS);
			for (unsigned k = 0; k < ENTRIES; k++)
				if ((pd[k] & PTE_PRESENT) && !(pd[k] & PTE_HUGE))
					free_table(pd[k] & PTE_ADDRESS);
			free_table(pdpt[j] & PTE_ADDRESS);
		}
		free_table(pml4[i] & PTE_ADDRESS);
	}
}

int paging_create_space(struct address_space *as)
{
	uint64_t held = spin_lock_irqsave(&tables_lock);
	int result = create_space(as);
	spin_unlock_irqrestore(&tables_lock, held);
	return result;
}

static void destroy_space(struct address_space *as)
{
	if (!as->pml4 || as == &kernel_space)
		return;
	if (is_current(as))
		panic("paging: destroying the address space in use");
	free_low_half(table_at(as->pml4));
	free_table(as->pml4);
	as->pml4 = 0;
	other_spaces--;
}

void paging_destroy_space(struct address_space *as)
{
	uint64_t held = spin_lock_irqsave(&tables_lock);
	destroy_space(as);
	spin_unlock_irqrestore(&tables_lock, held);
}

void paging_switch_to(const struct address_space *as)
{
	write_cr3(as->pml4);
}
