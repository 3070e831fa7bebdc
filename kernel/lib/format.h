/* The printf engine behind kprintf and ksnprintf. It knows nothing about where
 * characters go, so the host tests can compare it with the C library's snprintf. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

typedef void (*format_sink)(char c, void *ctx);

/* Supports %d %i %u %x %X %p %s %c %%, the length modifiers l, ll and z, a width
 * (or *), the flags '-', '0' and '#', and a precision for %s. Returns characters emitted. */
int format(format_sink sink, void *ctx, const char *fmt, va_list args);

int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list args);
