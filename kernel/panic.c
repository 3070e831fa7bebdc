#include "panic.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "arch/trap.h"
#include "arch/x86.h"
#include "console.h"
#include "debug/backtrace.h"

void halt_forever(void)
{
	cpu_disable_interrupts();
	for (;;)
		cpu_halt();
}

/* Set by the first panic so that a panic while panicking cannot recurse. One flag
 * for the machine: with SMP, the first CPU to panic wins and others just halt. */
static volatile bool panicking;

/* Where the first panic was called, kept before its message is formatted: if the
 * formatting itself faults, the second panic can still say where the first came
 * from. Unset for panics from CPU exceptions, whose report comes first. */
static struct {
	const char *file, *func;
	int line;
} first_panic;

/* Interrupts off; a second panic prints where the first came from and halts at once.
 * Plain writes only: the formatter may be what failed. */
static void panic_enter(void)
{
	cpu_disable_interrupts();
	if (panicking) {
		console_break_lock();
		console_write("\nPANIC while panicking");
		if (first_panic.file) {
			console_write(", first at ");
			console_write(first_panic.file);
			char line[FORMAT_NUMBER_MAX];
			console_write(":");
			console_write(
				format_number(line, (uint64_t)first_panic.line, 10, false, 1));
			console_write(" in ");
			console_write(first_panic.func);
			console_write("()");
		}
		console_write("; halting\n");
		halt_forever();
	}
	panicking = true;
	console_break_lock();
	console_go_synchronous();
	console_set_style(CONSOLE_ALERT);
	console_write("\nPANIC: ");
}

/* Every general register of the interrupted code. */
static void print_registers(const struct trap_frame *f)
{
	kprintf("  rax %016lx  rbx %016lx  rcx %016lx\n", f->rax, f->rbx, f->rcx);
	kprintf("  rdx %016lx  rsi %016lx  rdi %016lx\n", f->rdx, f->rsi, f->rdi);
	kprintf("  rbp %016lx  rsp %016lx  r8  %016lx\n", f->rbp, f->rsp, f->r8);
	kprintf("  r9  %016lx  r10 %016lx  r11 %016lx\n", f->r9, f->r10, f->r11);
	kprintf("  r12 %016lx  r13 %016lx  r14 %016lx\n", f->r12, f->r13, f->r14);
	kprintf("  r15 %016lx  rip %016lx  rflags %08lx\n", f->r15, f->rip, f->rflags);
	kprintf("  cs %04lx  ss %04lx  cr2 %016lx  cr3 %016lx\n", f->cs, f->ss, read_cr2(),
		read_cr3());
}

/* Set by the scheduler once there are tasks: names the one that was running. */
static void (*report_task)(uintptr_t address, uintptr_t stack_pointer);

void panic_set_task_reporter(void (*report)(uintptr_t address, uintptr_t stack_pointer))
{
	report_task = report;
}

__attribute__((noreturn)) static void panic_finish(uintptr_t rip, uintptr_t rbp)
{
	backtrace_print(rip, rbp);
	console_write("halted.\n");
	halt_forever();
}

void panic_at(const char *file, int line, const char *func, const char *fmt, ...)
{
	cpu_disable_interrupts();
	if (!panicking) {
		first_panic.file = file;
		first_panic.line = line;
		first_panic.func = func;
	}
	panic_enter();
	va_list args;
	va_start(args, fmt);
	kvprintf(fmt, args);
	va_end(args);
	kprintf("\n  at %s:%d in %s()\n", file, line, func);

	uintptr_t rbp = (uintptr_t)__builtin_frame_address(0);
	uintptr_t caller = (uintptr_t)__builtin_return_address(0);
	kprintf("  called from %#lx, rsp %#lx, rbp %#lx, cr3 %#lx\n", caller,
		(uintptr_t)__builtin_frame_address(0) + 16, rbp, read_cr3());
	if (report_task)
		report_task(0, 0);
	panic_finish(caller, *(const uintptr_t *)rbp);
}

void panic_trap(const struct trap_frame *frame, const char *fmt, ...)
{
	panic_enter();
	va_list args;
	va_start(args, fmt);
	kvprintf(fmt, args);
	va_end(args);
	kprintf("\n");
	print_registers(frame);
	if (report_task)
		report_task(read_cr2(), frame->rsp);
	panic_finish(frame->rip, frame->rbp);
}
