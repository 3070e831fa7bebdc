#include "vm.h"

#include <asm-generic/errno-base.h>

#include "../arch/usercopy.h"
#include "../fs/vfs.h"
#include "../lib/string.h"
#include "../mm/frame_share.h"
#include "../mm/heap.h"
#include "../mm/pmm.h"

#define MMAP_LOWEST 0x10000ul /* Linux's default vm.mmap_min_addr */

static uintptr_t page_down(uintptr_t a)
{
	return a & ~(PAGE_SIZE - 1);
}

static uintptr_t page_up(uintptr_t a)
{
	return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* The page flags for a region's page; `writable` is false for a page still shared
 * copy-on-write. PROT_NONE pages stay mapped but for the kernel only. */
static uint64_t page_flags(unsigned prot, bool writable)
{
	uint64_t flags = (prot & VM_EXEC) ? 0 : PAGE_NOEXEC;
	if (prot & (VM_READ | VM_WRITE | VM_EXEC))
		flags |= PAGE_USER;
	if ((prot & VM_WRITE) && writable)
		flags |= PAGE_WRITABLE;
	return flags;
}

static struct vm_region *region_of(struct list_node *node)
{
	return list_entry(node, struct vm_region, link);
}

/* The region holding addr, or NULL. */
static struct vm_region *region_at(struct mm *mm, uintptr_t addr)
{
	struct list_node *node;
	list_for_each(node, &mm->regions)
	{
		struct vm_region *r = region_of(node);
		if (addr < r->start)
			return 0;
		if (addr < r->end)
			return r;
	}
	return 0;
}

static bool overlaps(struct mm *mm, uintptr_t start, uintptr_t end)
{
	struct list_node *node;
	list_for_each(node, &mm->regions)
	{
		struct vm_region *r = region_of(node);
		if (start < r->end && r->start < end)
			return true;
	}
	return false;
}

static void insert_sorted(struct mm *mm, struct vm_region *r)
{
	struct list_node *node;
	list_for_each(node, &mm->regions)
	{
		if (region_of(node)->start > r->start)
			break;
	}
	list_insert_before(node, &r->link);
}

/* ---- single pages --------------------------------------------------------------- */

/* Fills a fresh frame for `page` of `r`: the file's bytes, then zeroes. */
static void fill_page(struct vm_region *r, uintptr_t page, void *frame)
{
	memset(frame, 0, PAGE_SIZE);
	if (!r->file)
		return;
	uint64_t into = page - r->start;
	if (into >= r->file_size)
		return;
	size_t n = r->file_size - into < PAGE_SIZE ? r->file_size - into : PAGE_SIZE;
	fs_read_kernel(r->file, r->offset + into, frame, n);
}

static void count_page(struct mm *mm)
{
	if (++mm->pages > mm->peak_pages)
		mm->peak_pages = mm->pages;
}

/* A page of the file a region maps, from the page cache: one frame for every space
 * that maps that page of the file (filled on the first fault), or PMM_NO_FRAME for
 * a page with no bytes of the file (zeroes: each space's own) or no memory. */
static phys_addr_t file_page(struct vm_region *r, uintptr_t page)
{
	uint64_t into = page - r->start;
	if (!r->file || into >= r->file_size)
		return PMM_NO_FRAME;
	struct page_key key = {
		.file = r->file,
		.version = __atomic_load_n(&r->file->data_version, __ATOMIC_ACQUIRE),
		.offset = r->offset + into,
		.bytes = r->file_size - into < PAGE_SIZE ? r->file_size - into : PAGE_SIZE,
	};
	phys_addr_t frame = frame_cache_get(&key);
	if (frame != PMM_NO_FRAME)
		return frame;
	if ((frame = pmm_alloc_frame()) == PMM_NO_FRAME)
		return frame;
	fill_page(r, page, phys_to_virt(frame));
	frame_cache_add(&key, frame); /* or it stays this space's alone */
	return frame;
}

/* A page the region has not had yet: for a read, a file's page comes from the page
 * cache, mapped read-only (a write copies it); otherwise a frame of its own. */
static bool bring_in(struct mm *mm, struct vm_region *r, uintptr_t page, bool for_read)
{
	phys_addr_t frame = for_read ? file_page(r, page) : PMM_NO_FRAME;
	bool own = frame == PMM_NO_FRAME;
	if (own) {
		if ((frame = pmm_alloc_frame()) == PMM_NO_FRAME)
			return false;
		fill_page(r, page, phys_to_virt(frame));
	}
	bool writable = own || !frame_is_shared(frame);
	if (paging_map(&mm->space, page, frame, PAGE_SIZE, page_flags(r->prot, writable)) != 0) {
		frame_release(frame);
		return false;
	}
	count_page(mm);
	return true;
}

/* A write to a present page of a writable region: copy it if someone else maps the
 * frame too, else just let this space write. */
static bool copy_on_write(struct mm *mm, struct vm_region *r, uintptr_t page, phys_addr_t old)
{
	if (!frame_is_shared(old))
		return paging_protect(&mm->space, page, page_flags(r->prot, true)) == 0;
	phys_addr_t copy = pmm_alloc_frame();
	if (copy == PMM_NO_FRAME)
		return false;
	memcpy(phys_to_virt(copy), phys_to_virt(old), PAGE_SIZE);
	paging_unmap(&mm->space, page);
	if (paging_map(&mm->space, page, copy, PAGE_SIZE, page_flags(r->prot, true)) != 0) {
		pmm_free_frame(copy);
		paging_map(&mm->space, page, old, PAGE_SIZE, page_flags(r->prot, false));
		return false;
	}
	frame_release(old);
	return true;
}

static void drop_page(struct mm *mm, uintptr_t page)
{
	phys_addr_t frame;
	if (paging_translate(&mm->space, page, &frame, 0, 0) &&
	    paging_unmap(&mm->space, page) == 0) {
		frame_release(frame);
		mm->pages--;
	}
}

/* The mapped pages of [start, end), skipping what no table maps. */
#define for_each_mapped_page(mm, page, start, end)                                            \
	for (uintptr_t page = paging_next_mapped(&(mm)->space, (start), (end)); page < (end); \
	     page = paging_next_mapped(&(mm)->space, page + PAGE_SIZE, (end)))

static void drop_range(struct mm *mm, uintptr_t start, uintptr_t end)
{
	for_each_mapped_page(mm, page, start, end)
	{
		drop_page(mm, page);
	}
}

/* ---- faults ------------------------------------------------------------------- */

/* The stack region when `addr` lies in the room it may grow into, or NULL. */
static struct vm_region *stack_below(struct mm *mm, uintptr_t addr)
{
	struct list_node *node;
	uintptr_t previous_end = 0;
	list_for_each(node, &mm->regions)
	{
		struct vm_region *r = region_of(node);
		if (r->start > addr) {
			bool in_reach = (r->kind & VM_GROWSDOWN) && addr >= r->end - STACK_LIMIT &&
					addr >= previous_end + STACK_GAP;
			return in_reach ? r : 0;
		}
		previous_end = r->end;
	}
	return 0;
}

/* Whether `page` of file mapping r lies wholly past the file's end (as it is now). */
static bool past_end_of_file(const struct vm_region *r, uintptr_t page)
{
	uint64_t size = __atomic_load_n(&r->file->size, __ATOMIC_RELAXED);
	return r->offset + (page - r->start) >= page_up(size);
}

/* bring_in and copy_on_write fail only for want of memory. */
static enum vm_fault_result done_if(bool resolved)
{
	return resolved ? VM_FAULT_DONE : VM_FAULT_NOMEM;
}

enum vm_fault_result vm_fault(struct mm *mm, uintptr_t addr, bool write, bool exec)
{
	if (addr >= USER_END)
		return VM_FAULT_SEGV;
	uintptr_t page = page_down(addr);
	struct vm_region *r = region_at(mm, addr);
	if (!r && (r = stack_below(mm, addr)))
		r->start = page; /* the stack grows down to here */
	if (!r || (write && !(r->prot & VM_WRITE)) || (exec && !(r->prot & VM_EXEC)) ||
	    !(r->prot & (VM_READ | VM_WRITE | VM_EXEC)))
		return VM_FAULT_SEGV;
	phys_addr_t frame;
	uint64_t flags;
	if (!paging_translate(&mm->space, page, &frame, &flags, 0)) {
		if ((r->kind & VM_FILE_ONLY) && past_end_of_file(r, page))
			return VM_FAULT_BUS;
		return done_if(bring_in(mm, r, page, !write));
	}
	if (write && !(flags & PAGE_WRITABLE))
		return done_if(copy_on_write(mm, r, page, frame));
	return VM_FAULT_DONE; /* another CPU's work, or a stale TLB entry: try again */
}

bool vm_poke(struct mm *mm, uintptr_t addr, const void *src, size_t size)
{
	const uint8_t *from = src;
	while (size) {
		uintptr_t page = page_down(addr);
		struct vm_region *r = region_at(mm, addr);
		phys_addr_t phys;
		uint64_t flags;
		if (!r)
			return false;
		if (!paging_translate(&mm->space, page, &phys, &flags, 0)) {
			if (!bring_in(mm, r, page, false)) /* written below: its own */
				return false;
			paging_translate(&mm->space, page, &phys, &flags, 0);
		}
		size_t room = PAGE_SIZE - addr % PAGE_SIZE, n = size < room ? size : room;
		memcpy((uint8_t *)phys_to_virt(phys) + addr % PAGE_SIZE, from, n);
		addr += n;
		from += n;
		size -= n;
	}
	return true;
}

/* ---- regions ------------------------------------------------------------------ */

int vm_map(struct mm *mm, uintptr_t start, size_t size, unsigned prot, unsigned kind,
	   struct inode *file, uint64_t offset, uint64_t file_size)
{
	if (start % PAGE_SIZE || size % PAGE_SIZE || size == 0 || !user_range_ok(start, size) ||
	    overlaps(mm, start, start + size))
		return -EINVAL;
	struct vm_region *r = kmalloc(sizeof *r);
	if (!r)
		return -ENOMEM;
	*r = (struct vm_region){.start = start,
				.end = start + size,
				.prot = prot,
				.kind = kind,
				.file = file,
				.offset = offset,
				.file_size = file_size};
	if (file)
		inode_get(file);
	insert_sorted(mm, r);
	return 0;
}

static void free_region(struct vm_region *r)
{
	list_remove(&r->link);
	if (r->file)
		inode_put(r->file);
	kfree(r);
}

/* Splits r at `at` (inside it): r keeps [start, at), the new one [at, end). */
static struct vm_region *split(struct vm_region *r, uintptr_t at)
{
	struct vm_region *high = kmalloc(sizeof *high);
	if (!high)
		return 0;
	*high = *r;
	high->start = at;
	uint64_t moved = at - r->start;
	high->offset += moved;
	high->file_size = r->file_size > moved ? r->file_size - moved : 0;
	if (high->file)
		inode_get(high->file);
	r->end = at;
	r->file_size = r->file_size < moved ? r->file_size : moved;
	list_insert_between(&high->link, &r->link, r->link.next);
	return high;
}

/* Splits the regions so that none straddles start or end. */
static int split_around(struct mm *mm, uintptr_t start, uintptr_t end)
{
	struct list_node *node;
	list_for_each(node, &mm->regions)
	{
		struct vm_region *r = region_of(node);
		if (r->start < start && start < r->end && !split(r, start))
			return -ENOMEM;
		if (r->start < end && end < r->end && !split(r, end))
			return -ENOMEM;
	}
	return 0;
}

int vm_unmap(struct mm *mm, uintptr_t start, size_t size)
{
	size = page_up(size);
	if (start % PAGE_SIZE || size == 0 || !user_range_ok(start, size))
		return -EINVAL;
	uintptr_t end = start + size;
	int err = split_around(mm, start, end);
	if (err)
		return err;
	struct list_node *node = mm->regions.next;
	while (node != &mm->regions) {
		struct vm_region *r = region_of(node);
		node = node->next;
		if (r->start >= start && r->end <= end) {
			drop_range(mm, r->start, r->end);
			free_region(r);
		}
	}
	return 0;
}

int vm_discard(struct mm *mm, uintptr_t start, size_t size)
{
	if (start % PAGE_SIZE || !user_range_ok(start, size))
		return -EINVAL;
	drop_range(mm, start, start + page_up(size));
	return 0;
}

static bool fully_mapped(struct mm *mm, uintptr_t start, uintptr_t end)
{
	uintptr_t at = start;
	struct list_node *node;
	list_for_each(node, &mm->regions)
	{
		struct vm_region *r = region_of(node);
		if (r->end <= at)
			continue;
		if (r->start > at)
			return false;
		at = r->end;
		if (at >= end)
			return true;
	}
	return false;
}

int vm_protect(struct mm *mm, uintptr_t start, size_t size, unsigned prot)
{
	size = page_up(size);
	if (start % PAGE_SIZE || !user_range_ok(start, size))
		return -EINVAL;
	uintptr_t end = start + size;
	if (size == 0)
		return 0;
	if (!fully_mapped(mm, start, end))
		return -ENOMEM;
	int err = split_around(mm, start, end);
	if (err)
		return err;
	struct list_node *node;
	list_for_each(node, &mm->regions)
	{
		struct vm_region *r = region_of(node);
		if (r->start < start || r->end > end)
			continue;
		r->prot = prot;
		for_each_mapped_page(mm, page, r->start, r->end)
		{
			phys_addr_t frame;
			if (paging_translate(&mm->space, page, &frame, 0, 0))
				paging_protect(&mm->space, page,
					       page_flags(prot, !frame_is_shared(frame)));
		}
	}
	return 0;
}

uintptr_t vm_find_free(struct mm *mm, size_t size)
{
	uintptr_t top = page_down(mm->stack_top - STACK_LIMIT - STACK_GAP);
	struct list_node *node;
	/* Regions are in start order: walk down from the highest. */
	for (node = mm->regions.prev;; node = node->prev) {
		uintptr_t floor = node == &mm->regions ? MMAP_LOWEST : region_of(node)->end;
		if (node != &mm->regions && region_of(node)->start >= top)
			continue;
		if (top > floor && top - floor >= size)
			return top - size;
		if (node == &mm->regions)
			return 0;
		top = region_of(node)->start;
	}
}

static struct vm_region *heap_region(struct mm *mm)
{
	struct list_node *node;
	list_for_each(node, &mm->regions)
	{
		if (region_of(node)->kind & VM_HEAP)
			return region_of(node);
	}
	return 0;
}

uintptr_t vm_brk(struct mm *mm, uintptr_t new_brk)
{
	if (new_brk < mm->brk_start || new_brk >= USER_END)
		return mm->brk;
	uintptr_t have = page_up(mm->brk), want = page_up(new_brk);
	struct vm_region *heap = heap_region(mm);
	if (want > have) {
		if (overlaps(mm, have, want + STACK_GAP))
			return mm->brk; /* it would run into a mapping or the stack's gap */
		if (heap)
			heap->end = want;
		else if (vm_map(mm, have, want - have, VM_READ | VM_WRITE, VM_HEAP, 0, 0, 0) != 0)
			return mm->brk;
	} else if (want < have && heap) {
		drop_range(mm, want, have);
		if (want == heap->start)
			free_region(heap);
		else
			heap->end = want;
	}
	mm->brk = new_brk;
	return new_brk;
}

/* Moves the region at [old, old + size) (alone in it) to `to`, page by page: each
 * frame is mapped at its new place before its old mapping goes, so no page is ever
 * missing from both. If a page table cannot be had for the new place, the pages
 * not yet moved stay where they were and -ENOMEM is returned with the two halves
 * as regions of their own. */
static long move_region(struct mm *mm, struct vm_region *r, uintptr_t to, size_t new_size)
{
	uintptr_t old = r->start;
	int err = vm_map(mm, to, new_size, r->prot, r->kind & ~VM_HEAP, r->file, r->offset,
			 r->file_size);
	if (err)
		return err;
	for_each_mapped_page(mm, page, r->start, r->end)
	{
		phys_addr_t frame;
		uint64_t flags;
		paging_translate(&mm->space, page, &frame, &flags, 0);
		if (paging_map(&mm->space, to + (page - old), frame, PAGE_SIZE, flags) != 0) {
			vm_unmap(mm, to + (page - old), new_size - (page - old));
			vm_unmap(mm, old, page - old); /* moved already: no pages there */
			return -ENOMEM;
		}
		paging_unmap(&mm->space, page);
	}
	free_region(r);
	return (long)to;
}

long vm_remap(struct mm *mm, uintptr_t old, size_t old_size, size_t new_size, bool may_move)
{
	struct vm_region *r = region_at(mm, old);
	if (!r || old_size > r->end - old)
		return -EFAULT;
	if (new_size <= old_size) {
		if (new_size < old_size)
			vm_unmap(mm, old + new_size, old_size - new_size);
		return (long)old;
	}
	bool at_end = old + old_size == r->end && !(r->kind & (VM_GROWSDOWN | VM_HEAP));
	if (at_end && user_range_ok(old, new_size) && !overlaps(mm, r->end, old + new_size)) {
		r->end = old + new_size; /* the new pages come as the region's others do */
		return (long)old;
	}
	uintptr_t to = may_move ? vm_find_free(mm, new_size) : 0;
	if (!to || split_around(mm, old, old + old_size) != 0)
		return -ENOMEM;
	return move_region(mm, region_at(mm, old), to, new_size);
}

/* ---- whole spaces -------------------------------------------------------------- */

struct mm *mm_new(void)
{
	struct mm *mm = kcalloc(1, sizeof *mm);
	if (!mm)
		return 0;
	list_init(&mm->regions);
	mutex_init(&mm->lock, "mm");
	if (paging_create_space(&mm->space) != 0) {
		kfree(mm);
		return 0;
	}
	return mm;
}

void mm_free(struct mm *mm)
{
	struct list_node *node;
	while ((node = mm->regions.next) != &mm->regions) {
		struct vm_region *r = region_of(node);
		drop_range(mm, r->start, r->end);
		free_region(r);
	}
	paging_destroy_space(&mm->space);
	kfree(mm);
}

/* One page of a region into the child, shared: read-only on both sides if the
 * region is writable, so the first write on either side copies it. */
static bool share_page(struct mm *from, struct mm *to, struct vm_region *r, uintptr_t page)
{
	phys_addr_t frame;
	if (!paging_translate(&from->space, page, &frame, 0, 0))
		return true;
	if (!frame_share(frame)) { /* no room to count sharers: copy it now */
		phys_addr_t copy = pmm_alloc_frame();
		if (copy == PMM_NO_FRAME)
			return false;
		memcpy(phys_to_virt(copy), phys_to_virt(frame), PAGE_SIZE);
		if (paging_map(&to->space, page, copy, PAGE_SIZE, page_flags(r->prot, true))) {
			pmm_free_frame(copy);
			return false;
		}
		count_page(to);
		return true;
	}
	if (paging_map(&to->space, page, frame, PAGE_SIZE, page_flags(r->prot, false)) != 0) {
		frame_release(frame);
		return false;
	}
	count_page(to);
	if (r->prot & VM_WRITE)
		paging_protect(&from->space, page, page_flags(r->prot, false));
	return true;
}

struct mm *mm_copy(struct mm *from)
{
	struct mm *to = mm_new();
	if (!to)
		return 0;
	to->brk_start = from->brk_start;
	to->brk = from->brk;
	to->stack_top = from->stack_top;
	struct list_node *node;
	list_for_each(node, &from->regions)
	{
		struct vm_region *r = region_of(node);
		if (vm_map(to, r->start, r->end - r->start, r->prot, r->kind, r->file, r->offset,
			   r->file_size) != 0)
			goto fail;
		for_each_mapped_page(from, page, r->start, r->end)
		{
			if (!share_page(from, to, r, page))
				goto fail;
		}
	}
	return to;
fail:
	mm_free(to);
	return 0;
}

#ifdef KEEL_TEST
unsigned long vm_region_count(const struct mm *mm)
{
	unsigned long n = 0;
	const struct list_node *node;
	list_for_each(node, &mm->regions) n++;
	return n;
}
#endif
