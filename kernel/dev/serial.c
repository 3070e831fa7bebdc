/* Register offsets and bits: National Semiconductor PC16550D data sheet; the
 * loopback presence test follows the OSDev wiki "Serial Ports" page. */
#include "serial.h"

#include "../arch/irq.h"
#include "../arch/x86.h"
#include "input.h"

#define COM1 0x3F8

#define UART_DATA 0 /* THR/RBR; divisor low byte when DLAB = 1 */
#define UART_IER  1 /* interrupt enable; divisor high byte when DLAB = 1 */
#define UART_FCR  2 /* FIFO control (write) */
#define UART_IIR  2 /* interrupt identification (read) */
#define UART_LCR  3 /* line control */
#define UART_MCR  4 /* modem control */
#define UART_LSR  5 /* line status */

#define LCR_8N1		    0x03
#define LCR_DLAB	    0x80
#define FCR_ENABLE_CLEAR_14 0xC7 /* enable FIFOs, clear both, 14-byte threshold */
#define MCR_DTR_RTS_OUT2    0x0B
#define MCR_LOOPBACK	    0x1E
#define LSR_THR_EMPTY	    0x20 /* with FIFOs on: the whole transmit FIFO is empty */
#define IIR_FIFOS_ENABLED   0xC0 /* both bits set: a 16550A with working FIFOs */
#define TX_FIFO_SIZE	    16
#define LSR_DATA_READY	    0x01
#define LSR_OVERRUN	    0x02
#define MCR_RTS		    0x02
#define IER_DATA_AVAILABLE  0x01
#define COM1_IRQ	    4

#define BAUD_BASE      115200
#define BAUD	       115200
#define LOOPBACK_SPINS 10000  /* LSR reads: milliseconds on hardware, many character times */
#define TX_SPIN_LIMIT  100000 /* ~10 ms at 115200 baud is plenty for one byte */
#define TX_GIVE_UP     256    /* bytes dropped in a row before we call the UART dead */

/* Written under console.c's lock, before other CPUs exist, or, unlocked, when the
 * kernel is about to halt (panic breaks the lock; a fault inside a fault report
 * writes without it). */
static bool serial_present;
static unsigned dropped_in_a_row;
static unsigned tx_burst; /* bytes one empty transmitter takes: 16 with a FIFO, else 1 */
static unsigned tx_room;  /* bytes we may still write without asking the LSR */

bool serial_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DATA, (BAUD_BASE / BAUD) & 0xFF);
	outb(COM1 + UART_IER, (BAUD_BASE / BAUD) >> 8);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR_14);
	tx_burst =
		(inb(COM1 + UART_IIR) & IIR_FIFOS_ENABLED) == IIR_FIFOS_ENABLED ? TX_FIFO_SIZE : 1;
	tx_room = 0;

	/* A UART in loopback mode echoes what it is sent; nothing at COM1 does not. The
	 * echo goes through the shift registers, a character time (87 us) on hardware:
	 * wait for it. With nothing there the LSR reads 0xFF, so no wait. */
	outb(COM1 + UART_MCR, MCR_LOOPBACK);
	outb(COM1 + UART_DATA, 0xAE);
	for (int spins = 0; !(inb(COM1 + UART_LSR) & LSR_DATA_READY) && spins < LOOPBACK_SPINS;
	     spins++)
		cpu_relax();
	serial_present = inb(COM1 + UART_DATA) == 0xAE;

	outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
	return serial_present;
}

/* Waits until the transmitter is empty: false if it never drains. */
static bool wait_transmitter_empty(void)
{
	for (int spins = 0; !(inb(COM1 + UART_LSR) & LSR_THR_EMPTY); spins++) {
		if (spins == TX_SPIN_LIMIT)
			return false;
		cpu_relax();
	}
	return true;
}

/* An empty transmit FIFO takes 16 bytes, so the LSR is read once per 16 bytes, not
 * for each byte: every port access is a trap under an emulator. */
void serial_putc(char c)
{
	if (!serial_present)
		return;
	if (c == '\n')
		serial_putc('\r');
	if (tx_room == 0) {
		if (!wait_transmitter_empty()) {
			/* A slow reader (a terminal that stops reading) costs a byte; a
			 * UART that never drains at all is given up on. */
			if (++dropped_in_a_row == TX_GIVE_UP)
				serial_present = false;
			return;
		}
		tx_room = tx_burst;
	}
	dropped_in_a_row = 0;
	tx_room--;
	outb(COM1 + UART_DATA, (unsigned char)c);
}

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
	if (!serial_present)
		return;
	irq_enable_legacy(COM1_IRQ, serial_receive, 0);
	outb(COM1 + UART_IER, IER_DATA_AVAILABLE);
	uint64_t flags = cpu_irq_save(); /* IRQ 4 must not drain the FIFO under us */
	serial_receive(0);		 /* anything that arrived before */
	cpu_irq_restore(flags);
}

void serial_write_raw(const char *s)
{
	while (*s)
		serial_putc(*s++);
}
