#include "debugcon.h"

#include "../arch/x86.h"

#define DEBUGCON_PORT 0xE9

void debugcon_putc(char c)
{
	outb(DEBUGCON_PORT, (unsigned char)c);
}
