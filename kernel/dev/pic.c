/* Ports, ICW/OCW bytes and the spurious IRQ 7/15 rule: Intel 8259A data sheet and the
 * OSDev wiki "8259 PIC". */
#include "pic.h"

#include "../arch/x86.h"

#define MASTER_COMMAND 0x20
#define MASTER_DATA    0x21
#define SLAVE_COMMAND  0xA0
#define SLAVE_DATA     0xA1

#define ICW1_INIT_ICW4	   0x11 /* edge-triggered, cascade, ICW4 follows */
#define ICW3_SLAVE_ON_IRQ2 0x04
#define ICW3_SLAVE_ID	   0x02
#define ICW4_8086	   0x01
#define OCW3_READ_ISR	   0x0B
#define EOI		   0x20
#define CASCADE_IRQ	   2

static void io_delay(void)
{
	outb(0x80, 0); /* an unused port: gives the old PICs time between writes */
}

void pic_remap_and_mask(void)
{
	outb(MASTER_COMMAND, ICW1_INIT_ICW4), io_delay();
	outb(SLAVE_COMMAND, ICW1_INIT_ICW4), io_delay();
	outb(MASTER_DATA, VECTOR_PIC_BASE), io_delay();
	outb(SLAVE_DATA, VECTOR_PIC_BASE + 8), io_delay();
	outb(MASTER_DATA, ICW3_SLAVE_ON_IRQ2), io_delay();
	outb(SLAVE_DATA, ICW3_SLAVE_ID), io_delay();
	outb(MASTER_DATA, ICW4_8086), io_delay();
	outb(SLAVE_DATA, ICW4_8086), io_delay();
	outb(MASTER_DATA, 0xFF);
	outb(SLAVE_DATA, 0xFF);
}

static unsigned pic_enable_legacy(unsigned irq)
{
	if (irq < 8) {
		outb(MASTER_DATA, inb(MASTER_DATA) & ~(1u << irq));
	} else {
		outb(SLAVE_DATA, inb(SLAVE_DATA) & ~(1u << (irq - 8)));
		outb(MASTER_DATA, inb(MASTER_DATA) & ~(1u << CASCADE_IRQ));
	}
	return VECTOR_PIC_BASE + irq;
}

static void pic_end_of_interrupt(unsigned vector)
{
	if (vector >= VECTOR_PIC_BASE + 8 && vector < VECTOR_PIC_BASE + 16)
		outb(SLAVE_COMMAND, EOI);
	if (vector >= VECTOR_PIC_BASE && vector < VECTOR_PIC_BASE + 16)
		outb(MASTER_COMMAND, EOI);
}

/* IRQ 7 or 15 with its in-service bit clear was spurious: no EOI for that chip
 * (but the master did see the cascade for a slave one). */
static bool pic_is_spurious(unsigned vector)
{
	if (vector == VECTOR_PIC_BASE + 7) {
		outb(MASTER_COMMAND, OCW3_READ_ISR);
		return !(inb(MASTER_COMMAND) & 0x80);
	}
	if (vector == VECTOR_PIC_BASE + 15) {
		outb(SLAVE_COMMAND, OCW3_READ_ISR);
		if (!(inb(SLAVE_COMMAND) & 0x80)) {
			outb(MASTER_COMMAND, EOI);
			return true;
		}
	}
	return false;
}

const struct irq_controller pic_controller = {
	.name = "8259 PIC",
	.enable_legacy = pic_enable_legacy,
	.end_of_interrupt = pic_end_of_interrupt,
	.is_spurious = pic_is_spurious,
};
