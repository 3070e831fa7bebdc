/* Ports and modes: Intel 82C54 data sheet; channel 2's gate and output through port
 * 0x61 bits 0 and 5: OSDev wiki "Programmable Interval Timer". */
#include "pit.h"

#include "../arch/x86.h"
#include "../panic.h"

#define PIT_CHANNEL0 0x40
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND  0x43
#define PORT_61	     0x61

#define CMD_CHANNEL0_RATE     0x34 /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
#define CMD_CHANNEL2_ONE_SHOT 0xB0 /* channel 2, lobyte/hibyte, mode 0 (interrupt on count) */
#define GATE2		      0x01
#define SPEAKER		      0x02
#define OUT2		      0x20

void pit_wait_us(uint32_t us)
{
	uint32_t count = (uint32_t)((uint64_t)PIT_HZ * us / 1000000);
	if (count == 0 || count > 0xFFFF)
		panic("pit_wait_us(%u): out of range", us);
	outb(PORT_61, (inb(PORT_61) & ~SPEAKER) & ~GATE2); /* gate low: hold the count */
	outb(PIT_COMMAND, CMD_CHANNEL2_ONE_SHOT);
	outb(PIT_CHANNEL2, count & 0xFF);
	outb(PIT_CHANNEL2, count >> 8);
	outb(PORT_61, (inb(PORT_61) & ~SPEAKER) | GATE2); /* gate high: count down */
	while (!(inb(PORT_61) & OUT2))
		cpu_relax();
	outb(PORT_61, inb(PORT_61) & ~GATE2);
}

void pit_start_periodic(uint32_t hz)
{
	uint32_t divisor = PIT_HZ / hz;
	outb(PIT_COMMAND, CMD_CHANNEL0_RATE);
	outb(PIT_CHANNEL0, divisor & 0xFF);
	outb(PIT_CHANNEL0, divisor >> 8);
}
