/* Ports and modes: Intel 82C54 data sheet; channel 2's gate and output through port
 * 0x61 bits 0 and 5: OSDev wiki "Programmable Interval Timer". */
#include "pit.h"

#include "../arch/x86.h"

#define PIT_CHANNEL0 0x40
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND  0x43
#define PORT_61	     0x61

#define CMD_CHANNEL0_RATE     0x34 /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
#define CMD_CHANNEL2_ONE_SHOT 0xB0 /* channel 2, lobyte/hibyte, mode 0 (interrupt on count) */
#define GATE2		      0x01
#define SPEAKER		      0x02
#define OUT2		      0x20

/* With the gate already high, mode 0 starts counting on the first clock after the
 * count's high byte is written (QEMU ignores the gate in mode 0 and starts at that
 * write too); OUT rises when the count reaches 0. So the interval starts inside the
 * high-byte write and ends between the last poll that saw OUT low and the first that
 * saw it high; read() is sampled just outside both. */
void pit_time_interval(uint16_t clocks, uint32_t (*read)(void), struct pit_interval *out)
{
	outb(PORT_61, (inb(PORT_61) & ~SPEAKER) | GATE2);
	outb(PIT_COMMAND, CMD_CHANNEL2_ONE_SHOT); /* OUT low until the count runs out */
	outb(PIT_CHANNEL2, clocks & 0xFF);
	out->start[0] = read();
	outb(PIT_CHANNEL2, clocks >> 8);
	out->start[1] = read();
	uint32_t before_poll = out->start[1], after_poll = before_poll;
	while (!(inb(PORT_61) & OUT2)) {
		before_poll = after_poll;
		after_poll = read();
	}
	out->end[0] = before_poll;
	out->end[1] = read();
	outb(PORT_61, inb(PORT_61) & ~GATE2);
}

void pit_start_periodic(uint32_t hz)
{
	uint32_t divisor = PIT_HZ / hz;
	outb(PIT_COMMAND, CMD_CHANNEL0_RATE);
	outb(PIT_CHANNEL0, divisor & 0xFF);
	outb(PIT_CHANNEL0, divisor >> 8);
}
