/* Host unit tests for kernel/dev/keymap.c, the scancode set 1 decoder. The expected
 * codes are written out here again from the OSDev wiki's "PS/2 Keyboard" page (Scan
 * Code Set 1), so a slip in the kernel's table shows. tests/test_input.py builds this
 * with ASan and UBSan. Prints one "group ... ok" or "group ... FAILED: ..." line per
 * group; exits 0 only if all passed. Arguments: --list, or group names. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/dev/keymap.h"

/* ---- the little framework ---------------------------------------------------- */

#include "unit.h"

static uint64_t rng_state = 0x4b45454c6b65796dULL; /* fixed seed: same cases every run */

static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33);
}

/* ---- helpers ----------------------------------------------------------------- */

static struct keymap km;

/* Feeds the bytes; returns how many events came out, the last one in *ev. */
static int feed(const uint8_t *bytes, int n, struct key_event *ev)
{
	int events = 0;
	struct key_event e;
	for (int i = 0; i < n; i++) {
		memset(&e, 0x5A, sizeof e); /* an event not produced must not be relied on */
		if (keymap_feed(&km, bytes[i], &e)) {
			events++;
			*ev = e;
		}
	}
	return events;
}

#define FEED(ev, ...) \
	feed((const uint8_t[]){__VA_ARGS__}, (int)sizeof((const uint8_t[]){__VA_ARGS__}), (ev))

/* One byte that must produce exactly one event. */
static struct key_event one(uint8_t byte)
{
	struct key_event ev = {0};
	CHECK(feed(&byte, 1, &ev) == 1, "byte %#04x produced no event", byte);
	return ev;
}

static struct key_event extended(uint8_t byte)
{
	struct key_event ev = {0};
	uint8_t bytes[] = {0xE0, byte};
	CHECK(feed(bytes, 2, &ev) == 1, "E0 %02x produced no event", byte);
	return ev;
}

static const char *show(char c)
{
	static char bufs[4][8];
	static int next;
	char *b = bufs[next++ % 4];
	if (c >= 32 && c < 127)
		snprintf(b, 8, "'%c'", c);
	else
		snprintf(b, 8, "%#04x", (unsigned char)c);
	return b;
}

/* Every key that types a character, from the OSDev table: code, key, plain, shifted. */
static const struct {
	uint8_t code;
	enum key_code key;
	char plain, shifted;
} PRINTABLE[] = {
	{0x02, KEY_1, '1', '!'},
	{0x03, KEY_2, '2', '@'},
	{0x04, KEY_3, '3', '#'},
	{0x05, KEY_4, '4', '$'},
	{0x06, KEY_5, '5', '%'},
	{0x07, KEY_6, '6', '^'},
	{0x08, KEY_7, '7', '&'},
	{0x09, KEY_8, '8', '*'},
	{0x0A, KEY_9, '9', '('},
	{0x0B, KEY_0, '0', ')'},
	{0x0C, KEY_MINUS, '-', '_'},
	{0x0D, KEY_EQUAL, '=', '+'},
	{0x10, KEY_Q, 'q', 'Q'},
	{0x11, KEY_W, 'w', 'W'},
	{0x12, KEY_E, 'e', 'E'},
	{0x13, KEY_R, 'r', 'R'},
	{0x14, KEY_T, 't', 'T'},
	{0x15, KEY_Y, 'y', 'Y'},
	{0x16, KEY_U, 'u', 'U'},
	{0x17, KEY_I, 'i', 'I'},
	{0x18, KEY_O, 'o', 'O'},
	{0x19, KEY_P, 'p', 'P'},
	{0x1A, KEY_LEFT_BRACKET, '[', '{'},
	{0x1B, KEY_RIGHT_BRACKET, ']', '}'},
	{0x1E, KEY_A, 'a', 'A'},
	{0x1F, KEY_S, 's', 'S'},
	{0x20, KEY_D, 'd', 'D'},
	{0x21, KEY_F, 'f', 'F'},
	{0x22, KEY_G, 'g', 'G'},
	{0x23, KEY_H, 'h', 'H'},
	{0x24, KEY_J, 'j', 'J'},
	{0x25, KEY_K, 'k', 'K'},
	{0x26, KEY_L, 'l', 'L'},
	{0x27, KEY_SEMICOLON, ';', ':'},
	{0x28, KEY_APOSTROPHE, '\'', '"'},
	{0x29, KEY_GRAVE, '`', '~'},
	{0x2B, KEY_BACKSLASH, '\\', '|'},
	{0x2C, KEY_Z, 'z', 'Z'},
	{0x2D, KEY_X, 'x', 'X'},
	{0x2E, KEY_C, 'c', 'C'},
	{0x2F, KEY_V, 'v', 'V'},
	{0x30, KEY_B, 'b', 'B'},
	{0x31, KEY_N, 'n', 'N'},
	{0x32, KEY_M, 'm', 'M'},
	{0x33, KEY_COMMA, ',', '<'},
	{0x34, KEY_PERIOD, '.', '>'},
	{0x35, KEY_SLASH, '/', '?'},
	{0x39, KEY_SPACE, ' ', ' '},
};
#define NPRINTABLE (sizeof PRINTABLE / sizeof PRINTABLE[0])

static bool is_letter(char c)
{
	return c >= 'a' && c <= 'z';
}

/* Presses and releases each printable key; `want(i)` is the character expected. */
static void check_all_printable(const char *state, int column)
{
	for (size_t i = 0; i < NPRINTABLE; i++) {
		char want = column == 0 ? PRINTABLE[i].plain : PRINTABLE[i].shifted;
		struct key_event ev = one(PRINTABLE[i].code);
		CHECK(ev.key == PRINTABLE[i].key && ev.pressed && !ev.repeat && ev.ch == want,
		      "%s: press %#04x gave key %d pressed %d ch %s, expected key %d ch %s", state,
		      PRINTABLE[i].code, ev.key, ev.pressed, show(ev.ch), PRINTABLE[i].key,
		      show(want));
		ev = one(PRINTABLE[i].code | 0x80);
		CHECK(ev.key == PRINTABLE[i].key && !ev.pressed && ev.ch == 0,
		      "%s: release %#04x gave key %d pressed %d ch %s", state,
		      PRINTABLE[i].code | 0x80, ev.key, ev.pressed, show(ev.ch));
	}
}

/* ---- groups ------------------------------------------------------------------ */

static void printable_plain(void)
{
	keymap_init(&km);
	check_all_printable("no modifier", 0);
}

static void printable_with_shift(void)
{
	keymap_init(&km);
	struct key_event ev = one(0x2A);
	CHECK(ev.key == KEY_LEFT_SHIFT && ev.pressed && ev.modifiers == KEYMOD_LEFT_SHIFT &&
		      ev.ch == 0,
	      "left Shift press: key %d modifiers %#x ch %s", ev.key, ev.modifiers, show(ev.ch));
	check_all_printable("left Shift", 1);
	one(0xAA);
	one(0x36);
	check_all_printable("right Shift", 1);
	one(0xB6);
	check_all_printable("after Shift released", 0);
}

static void caps_lock_letters_only(void)
{
	keymap_init(&km);
	one(0x3A);
	one(0xBA);
	for (size_t i = 0; i < NPRINTABLE; i++) {
		char plain = PRINTABLE[i].plain;
		char want = is_letter(plain) ? PRINTABLE[i].shifted : plain;
		struct key_event ev = one(PRINTABLE[i].code);
		one(PRINTABLE[i].code | 0x80);
		CHECK(ev.ch == want && (ev.modifiers & KEYMOD_CAPS_LOCK),
		      "Caps: %#04x typed %s, not %s", PRINTABLE[i].code, show(ev.ch), show(want));
	}
	/* Shift with Caps Lock: lowercase letters, shifted symbols. */
	one(0x36);
	for (size_t i = 0; i < NPRINTABLE; i++) {
		char plain = PRINTABLE[i].plain;
		char want = is_letter(plain) ? plain : PRINTABLE[i].shifted;
		struct key_event ev = one(PRINTABLE[i].code);
		one(PRINTABLE[i].code | 0x80);
		CHECK(ev.ch == want, "Shift+Caps: %#04x typed %s, not %s", PRINTABLE[i].code,
		      show(ev.ch), show(want));
	}
	one(0xB6);
	one(0x3A); /* Caps off again */
	one(0xBA);
	check_all_printable("Caps toggled off", 0);
}

static void other_keys(void)
{
	static const struct {
		uint8_t code;
		enum key_code key;
		char ch;
	} keys[] = {
		{0x01, KEY_ESCAPE, 0x1B}, {0x0E, KEY_BACKSPACE, '\b'}, {0x0F, KEY_TAB, '\t'},
		{0x1C, KEY_ENTER, '\n'},  {0x3B, KEY_F1, 0},	       {0x3C, KEY_F2, 0},
		{0x3D, KEY_F3, 0},	  {0x3E, KEY_F4, 0},	       {0x3F, KEY_F5, 0},
		{0x40, KEY_F6, 0},	  {0x41, KEY_F7, 0},	       {0x42, KEY_F8, 0},
		{0x43, KEY_F9, 0},	  {0x44, KEY_F10, 0},	       {0x57, KEY_F11, 0},
		{0x58, KEY_F12, 0},	  {0x37, KEY_KP_STAR, '*'},    {0x4A, KEY_KP_MINUS, '-'},
		{0x4E, KEY_KP_PLUS, '+'}, {0x54, KEY_SYSRQ, 0},	       {0x56, KEY_102ND, '\\'},
	};
	keymap_init(&km);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		struct key_event ev = one(keys[i].code);
		CHECK(ev.key == keys[i].key && ev.pressed && ev.ch == keys[i].ch,
		      "%#04x: key %d ch %s, expected key %d ch %s", keys[i].code, ev.key,
		      show(ev.ch), keys[i].key, show(keys[i].ch));
		ev = one(keys[i].code | 0x80);
		CHECK(ev.key == keys[i].key && !ev.pressed && ev.ch == 0,
		      "%#04x release: key %d pressed %d", keys[i].code | 0x80, ev.key, ev.pressed);
	}
}

static void releases_and_repeats(void)
{
	keymap_init(&km);
	struct key_event ev = one(0x1E);
	CHECK(ev.pressed && !ev.repeat, "first press of A is not a repeat");
	ev = one(0x1E);
	CHECK(ev.pressed && ev.repeat && ev.ch == 'a', "typematic A: pressed %d repeat %d ch %s",
	      ev.pressed, ev.repeat, show(ev.ch));
	ev = one(0x1E);
	CHECK(ev.repeat, "third A is a repeat too");
	ev = one(0x9E);
	CHECK(!ev.pressed && !ev.repeat && ev.key == KEY_A && ev.ch == 0,
	      "A release: pressed %d repeat %d key %d ch %s", ev.pressed, ev.repeat, ev.key,
	      show(ev.ch));
	ev = one(0x1E);
	CHECK(ev.pressed && !ev.repeat, "A pressed again after its release is not a repeat");
	one(0x9E);
	/* A release with no press before it (a key held while the kernel started). */
	ev = one(0x9F);
	CHECK(ev.key == KEY_S && !ev.pressed, "lone S release: key %d pressed %d", ev.key,
	      ev.pressed);
	ev = one(0xAA);
	CHECK(ev.key == KEY_LEFT_SHIFT && !ev.pressed && ev.modifiers == 0,
	      "lone left Shift release: modifiers %#x", ev.modifiers);
	/* Held Shift repeats too; it stays held. */
	one(0x2A);
	ev = one(0x2A);
	CHECK(ev.repeat && (ev.modifiers & KEYMOD_LEFT_SHIFT),
	      "Shift repeat: repeat %d modifiers %#x", ev.repeat, ev.modifiers);
	ev = one(0x1E);
	CHECK(ev.ch == 'A', "A with repeated Shift typed %s", show(ev.ch));
}

static void extended_keys(void)
{
	static const struct {
		uint8_t code;
		enum key_code key;
		char ch;
	} keys[] = {
		{0x1C, KEY_KP_ENTER, '\n'}, {0x1D, KEY_RIGHT_CTRL, 0}, {0x35, KEY_KP_SLASH, '/'},
		{0x38, KEY_RIGHT_ALT, 0},   {0x47, KEY_HOME, 0},       {0x48, KEY_UP, 0},
		{0x49, KEY_PAGE_UP, 0},	    {0x4B, KEY_LEFT, 0},       {0x4D, KEY_RIGHT, 0},
		{0x4F, KEY_END, 0},	    {0x50, KEY_DOWN, 0},       {0x51, KEY_PAGE_DOWN, 0},
		{0x52, KEY_INSERT, 0},	    {0x53, KEY_DELETE, 0},     {0x5B, KEY_LEFT_GUI, 0},
		{0x5C, KEY_RIGHT_GUI, 0},   {0x5D, KEY_MENU, 0},       {0x37, KEY_PRINT_SCREEN, 0},
	};
	keymap_init(&km);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		struct key_event ev = extended(keys[i].code);
		CHECK(ev.key == keys[i].key && ev.pressed && ev.ch == keys[i].ch,
		      "E0 %02x: key %d ch %s, expected key %d ch %s", keys[i].code, ev.key,
		      show(ev.ch), keys[i].key, show(keys[i].ch));
		ev = extended(keys[i].code | 0x80);
		CHECK(ev.key == keys[i].key && !ev.pressed && ev.ch == 0 && ev.modifiers == 0,
		      "E0 %02x: key %d pressed %d modifiers %#x", keys[i].code | 0x80, ev.key,
		      ev.pressed, ev.modifiers);
	}
	/* The extended arrows do not depend on Num Lock, unlike the keypad's. */
	FEED(&(struct key_event){0}, 0x45, 0xC5);
	struct key_event ev = extended(0x48);
	CHECK(ev.key == KEY_UP && ev.ch == 0, "E0 48 with Num Lock: key %d ch %s", ev.key,
	      show(ev.ch));
	/* The same code with and without E0 are different keys, held separately. */
	keymap_init(&km);
	one(0x1D);
	extended(0x1D);
	ev = one(0x9D);
	CHECK(ev.modifiers == KEYMOD_RIGHT_CTRL, "left Ctrl up, right still down: modifiers %#x",
	      ev.modifiers);
	ev = extended(0x1D);
	CHECK(ev.repeat, "right Ctrl pressed again while down is a repeat");
}

static void keypad_and_num_lock(void)
{
	static const struct {
		uint8_t code;
		enum key_code num, nav;
		char ch;
	} keys[] = {
		{0x47, KEY_KP_7, KEY_HOME, '7'},      {0x48, KEY_KP_8, KEY_UP, '8'},
		{0x49, KEY_KP_9, KEY_PAGE_UP, '9'},   {0x4B, KEY_KP_4, KEY_LEFT, '4'},
		{0x4C, KEY_KP_5, KEY_KP_5, '5'},      {0x4D, KEY_KP_6, KEY_RIGHT, '6'},
		{0x4F, KEY_KP_1, KEY_END, '1'},	      {0x50, KEY_KP_2, KEY_DOWN, '2'},
		{0x51, KEY_KP_3, KEY_PAGE_DOWN, '3'}, {0x52, KEY_KP_0, KEY_INSERT, '0'},
		{0x53, KEY_KP_DOT, KEY_DELETE, '.'},
	};
	keymap_init(&km);
	for (int numlock = 0; numlock < 2; numlock++) {
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			struct key_event ev = one(keys[i].code);
			enum key_code want = numlock ? keys[i].num : keys[i].nav;
			char ch = numlock ? keys[i].ch : 0;
			CHECK(ev.key == want && ev.ch == ch,
			      "keypad %#04x, Num Lock %s: key %d ch %s, expected key %d ch %s",
			      keys[i].code, numlock ? "on" : "off", ev.key, show(ev.ch), want,
			      show(ch));
			one(keys[i].code | 0x80);
		}
		struct key_event ev = one(0x45); /* Num Lock */
		CHECK(ev.key == KEY_NUM_LOCK && ev.leds_changed, "Num Lock press changes LEDs");
		one(0xC5);
	}
}

static void modifiers_left_and_right(void)
{
	static const struct {
		bool e0;
		uint8_t code;
		enum key_code key;
		uint16_t mod;
	} modifiers[] = {
		{false, 0x2A, KEY_LEFT_SHIFT, KEYMOD_LEFT_SHIFT},
		{false, 0x36, KEY_RIGHT_SHIFT, KEYMOD_RIGHT_SHIFT},
		{false, 0x1D, KEY_LEFT_CTRL, KEYMOD_LEFT_CTRL},
		{true, 0x1D, KEY_RIGHT_CTRL, KEYMOD_RIGHT_CTRL},
		{false, 0x38, KEY_LEFT_ALT, KEYMOD_LEFT_ALT},
		{true, 0x38, KEY_RIGHT_ALT, KEYMOD_RIGHT_ALT},
	};
	size_t n = sizeof modifiers / sizeof modifiers[0];
	keymap_init(&km);
	uint16_t held = 0;
	for (size_t i = 0; i < n; i++) {
		struct key_event ev =
			modifiers[i].e0 ? extended(modifiers[i].code) : one(modifiers[i].code);
		held |= modifiers[i].mod;
		CHECK(ev.key == modifiers[i].key && ev.pressed && ev.modifiers == held &&
			      ev.ch == 0,
		      "press %s%02x: key %d modifiers %#x, expected key %d modifiers %#x",
		      modifiers[i].e0 ? "E0 " : "", modifiers[i].code, ev.key, ev.modifiers,
		      modifiers[i].key, held);
	}
	CHECK((held & KEYMOD_SHIFT) == KEYMOD_SHIFT && (held & KEYMOD_CTRL) == KEYMOD_CTRL &&
		      (held & KEYMOD_ALT) == KEYMOD_ALT,
	      "the both-sides masks cover left and right");
	for (size_t i = 0; i < n; i++) {
		uint8_t up = modifiers[i].code | 0x80;
		struct key_event ev = modifiers[i].e0 ? extended(up) : one(up);
		held &= (uint16_t)~modifiers[i].mod;
		CHECK(ev.key == modifiers[i].key && !ev.pressed && ev.modifiers == held,
		      "release %s%02x: modifiers %#x, expected %#x", modifiers[i].e0 ? "E0 " : "",
		      up, ev.modifiers, held);
	}
	/* One Shift released while the other is held: still shifted. */
	one(0x2A);
	one(0x36);
	one(0xAA);
	struct key_event ev = one(0x1E);
	CHECK(ev.ch == 'A', "right Shift still held: A typed %s", show(ev.ch));
	one(0xB6);
	ev = one(0x1E);
	CHECK(ev.ch == 'a', "both Shifts released: A typed %s", show(ev.ch));
	/* Alt does not change the character, but is reported. */
	one(0x38);
	ev = one(0x2D);
	CHECK(ev.ch == 'x' && (ev.modifiers & KEYMOD_LEFT_ALT), "Alt+X: ch %s modifiers %#x",
	      show(ev.ch), ev.modifiers);
	one(0xB8);
}

static void ctrl_letters(void)
{
	for (int right = 0; right < 2; right++) {
		keymap_init(&km);
		if (right)
			extended(0x1D);
		else
			one(0x1D);
		for (size_t i = 0; i < NPRINTABLE; i++) {
			char plain = PRINTABLE[i].plain;
			char want = is_letter(plain) ? (char)(plain - 'a' + 1) : 0;
			struct key_event ev = one(PRINTABLE[i].code);
			one(PRINTABLE[i].code | 0x80);
			CHECK(ev.ch == want, "%s Ctrl + %#04x typed %s, expected %s",
			      right ? "right" : "left", PRINTABLE[i].code, show(ev.ch), show(want));
		}
	}
	/* Ctrl+C is 3 whatever Shift and Caps Lock say; Ctrl+A is 1. */
	keymap_init(&km);
	one(0x1D);
	CHECK(one(0x2E).ch == 3, "Ctrl+C is 3");
	CHECK(one(0x1E).ch == 1, "Ctrl+A is 1");
	one(0x2A);
	CHECK(one(0x2E).ch == 3, "Ctrl+Shift+C is 3");
	one(0xAA);
	one(0x3A);
	CHECK(one(0x2E).ch == 3, "Ctrl+C with Caps Lock is 3");
	CHECK(one(0x1C).ch == '\n', "Ctrl+Enter still types a newline");
	one(0x9D);
	CHECK(one(0x2E).ch == 'C', "C after Ctrl is released, Caps on, types 'C'");
}

static void locks_and_leds(void)
{
	keymap_init(&km);
	CHECK(keymap_leds(&km) == 0, "LEDs start off");
	struct key_event ev = one(0x3A);
	CHECK(ev.key == KEY_CAPS_LOCK && ev.leds_changed && ev.leds == KEYMAP_LED_CAPS_LOCK &&
		      (ev.modifiers & KEYMOD_CAPS_LOCK),
	      "Caps press: changed %d leds %#x modifiers %#x", ev.leds_changed, ev.leds,
	      ev.modifiers);
	ev = one(0x3A);
	CHECK(ev.repeat && !ev.leds_changed && ev.leds == KEYMAP_LED_CAPS_LOCK,
	      "held Caps repeats without toggling: changed %d leds %#x", ev.leds_changed, ev.leds);
	ev = one(0xBA);
	CHECK(!ev.leds_changed && ev.leds == KEYMAP_LED_CAPS_LOCK,
	      "Caps release: changed %d leds %#x", ev.leds_changed, ev.leds);
	ev = one(0x1E);
	CHECK(!ev.leds_changed, "other keys do not ask for LEDs");
	one(0x9E);
	ev = one(0x45);
	CHECK(ev.leds_changed && ev.leds == (KEYMAP_LED_CAPS_LOCK | KEYMAP_LED_NUM_LOCK),
	      "Num Lock: leds %#x", ev.leds);
	one(0xC5);
	ev = one(0x46);
	CHECK(ev.key == KEY_SCROLL_LOCK && ev.leds_changed && ev.leds == 7 &&
		      (ev.modifiers & KEYMOD_SCROLL_LOCK),
	      "Scroll Lock: leds %#x", ev.leds);
	one(0xC6);
	CHECK(keymap_leds(&km) == 7, "keymap_leds() is %#x, expected 7", keymap_leds(&km));
	ev = one(0x3A);
	CHECK(ev.leds_changed && ev.leds == (KEYMAP_LED_NUM_LOCK | KEYMAP_LED_SCROLL_LOCK) &&
		      !(ev.modifiers & KEYMOD_CAPS_LOCK),
	      "Caps off: leds %#x", ev.leds);
	one(0xBA);
	/* Locks toggle on the press, whatever modifiers are held. */
	one(0x2A);
	ev = one(0x3A);
	CHECK(ev.leds_changed && (ev.leds & KEYMAP_LED_CAPS_LOCK), "Shift+Caps still toggles");
}

static void pause_sequence(void)
{
	keymap_init(&km);
	struct key_event ev = {0};
	int n = FEED(&ev, 0xE1, 0x1D, 0x45);
	CHECK(n == 1 && ev.key == KEY_PAUSE && ev.pressed && ev.modifiers == 0 && ev.ch == 0,
	      "E1 1D 45: %d events, key %d pressed %d modifiers %#x", n, ev.key, ev.pressed,
	      ev.modifiers);
	n = FEED(&ev, 0xE1, 0x9D, 0xC5);
	CHECK(n == 1 && ev.key == KEY_PAUSE && !ev.pressed && ev.modifiers == 0,
	      "E1 9D C5: %d events, key %d pressed %d modifiers %#x", n, ev.key, ev.pressed,
	      ev.modifiers);
	CHECK(keymap_leds(&km) == 0, "Pause's 45 does not toggle Num Lock");
	ev = one(0x1E);
	CHECK(ev.ch == 'a' && ev.modifiers == 0,
	      "after Pause, A types %s with modifiers %#x (Ctrl stuck?)", show(ev.ch),
	      ev.modifiers);
	one(0x9E);
	/* Ctrl+Pause (Break) is E0 46 / E0 C6. */
	one(0x1D);
	ev = extended(0x46);
	CHECK(ev.key == KEY_PAUSE && ev.pressed && (ev.modifiers & KEYMOD_LEFT_CTRL),
	      "Ctrl+Break: key %d", ev.key);
	ev = extended(0xC6);
	CHECK(ev.key == KEY_PAUSE && !ev.pressed, "Break release: key %d", ev.key);
	one(0x9D);
	/* Some other E1 sequence: consumed, nothing reported, then decoding resumes. */
	n = FEED(&ev, 0xE1, 0x10, 0x20);
	CHECK(n == 0, "E1 10 20 reported %d events", n);
	ev = one(0x10);
	CHECK(ev.ch == 'q', "after an unknown E1 sequence, Q types %s", show(ev.ch));
}

static void fake_shifts(void)
{
	keymap_init(&km);
	struct key_event ev = {0};
	/* Home with Num Lock on, as some keyboards send it: wrapped in a fake Shift. */
	int n = FEED(&ev, 0xE0, 0x2A, 0xE0, 0x47);
	CHECK(n == 1 && ev.key == KEY_HOME && ev.pressed && ev.modifiers == 0,
	      "E0 2A E0 47: %d events, key %d modifiers %#x", n, ev.key, ev.modifiers);
	n = FEED(&ev, 0xE0, 0xC7, 0xE0, 0xAA);
	CHECK(n == 1 && ev.key == KEY_HOME && !ev.pressed && ev.modifiers == 0,
	      "E0 C7 E0 AA: %d events, key %d modifiers %#x", n, ev.key, ev.modifiers);
	/* With a real Shift held, the keyboard "releases" it around the key; it stays held. */
	one(0x2A);
	n = FEED(&ev, 0xE0, 0xAA, 0xE0, 0x52, 0xE0, 0xD2, 0xE0, 0x2A);
	CHECK(n == 2 && ev.key == KEY_INSERT && (ev.modifiers & KEYMOD_LEFT_SHIFT),
	      "Shift+Insert: %d events, modifiers %#x", n, ev.modifiers);
	n = FEED(&ev, 0xE0, 0xB6, 0xE0, 0x36);
	CHECK(n == 0, "right fake shifts reported %d events", n);
	ev = one(0x1E);
	CHECK(ev.ch == 'A', "Shift still held after fake shifts: A typed %s", show(ev.ch));
	one(0xAA);
	/* Print Screen: E0 2A E0 37, release E0 B7 E0 AA. */
	n = FEED(&ev, 0xE0, 0x2A, 0xE0, 0x37);
	CHECK(n == 1 && ev.key == KEY_PRINT_SCREEN && ev.pressed, "Print Screen: key %d", ev.key);
	n = FEED(&ev, 0xE0, 0xB7, 0xE0, 0xAA);
	CHECK(n == 1 && ev.key == KEY_PRINT_SCREEN && !ev.pressed && ev.modifiers == 0,
	      "Print Screen release: key %d modifiers %#x", ev.key, ev.modifiers);
}

static void unknown_and_controller_bytes(void)
{
	/* Controller and keyboard replies (ACK, resend, echo, errors) and unused codes. */
	static const uint8_t junk[] = {0x00, 0xFF, 0xFA, 0xFE, 0xEE, 0xFC, 0xFD, 0x55,
				       0x59, 0x5A, 0x7F, 0x60, 0x6F, 0x7A, 0xD5};
	keymap_init(&km);
	for (size_t i = 0; i < sizeof junk; i++) {
		struct key_event ev;
		CHECK(!keymap_feed(&km, junk[i], &ev), "byte %#04x reported an event", junk[i]);
	}
	/* E0 and an unknown extended code (a multimedia key): nothing, then normal again. */
	struct key_event ev = {0};
	int n = FEED(&ev, 0xE0, 0x22, 0xE0, 0xA2, 0xE0, 0x7F, 0xE0, 0xFF);
	CHECK(n == 0, "unknown extended codes reported %d events", n);
	ev = one(0x1E);
	CHECK(ev.key == KEY_A && ev.ch == 'a', "after them, A: key %d ch %s", ev.key, show(ev.ch));
	/* A doubled prefix counts once. */
	n = FEED(&ev, 0xE0, 0xE0, 0x48);
	CHECK(n == 1 && ev.key == KEY_UP, "E0 E0 48: %d events, key %d", n, ev.key);
	CHECK(keymap_leds(&km) == 0 && ev.modifiers == 0,
	      "no lock or modifier moved: modifiers %#x", ev.modifiers);
}

static void random_bytes(void)
{
	keymap_init(&km);
	int events = 0;
	for (int i = 0; i < 200000; i++) {
		/* Mostly bytes that mean something, so the state machine goes everywhere. */
		uint32_t r = rng();
		uint8_t byte = r % 8 == 0 ? 0xE0 : r % 8 == 1 ? 0xE1 : (uint8_t)(r >> 8);
		struct key_event ev;
		if (!keymap_feed(&km, byte, &ev))
			continue;
		events++;
		CHECK(ev.key > KEY_NONE && ev.key < KEY_COUNT, "random: key %d out of range",
		      ev.key);
		CHECK(ev.pressed || ev.ch == 0, "random: a release typed %s", show(ev.ch));
		CHECK(ev.leds == keymap_leds(&km) && (ev.modifiers & ~0x1FFu) == 0,
		      "random: leds %#x modifiers %#x", ev.leds, ev.modifiers);
		CHECK((unsigned char)ev.ch < 0x7F, "random: ch %s is not ASCII", show(ev.ch));
	}
	CHECK(events > 10000, "random: only %d events from 200000 bytes", events);
	/* Whatever state it was left in, releasing every modifier and two more bytes of
	 * nothing bring it back to typing plainly (Caps and Num Lock may be either way). */
	FEED(&(struct key_event){0}, 0x00, 0x00, 0xAA, 0xB6, 0x9D, 0xB8, 0xE0, 0x9D, 0xE0, 0xB8);
	struct key_event ev = one(0x02);
	CHECK(ev.ch == '1' && !(ev.modifiers & (KEYMOD_SHIFT | KEYMOD_CTRL | KEYMOD_ALT)),
	      "after random bytes, 1 typed %s modifiers %#x", show(ev.ch), ev.modifiers);
}

/* ---- the groups, in order ---------------------------------------------------- */

static const struct unit_group GROUPS[] = {
	GROUP(printable_plain),
	GROUP(printable_with_shift),
	GROUP(caps_lock_letters_only),
	GROUP(other_keys),
	GROUP(releases_and_repeats),
	GROUP(extended_keys),
	GROUP(keypad_and_num_lock),
	GROUP(modifiers_left_and_right),
	GROUP(ctrl_letters),
	GROUP(locks_and_leds),
	GROUP(pause_sequence),
	GROUP(fake_shifts),
	GROUP(unknown_and_controller_bytes),
	GROUP(random_bytes),
};

int main(int argc, char **argv)
{
	return unit_main(GROUPS, sizeof GROUPS / sizeof GROUPS[0], NULL, argc, argv);
}
