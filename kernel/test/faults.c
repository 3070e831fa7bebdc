/* Test kernel only: scenarios that must end in a panic or a CPU exception (and one
 * that prints from an interrupt handler); tests/test_kernel.py boots each and checks
 * the report. */
#include "scenario.h"

#include <stdint.h>

#include "../arch/irq.h"
#include "../arch/x86.h"
#include "../console.h"
#include "../lib/assert.h"
#include "../lib/string.h"
#include "../panic.h"

/* Values the compiler cannot see through, so it does not fold the faults away. */
static volatile int zero = 0;
static volatile uintptr_t null_address = 0;
static volatile int int_max = 0x7FFFFFFF;

/* The CPU's own faults, not UBSan's earlier reports, are what these two test. */
__attribute__((no_sanitize("undefined"))) static void divide_by_zero(void)
{
	kprintf("result %d\n", 100 / zero); // cppcheck-suppress zerodiv
}

__attribute__((no_sanitize("undefined"))) static void null_dereference(void)
{
	kprintf("read %d\n", *(volatile int *)null_address);
}

static void invalid_opcode(void)
{
	cpu_invalid_opcode();
}

/* Recurses until the stack runs into its guard page. */
__attribute__((noinline)) static uint64_t recurse(uint64_t depth)
{
	volatile uint8_t pad[256];
	pad[0] = (uint8_t)depth;
	// cppcheck-suppress knownConditionTrueFalse
	if (zero < 0) /* never: but the compiler cannot know */
		return depth;
	return recurse(depth + 1) + pad[0];
}

static void stack_overflow(void)
{
	kprintf("recursing %lu\n", recurse(0));
}

static void assert_failure(void)
{
	int answer = zero + 41;
	assert(answer == 42);
}

static void ubsan_overflow(void)
{
	kprintf("sum %d\n", int_max + 1); // cppcheck-suppress integerOverflow
}

/* Writes past a local array: the canary check on return must catch it. */
__attribute__((noinline)) static void smash(volatile char *p, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = 'A';
}

__attribute__((noinline)) static void smash_own_stack(void)
{
	char buffer[16];
	smash(buffer, 16 + zero + 32);
	kprintf("%c\n", buffer[0]);
}

static void stack_smash(void)
{
	smash_own_stack();
}

/* Three named levels, so the backtrace test can check names and order. */
__attribute__((noinline)) static void backtrace_level3(void)
{
	panic("backtrace test");
}

__attribute__((noinline)) static void backtrace_level2(void)
{
	backtrace_level3();
	compiler_barrier(); /* keep the call from becoming a jump */
}

__attribute__((noinline)) static void backtrace_level1(void)
{
	backtrace_level2();
	compiler_barrier();
}

static void panic_backtrace(void)
{
	backtrace_level1();
}

static const uint64_t read_only_value = 42;

/* The kernel's own rodata is mapped read-only, and CR0.WP binds ring 0 too. */
__attribute__((no_sanitize("undefined"))) static void write_to_rodata(void)
{
	*(volatile uint64_t *)&read_only_value = 7;
}

/* Writable data is never executable (EFER.NXE). A `ret` placed in .data: */
static uint8_t code_in_data[16] = {0xC3};

static void execute_data(void)
{
	((void (*)(void))(uintptr_t)code_in_data)();
}

static void general_protection(void)
{
	/* A non-canonical address: #GP, not #PF (SDM vol. 3A, 3.3.7.1). */
	kprintf("read %d\n", *(volatile int *)0x8000000000000000ull);
}

/* The panic faults while printing its own message (an unmapped string). */
static void panic_in_panic(void)
{
	panic("this string faults: %s", (const char *)(null_address + 8));
}

/* The screen buffer moved to an unmapped page: every report of the #UD below faults
 * while it draws on the screen. The kernel must say so once and halt, not report the
 * fault inside the report again until the stack runs out. */
static void *unmapped_screen(uint64_t phys)
{
	(void)phys;
	return (void *)(null_address + 0x100);
}

static void fault_inside_report(void)
{
	console_follow_direct_map(unmapped_screen);
	cpu_invalid_opcode();
}

/* Output from an interrupt handler and from ordinary code at once: every line must
 * come out whole (tests/test_kernel.py checks). Ends by halting. */
static volatile int stress_irq_lines;

static void stress_tick(void *ctx)
{
	(void)ctx;
	if (stress_irq_lines < 100)
		kprintf("irq line %03d ++++++++++++++++++++++++++++++++++++++++\n",
			stress_irq_lines++);
}

static void console_stress(void)
{
	irq_register(VECTOR_APIC_TIMER, stress_tick, 0);
	for (int i = 0; i < 300; i++) {
		kprintf("main line %03d ----------------------------------------\n", i);
		for (volatile int spin = 0; spin < 20000; spin++)
			;
	}
	while (stress_irq_lines < 100)
		cpu_halt();
	kprintf("console stress: done\n");
	cpu_disable_interrupts();
	console_go_synchronous();
	halt_forever();
}

FAULT_SCENARIO(divide_by_zero);
FAULT_SCENARIO(null_dereference);
FAULT_SCENARIO(invalid_opcode);
FAULT_SCENARIO(stack_overflow);
FAULT_SCENARIO(assert_failure);
FAULT_SCENARIO(ubsan_overflow);
FAULT_SCENARIO(stack_smash);
FAULT_SCENARIO(panic_backtrace);
FAULT_SCENARIO(general_protection);
FAULT_SCENARIO(write_to_rodata);
FAULT_SCENARIO(execute_data);
SCENARIO(console_stress);
FAULT_SCENARIO(panic_in_panic);
FAULT_SCENARIO(fault_inside_report);
