#include "panic.h"

#include <stdbool.h>

#include "arch/x86.h"
#include "console.h"
#include "dev/vga.h"

void halt_forever(void)
{
	cpu_disable_interrupts();
	for (;;)
		cpu_halt();
}

/* Set by the first panic so that a panic while panicking cannot recurse. One flag
 * for the machine: with SMP, the first CPU to panic wins and others just halt. */
static volatile bool panicking;

void panic_at(const char *file, int line, const char *func, const char *fmt, ...)
{
	cpu_disable_interrupts();
	if (panicking) {
		console_write("\nPANIC while panicking; halting\n");
		halt_forever();
	}
	panicking = true;

	vga_set_color(VGA_WHITE, VGA_RED);
	console_write("\nPANIC: ");
	va_list args;
	va_start(args, fmt);
	kvprintf(fmt, args);
	va_end(args);
	kprintf("\n  at %s:%d in %s()\n", file, line, func);
	halt_forever();
}
