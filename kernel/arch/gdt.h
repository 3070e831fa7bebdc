/* The kernel's GDT and TSS (replacing the boot sector's), with an IST stack for
 * double faults so a kernel stack overflow is reported instead of triple-faulting. */
#pragma once

#include <stdint.h>

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_TSS		0x18

/* Interrupt stack table slots (1-based, as the IDT gate encodes them). */
#define IST_DOUBLE_FAULT 1

void gdt_init(void);

/* Unmaps the page below the double-fault stack; needs the kernel's page tables. */
void gdt_guard_stacks(void);

/* Bounds of the double-fault stack, so a test can tell it was used. */
uintptr_t gdt_double_fault_stack_bottom(void);
uintptr_t gdt_double_fault_stack_top(void);
