#include "console.h"

#include "dev/debugcon.h"
#include "dev/serial.h"
#include "dev/vga.h"

void console_init(void)
{
	vga_init();
	if (!serial_init())
		kprintf("console: no UART at COM1, using VGA and port 0xE9 only\n");
}

void console_putc(char c)
{
	serial_putc(c);
	debugcon_putc(c);
	vga_putc(c);
}

void console_write(const char *s)
{
	while (*s)
		console_putc(*s++);
}

static void console_sink(char c, void *ctx)
{
	(void)ctx;
	console_putc(c);
}

int kvprintf(const char *fmt, va_list args)
{
	return format(console_sink, 0, fmt, args);
}

int kprintf(const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	int n = kvprintf(fmt, args);
	va_end(args);
	return n;
}
