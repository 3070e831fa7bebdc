/* Descriptor formats: Intel SDM vol. 3A, 3.4.5 (segment descriptors), 7.2.3 (the
 * 64-bit TSS) and 7.7 (task management in 64-bit mode). */
#include "gdt.h"

#include "../mm/paging.h"
#include "x86.h"

#define DESC_PRESENT	   (1ull << 47)
#define DESC_CODE_DATA	   (1ull << 44) /* S: not a system descriptor */
#define DESC_EXECUTABLE	   (1ull << 43)
#define DESC_WRITABLE	   (1ull << 41) /* for data; readable for code */
#define DESC_LONG_MODE	   (1ull << 53) /* L: 64-bit code */
#define DESC_DPL3	   (3ull << 45) /* usable from ring 3 */
#define DESC_TSS_AVAILABLE (0x9ull << 40)

#define DOUBLE_FAULT_STACK_SIZE (4 * PAGE_SIZE)

struct __attribute__((packed)) tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};

/* The boot CPU's tables; each CPU will need its own GDT/TSS pair once SMP arrives. */
static uint64_t gdt[7]; /* null, kernel code and data, user data and code, TSS (2) */
static struct tss tss;

/* A guard page below the stack: a double fault that overflows it faults again
 * (a triple fault) rather than silently running into other data. */
static uint8_t double_fault_stack[PAGE_SIZE + DOUBLE_FAULT_STACK_SIZE]
	__attribute__((aligned(PAGE_SIZE)));

uintptr_t gdt_double_fault_stack_bottom(void)
{
	return (uintptr_t)double_fault_stack + PAGE_SIZE;
}

uintptr_t gdt_double_fault_stack_top(void)
{
	return (uintptr_t)double_fault_stack + sizeof double_fault_stack;
}

static void set_tss_descriptor(uint64_t *slot, const struct tss *t)
{
	uint64_t base = (uint64_t)t, limit = sizeof *t - 1;
	slot[0] = (limit & 0xFFFF) | (base & 0xFFFFFF) << 16 | DESC_TSS_AVAILABLE | DESC_PRESENT |
		  ((limit >> 16) & 0xF) << 48 | ((base >> 24) & 0xFF) << 56;
	slot[1] = base >> 32;
}

void gdt_init(void)
{
	gdt[0] = 0;
	gdt[GDT_KERNEL_CODE / 8] =
		DESC_PRESENT | DESC_CODE_DATA | DESC_EXECUTABLE | DESC_WRITABLE | DESC_LONG_MODE;
	gdt[GDT_KERNEL_DATA / 8] = DESC_PRESENT | DESC_CODE_DATA | DESC_WRITABLE;
	gdt[GDT_USER_DATA / 8] = DESC_PRESENT | DESC_CODE_DATA | DESC_WRITABLE | DESC_DPL3;
	gdt[GDT_USER_CODE / 8] = DESC_PRESENT | DESC_CODE_DATA | DESC_EXECUTABLE | DESC_WRITABLE |
				 DESC_LONG_MODE | DESC_DPL3;
	set_tss_descriptor(&gdt[GDT_TSS / 8], &tss);

	tss.ist[IST_DOUBLE_FAULT - 1] = gdt_double_fault_stack_top();
	tss.iomap_base = sizeof tss; /* no I/O permission bitmap */

	struct descriptor_table_pointer gdtr = {sizeof gdt - 1, (uint64_t)gdt};
	lgdt(&gdtr);
	cpu_load_segments(GDT_KERNEL_CODE, GDT_KERNEL_DATA);
	ltr(GDT_TSS);
}

void gdt_set_kernel_stack(uintptr_t top)
{
	tss.rsp[0] = top;
}

void gdt_guard_stacks(void)
{
	paging_unmap_guard_page(double_fault_stack);
}
