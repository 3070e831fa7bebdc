/* panic(fmt, ...): the one way the kernel stops on an error. Prints the message,
 * where it came from, the registers and a backtrace on every console, then halts
 * with interrupts off. */
#pragma once

#include <stdint.h>

struct trap_frame;

#define panic(...) panic_at(__FILE__, __LINE__, __func__, __VA_ARGS__)

__attribute__((noreturn, format(printf, 4, 5))) void
panic_at(const char *file, int line, const char *func, const char *fmt, ...);

/* For CPU exceptions: the registers and backtrace are the interrupted code's. */
__attribute__((noreturn, format(printf, 2, 3))) void panic_trap(const struct trap_frame *frame,
								const char *fmt, ...);

/* The scheduler's: prints which task was running, and says so when `address` (a
 * fault's, or 0) or `stack_pointer` lies in that task's stack guard pages. */
void panic_set_task_reporter(void (*report)(uintptr_t address, uintptr_t stack_pointer));

/* Stops the CPU for good: interrupts off, hlt forever (an NMI only wakes it). */
__attribute__((noreturn)) void halt_forever(void);
