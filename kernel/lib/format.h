/* The printf engine behind kprintf and ksnprintf. It knows nothing about where
 * characters go, so the host tests can compare it with the C library's snprintf. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*format_sink)(char c, void *ctx);

/* Supports %d %i %u %x %X %p %s %c %%, the length modifiers l, ll and z, a width
 * (or *), the flags '-', '0' and '#', and a precision for %s. Returns characters emitted. */
int format(format_sink sink, void *ctx, const char *fmt, va_list args);

int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list args);

/* `value` in `base` (2 to 16), at least `min_digits` digits (zeros in front), into
 * buf; returns where the text starts. No state, no va_list: the number writer of
 * the fault and panic paths, where the formatter may be what failed. */
#define FORMAT_NUMBER_MAX 66 /* 64 binary digits, a NUL and one spare */
char *format_number(char buf[FORMAT_NUMBER_MAX], uint64_t value, unsigned base, bool upper,
		    int min_digits);
