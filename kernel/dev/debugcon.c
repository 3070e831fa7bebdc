#include "debugcon.h"

#include "../arch/x86.h"
#include "../console.h"

#define DEBUGCON_PORT 0xE9

static void debugcon_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		outb(DEBUGCON_PORT, (unsigned char)s[i]);
}

static struct console_sink debugcon_sink = {
	.name = "port 0xE9",
	.write = debugcon_write,
	.port_only = true,
};

/* Nothing to set up: the port is there or the writes vanish. */
void debugcon_init(void)
{
	console_register(&debugcon_sink);
}
