/* KTESTs for mem.c (test kernel only): the heap's pages in the kernel's space. */
#include "mem.h"

#include "heap.h"
#include "paging.h"

#include "../test/ktest.h"

/* After a burst of heap pages given back out of order (as a fork bomb's processes
 * end), what the heap takes next lies at the bottom of its area, where page tables
 * already are. Before, the burst's addresses scattered (first fit in an unsorted
 * list of 128 holes, the rest lost): the next pages landed megabytes up, each
 * 2 MiB of them under a page table of its own, more after every burst. */
KTEST(heap_pages_after_a_burst_come_from_the_bottom)
{
	enum { BLOCKS = 600, SIZE = 2 * PAGE_SIZE - 64 }; /* 2 pages each: 4.7 MiB */
	static void *block[BLOCKS];
	uint64_t frames = ktest_frames_not_in_use();
	for (int i = 0; i < BLOCKS; i++)
		KEXPECT((block[i] = kmalloc(SIZE)) != 0);
	for (int i = BLOCKS - 1; i >= 0; i -= 2) /* every other one, highest first */
		kfree(block[i]);
	for (int i = BLOCKS - 2; i >= 0; i -= 2)
		kfree(block[i]);
	void *next = kmalloc(SIZE);
	KEXPECT(next != 0);
	KEXPECT((uintptr_t)next < (uintptr_t)block[0] + 2 * PAGE_SIZE * 8);
	/* Its pages count as the heap's: no page table more. */
	KEXPECT_EQ(ktest_frames_not_in_use(), frames);
	kfree(next);
	KEXPECT_EQ(ktest_frames_not_in_use(), frames);
}
