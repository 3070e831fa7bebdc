#include "uart.h"

#include "../arch/x86.h"
#include "../sync/spinlock.h"

/* What IER holds: it cannot be read back and changed in one step. Output (from under
 * the console's lock) and input (from IRQ 4) both change it, so it has a lock. */
static struct spinlock ier_lock = SPINLOCK_INIT;
static uint8_t ier;

void uart_set_interrupts(uint8_t enable, uint8_t disable)
{
	uint64_t flags = spin_lock_irqsave(&ier_lock);
	ier = (uint8_t)((ier | enable) & ~disable);
	outb(COM1 + UART_IER, ier);
	spin_unlock_irqrestore(&ier_lock, flags);
}

void uart_retrigger_interrupt(uint8_t which)
{
	uint64_t flags = spin_lock_irqsave(&ier_lock);
	outb(COM1 + UART_IER, ier & ~which);
	outb(COM1 + UART_IER, ier);
	spin_unlock_irqrestore(&ier_lock, flags);
}
