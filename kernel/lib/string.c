#include "string.h"

#include <stdint.h>

/* A word that may alias anything, so memset may store through it. */
typedef uint64_t __attribute__((may_alias)) word_t;

/* Aligned words in the middle: _start clears .bss with it and paging clears every
 * new table, and a byte loop needs eight times the stores (under an emulator, eight
 * times the time). Eight words a pass, as under QEMU TCG a pass of a loop costs
 * several stores (a 4 KiB table: 512 passes or 64). */
void *memset(void *dst, int byte, size_t n)
{
	unsigned char *d = dst;
	for (; n && (uintptr_t)d % sizeof(word_t); n--)
		*d++ = (unsigned char)byte;
	word_t pattern = 0x0101010101010101ull * (unsigned char)byte;
	for (; n >= 8 * sizeof(word_t); n -= 8 * sizeof(word_t), d += 8 * sizeof(word_t)) {
		word_t *w = (word_t *)d;
		w[0] = w[1] = w[2] = w[3] = pattern;
		w[4] = w[5] = w[6] = w[7] = pattern;
	}
	for (; n >= sizeof(word_t); n -= sizeof(word_t), d += sizeof(word_t))
		*(word_t *)d = pattern;
	while (n--)
		*d++ = (unsigned char)byte;
	return dst;
}

/* A word that may alias anything and sit at any address, for the copies: x86 loads
 * and stores words at any alignment. */
typedef uint64_t __attribute__((may_alias, aligned(1))) any_word_t;

/* A word at a time, eight words a pass as in memset; forward, so also right for
 * memmove when dst is below src: each word is read before anything stored reaches
 * it. Files are read and written through memcpy a page at a time. */
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	const size_t w = sizeof(any_word_t);
	for (; n >= 8 * w; n -= 8 * w, d += 8 * w, s += 8 * w) {
		any_word_t *dw = (any_word_t *)d;
		const any_word_t *sw = (const any_word_t *)s;
		dw[0] = sw[0], dw[1] = sw[1], dw[2] = sw[2], dw[3] = sw[3];
		dw[4] = sw[4], dw[5] = sw[5], dw[6] = sw[6], dw[7] = sw[7];
	}
	for (; n >= w; n -= w, d += w, s += w)
		*(any_word_t *)d = *(const any_word_t *)s;
	while (n--)
		*d++ = *s++;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if ((uintptr_t)d < (uintptr_t)s) {
		copy_forward(d, s, n);
		return dst;
	}
	/* From the end, for dst above src: each word is read before a store reaches it. */
	const size_t w = sizeof(any_word_t);
	for (; n >= w; n -= w)
		*(any_word_t *)(d + n - w) = *(const any_word_t *)(s + n - w);
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

void strncpy_safe(char *dst, const char *src, size_t size)
{
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}
