/* The kernel's console: kprintf's text goes to every output that has registered
 * itself here (drivers call console_register from their init: COM1, port 0xE9 and
 * the VGA text screen today). The console knows none of them by name. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/format.h"

/* How text should look from now on; a sink that cannot show it ignores it. */
enum console_style {
	CONSOLE_PLAIN,
	CONSOLE_HEADING, /* the boot banner */
	CONSOLE_ALERT,	 /* a panic */
};

/* One output. Every hook runs under the console lock with interrupts off, except
 * write on the emergency path (console_write_emergency), which takes no lock. The
 * optional hooks may be NULL. */
struct console_sink {
	const char *name;
	void (*write)(const char *s, size_t n);
	void (*clear)(void); /* the screen, or the terminal on the other end */
	void (*bell)(void);
	void (*set_style)(enum console_style style);
	/* After the switch to the kernel's page tables: memory-mapped buffers are only
	 * in the direct map now. */
	void (*follow_direct_map)(void *(*phys_to_virt)(uint64_t));
	/* True when write touches I/O ports only, no buffer in memory: the emergency
	 * path uses only such sinks, since the screen code may be what failed. */
	bool port_only;
	struct console_sink *next; /* the console's list */
};

/* Adds a sink (its storage must last); from then on it gets every character. */
void console_register(struct console_sink *sink);

void console_write(const char *s);
void console_write_n(const char *s, size_t n);
void console_clear(void);
void console_bell(void); /* terminals ring; the screen has no bell */
void console_set_style(enum console_style style);
void console_follow_direct_map(void *(*phys_to_virt)(uint64_t));

/* Port-only sinks, unlocked and unformatted: for reports of failures that the
 * screen code or the formatter may itself have caused. */
void console_write_emergency(const char *s);

/* For panic only: the lock may be held by the code that failed. */
void console_break_lock(void);

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list args);
