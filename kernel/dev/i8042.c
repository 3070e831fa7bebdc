/* Commands, status bits and the init sequence: OSDev wiki "8042 PS/2 Controller";
 * keyboard commands (0xED LEDs, 0xFA ACK): "PS/2 Keyboard". We keep the
 * controller's translation on, so the keyboard speaks scan code set 1. */
#include "i8042.h"

#include <stdint.h>

#include "../arch/irq.h"
#include "../arch/x86.h"
#include "../console.h"
#include "input.h"
#include "keymap.h"

#define DATA	0x60
#define STATUS	0x64
#define COMMAND 0x64

#define STATUS_OUTPUT_FULL 0x01
#define STATUS_INPUT_FULL  0x02

#define CMD_READ_CONFIG	  0x20
#define CMD_WRITE_CONFIG  0x60
#define CMD_DISABLE_PORT2 0xA7
#define CMD_DISABLE_PORT1 0xAD
#define CMD_ENABLE_PORT1  0xAE
#define CMD_SELF_TEST	  0xAA
#define CMD_TEST_PORT1	  0xAB
#define CMD_PULSE_RESET	  0xFE

#define CONFIG_PORT1_IRQ   0x01
#define CONFIG_PORT2_IRQ   0x02
#define CONFIG_TRANSLATION 0x40

#define SELF_TEST_PASSED 0x55
#define PORT_TEST_PASSED 0x00
#define KBD_SET_LEDS	 0xED
#define KBD_ACK		 0xFA
#define KBD_RESEND	 0xFE

#define KEYBOARD_IRQ 1
#define SPIN_LIMIT   100000 /* polls before we call a controller dead */
#define FLUSH_LIMIT  64

/* The one keyboard's decoder state; only its interrupt handler touches it. */
static struct keymap keymap;

static bool wait_input_empty(void)
{
	for (int i = 0; i < SPIN_LIMIT; i++) {
		if (!(inb(STATUS) & STATUS_INPUT_FULL))
			return true;
		cpu_relax();
	}
	return false;
}

static bool wait_output_full(void)
{
	for (int i = 0; i < SPIN_LIMIT; i++) {
		if (inb(STATUS) & STATUS_OUTPUT_FULL)
			return true;
		cpu_relax();
	}
	return false;
}

static bool command(uint8_t cmd)
{
	if (!wait_input_empty())
		return false;
	outb(COMMAND, cmd);
	return true;
}

static bool write_data(uint8_t byte)
{
	if (!wait_input_empty())
		return false;
	outb(DATA, byte);
	return true;
}

static int read_data(void)
{
	return wait_output_full() ? inb(DATA) : -1;
}

static int command_with_reply(uint8_t cmd)
{
	return command(cmd) ? read_data() : -1;
}

static void flush_output(void)
{
	for (int i = 0; i < FLUSH_LIMIT && (inb(STATUS) & STATUS_OUTPUT_FULL); i++)
		(void)inb(DATA);
}

/* Setting the LEDs is a two-byte exchange with the keyboard: 0xED, its ACK, then the
 * LED byte, its ACK; a RESEND (0xFE) asks for the last byte again. The replies
 * arrive as interrupts, so this small state machine runs in the handler. Only the
 * keyboard's interrupt handler (and init, before it is enabled) touches it. */
static struct {
	enum { LEDS_IDLE, LEDS_SENT_COMMAND, LEDS_SENT_VALUE } state;
	uint8_t value;	 /* the LED byte being sent */
	bool pending;	 /* a newer value waits for the current exchange to end */
	uint8_t retries; /* RESENDs answered for this byte */
} leds;

#define LED_RETRIES 3

static void send_led_byte(void)
{
	write_data(leds.state == LEDS_SENT_COMMAND ? KBD_SET_LEDS : leds.value);
}

static void set_leds(uint8_t value)
{
	leds.value = value;
	if (leds.state != LEDS_IDLE) {
		leds.pending = true; /* sent when the current exchange ends */
		return;
	}
	leds.state = LEDS_SENT_COMMAND;
	leds.retries = 0;
	send_led_byte();
}

/* True when the byte was a reply to the LED exchange (and so not a scancode). */
static bool led_reply(uint8_t byte)
{
	if (byte != KBD_ACK && byte != KBD_RESEND)
		return false;
	if (leds.state == LEDS_IDLE)
		return true; /* a stray reply: ignore it */
	if (byte == KBD_RESEND) {
		if (++leds.retries <= LED_RETRIES)
			send_led_byte();
		else
			leds.state = LEDS_IDLE; /* the keyboard keeps refusing: give up */
		return true;
	}
	leds.retries = 0;
	if (leds.state == LEDS_SENT_COMMAND) {
		leds.state = LEDS_SENT_VALUE;
		send_led_byte();
	} else {
		leds.state = LEDS_IDLE;
		if (leds.pending) {
			leds.pending = false;
			set_leds(leds.value);
		}
	}
	return true;
}

static void keyboard_interrupt(void *ctx)
{
	(void)ctx;
	while (inb(STATUS) & STATUS_OUTPUT_FULL) {
		uint8_t byte = inb(DATA);
		if (led_reply(byte))
			continue;
		struct key_event event;
		if (!keymap_feed(&keymap, byte, &event))
			continue;
		if (event.leds_changed)
			set_leds(event.leds);
		if (event.pressed)
			input_put((struct input_event){.source = INPUT_KEYBOARD,
						       .byte = (uint8_t)event.key,
						       .ch = event.ch,
						       .modifiers = event.modifiers});
	}
}

bool i8042_init(void)
{
	if (inb(STATUS) == 0xFF) { /* nothing decodes the port */
		kprintf("keyboard: no i8042 controller\n");
		return false;
	}
	command(CMD_DISABLE_PORT1);
	command(CMD_DISABLE_PORT2);
	flush_output();

	int config = command_with_reply(CMD_READ_CONFIG);
	if (config < 0) {
		kprintf("keyboard: the i8042 does not answer\n");
		return false;
	}
	config = (config & ~(CONFIG_PORT1_IRQ | CONFIG_PORT2_IRQ)) | CONFIG_TRANSLATION;
	command(CMD_WRITE_CONFIG), write_data((uint8_t)config);

	int result = command_with_reply(CMD_SELF_TEST);
	if (result != SELF_TEST_PASSED) {
		kprintf("keyboard: i8042 self-test failed (%#x)\n", result);
		return false;
	}
	command(CMD_WRITE_CONFIG), write_data((uint8_t)config); /* some reset it */
	if ((result = command_with_reply(CMD_TEST_PORT1)) != PORT_TEST_PASSED) {
		kprintf("keyboard: i8042 port 1 test failed (%#x)\n", result);
		return false;
	}

	keymap_init(&keymap);
	irq_enable_legacy(KEYBOARD_IRQ, keyboard_interrupt, 0);
	command(CMD_ENABLE_PORT1);
	command(CMD_WRITE_CONFIG), write_data((uint8_t)(config | CONFIG_PORT1_IRQ));
	flush_output();
	uint64_t flags = cpu_irq_save(); /* the handler shares the LED state */
	set_leds(0);
	cpu_irq_restore(flags);
	kprintf("keyboard: PS/2 on the i8042, US layout\n");
	return true;
}

void i8042_reset_cpu(void)
{
	command(CMD_PULSE_RESET);
}
