/* COM1 input (registers: uart.h): serial.c's IRQ 4 handler calls in here. */
#include "serial_input.h"

#include <stdbool.h>

#include "../arch/x86.h"
#include "input.h"
#include "uart.h"

/* Flow control: while the input ring is full, received bytes stay in the UART with
 * its receive interrupt off, and the sender waits (QEMU stops reading the host
 * side; a real UART's FIFO fills). serial_resume_input turns it back on. */
static bool receive_paused;

void serial_input_receive(void)
{
	uint8_t status;
	while ((status = inb(COM1 + UART_LSR)) & LSR_DATA_READY) {
		if (status & LSR_OVERRUN)
			input_count_lost(); /* the UART had no room: bytes are gone */
		if (input_full()) {
			uart_set_interrupts(0, IER_DATA_AVAILABLE);
			outb(COM1 + UART_MCR,
			     MCR_DTR_RTS_OUT2 & ~MCR_RTS); /* ask the sender to wait */
			receive_paused = true;
			return;
		}
		input_put((struct input_event){.source = INPUT_SERIAL,
					       .byte = inb(COM1 + UART_DATA)});
	}
}

/* With interrupts off: IRQ 4 shares receive_paused. */
void serial_resume_input(void)
{
	uint64_t flags = cpu_irq_save();
	if (receive_paused && !input_full()) {
		receive_paused = false;
		outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
		/* Pending data raises the IRQ again. */
		uart_set_interrupts(IER_DATA_AVAILABLE, 0);
	}
	cpu_irq_restore(flags);
}

void serial_input_start(void)
{
	uint64_t flags = cpu_irq_save(); /* IRQ 4 must not drain the FIFO under us */
	uart_set_interrupts(IER_DATA_AVAILABLE, 0);
	serial_input_receive(); /* anything that arrived before */
	cpu_irq_restore(flags);
}
