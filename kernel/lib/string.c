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

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if ((uintptr_t)d < (uintptr_t)s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
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
