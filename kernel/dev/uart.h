/* The 16550 UART at COM1: port, registers and bits, from the National Semiconductor
 * PC16550D data sheet. Shared by serial output (serial.c) and input (serial_input.c). */
#pragma once

#include <stdint.h>

#define COM1	 0x3F8
#define COM1_IRQ 4

#define UART_DATA 0 /* THR/RBR; divisor low byte when DLAB = 1 */
#define UART_IER  1 /* interrupt enable; divisor high byte when DLAB = 1 */
#define UART_FCR  2 /* FIFO control (write) */
#define UART_IIR  2 /* interrupt identification (read) */
#define UART_LCR  3 /* line control */
#define UART_MCR  4 /* modem control */
#define UART_LSR  5 /* line status */
#define UART_MSR  6 /* modem status */

#define LCR_8N1		    0x03
#define LCR_DLAB	    0x80
#define FCR_ENABLE_CLEAR_14 0xC7 /* enable FIFOs, clear both, 14-byte threshold */
#define MCR_DTR_RTS_OUT2    0x0B
#define MCR_LOOPBACK	    0x1E
#define MCR_RTS		    0x02
#define LSR_DATA_READY	    0x01
#define LSR_OVERRUN	    0x02
#define LSR_THR_EMPTY	    0x20 /* with FIFOs on: the whole transmit FIFO is empty */
#define IIR_FIFOS_ENABLED   0xC0 /* both bits set: a 16550A with working FIFOs */
#define IER_DATA_AVAILABLE  0x01
#define IER_THR_EMPTY	    0x02
#define IIR_NONE_PENDING    0x01 /* bit 0 set: no interrupt pending */
#define IIR_CAUSE	    0x0E
#define IIR_LINE_STATUS	    0x06
#define IIR_RECEIVED	    0x04
#define IIR_RECEIVE_TIMEOUT 0x0C
#define IIR_THR_EMPTY	    0x02
#define TX_FIFO_SIZE	    16

/* The interrupt enable register, shared by output and input: sets and clears bits
 * of it (with interrupts off meanwhile), and what it holds now. */
void uart_set_interrupts(uint8_t enable, uint8_t disable);

/* Turns interrupt `which` off and on again: a 16550 raises the THR-empty interrupt
 * on that 0-to-1 change if the THR is empty (so does QEMU's serial.c). */
void uart_retrigger_interrupt(uint8_t which);
