#include "keymap.h"

#include "../lib/string.h"

#define SCANCODE_EXTENDED 0xE0 /* the next byte is a key of the extended set */
#define SCANCODE_PAUSE	  0xE1 /* Pause: E1 1D 45 on press, E1 9D C5 on release */
#define SCANCODE_RELEASE  0x80 /* set on the code of a key going up */
#define SCANCODE_CODE	  0x7F

/* The fake shifts, as extended codes: some keyboards wrap Print Screen and the
 * navigation keys in E0 2A ... E0 AA (or E0 36 / E0 B6) to undo a held Shift. */
#define FAKE_LEFT_SHIFT	 0x2A
#define FAKE_RIGHT_SHIFT 0x36
#define PAUSE_CTRL	 0x1D
#define PAUSE_NUM_LOCK	 0x45

enum {
	STATE_NORMAL,
	STATE_EXTENDED,	   /* after E0 */
	STATE_PAUSE_FIRST, /* after E1 */
	STATE_PAUSE_SECOND,
};

/* Scan code set 1, from the OSDev wiki, "PS/2 Keyboard", section "Scan Code Set 1"
 * (https://wiki.osdev.org/PS/2_Keyboard). Releases are the same codes | 0x80. */
static const uint8_t set1_keys[0x59] = {
	[0x01] = KEY_ESCAPE,
	[0x02] = KEY_1,
	[0x03] = KEY_2,
	[0x04] = KEY_3,
	[0x05] = KEY_4,
	[0x06] = KEY_5,
	[0x07] = KEY_6,
	[0x08] = KEY_7,
	[0x09] = KEY_8,
	[0x0A] = KEY_9,
	[0x0B] = KEY_0,
	[0x0C] = KEY_MINUS,
	[0x0D] = KEY_EQUAL,
	[0x0E] = KEY_BACKSPACE,
	[0x0F] = KEY_TAB,
	[0x10] = KEY_Q,
	[0x11] = KEY_W,
	[0x12] = KEY_E,
	[0x13] = KEY_R,
	[0x14] = KEY_T,
	[0x15] = KEY_Y,
	[0x16] = KEY_U,
	[0x17] = KEY_I,
	[0x18] = KEY_O,
	[0x19] = KEY_P,
	[0x1A] = KEY_LEFT_BRACKET,
	[0x1B] = KEY_RIGHT_BRACKET,
	[0x1C] = KEY_ENTER,
	[0x1D] = KEY_LEFT_CTRL,
	[0x1E] = KEY_A,
	[0x1F] = KEY_S,
	[0x20] = KEY_D,
	[0x21] = KEY_F,
	[0x22] = KEY_G,
	[0x23] = KEY_H,
	[0x24] = KEY_J,
	[0x25] = KEY_K,
	[0x26] = KEY_L,
	[0x27] = KEY_SEMICOLON,
	[0x28] = KEY_APOSTROPHE,
	[0x29] = KEY_GRAVE,
	[0x2A] = KEY_LEFT_SHIFT,
	[0x2B] = KEY_BACKSLASH,
	[0x2C] = KEY_Z,
	[0x2D] = KEY_X,
	[0x2E] = KEY_C,
	[0x2F] = KEY_V,
	[0x30] = KEY_B,
	[0x31] = KEY_N,
	[0x32] = KEY_M,
	[0x33] = KEY_COMMA,
	[0x34] = KEY_PERIOD,
	[0x35] = KEY_SLASH,
	[0x36] = KEY_RIGHT_SHIFT,
	[0x37] = KEY_KP_STAR,
	[0x38] = KEY_LEFT_ALT,
	[0x39] = KEY_SPACE,
	[0x3A] = KEY_CAPS_LOCK,
	[0x3B] = KEY_F1,
	[0x3C] = KEY_F2,
	[0x3D] = KEY_F3,
	[0x3E] = KEY_F4,
	[0x3F] = KEY_F5,
	[0x40] = KEY_F6,
	[0x41] = KEY_F7,
	[0x42] = KEY_F8,
	[0x43] = KEY_F9,
	[0x44] = KEY_F10,
	[0x45] = KEY_NUM_LOCK,
	[0x46] = KEY_SCROLL_LOCK,
	[0x47] = KEY_KP_7,
	[0x48] = KEY_KP_8,
	[0x49] = KEY_KP_9,
	[0x4A] = KEY_KP_MINUS,
	[0x4B] = KEY_KP_4,
	[0x4C] = KEY_KP_5,
	[0x4D] = KEY_KP_6,
	[0x4E] = KEY_KP_PLUS,
	[0x4F] = KEY_KP_1,
	[0x50] = KEY_KP_2,
	[0x51] = KEY_KP_3,
	[0x52] = KEY_KP_0,
	[0x53] = KEY_KP_DOT,
	[0x54] = KEY_SYSRQ,
	[0x56] = KEY_102ND,
	[0x57] = KEY_F11,
	[0x58] = KEY_F12,
};

/* The same page's extended codes (after E0); multimedia and ACPI keys are left out. */
static const uint8_t set1_extended_keys[0x5E] = {
	[0x1C] = KEY_KP_ENTER,	   [0x1D] = KEY_RIGHT_CTRL, [0x35] = KEY_KP_SLASH,
	[0x37] = KEY_PRINT_SCREEN, [0x38] = KEY_RIGHT_ALT,  [0x46] = KEY_PAUSE, /* Ctrl+Pause */
	[0x47] = KEY_HOME,	   [0x48] = KEY_UP,	    [0x49] = KEY_PAGE_UP,
	[0x4B] = KEY_LEFT,	   [0x4D] = KEY_RIGHT,	    [0x4F] = KEY_END,
	[0x50] = KEY_DOWN,	   [0x51] = KEY_PAGE_DOWN,  [0x52] = KEY_INSERT,
	[0x53] = KEY_DELETE,	   [0x5B] = KEY_LEFT_GUI,   [0x5C] = KEY_RIGHT_GUI,
	[0x5D] = KEY_MENU,
};

/* What each character key types in the US layout: {unshifted, shifted}. */
static const char key_chars[KEY_COUNT][2] = {
	[KEY_A] = {'a', 'A'},
	[KEY_B] = {'b', 'B'},
	[KEY_C] = {'c', 'C'},
	[KEY_D] = {'d', 'D'},
	[KEY_E] = {'e', 'E'},
	[KEY_F] = {'f', 'F'},
	[KEY_G] = {'g', 'G'},
	[KEY_H] = {'h', 'H'},
	[KEY_I] = {'i', 'I'},
	[KEY_J] = {'j', 'J'},
	[KEY_K] = {'k', 'K'},
	[KEY_L] = {'l', 'L'},
	[KEY_M] = {'m', 'M'},
	[KEY_N] = {'n', 'N'},
	[KEY_O] = {'o', 'O'},
	[KEY_P] = {'p', 'P'},
	[KEY_Q] = {'q', 'Q'},
	[KEY_R] = {'r', 'R'},
	[KEY_S] = {'s', 'S'},
	[KEY_T] = {'t', 'T'},
	[KEY_U] = {'u', 'U'},
	[KEY_V] = {'v', 'V'},
	[KEY_W] = {'w', 'W'},
	[KEY_X] = {'x', 'X'},
	[KEY_Y] = {'y', 'Y'},
	[KEY_Z] = {'z', 'Z'},
	[KEY_1] = {'1', '!'},
	[KEY_2] = {'2', '@'},
	[KEY_3] = {'3', '#'},
	[KEY_4] = {'4', '$'},
	[KEY_5] = {'5', '%'},
	[KEY_6] = {'6', '^'},
	[KEY_7] = {'7', '&'},
	[KEY_8] = {'8', '*'},
	[KEY_9] = {'9', '('},
	[KEY_0] = {'0', ')'},
	[KEY_MINUS] = {'-', '_'},
	[KEY_EQUAL] = {'=', '+'},
	[KEY_LEFT_BRACKET] = {'[', '{'},
	[KEY_RIGHT_BRACKET] = {']', '}'},
	[KEY_BACKSLASH] = {'\\', '|'},
	[KEY_SEMICOLON] = {';', ':'},
	[KEY_APOSTROPHE] = {'\'', '"'},
	[KEY_GRAVE] = {'`', '~'},
	[KEY_COMMA] = {',', '<'},
	[KEY_PERIOD] = {'.', '>'},
	[KEY_SLASH] = {'/', '?'},
	[KEY_SPACE] = {' ', ' '},
	[KEY_102ND] = {'\\', '|'},
	[KEY_KP_0] = {'0', '0'},
	[KEY_KP_1] = {'1', '1'},
	[KEY_KP_2] = {'2', '2'},
	[KEY_KP_3] = {'3', '3'},
	[KEY_KP_4] = {'4', '4'},
	[KEY_KP_5] = {'5', '5'},
	[KEY_KP_6] = {'6', '6'},
	[KEY_KP_7] = {'7', '7'},
	[KEY_KP_8] = {'8', '8'},
	[KEY_KP_9] = {'9', '9'},
	[KEY_KP_DOT] = {'.', '.'},
	[KEY_KP_PLUS] = {'+', '+'},
	[KEY_KP_MINUS] = {'-', '-'},
	[KEY_KP_STAR] = {'*', '*'},
	[KEY_KP_SLASH] = {'/', '/'},
	[KEY_ENTER] = {'\n', '\n'},
	[KEY_KP_ENTER] = {'\n', '\n'},
	[KEY_TAB] = {'\t', '\t'},
	[KEY_BACKSPACE] = {'\b', '\b'},
	[KEY_ESCAPE] = {0x1B, 0x1B},
};

/* The keypad's second meaning, with Num Lock off. */
static const uint8_t keypad_navigation[KEY_COUNT] = {
	[KEY_KP_0] = KEY_INSERT,    [KEY_KP_1] = KEY_END,  [KEY_KP_2] = KEY_DOWN,
	[KEY_KP_3] = KEY_PAGE_DOWN, [KEY_KP_4] = KEY_LEFT, [KEY_KP_6] = KEY_RIGHT,
	[KEY_KP_7] = KEY_HOME,	    [KEY_KP_8] = KEY_UP,   [KEY_KP_9] = KEY_PAGE_UP,
	[KEY_KP_DOT] = KEY_DELETE,
};

void keymap_init(struct keymap *km)
{
	memset(km, 0, sizeof *km);
}

uint8_t keymap_leds(const struct keymap *km)
{
	uint8_t leds = 0;
	if (km->modifiers & KEYMOD_SCROLL_LOCK)
		leds |= KEYMAP_LED_SCROLL_LOCK;
	if (km->modifiers & KEYMOD_NUM_LOCK)
		leds |= KEYMAP_LED_NUM_LOCK;
	if (km->modifiers & KEYMOD_CAPS_LOCK)
		leds |= KEYMAP_LED_CAPS_LOCK;
	return leds;
}

static uint16_t modifier_bit(enum key_code key)
{
	switch (key) {
	case KEY_LEFT_SHIFT: return KEYMOD_LEFT_SHIFT;
	case KEY_RIGHT_SHIFT: return KEYMOD_RIGHT_SHIFT;
	case KEY_LEFT_CTRL: return KEYMOD_LEFT_CTRL;
	case KEY_RIGHT_CTRL: return KEYMOD_RIGHT_CTRL;
	case KEY_LEFT_ALT: return KEYMOD_LEFT_ALT;
	case KEY_RIGHT_ALT: return KEYMOD_RIGHT_ALT;
	default: return 0;
	}
}

static uint16_t lock_bit(enum key_code key)
{
	switch (key) {
	case KEY_CAPS_LOCK: return KEYMOD_CAPS_LOCK;
	case KEY_NUM_LOCK: return KEYMOD_NUM_LOCK;
	case KEY_SCROLL_LOCK: return KEYMOD_SCROLL_LOCK;
	default: return 0;
	}
}

static char typed_char(enum key_code key, uint16_t modifiers)
{
	char plain = key_chars[key][0];
	bool letter = plain >= 'a' && plain <= 'z';
	if (modifiers & KEYMOD_CTRL) {
		if (letter)
			return (char)(plain & 0x1F);
		return plain >= ' ' ? 0 : plain; /* Ctrl+Enter still types '\n' */
	}
	bool shift = (modifiers & KEYMOD_SHIFT) != 0;
	if (letter && (modifiers & KEYMOD_CAPS_LOCK))
		shift = !shift;
	return key_chars[key][shift ? 1 : 0];
}

/* One complete scancode: `index` is the code, | 0x80 when it came after E0. */
static bool key_transition(struct keymap *km, enum key_code key, unsigned index, bool pressed,
			   struct key_event *out)
{
	uint32_t bit = 1u << (index % 32);
	bool was_down = (km->down[index / 32] & bit) != 0;
	if (pressed)
		km->down[index / 32] |= bit;
	else
		km->down[index / 32] &= ~bit;

	memset(out, 0, sizeof *out);
	uint16_t mod = modifier_bit(key);
	if (mod && pressed)
		km->modifiers |= mod;
	else if (mod)
		km->modifiers &= (uint16_t)~mod;
	uint16_t lock = lock_bit(key);
	if (lock && pressed && !was_down) { /* held lock keys repeat: toggle once */
		km->modifiers ^= lock;
		out->leds_changed = true;
	}
	bool keypad_digit = key >= KEY_KP_0 && key <= KEY_KP_DOT;
	bool navigation = keypad_digit && !(km->modifiers & KEYMOD_NUM_LOCK);
	if (navigation && keypad_navigation[key])
		key = keypad_navigation[key];

	out->key = key;
	out->pressed = pressed;
	out->repeat = pressed && was_down;
	out->modifiers = km->modifiers;
	out->ch = pressed && !navigation ? typed_char(key, km->modifiers) : 0;
	out->leds = keymap_leds(km);
	return true;
}

bool keymap_feed(struct keymap *km, uint8_t scancode, struct key_event *out)
{
	uint8_t code = scancode & SCANCODE_CODE;
	bool pressed = !(scancode & SCANCODE_RELEASE);
	uint8_t state = km->state;
	km->state = STATE_NORMAL;

	/* A prefix always starts a new sequence, whatever came before it. */
	if (scancode == SCANCODE_EXTENDED) {
		km->state = STATE_EXTENDED;
		return false;
	}
	if (scancode == SCANCODE_PAUSE) {
		km->state = STATE_PAUSE_FIRST;
		return false;
	}

	switch (state) {
	case STATE_PAUSE_FIRST:
		km->pause_byte = scancode;
		km->state = STATE_PAUSE_SECOND;
		return false;
	case STATE_PAUSE_SECOND:
		if ((km->pause_byte & SCANCODE_CODE) != PAUSE_CTRL || code != PAUSE_NUM_LOCK)
			return false;
		/* Pause has no code of its own: track it as E0 45, which nothing sends. */
		return key_transition(km, KEY_PAUSE, 0x80 | PAUSE_NUM_LOCK, pressed, out);
	case STATE_EXTENDED:
		if (code == FAKE_LEFT_SHIFT || code == FAKE_RIGHT_SHIFT)
			return false;
		if (code >= sizeof set1_extended_keys || !set1_extended_keys[code])
			return false;
		return key_transition(km, set1_extended_keys[code], 0x80 | code, pressed, out);
	default:
		if (code >= sizeof set1_keys || !set1_keys[code])
			return false;
		return key_transition(km, set1_keys[code], code, pressed, out);
	}
}
