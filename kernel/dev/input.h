/* The input ring: bytes from the serial line and key events from the keyboard, put
 * in by interrupt handlers and taken out by the shell. When it is full, new input
 * is dropped and counted (the shell reports it), never silently overwritten. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum input_source { INPUT_SERIAL, INPUT_KEYBOARD };

struct input_event {
	uint8_t source;	    /* enum input_source */
	uint8_t byte;	    /* serial: the byte; keyboard: the key code (keymap.h) */
	char ch;	    /* keyboard: the character, or 0 */
	uint16_t modifiers; /* keyboard: modifier bits (keymap.h) */
};

void input_put(struct input_event event); /* from interrupt handlers */

/* Hands every event to `fn` (called from interrupt handlers) instead of the ring, or
 * back to the ring with NULL. Events already in the ring go to fn first. */
void input_set_receiver(void (*fn)(struct input_event event));
bool input_get(struct input_event *event);

/* Sleeps until there is an event, and takes it (a task only). */
void input_wait(struct input_event *event);
uint64_t input_dropped(void);

/* Counts input lost before it reached the ring (a UART overrun). */
void input_count_lost(void);

/* True when the next input_put would be dropped (a source that can wait, like the
 * serial line, leaves its input where it is until there is room). */
bool input_full(void);
