/* 4-level paging structures: Intel SDM vol. 3A, 4.5 (entries in tables 4-15 to
 * 4-20); a PD entry with PS set maps 2 MiB. */
#include "paging.h"

#include "../arch/x86.h"
#include "../panic.h"

#define PTE_PRESENT  0x001ull
#define PTE_WRITABLE 0x002ull
#define PTE_HUGE     0x080ull /* PS in a PD entry: a 2 MiB page */
#define PTE_ADDRESS  0x000FFFFFFFFFF000ull

#define ENTRIES		  512
#define HUGE_PAGE	  (2ul << 20)
#define SMALL_PAGE_TABLES 2 /* 4 KiB pages over the first 2 x 2 MiB */
#define SMALL_MAPPED_END  (SMALL_PAGE_TABLES * HUGE_PAGE)

typedef uint64_t table[ENTRIES] __attribute__((aligned(PAGE_SIZE)));

/* One address space for now: the kernel's. The tables are identity-mapped, so a
 * table's address is also its physical address. */
static table pml4, pdpt, pd;
static table pt[SMALL_PAGE_TABLES];

void paging_init(void)
{
	pml4[0] = (uintptr_t)pdpt | PTE_PRESENT | PTE_WRITABLE;
	pdpt[0] = (uintptr_t)pd | PTE_PRESENT | PTE_WRITABLE;
	for (uint64_t i = 0; i < ENTRIES; i++)
		pd[i] = i * HUGE_PAGE | PTE_PRESENT | PTE_WRITABLE | PTE_HUGE;
	for (int t = 0; t < SMALL_PAGE_TABLES; t++) {
		for (uint64_t i = 0; i < ENTRIES; i++)
			pt[t][i] = (t * HUGE_PAGE + i * PAGE_SIZE) | PTE_PRESENT | PTE_WRITABLE;
		pd[t] = (uintptr_t)pt[t] | PTE_PRESENT | PTE_WRITABLE;
	}
	pt[0][0] = 0; /* the null page: a null dereference faults */
	write_cr3((uintptr_t)pml4);
}

static uint64_t *small_page_entry(uintptr_t address)
{
	if (address >= SMALL_MAPPED_END)
		panic("%#lx is outside the 4 KiB-mapped first %lu MiB", address,
		      SMALL_MAPPED_END >> 20);
	return &pt[address / HUGE_PAGE][(address % HUGE_PAGE) / PAGE_SIZE];
}

void paging_unmap_guard_page(void *page)
{
	uintptr_t address = (uintptr_t)page;
	if (address % PAGE_SIZE)
		panic("guard page %p is not page-aligned", page);
	*small_page_entry(address) = 0;
	invlpg(page);
}

int paging_is_mapped(uintptr_t address)
{
	if (address < SMALL_MAPPED_END)
		return (*small_page_entry(address) & PTE_PRESENT) != 0;
	uint64_t gib = address >> 30;
	return gib == 0 && (pd[(address >> 21) & (ENTRIES - 1)] & PTE_PRESENT);
}

#include "../test/ktest.h"

extern char __image_start[];

KTEST(paging_leaves_the_null_page_unmapped)
{
	KEXPECT(!paging_is_mapped(0));
	KEXPECT(!paging_is_mapped(0xFFF));
	KEXPECT(paging_is_mapped(0x1000));
	KEXPECT(paging_is_mapped((uintptr_t)__image_start));
	KEXPECT(paging_is_mapped(0x3FFFFFFF));
	KEXPECT(!paging_is_mapped(0x40000000));
}

KTEST(paging_unmaps_a_guard_page_and_only_it)
{
	static uint8_t pages[3 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
	paging_unmap_guard_page(&pages[PAGE_SIZE]);
	KEXPECT(paging_is_mapped((uintptr_t)&pages[PAGE_SIZE - 1]));
	KEXPECT(!paging_is_mapped((uintptr_t)&pages[PAGE_SIZE]));
	KEXPECT(!paging_is_mapped((uintptr_t)&pages[2 * PAGE_SIZE - 1]));
	KEXPECT(paging_is_mapped((uintptr_t)&pages[2 * PAGE_SIZE]));
}
