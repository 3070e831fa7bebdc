/* 64-bit interrupt gate format: Intel SDM vol. 3A, 6.14.1, figure 6-8. */
#include "idt.h"

#include <stdint.h>

#include "gdt.h"
#include "trap.h"
#include "x86.h"

#define GATE_INTERRUPT 0x8E /* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL3      0x60 /* INT n from ring 3 allowed (else #GP): int3 */

struct __attribute__((packed)) idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
};

extern const uint64_t isr_stub_table[256];

/* Shared by all CPUs: the IDT says the same on each of them. */
static struct idt_gate idt[256];

static void idt_set_gate(int vector, uint64_t handler, uint8_t ist)
{
	/* int3 from a program is a breakpoint (SIGTRAP), as on Linux; any other INT n
	 * from ring 3 stays a #GP. */
	uint8_t dpl = vector == VECTOR_BREAKPOINT ? GATE_DPL3 : 0;
	idt[vector] = (struct idt_gate){
		.offset_low = handler & 0xFFFF,
		.selector = GDT_KERNEL_CODE,
		.ist = ist,
		.type = GATE_INTERRUPT | dpl,
		.offset_mid = (handler >> 16) & 0xFFFF,
		.offset_high = handler >> 32,
	};
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		idt_set_gate(v, isr_stub_table[v], v == VECTOR_DOUBLE_FAULT ? IST_DOUBLE_FAULT : 0);
	struct descriptor_table_pointer idtr = {sizeof idt - 1, (uint64_t)idt};
	lidt(&idtr);
}
