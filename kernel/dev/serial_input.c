/* COM1 input (registers: uart.h); the UART itself is set up by serial_init. */
#include "serial_input.h"

#include <stdbool.h>

#include "../arch/irq.h"
#include "../arch/x86.h"
#include "input.h"
#include "uart.h"

/* Flow control: while the input ring is full, received bytes stay in the UART with
 * its receive interrupt off, and the sender waits (QEMU stops reading the host
 * side; a real UART's FIFO fills). serial_resume_input turns it back on. */
static bool receive_paused;

static void serial_receive(void *ctx)
{
	(void)ctx;
	uint8_t status;
	while ((status = inb(COM1 + UART_LSR)) & LSR_DATA_READY) {
		if (status & LSR_OVERRUN)
			input_count_lost(); /* the UART had no room: bytes are gone */
		if (input_full()) {
			outb(COM1 + UART_IER, 0);
			outb(COM1 + UART_MCR,
			     MCR_DTR_RTS_OUT2 & ~MCR_RTS); /* ask the sender to wait */
			receive_paused = true;
			return;
		}
		input_put((struct input_event){.source = INPUT_SERIAL,
					       .byte = inb(COM1 + UART_DATA)});
	}
}

void serial_resume_input(void)
{
	if (!receive_paused || input_full())
		return;
	receive_paused = false;
	outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
	outb(COM1 + UART_IER, IER_DATA_AVAILABLE); /* pending data raises the IRQ again */
}

void serial_enable_input(void)
{
	irq_enable_legacy(COM1_IRQ, serial_receive, 0);
	outb(COM1 + UART_IER, IER_DATA_AVAILABLE);
	uint64_t flags = cpu_irq_save(); /* IRQ 4 must not drain the FIFO under us */
	serial_receive(0);		 /* anything that arrived before */
	cpu_irq_restore(flags);
}
