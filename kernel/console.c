#include "console.h"

#include "dev/debugcon.h"
#include "dev/serial.h"
#include "dev/vga.h"
#include "sync/spinlock.h"

#define PRINT_CHUNK 128

/* Whole kprintf calls go out under this lock with interrupts off, so output from an
 * interrupt handler and from the shell never mixes within a line (up to
 * PRINT_CHUNK characters) and can never deadlock on one CPU. */
static struct spinlock console_lock = SPINLOCK_INIT;

void console_init(void)
{
	vga_init();
	if (!serial_init())
		kprintf("console: no UART at COM1, using VGA and port 0xE9 only\n");
}

static void write_locked(const char *s, size_t n)
{
	uint64_t flags = spin_lock_irqsave(&console_lock);
	for (size_t i = 0; i < n; i++) {
		serial_putc(s[i]);
		debugcon_putc(s[i]);
	}
	vga_write(s, n);
	spin_unlock_irqrestore(&console_lock, flags);
}

void console_write_n(const char *s, size_t n)
{
	write_locked(s, n);
}

void console_write(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	write_locked(s, n);
}

void console_bell(void)
{
	uint64_t flags = spin_lock_irqsave(&console_lock);
	serial_putc('\a'); /* the VGA console would print it as a glyph */
	spin_unlock_irqrestore(&console_lock, flags);
}

void console_write_ports(const char *s)
{
	for (; *s; s++) {
		serial_putc(*s);
		debugcon_putc(*s);
	}
}

void console_clear(void)
{
	uint64_t flags = spin_lock_irqsave(&console_lock);
	vga_clear();
	serial_write_raw("\x1b[2J\x1b[H"); /* ANSI: erase the screen, cursor home */
	spin_unlock_irqrestore(&console_lock, flags);
}

void console_follow_direct_map(void *(*phys_to_virt)(uint64_t))
{
	vga_relocate(phys_to_virt);
}

void console_break_lock(void)
{
	__atomic_store_n(&console_lock.locked, 0, __ATOMIC_RELEASE);
}

struct chunk {
	char text[PRINT_CHUNK];
	size_t used;
};

/* Collects the formatted text; a full chunk goes out at once. */
static void chunk_sink(char c, void *ctx)
{
	struct chunk *chunk = ctx;
	chunk->text[chunk->used++] = c;
	if (chunk->used == PRINT_CHUNK) {
		write_locked(chunk->text, chunk->used);
		chunk->used = 0;
	}
}

int kvprintf(const char *fmt, va_list args)
{
	struct chunk chunk;
	chunk.used = 0;
	int n = format(chunk_sink, &chunk, fmt, args);
	write_locked(chunk.text, chunk.used);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	int n = kvprintf(fmt, args);
	va_end(args);
	return n;
}
