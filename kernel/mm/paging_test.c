/* KTESTs for paging.c (test kernel only). */
#include "paging.h"

#include "../arch/x86.h"
#include "../test/ktest.h"

#define GIB	       (1ull << 30)
#define PML4_SLOT_SIZE (512 * GIB) /* each PML4 entry maps 512 GiB (SDM vol. 3A, 4.5) */
#define PML4_SLOT(v)   ((v) / PML4_SLOT_SIZE % 512)

extern char __image_start[], __rodata_start[], __data_start[], __kernel_end[];

/* In the heap's PML4 slot, 256 GiB past its start: tests never need a new
 * kernel-half PML4 entry, which they could not give back. */
#define TEST_VIRT (HEAP_BASE + 256 * GIB)

static uint64_t free_frames(void)
{
	struct pmm_stats s;
	pmm_get_stats(&s);
	return s.free_frames;
}

KTEST(paging_maps_translates_and_unmaps_a_page)
{
	uint64_t before = free_frames();
	phys_addr_t frame = pmm_alloc_frame();
	KEXPECT(frame != PMM_NO_FRAME);
	KEXPECT_EQ(paging_map(paging_kernel_space(), TEST_VIRT, frame, PAGE_SIZE, PAGE_WRITABLE),
		   0);
	KEXPECT_EQ(paging_map(paging_kernel_space(), TEST_VIRT, frame, PAGE_SIZE, 0), -1);

	phys_addr_t phys = 0;
	uint64_t flags = 0;
	size_t size = 0;
	KEXPECT(paging_translate(paging_kernel_space(), TEST_VIRT + 0x123, &phys, &flags, &size));
	KEXPECT_EQ(phys, frame + 0x123);
	KEXPECT_EQ(size, PAGE_SIZE);
	KEXPECT(flags & PAGE_WRITABLE);

	*(volatile uint64_t *)TEST_VIRT = 0x6b65656c; /* and it reaches the frame */
	KEXPECT_EQ(*(volatile uint64_t *)phys_to_virt(frame), 0x6b65656c);

	KEXPECT_EQ(paging_unmap(paging_kernel_space(), TEST_VIRT), 0);
	KEXPECT(!paging_translate(paging_kernel_space(), TEST_VIRT, NULL, NULL, NULL));
	KEXPECT_EQ(paging_unmap(paging_kernel_space(), TEST_VIRT), -1);
	pmm_free_frame(frame);
	KEXPECT_EQ(free_frames(), before); /* the two tables it needed went back too */
}

/* A second space shares the kernel half. With it loaded, a kernel-half page
 * unmapped and mapped again through the kernel's space shows its new frame (the
 * TLB entry went, though the kernel's space was not the one loaded), and the shared
 * PML4 entry outlives the unmap. */
KTEST(paging_a_second_space_shares_the_kernel_half)
{
	uint64_t before = free_frames();
	struct address_space other = {0};
	KEXPECT_EQ(paging_create_space(&other), 0);
	phys_addr_t a = pmm_alloc_frame(), b = pmm_alloc_frame();
	*(volatile uint64_t *)phys_to_virt(a) = 0x1111;
	*(volatile uint64_t *)phys_to_virt(b) = 0x2222;
	KEXPECT_EQ(paging_map(paging_kernel_space(), TEST_VIRT, a, PAGE_SIZE, PAGE_WRITABLE), 0);

	uint64_t irq = cpu_irq_save();
	paging_switch_to(&other);
	uint64_t first = *(volatile uint64_t *)TEST_VIRT; /* now in the TLB */
	int unmapped = paging_unmap(paging_kernel_space(), TEST_VIRT);
	int mapped = paging_map(paging_kernel_space(), TEST_VIRT, b, PAGE_SIZE, PAGE_WRITABLE);
	uint64_t second = *(volatile uint64_t *)TEST_VIRT;
	paging_switch_to(paging_kernel_space());
	cpu_irq_restore(irq);

	KEXPECT_EQ(first, 0x1111);
	KEXPECT(unmapped == 0 && mapped == 0);
	KEXPECT_EQ(second, 0x2222);
	unsigned slot = PML4_SLOT(TEST_VIRT);
	const uint64_t *other_top = phys_to_virt(other.pml4);
	const uint64_t *kernel_top = phys_to_virt(paging_kernel_space()->pml4);
	KEXPECT_EQ(other_top[slot], kernel_top[slot]);
	/* Nor can it map into the image's slots, whose page tables are the kernel's. */
	KEXPECT_EQ(paging_map(&other, ((uintptr_t)__kernel_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1),
			      a, PAGE_SIZE, 0),
		   -1);
	/* While another space exists, no new kernel-half PML4 entry can be made. */
	const uintptr_t unshared = DIRECT_MAP_BASE + 100 * PML4_SLOT_SIZE;
	KEXPECT_EQ(paging_map(paging_kernel_space(), unshared, a, PAGE_SIZE, 0), -1);

	KEXPECT_EQ(paging_unmap(paging_kernel_space(), TEST_VIRT), 0);
	paging_destroy_space(&other);
	pmm_free_frame(a);
	pmm_free_frame(b);
	KEXPECT_EQ(free_frames(), before);
}

KTEST(paging_maps_a_2mib_page_and_changes_its_protection)
{
	phys_addr_t run = pmm_alloc_frames(HUGE_PAGE_SIZE / PAGE_SIZE);
	KEXPECT(run != PMM_NO_FRAME);
	KEXPECT_EQ(paging_map(paging_kernel_space(), TEST_VIRT + PAGE_SIZE, run, HUGE_PAGE_SIZE, 0),
		   -1);
	KEXPECT_EQ(paging_map(paging_kernel_space(), TEST_VIRT, run, HUGE_PAGE_SIZE, PAGE_WRITABLE),
		   0);
	phys_addr_t phys;
	size_t size;
	KEXPECT(paging_translate(paging_kernel_space(), TEST_VIRT + 0x1ABCDE, &phys, NULL, &size));
	KEXPECT_EQ(phys, run + 0x1ABCDE);
	KEXPECT_EQ(size, HUGE_PAGE_SIZE);

	uint64_t flags;
	KEXPECT_EQ(paging_protect(paging_kernel_space(), TEST_VIRT, PAGE_NOEXEC), 0);
	KEXPECT(paging_translate(paging_kernel_space(), TEST_VIRT, NULL, &flags, NULL));
	KEXPECT(!(flags & PAGE_WRITABLE));
	KEXPECT_EQ(paging_unmap(paging_kernel_space(), TEST_VIRT), 0);
	pmm_free_frames(run, HUGE_PAGE_SIZE / PAGE_SIZE);
}

/* The direct map's 2 MiB pages each map their own address the same way, up to its
 * end and no further: the first, the last, and those on either side of a GiB. */
KTEST(paging_direct_map_ends_where_it_should)
{
	KEXPECT(direct_map_end >= 4 * GIB && direct_map_end % HUGE_PAGE_SIZE == 0);
	const uint64_t probes[] = {0,
				   HUGE_PAGE_SIZE,
				   GIB - HUGE_PAGE_SIZE,
				   GIB,
				   3 * GIB + 0x1234,
				   4 * GIB - 1,
				   direct_map_end - HUGE_PAGE_SIZE,
				   direct_map_end - 1};
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		phys_addr_t phys = 0;
		uint64_t flags = 0;
		size_t size = 0;
		KEXPECT(paging_translate(paging_kernel_space(), DIRECT_MAP_BASE + probes[i], &phys,
					 &flags, &size));
		KEXPECT_EQ(phys, probes[i]);
		KEXPECT_EQ(size, HUGE_PAGE_SIZE);
		KEXPECT_EQ(flags, PAGE_WRITABLE | PAGE_GLOBAL | noexec_supported);
	}
	KEXPECT(!paging_translate(paging_kernel_space(), DIRECT_MAP_BASE + direct_map_end, NULL,
				  NULL, NULL));
}

/* True when the 2 MiB page at phys is in the direct map as a device's: uncached. */
static bool device_page_mapped(uint64_t phys)
{
	phys_addr_t got;
	uint64_t flags;
	size_t size;
	return paging_translate(paging_kernel_space(), DIRECT_MAP_BASE + phys, &got, &flags,
				&size) &&
	       got == phys && size == HUGE_PAGE_SIZE &&
	       flags == (PAGE_WRITABLE | PAGE_NOCACHE | PAGE_GLOBAL | noexec_supported);
}

/* A device past the direct map's end (a framebuffer beyond 4 GiB) joins it, uncached,
 * in the 2 MiB pages it touches and no others; one below the end or at the heap's
 * addresses adds nothing. Nothing is at those addresses: the test only maps them. */
KTEST(paging_direct_maps_a_device_beyond_its_end_uncached)
{
	uint64_t before = free_frames();
	struct mem_range saved = direct_device;
	uint64_t first = direct_map_end + GIB + 3 * HUGE_PAGE_SIZE;
	struct mem_range device = {first + 0x1000, first + 2 * HUGE_PAGE_SIZE + 0x1000};
	KEXPECT_EQ(direct_map_device(device, direct_map_end), 0);
	bool ok = device_page_mapped(first) && device_page_mapped(first + HUGE_PAGE_SIZE) &&
		  device_page_mapped(first + 2 * HUGE_PAGE_SIZE) &&
		  !paging_is_mapped(DIRECT_MAP_BASE + first - 1) &&
		  !paging_is_mapped(DIRECT_MAP_BASE + first + 3 * HUGE_PAGE_SIZE) &&
		  paging_direct_mapped(device.base) && paging_direct_mapped(device.end - 1) &&
		  !paging_direct_mapped(first + 3 * HUGE_PAGE_SIZE);
	for (int i = 0; i < 3; i++)
		paging_unmap(paging_kernel_space(), DIRECT_MAP_BASE + first + i * HUGE_PAGE_SIZE);
	direct_device = saved;
	KEXPECT(ok);
	KEXPECT_EQ(free_frames(), before);

	struct mem_range below = {0xFD000000, 0xFD800000},
			 past_heap = {HEAP_BASE - DIRECT_MAP_BASE,
				      HEAP_BASE - DIRECT_MAP_BASE + HUGE_PAGE_SIZE};
	direct_device = device; /* as if set: nothing below may change it */
	bool unchanged = direct_map_device(below, direct_map_end) == 0 &&
			 direct_map_device(past_heap, direct_map_end) == 0 &&
			 direct_device.base == device.base && direct_device.end == device.end;
	direct_device = saved;
	KEXPECT(unchanged);
}

KTEST(paging_refuses_bad_addresses)
{
	KEXPECT_EQ(paging_map(paging_kernel_space(), 0x0000800000000000ull, 0x200000, PAGE_SIZE, 0),
		   -1);
	KEXPECT_EQ(paging_map(paging_kernel_space(), TEST_VIRT + 1, 0x200000, PAGE_SIZE, 0), -1);
	KEXPECT_EQ(paging_map(paging_kernel_space(), TEST_VIRT, 0x200001, PAGE_SIZE, 0), -1);
	KEXPECT_EQ(paging_map(paging_kernel_space(), TEST_VIRT, 0x200000, 3 * PAGE_SIZE, 0), -1);
}

KTEST(paging_gives_kernel_sections_their_protections)
{
	uint64_t flags;
	KEXPECT(paging_translate(paging_kernel_space(), (uintptr_t)__image_start, NULL, &flags,
				 NULL));
	KEXPECT(!(flags & PAGE_WRITABLE) && !(flags & PAGE_NOEXEC));
	KEXPECT(paging_translate(paging_kernel_space(), (uintptr_t)__rodata_start, NULL, &flags,
				 NULL));
	KEXPECT(!(flags & PAGE_WRITABLE));
	KEXPECT(!noexec_supported || (flags & PAGE_NOEXEC));
	KEXPECT(paging_translate(paging_kernel_space(), (uintptr_t)__data_start, NULL, &flags,
				 NULL));
	KEXPECT(flags & PAGE_WRITABLE);
	KEXPECT(!noexec_supported || (flags & PAGE_NOEXEC));
	KEXPECT(!paging_is_mapped(0));
	KEXPECT(!paging_is_mapped(0x7C00)); /* low memory only through the direct map */
	KEXPECT(paging_is_mapped(DIRECT_MAP_BASE + 0x7C00));
	KEXPECT(read_cr0() & CR0_WP);
}

/* The lower half is user space's: after paging_init the kernel's own space maps
 * nothing there, not even the stub at 1 MiB the boot sector called. */
KTEST(paging_the_kernels_space_maps_nothing_in_the_lower_half)
{
	const uint64_t *top = phys_to_virt(paging_kernel_space()->pml4);
	for (int i = 0; i < 256; i++)
		KEXPECT_EQ(top[i], 0);
	KEXPECT(!paging_is_mapped(0x100000));
	KEXPECT(paging_is_mapped((uintptr_t)__image_start));
	KEXPECT_EQ(kernel_image_phys(__image_start), 0x100000);
}
