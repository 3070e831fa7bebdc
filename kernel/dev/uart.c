#include "uart.h"

#include "../arch/x86.h"

static uint8_t ier; /* what IER holds: it cannot be read back and changed in one step */

void uart_set_interrupts(uint8_t enable, uint8_t disable)
{
	uint64_t flags = cpu_irq_save();
	ier = (uint8_t)((ier | enable) & ~disable);
	outb(COM1 + UART_IER, ier);
	cpu_irq_restore(flags);
}

uint8_t uart_interrupts(void)
{
	return ier;
}
