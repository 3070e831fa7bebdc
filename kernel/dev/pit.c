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

#define CMD_CHANNEL2_LATCH 0x80 /* channel 2, counter latch */

/* Mode 0 counts down from the count written. With the gate already high it starts on
 * the first clock after the high byte is written (QEMU ignores the gate in mode 0 and
 * starts at that write too), so read() is sampled either side of that write. */
void pit_stopwatch_start(uint32_t (*read)(void), uint32_t sample[2])
{
	outb(PORT_61, (inb(PORT_61) & ~SPEAKER) | GATE2);
	outb(PIT_COMMAND, CMD_CHANNEL2_ONE_SHOT);
	outb(PIT_CHANNEL2, PIT_STOPWATCH_LIMIT & 0xFF);
	sample[0] = read();
	outb(PIT_CHANNEL2, PIT_STOPWATCH_LIMIT >> 8);
	sample[1] = read();
}

/* The latch command freezes a copy of the count between read()'s two samples. OUT
 * rises when the count reaches 0 and then stays high while the count wraps and runs
 * on, so OUT still low after the latch means the copy has not wrapped. */
int32_t pit_stopwatch_clocks(uint32_t (*read)(void), uint32_t sample[2])
{
	sample[0] = read();
	outb(PIT_COMMAND, CMD_CHANNEL2_LATCH);
	sample[1] = read();
	uint8_t low = inb(PIT_CHANNEL2);
	uint8_t high = inb(PIT_CHANNEL2);
	if (inb(PORT_61) & OUT2)
		return PIT_STOPWATCH_EXPIRED;
	return PIT_STOPWATCH_LIMIT - (int32_t)(low | high << 8);
}

void pit_stopwatch_stop(void)
{
	outb(PORT_61, inb(PORT_61) & ~GATE2);
}

void pit_start_periodic(uint32_t hz)
{
	uint32_t divisor = PIT_HZ / hz;
	outb(PIT_COMMAND, CMD_CHANNEL0_RATE);
	outb(PIT_CHANNEL0, divisor & 0xFF);
	outb(PIT_CHANNEL0, divisor >> 8);
}
