/* The kernel's console: every character goes to COM1, port 0xE9 and the VGA screen.
 * kprintf works before console_init (VGA and 0xE9 need no setup; serial output
 * starts once the UART has been found). */
#pragma once

#include <stdarg.h>
#include <stdint.h>

#include "lib/format.h"

void console_init(void);
void console_write(const char *s);
void console_write_n(const char *s, size_t n);

/* After the switch to the kernel's page tables: the VGA buffer is only in the direct
 * map now. */
void console_follow_direct_map(void *(*phys_to_virt)(uint64_t));

/* Clears the VGA screen and, with ANSI codes, the serial terminal. */
void console_clear(void);

/* Rings the serial terminal's bell (the screen has none). */
void console_bell(void);

/* COM1 and port 0xE9 only, unlocked and unformatted: for reports of failures that
 * the screen code or the formatter may itself have caused. */
void console_write_ports(const char *s);

/* For panic only: the lock may be held by the code that failed. */
void console_break_lock(void);

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list args);
