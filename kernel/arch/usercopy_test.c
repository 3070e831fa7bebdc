/* KTESTs for user_copy.asm (test kernel only): a copy that faults part-way says how
 * many bytes it left, to the byte, even when the fault is inside an 8-byte step. A
 * kernel page followed by an unmapped one stands in for user memory: the fixups
 * work for any address, and no process's page fault handler is involved. */
#include "usercopy.h"

#include "../lib/string.h"
#include "../mm/paging.h"
#include "../test/ktest.h"

/* arch/user_copy.asm */
uint64_t user_copy_bytes(void *dst, const void *src, uint64_t n);

/* In the heap's PML4 slot, far from the heap and from paging_test.c's page. */
#define EDGE_PAGE (HEAP_BASE + (300ull << 30))
#define EDGE	  (EDGE_PAGE + PAGE_SIZE) /* the first byte that faults */

/* Copies n bytes from `before` bytes below the edge, and n bytes to there: both
 * must leave `left` bytes, and the bytes before the edge must have arrived. */
static void copy_at_edge(size_t before, size_t n, uint64_t left)
{
	static uint8_t pattern[64], back[64];
	for (size_t i = 0; i < sizeof pattern; i++)
		pattern[i] = (uint8_t)(i * 7 + 1);
	uint8_t *edge = (uint8_t *)EDGE;
	memset(back, 0, sizeof back);
	memcpy(edge - before, pattern, before);
	uint64_t from = user_copy_bytes(back, edge - before, n);
	KEXPECT_EQ(memcmp(back, pattern, before), 0);
	memset(edge - before, 0, before);
	uint64_t to = user_copy_bytes(edge - before, pattern, n);
	KEXPECT_EQ(memcmp(edge - before, pattern, before), 0);
	KEXPECT_EQ(from, left);
	KEXPECT_EQ(to, left);
}

KTEST(user_copy_counts_the_bytes_left_after_a_fault)
{
	KEXPECT_EQ(paging_map_fresh(EDGE_PAGE, 1, PAGE_WRITABLE | PAGE_NOEXEC), 0);
	copy_at_edge(13, 13, 0);  /* a word and a tail: all there */
	copy_at_edge(13, 40, 27); /* the second word straddles the edge */
	copy_at_edge(16, 40, 24); /* the third word starts at it */
	copy_at_edge(3, 11, 8);	  /* the first word straddles it */
	copy_at_edge(11, 13, 2);  /* the tail reaches it */
	copy_at_edge(0, 5, 5);	  /* nothing can be copied */
	paging_unmap_fresh(EDGE_PAGE, 1, "usercopy_test");
}
