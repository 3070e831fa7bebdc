/* start_kernel: the kernel's first C, in the upper half, entered from _start
 * (arch/entry.asm) with the boot information in RDI, on the boot sector's stack
 * below 0x7C00 (still in the identity map). */
#include <stdint.h>

#include "arch/x86.h"
#include "bootinfo.h"
#include "kmain.h"
#include "lib/stack_protector.h"
#include "lib/string.h"
#include "mm/kstack.h"
#include "mm/paging.h"

/* From link.ld. */
extern char __bss_start[], __bss_end[];

#define BOOT_STACK_SIZE (16 * 1024)

/* The boot CPU's kernel stack, with a guard page below it that boot_stack_guard()
 * unmaps once the kernel has its own page tables. Each later CPU gets its own. */
static uint8_t boot_stack[PAGE_SIZE + BOOT_STACK_SIZE] __attribute__((aligned(PAGE_SIZE)));

void boot_stack_guard(void)
{
	paging_unmap_guard_page(boot_stack);
}

void boot_stack_bounds(struct kstack *stack, uintptr_t *guard)
{
	*guard = (uintptr_t)boot_stack;
	stack->bottom = (uintptr_t)boot_stack + PAGE_SIZE;
	stack->top = (uintptr_t)boot_stack + sizeof boot_stack;
}

static __attribute__((noreturn)) void enter_kmain(void *boot_info)
{
	kmain(boot_info);
}

__attribute__((noreturn)) void start_kernel(struct boot_info *boot_info);

/* .bss is zeroed while we still run on the boot sector's stack, which lies below
 * 1 MiB and so outside the range being cleared; only then do we move onto
 * boot_stack, which lives in .bss. Not stack-protected: the canary changes here. */
__attribute__((noreturn, no_stack_protector)) void start_kernel(struct boot_info *boot_info)
{
	memset(__bss_start, 0, (uintptr_t)__bss_end - (uintptr_t)__bss_start);
	stack_protector_init();
	cpu_call_on_stack(boot_stack + sizeof boot_stack, enter_kmain, boot_info);
}
