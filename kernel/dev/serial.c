/* COM1 output: polled until serial_enable_interrupts, then fed from the log ring by
 * the THR-empty interrupt, 16 bytes at a time. Register offsets and bits: National
 * Semiconductor PC16550D data sheet; the loopback presence test follows the OSDev
 * wiki "Serial Ports" page. */
#include "serial.h"

#include "../arch/irq.h"
#include "../arch/x86.h"
#include "../console.h"
#include "serial_input.h"
#include "uart.h"

#define BAUD_BASE      115200
#define BAUD	       115200
#define LOOPBACK_SPINS 10000  /* LSR reads: milliseconds on hardware, many character times */
#define TX_SPIN_LIMIT  100000 /* ~10 ms at 115200 baud is plenty for one byte */
#define TX_GIVE_UP     256    /* bytes dropped in a row before we call the UART dead */

/* Polled output, before the interrupt takes over and after a panic: written under
 * the console's lock, or, unlocked, when the kernel is about to halt (panic breaks the
 * lock; a fault inside a fault report writes without it). */
static bool serial_present;
static unsigned dropped_in_a_row;
static unsigned tx_burst; /* bytes one empty transmitter takes: 16 with a FIFO, else 1 */
static unsigned tx_room;  /* bytes we may still write without asking the LSR */

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
static void serial_putc(char c)
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

static void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		serial_putc(s[i]);
}

static void kick_transmitter(void);

static struct console_sink serial_sink = {
	.name = "COM1",
	.write = serial_write,
	.kick = kick_transmitter,
	.port_only = true,
};

/* ---- interrupt-driven output ---------------------------------------------------- */

/* The log has text for us while the transmitter sat idle: turning the THR-empty
 * interrupt on (from off) raises it at once if the THR is empty, as the 16550 does
 * and QEMU's serial.c (thr_ipending on a 0-to-1 change of IER bit 1). */
static void kick_transmitter(void)
{
	uart_retrigger_interrupt(IER_THR_EMPTY);
}

/* A newline's '\n', owed after its '\r' filled a UART with no FIFO. */
static bool newline_owed;

/* THR empty: a FIFO takes 16 bytes, so 8 of the log's (a newline costs two); a UART
 * without one takes a single byte, so a newline goes out over two interrupts. */
static void transmit(void)
{
	char text[TX_FIFO_SIZE / 2];
	tx_room = 0; /* polled output (after a panic) asks the LSR again */
	if (newline_owed) {
		newline_owed = false;
		outb(COM1 + UART_DATA, '\n');
		return;
	}
	size_t n = console_sink_take(&serial_sink, text, tx_burst > 1 ? sizeof text : 1);
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\n') {
			outb(COM1 + UART_DATA, '\r');
			if (tx_burst == 1) {
				newline_owed = true;
				return;
			}
		}
		outb(COM1 + UART_DATA, (unsigned char)text[i]);
	}
}

/* IRQ 4: every cause the IIR reports, until it says none is left (received data
 * outranks THR empty, so one interrupt may bring both). */
static void serial_interrupt(void *ctx)
{
	(void)ctx;
	for (;;) {
		uint8_t cause = inb(COM1 + UART_IIR);
		if (cause & IIR_NONE_PENDING)
			return;
		switch (cause & IIR_CAUSE) {
		case IIR_RECEIVED:
		case IIR_RECEIVE_TIMEOUT: serial_input_receive(); break;
		case IIR_THR_EMPTY: transmit(); break;
		case IIR_LINE_STATUS: inb(COM1 + UART_LSR); break;
		default: inb(COM1 + UART_MSR); break; /* modem status */
		}
	}
}

void serial_enable_interrupts(void)
{
	if (!serial_present)
		return;
	irq_enable_legacy(COM1_IRQ, serial_interrupt, 0);
	uart_set_interrupts(IER_THR_EMPTY, 0);
	console_sink_set_async(&serial_sink);
	serial_input_start();
}

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
	if (serial_present)
		console_register(&serial_sink);
	return serial_present;
}
