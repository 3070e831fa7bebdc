/* PS/2 keyboard decoding: scancode set 1 bytes in, key events out, US layout.
 *
 * The i8042 controller translates whatever the keyboard sends into set 1 by default
 * (configuration byte bit 6, "translation"), so set 1 is what the driver reads from
 * port 0x60. The decoder is pure logic, fed one byte at a time; the driver sends the
 * LED byte of an event whose leds_changed is set to the keyboard with command 0xED. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Keys by position on a US keyboard, not by what they type. */
enum key_code {
	KEY_NONE,
	/* Keys that type a character (see key_event.ch). */
	KEY_A,
	KEY_B,
	KEY_C,
	KEY_D,
	KEY_E,
	KEY_F,
	KEY_G,
	KEY_H,
	KEY_I,
	KEY_J,
	KEY_K,
	KEY_L,
	KEY_M,
	KEY_N,
	KEY_O,
	KEY_P,
	KEY_Q,
	KEY_R,
	KEY_S,
	KEY_T,
	KEY_U,
	KEY_V,
	KEY_W,
	KEY_X,
	KEY_Y,
	KEY_Z,
	KEY_1,
	KEY_2,
	KEY_3,
	KEY_4,
	KEY_5,
	KEY_6,
	KEY_7,
	KEY_8,
	KEY_9,
	KEY_0,
	KEY_MINUS,
	KEY_EQUAL,
	KEY_LEFT_BRACKET,
	KEY_RIGHT_BRACKET,
	KEY_BACKSLASH,
	KEY_SEMICOLON,
	KEY_APOSTROPHE,
	KEY_GRAVE,
	KEY_COMMA,
	KEY_PERIOD,
	KEY_SLASH,
	KEY_SPACE,
	KEY_102ND, /* the extra key left of Z on ISO keyboards: '\' and '|' */
	KEY_KP_0,
	KEY_KP_1,
	KEY_KP_2,
	KEY_KP_3,
	KEY_KP_4,
	KEY_KP_5,
	KEY_KP_6,
	KEY_KP_7,
	KEY_KP_8,
	KEY_KP_9,
	KEY_KP_DOT,
	KEY_KP_PLUS,
	KEY_KP_MINUS,
	KEY_KP_STAR,
	KEY_KP_SLASH,
	/* Keys that type a control character (Enter '\n', Tab '\t', Backspace '\b', Esc 0x1B). */
	KEY_ENTER,
	KEY_KP_ENTER,
	KEY_TAB,
	KEY_BACKSPACE,
	KEY_ESCAPE,
	/* Keys that type nothing. */
	KEY_UP,
	KEY_DOWN,
	KEY_LEFT,
	KEY_RIGHT,
	KEY_HOME,
	KEY_END,
	KEY_PAGE_UP,
	KEY_PAGE_DOWN,
	KEY_INSERT,
	KEY_DELETE,
	KEY_F1,
	KEY_F2,
	KEY_F3,
	KEY_F4,
	KEY_F5,
	KEY_F6,
	KEY_F7,
	KEY_F8,
	KEY_F9,
	KEY_F10,
	KEY_F11,
	KEY_F12,
	KEY_LEFT_SHIFT,
	KEY_RIGHT_SHIFT,
	KEY_LEFT_CTRL,
	KEY_RIGHT_CTRL,
	KEY_LEFT_ALT,
	KEY_RIGHT_ALT,
	KEY_LEFT_GUI,
	KEY_RIGHT_GUI,
	KEY_MENU,
	KEY_CAPS_LOCK,
	KEY_NUM_LOCK,
	KEY_SCROLL_LOCK,
	KEY_PRINT_SCREEN,
	KEY_SYSRQ, /* SysRq: Alt+Print Screen */
	KEY_PAUSE, /* with Ctrl held it is Break */
	KEY_COUNT
};

/* Modifier keys held and lock states, in key_event.modifiers. */
#define KEYMOD_LEFT_SHIFT  (1u << 0)
#define KEYMOD_RIGHT_SHIFT (1u << 1)
#define KEYMOD_LEFT_CTRL   (1u << 2)
#define KEYMOD_RIGHT_CTRL  (1u << 3)
#define KEYMOD_LEFT_ALT	   (1u << 4)
#define KEYMOD_RIGHT_ALT   (1u << 5)
#define KEYMOD_CAPS_LOCK   (1u << 6)
#define KEYMOD_NUM_LOCK	   (1u << 7)
#define KEYMOD_SCROLL_LOCK (1u << 8)
#define KEYMOD_SHIFT	   (KEYMOD_LEFT_SHIFT | KEYMOD_RIGHT_SHIFT)
#define KEYMOD_CTRL	   (KEYMOD_LEFT_CTRL | KEYMOD_RIGHT_CTRL)
#define KEYMOD_ALT	   (KEYMOD_LEFT_ALT | KEYMOD_RIGHT_ALT)

/* The data byte of keyboard command 0xED (set LEDs). */
#define KEYMAP_LED_SCROLL_LOCK (1u << 0)
#define KEYMAP_LED_NUM_LOCK    (1u << 1)
#define KEYMAP_LED_CAPS_LOCK   (1u << 2)

struct key_event {
	enum key_code key;
	bool pressed;	    /* false for a release */
	bool repeat;	    /* a typematic repeat: pressed again while already down */
	uint16_t modifiers; /* KEYMOD_* as they are after this event */
	char ch;	    /* what a press types in the US layout, or 0 (always 0 on release) */
	bool leds_changed;  /* a lock key toggled: send `leds` with command 0xED */
	uint8_t leds;	    /* KEYMAP_LED_* for the current lock states */
};

struct keymap {
	uint8_t state;	    /* which prefix bytes were seen */
	uint8_t pause_byte; /* the byte after 0xE1 in a Pause sequence */
	uint16_t modifiers;
	uint32_t down[8]; /* one bit per scancode (0x80 | code for 0xE0 ones) held down */
};

/* All keys up, all locks off (send keymap_leds() to the keyboard to match). */
void keymap_init(struct keymap *km);

/* Feeds one byte read from the controller. Returns true and fills *out when the byte
 * completes a key event; false for prefixes, ignored sequences and unknown bytes.
 *
 * Character rules: Caps Lock affects letters only and Shift inverts it (Shift+Caps
 * types lowercase); Ctrl+letter types the control character (Ctrl+A = 1, Ctrl+C = 3),
 * Ctrl with any other character key types 0; Alt does not change ch. The keypad types
 * digits and '.' with Num Lock on and reports the navigation keys (KEY_HOME...) with it
 * off. Pause reports a press and a release; the 0xE0 0x2A / 0xE0 0xAA "fake shifts"
 * some keyboards wrap around navigation keys are ignored. */
bool keymap_feed(struct keymap *km, uint8_t scancode, struct key_event *out);

/* The LED byte for command 0xED matching the current lock states. */
uint8_t keymap_leds(const struct keymap *km);
