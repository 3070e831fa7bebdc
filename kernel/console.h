/* The kernel's console: kprintf's text goes into a 64 KiB log ring (dmesg shows it)
 * and from there to every output that has registered itself here (drivers call
 * console_register from their init: COM1, port 0xE9 and the VGA text screen today).
 * The console knows none of them by name. */
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

/* One output. Synchronous sinks get every piece of text as it is appended, through
 * write, under the console lock with interrupts off. An asynchronous sink (after
 * console_sink_set_async) takes text from the log ring at its own pace with
 * console_sink_take, usually from its interrupt handler; kick, called under the lock,
 * tells it that text waits while it is idle. Every sink's write must also work
 * unlocked with interrupts off: the emergency paths and console_go_synchronous use
 * it. The optional hooks may be NULL. */
struct console_sink {
	const char *name;
	void (*write)(const char *s, size_t n);
	void (*kick)(void); /* asynchronous sinks */
	void (*set_style)(enum console_style style);
	/* After the switch to the kernel's page tables: memory-mapped buffers are only
	 * in the direct map now. */
	void (*follow_direct_map)(void *(*phys_to_virt)(uint64_t));
	/* True when write touches I/O ports only, no buffer in memory: the emergency
	 * path uses only such sinks, since the screen code may be what failed. */
	bool port_only;
	/* The console's: */
	bool async, idle, stalled;
	uint64_t cursor; /* bytes of the log this sink has had */
	struct console_sink *next;
};

/* Adds a sink (its storage must last); from then on it gets every character. */
void console_register(struct console_sink *sink);

/* From now on the sink takes its text with console_sink_take. */
void console_sink_set_async(struct console_sink *sink);

/* Up to `max` bytes of the log the sink has not had yet; 0 (and the sink counts as
 * idle until the next kick) when it has had everything. From any context. A sink
 * that took nothing for 2 s while writers waited is "stalled": it holds nobody back,
 * and when it takes again it starts from a line saying how much it missed.
 *
 * Text dropped because the log is full (a writer that may not wait) goes to no sink:
 * every sink sees the same text, with "[N bytes dropped]" in place of what was lost. */
size_t console_sink_take(struct console_sink *sink, char *out, size_t max);

void console_write(const char *s);
void console_write_n(const char *s, size_t n);
/* The log is a terminal's byte stream: clear is ANSI's "erase screen, cursor home"
 * and bell is BEL, in their place among the text. */
void console_clear(void);
void console_bell(void);
void console_set_style(enum console_style style);
void console_follow_direct_map(void *(*phys_to_virt)(uint64_t));

/* Port-only sinks, unlocked and unformatted: for reports of failures that the
 * screen code or the formatter may itself have caused. */
void console_write_emergency(const char *s);

/* For panic only: the lock may be held by the code that failed. */
void console_break_lock(void);

/* For panics and fatal exceptions: what the asynchronous sinks have not sent yet
 * goes out now, by polling, and from then on every sink is written as text comes.
 * Interrupts off; never returns to normal. */
void console_go_synchronous(void);

/* The log ring: the newest `size` bytes or fewer (64 KiB at most) into out; returns
 * how many. And how many bytes have been written to it since boot. */
size_t console_log_copy(char *out, size_t size);
uint64_t console_log_written(void);
#define CONSOLE_LOG_SIZE (64 * 1024)

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list args);
