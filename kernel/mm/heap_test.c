/* KTESTs for heap.c (test kernel only), on the kernel's own heap. */
#include "heap.h"

#include "../lib/string.h"

#include "../test/ktest.h"

static uint8_t ktest_byte(uint32_t seed, size_t i)
{
	return (uint8_t)(seed * 31 + i * 7 + (i >> 8));
}

KTEST(heap_mixed_kmalloc_kfree_keep_contents)
{
	size_t before = heap_live_blocks();
	enum { SLOTS = 40 };
	uint8_t *block[SLOTS] = {0};
	size_t size[SLOTS] = {0};
	uint32_t rng = 12345;
	for (int op = 0; op < 6000; op++) {
		rng = rng * 1103515245u + 12345u;
		unsigned slot = (rng >> 8) % SLOTS;
		if (block[slot]) {
			for (size_t i = 0; i < size[slot]; i++)
				KEXPECT_EQ(block[slot][i], ktest_byte(slot, i));
			kfree(block[slot]);
			block[slot] = NULL;
			continue;
		}
		size[slot] = (rng >> 16) % 8 == 0 ? 2049 + (rng >> 20) % 5000 : (rng >> 16) % 700;
		block[slot] = kmalloc(size[slot]);
		KEXPECT(block[slot] != NULL);
		KEXPECT_EQ((uintptr_t)block[slot] % 16, 0);
		for (size_t i = 0; i < size[slot]; i++)
			block[slot][i] = ktest_byte(slot, i);
	}
	for (unsigned slot = 0; slot < SLOTS; slot++)
		kfree(block[slot]);
	KEXPECT_EQ(heap_live_blocks(), before);
}

KTEST(heap_alignment_honoured)
{
	for (size_t align = 1; align <= HEAP_PAGE_SIZE; align *= 2) {
		static const size_t sizes[] = {0, 1, 24, 100, 1000, 3000};
		for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
			uint8_t *p = kmalloc_aligned(sizes[k], align);
			KEXPECT(p != NULL);
			KEXPECT_EQ((uintptr_t)p % align, 0);
			memset(p, 0x5a, sizes[k]);
			kfree(p);
		}
	}
	KEXPECT(kmalloc_aligned(8, 3) == NULL);
	KEXPECT(kmalloc_aligned(8, 2 * HEAP_PAGE_SIZE) == NULL);
}

KTEST(heap_krealloc_preserves_contents)
{
	static const size_t sizes[] = {10, 100, 1000, 2048, 5000, 12000, 300, 40, 0};
	uint8_t *p = krealloc(NULL, 1);
	KEXPECT(p != NULL);
	p[0] = ktest_byte(7, 0);
	size_t have = 1;
	for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		p = krealloc(p, sizes[k]);
		KEXPECT(p != NULL);
		size_t keep = have < sizes[k] ? have : sizes[k];
		for (size_t i = 0; i < keep; i++)
			KEXPECT_EQ(p[i], ktest_byte(7, i));
		for (size_t i = keep; i < sizes[k]; i++)
			p[i] = ktest_byte(7, i);
		have = sizes[k];
	}
	kfree(p);
}

KTEST(heap_kcalloc_zeroes_and_checks_overflow)
{
	uint8_t *dirty = kmalloc(600);
	KEXPECT(dirty != NULL);
	memset(dirty, 0xff, 600);
	kfree(dirty);
	uint8_t *p = kcalloc(20, 30);
	KEXPECT(p != NULL);
	for (size_t i = 0; i < 600; i++)
		KEXPECT_EQ(p[i], 0);
	kfree(p);
	KEXPECT(kcalloc(SIZE_MAX / 2 + 1, 2) == NULL);
	KEXPECT(kcalloc(2, SIZE_MAX / 2 + 1) == NULL);
}
