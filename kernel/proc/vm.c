#include "vm.h"

#include <asm-generic/errno-base.h>

#include "../arch/usercopy.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "../mm/paging.h"
#include "../mm/pmm.h"
#include "process.h"

static uint64_t page_flags(unsigned prot)
{
	return PAGE_USER | ((prot & VM_WRITE) ? PAGE_WRITABLE : 0) |
	       ((prot & VM_EXEC) ? 0 : PAGE_NOEXEC);
}

static bool overlaps(const struct process *p, uintptr_t start, uintptr_t end)
{
	const struct list_node *node;
	list_for_each(node, &p->regions)
	{
		const struct vm_region *r = list_entry(node, struct vm_region, link);
		if (start < r->end && r->start < end)
			return true;
	}
	return false;
}

static void unmap_range(struct process *p, uintptr_t start, uintptr_t end)
{
	for (uintptr_t page = start; page < end; page += PAGE_SIZE) {
		phys_addr_t frame;
		if (paging_translate(&p->space, page, &frame, 0, 0) &&
		    paging_unmap(&p->space, page) == 0)
			pmm_free_frame(frame);
	}
}

int vm_map_zeroed(struct process *p, uintptr_t start, size_t size, unsigned prot)
{
	uintptr_t end = start + size;
	if (start % PAGE_SIZE || size % PAGE_SIZE || size == 0 || !user_range_ok(start, size))
		return -EINVAL;
	if (overlaps(p, start, end))
		return -EINVAL;
	struct vm_region *r = kmalloc(sizeof *r);
	if (!r)
		return -ENOMEM;
	for (uintptr_t page = start; page < end; page += PAGE_SIZE) {
		phys_addr_t frame = pmm_alloc_frame();
		if (frame == PMM_NO_FRAME) {
			unmap_range(p, start, page);
			kfree(r);
			return -ENOMEM;
		}
		memset(phys_to_virt(frame), 0, PAGE_SIZE);
		if (paging_map(&p->space, page, frame, PAGE_SIZE, page_flags(prot)) != 0) {
			pmm_free_frame(frame);
			unmap_range(p, start, page);
			kfree(r);
			return -ENOMEM;
		}
	}
	*r = (struct vm_region){.start = start, .end = end, .prot = prot};
	list_push_back(&p->regions, &r->link);
	return 0;
}

bool vm_poke(struct process *p, uintptr_t addr, const void *src, size_t size)
{
	const uint8_t *from = src;
	while (size) {
		phys_addr_t phys;
		if (!paging_translate(&p->space, addr, &phys, 0, 0))
			return false;
		size_t room = PAGE_SIZE - addr % PAGE_SIZE, n = size < room ? size : room;
		memcpy(phys_to_virt(phys), from, n);
		addr += n;
		from += n;
		size -= n;
	}
	return true;
}

void vm_release(struct process *p)
{
	struct list_node *node;
	while ((node = list_pop_front(&p->regions))) {
		struct vm_region *r = list_entry(node, struct vm_region, link);
		unmap_range(p, r->start, r->end);
		kfree(r);
	}
}
