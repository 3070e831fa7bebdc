/* KTESTs for keymap.c (test kernel only). */
#include "keymap.h"

#include "../test/ktest.h"

static char type_key(struct keymap *km, const uint8_t *bytes, int n)
{
	struct key_event ev = {0};
	char last = -1;
	for (int i = 0; i < n; i++)
		if (keymap_feed(km, bytes[i], &ev) && ev.pressed)
			last = ev.ch;
	return last;
}

KTEST(keymap_shift_and_caps_lock_choose_the_case)
{
	struct keymap km;
	keymap_init(&km);
	static const uint8_t a[] = {0x1E, 0x9E}, shift_a[] = {0x2A, 0x1E, 0x9E, 0xAA},
			     caps[] = {0x3A, 0xBA}, shift_1[] = {0x36, 0x02, 0x82, 0xB6};
	KEXPECT_EQ(type_key(&km, a, 2), 'a');
	KEXPECT_EQ(type_key(&km, shift_a, 4), 'A');
	type_key(&km, caps, 2);
	KEXPECT_EQ(keymap_leds(&km), KEYMAP_LED_CAPS_LOCK);
	KEXPECT_EQ(type_key(&km, a, 2), 'A');
	KEXPECT_EQ(type_key(&km, shift_a, 4), 'a');
	KEXPECT_EQ(type_key(&km, shift_1, 4), '!');
}

KTEST(keymap_decodes_extended_keys_and_ctrl_letters)
{
	struct keymap km;
	struct key_event ev;
	keymap_init(&km);
	KEXPECT(!keymap_feed(&km, 0xE0, &ev));
	KEXPECT(keymap_feed(&km, 0x48, &ev));
	KEXPECT(ev.key == KEY_UP && ev.pressed && ev.ch == 0);
	KEXPECT(keymap_feed(&km, 0xE0, &ev) == false && keymap_feed(&km, 0x1D, &ev));
	KEXPECT(ev.key == KEY_RIGHT_CTRL && (ev.modifiers & KEYMOD_RIGHT_CTRL));
	KEXPECT(keymap_feed(&km, 0x2E, &ev));
	KEXPECT_EQ(ev.ch, 3); /* Ctrl+C */
}
