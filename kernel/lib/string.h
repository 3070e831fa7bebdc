/* Freestanding string and memory functions. gcc may emit calls to memset, memcpy,
 * memmove and memcmp even in freestanding code, so these exact names must exist. */
#pragma once

#include <stddef.h>

void *memset(void *dst, int byte, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);

/* Copies at most size - 1 characters and always terminates (size > 0). */
void strncpy_safe(char *dst, const char *src, size_t size);
