/* The kernel's GDT and TSS (replacing the boot sector's), with an IST stack for
 * double faults so a kernel stack overflow is reported instead of triple-faulting. */
#pragma once

#include <stdint.h>

/* The order SYSCALL and SYSRET need (arch/syscall.c): kernel code, kernel data, then
 * user data and user code, so that SYSRET's base + 8 and base + 16 land on them. */
#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_DATA	0x18
#define GDT_USER_CODE	0x20
#define GDT_TSS		0x28
#define USER_RPL	3
#define USER_DS		(GDT_USER_DATA | USER_RPL)
#define USER_CS		(GDT_USER_CODE | USER_RPL)

/* Interrupt stack table slots (1-based, as the IDT gate encodes them). */
#define IST_DOUBLE_FAULT 1

void gdt_init(void);

/* The stack the CPU switches to when an interrupt or exception comes from ring 3
 * (TSS.RSP0): the running task's kernel stack top, set on every switch. */
void gdt_set_kernel_stack(uintptr_t top);

/* Unmaps the page below the double-fault stack; needs the kernel's page tables. */
void gdt_guard_stacks(void);

/* Bounds of the double-fault stack, so a test can tell it was used. */
uintptr_t gdt_double_fault_stack_bottom(void);
uintptr_t gdt_double_fault_stack_top(void);
