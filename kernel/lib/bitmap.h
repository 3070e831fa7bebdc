/* Bitmaps as arrays of 64-bit words, bit i in word i / 64: the heap's slab maps and
 * the frame allocator's metadata. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define BITMAP_NONE (~0ull) /* bitmap_first_clear: no such bit */

static inline bool bitmap_test(const uint64_t *bits, uint64_t i)
{
	return bits[i / 64] >> (i % 64) & 1;
}

static inline void bitmap_set(uint64_t *bits, uint64_t i)
{
	bits[i / 64] |= 1ull << (i % 64);
}

static inline void bitmap_clear(uint64_t *bits, uint64_t i)
{
	bits[i / 64] &= ~(1ull << (i % 64));
}

/* The bits of word w that fall in [first, first + count), which w meets: bits lo to
 * top, with 0 <= lo <= top < 64. */
static inline uint64_t bitmap_word_mask(uint64_t w, uint64_t first, uint64_t count)
{
	uint64_t start = w * 64, last = first + count - 1;
	uint64_t lo = first > start ? first - start : 0;
	uint64_t top = last - start < 63 ? last - start : 63;
	return ~0ull >> (63 - top) & ~0ull << lo;
}

/* Sets or clears bits [first, first + count), count > 0, a word at a time. */
static inline void bitmap_assign(uint64_t *bits, uint64_t first, uint64_t count, bool value)
{
	for (uint64_t w = first / 64; w <= (first + count - 1) / 64; w++) {
		uint64_t mask = bitmap_word_mask(w, first, count);
		bits[w] = value ? bits[w] | mask : bits[w] & ~mask;
	}
}

/* The first index in [first, first + count), count > 0, whose bit is clear, or
 * BITMAP_NONE. */
static inline uint64_t bitmap_first_clear(const uint64_t *bits, uint64_t first, uint64_t count)
{
	for (uint64_t w = first / 64; w <= (first + count - 1) / 64; w++) {
		uint64_t clear = ~bits[w] & bitmap_word_mask(w, first, count);
		if (clear)
			return w * 64 + (uint64_t)__builtin_ctzll(clear);
	}
	return BITMAP_NONE;
}
