#include "commands.h"

#include <stdint.h>

#include "../arch/cpu.h"
#include "../arch/irq.h"
#include "../arch/x86.h"
#include "../console.h"
#include "../dev/input.h"
#include "../dev/power.h"
#include "../dev/timer.h"
#include "../lib/string.h"
#include "../mm/e820.h"
#include "../mm/heap.h"
#include "../mm/mem.h"
#include "../panic.h"
#include "../proc/process.h"
#include "../sched/task.h"

#define MAX_ARGS 16

static const struct boot_info *boot_info;

struct command {
	const char *name;
	const char *help;
	void (*run)(int argc, char **argv);
};

static void cmd_help(int argc, char **argv);

static void cmd_clear(int argc, char **argv)
{
	(void)argc, (void)argv;
	console_clear();
}

static void cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		kprintf("%s%s", argv[i], i + 1 < argc ? " " : "");
	kprintf("\n");
}

static void cmd_uptime(int argc, char **argv)
{
	(void)argc, (void)argv;
	uint64_t ms = uptime_ms();
	kprintf("up %lu.%02lu s\n", ms / 1000, ms % 1000 / 10);
}

static void cmd_ticks(int argc, char **argv)
{
	(void)argc, (void)argv;
	kprintf("%lu ticks at %u Hz (%s timer)\n", timer_ticks(), TIMER_HZ, timer_source());
}

static void cmd_mem(int argc, char **argv)
{
	(void)argc, (void)argv;
	mem_report(boot_info);
}

static void cmd_e820(int argc, char **argv)
{
	(void)argc, (void)argv;
	e820_print(boot_info);
}

static void cmd_cpu(int argc, char **argv)
{
	(void)argc, (void)argv;
	cpu_print_info();
}

static void cmd_irq(int argc, char **argv)
{
	(void)argc, (void)argv;
	kprintf("controller: %s\n", irq_controller() ? irq_controller()->name : "none");
	for (unsigned v = 32; v < VECTORS; v++)
		if (irq_count(v))
			kprintf("  vector %#04x: %lu\n", v, irq_count(v));
	kprintf("  spurious: %lu\n", irq_spurious_count());
	kprintf("  input dropped (ring full): %lu\n", input_dropped());
}

static void cmd_ps(int argc, char **argv)
{
	(void)argc, (void)argv;
	task_print_all();
}

/* The log's text without what only a terminal acts on: ANSI escapes (a clear would
 * wipe the screen dmesg prints on) and bells. Returns the new length. */
static size_t strip_terminal_controls(char *text, size_t n)
{
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\x1b' && i + 1 < n && text[i + 1] == '[') {
			for (i += 2; i < n && !(text[i] >= 0x40 && text[i] <= 0x7E); i++)
				;
			continue;
		}
		if (text[i] != '\a')
			text[kept++] = text[i];
	}
	return kept;
}

static void cmd_dmesg(int argc, char **argv)
{
	(void)argc, (void)argv;
	char *text = kmalloc(CONSOLE_LOG_SIZE);
	if (!text) {
		kprintf("dmesg: out of memory\n");
		return;
	}
	/* A copy first: printing it appends to the ring it comes from. */
	size_t n = strip_terminal_controls(text, console_log_copy(text, CONSOLE_LOG_SIZE));
	console_write_n(text, n);
	kfree(text);
}

static void cmd_panic(int argc, char **argv)
{
	(void)argc, (void)argv;
	panic("you asked for it (the shell's panic command)");
}

/* Why a program could not start, in words (the errno names of <asm-generic/errno*.h>). */
static const char *start_error(int err)
{
	switch (-err) {
	case 2: return "no such file (ENOENT)";
	case 7: return "argument list too long (E2BIG)";
	case 8: return "not a static x86-64 program (ENOEXEC)";
	case 12: return "out of memory (ENOMEM)";
	case 13: return "not an executable file (EACCES)";
	case 20: return "a path component is not a directory (ENOTDIR)";
	case 40: return "too many levels of symbolic links or scripts (ELOOP)";
	default: return "could not start";
	}
}

static void cmd_run(int argc, char **argv)
{
	static const char *const envp[] = {"HOME=/", "TERM=linux", "PATH=/bin:/sbin:/usr/bin", 0};
	if (argc < 2) {
		kprintf("usage: run PATH [ARGS...]\n");
		return;
	}
	int status = 0;
	int pid = process_run_foreground(argv[1], (const char *const *)argv + 1, envp, &status);
	if (pid < 0)
		kprintf("run: %s: %s (error %d)\n", argv[1], start_error(pid), -pid);
	else if (status & 0x7F)
		kprintf("run: %s (pid %d) ended by signal %d\n", argv[1], pid, status & 0x7F);
	else if (status)
		kprintf("run: %s (pid %d) exited with status %d\n", argv[1], pid, status >> 8);
}

static void cmd_reboot(int argc, char **argv)
{
	(void)argc, (void)argv;
	power_reboot();
}

static void cmd_poweroff(int argc, char **argv)
{
	(void)argc, (void)argv;
	power_off();
}

static const struct command commands[] = {
	{"help", "list the commands", cmd_help},
	{"clear", "clear the screen", cmd_clear},
	{"echo", "print the arguments", cmd_echo},
	{"uptime", "time since the timer started", cmd_uptime},
	{"ticks", "timer ticks so far", cmd_ticks},
	{"mem", "memory map, frames and heap usage", cmd_mem},
	{"e820", "the BIOS memory map", cmd_e820},
	{"cpu", "vendor, model and features", cmd_cpu},
	{"irq", "interrupt counts per vector", cmd_irq},
	{"ps", "tasks: id, name, state, CPU share, switches", cmd_ps},
	{"run", "run a program: run PATH [ARGS...]", cmd_run},
	{"dmesg", "the kernel's log (the last 64 KiB)", cmd_dmesg},
	{"panic", "show what a kernel panic looks like", cmd_panic},
	{"reboot", "restart the machine", cmd_reboot},
	{"halt", "power off (ACPI S5), or halt", cmd_poweroff},
	{"poweroff", "power off (ACPI S5), or halt", cmd_poweroff},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void cmd_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (unsigned i = 0; i < COMMAND_COUNT; i++)
		kprintf("  %-9s %s\n", commands[i].name, commands[i].help);
}

void commands_init(const struct boot_info *bi)
{
	boot_info = bi;
}

static int split(char *line, char **argv)
{
	int argc = 0;
	for (char *p = line; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == MAX_ARGS)
			return -1;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return argc;
}

void commands_run(char *line)
{
	char *argv[MAX_ARGS + 1];
	int argc = split(line, argv);
	if (argc < 0) {
		kprintf("too many arguments (at most %d)\n", MAX_ARGS - 1);
		return;
	}
	argv[argc] = 0; /* run passes argv on as a program's */
	if (argc == 0)
		return;
	for (unsigned i = 0; i < COMMAND_COUNT; i++) {
		if (strcmp(argv[0], commands[i].name) == 0) {
			commands[i].run(argc, argv);
			return;
		}
	}
	kprintf("%s: unknown command (try help)\n", argv[0]);
}
