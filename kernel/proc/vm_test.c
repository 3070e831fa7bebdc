/* KTESTs for vm.c (test kernel only): huge, sparsely touched regions are copied and
 * freed by walking only the page tables that exist. */
#include "vm.h"

#include "../arch/usercopy.h"
#include "../test/ktest.h"

#define TIB (1ull << 40)

/* 2^28 pages reserved, three touched: fork and exit must not visit every page (a
 * page at a time, mm_free took minutes here). The test's time limit is the check. */
KTEST(vm_terabyte_region_copies_and_frees_by_its_tables)
{
	uint64_t frames = ktest_frames_not_in_use();
	struct mm *mm = mm_new();
	KEXPECT(mm != 0);
	uintptr_t start = 0x100000000000ull; /* 16 TiB: far from everything */
	KEXPECT_EQ(vm_map(mm, start, TIB, VM_READ | VM_WRITE, 0, 0, 0, 0), 0);
	static const char byte = 1;
	uintptr_t touched[] = {start, start + TIB / 2 + 12345, start + TIB - 1};
	for (unsigned i = 0; i < sizeof touched / sizeof touched[0]; i++)
		KEXPECT(vm_poke(mm, touched[i], &byte, 1));
	KEXPECT_EQ(mm->pages, 3ul);
	struct mm *copy = mm_copy(mm);
	KEXPECT(copy != 0);
	KEXPECT_EQ(copy->pages, 3ul);
	KEXPECT_EQ(vm_protect(mm, start, TIB, VM_READ), 0);
	KEXPECT_EQ(vm_unmap(copy, start + TIB / 2, TIB / 2), 0);
	KEXPECT_EQ(copy->pages, 1ul);
	mm_free(copy);
	mm_free(mm);
	KEXPECT_EQ(ktest_frames_not_in_use(), frames);
}
