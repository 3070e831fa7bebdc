/* The shell's line editor: keys in, one edited line out, echo through a callback. It
 * knows nothing about keyboards, UARTs or screens, so it is tested on the host.
 *
 * Display. The same bytes go to the VGA console and to a serial terminal, and the two
 * disagree about '\b': VGA moves left and erases the cell, a terminal only moves left.
 * So the editor writes only printable characters, spaces, '\r', '\n' and '\b', and uses
 * '\b' only over cells that must end up blank (or that it rewrites next), where both
 * agree. Any other move left is '\r' and a reprint of the prompt and the text up to
 * the cursor. Each change is drawn by comparing the row as drawn with the row wanted
 * and rewriting only the cells that differ: typing at the end echoes one character,
 * Backspace at the end writes "\b \b".
 *
 * The line never wraps (no cursor-up exists without escape sequences): it is drawn on
 * one row, and a line longer than the row scrolls sideways to keep the cursor visible.
 * The last column is never written, so no console's automatic wrap can trigger.
 *
 * Over-long lines. A character that does not fit is refused (the bell callback rings)
 * and the line is marked refused: from then on only Enter, Ctrl-C and Ctrl-U act, and
 * Enter returns LINE_REFUSED_TOO_LONG instead of the line, so a paste longer than the
 * buffer is never run cut short. LINE_INPUT_LOST (an input ring that had to drop bytes)
 * refuses the line the same way. Ctrl-U clears the line and the mark. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../dev/keymap.h"

#define LINE_LENGTH_MAX	  128 /* characters in a line, not counting the NUL */
#define LINE_HISTORY_SIZE 16
#define LINE_COLUMNS_MAX  256 /* the widest screen the editor draws on */

enum line_key {
	LINE_NONE,
	LINE_CHAR, /* a printable ASCII character (0x20-0x7E), in the `c` argument */
	LINE_ENTER,
	LINE_BACKSPACE,
	LINE_DELETE,
	LINE_LEFT,
	LINE_RIGHT,
	LINE_HOME,
	LINE_END,
	LINE_UP,   /* older history entry */
	LINE_DOWN, /* newer history entry, then the line being typed before Up */
	LINE_CTRL_C,
	LINE_CTRL_U,	 /* erase the whole line (the POSIX KILL character) */
	LINE_INPUT_LOST, /* the input ring dropped bytes: refuse the line */
};

enum line_status {
	LINE_PENDING,		 /* the line is still being edited */
	LINE_DONE,		 /* Enter: the line is in line_text() */
	LINE_REFUSED_TOO_LONG,	 /* Enter on a line that did not fit; nothing to run */
	LINE_REFUSED_INPUT_LOST, /* Enter on a line that lost input; nothing to run */
	LINE_CANCELLED,		 /* Ctrl-C */
};

struct line_output {
	void (*write)(void *ctx, const char *s, size_t n);
	void (*bell)(void *ctx); /* a refused key; may be NULL */
	void *ctx;
	size_t columns; /* screen width; 0 means 80 */
};

/* About 2.5 KiB: give it static storage. */
struct line_editor {
	struct line_output out;
	const char *prompt;
	size_t prompt_len;
	bool active;	 /* between line_begin and the end of the line */
	uint8_t refused; /* a LINE_REFUSED_* status once the line is refused, else 0 */
	char text[LINE_LENGTH_MAX + 1];
	size_t len, cursor;

	/* What the row shows: the text cells after the prompt and the cursor in them. */
	char shown[LINE_COLUMNS_MAX];
	size_t shown_len, shown_cursor, scroll;

	/* History, a ring of the last LINE_HISTORY_SIZE lines; `browse` counts back
	 * from the newest (0: the line being typed, saved in `draft` while browsing). */
	char history[LINE_HISTORY_SIZE][LINE_LENGTH_MAX + 1];
	size_t history_count, history_next, browse;
	char draft[LINE_LENGTH_MAX + 1];
};

void line_editor_init(struct line_editor *ed, const struct line_output *out);

/* Starts a line: writes the prompt (which must stay valid until the line ends; short
 * plain text, well under the screen width) at the start of a row. */
void line_begin(struct line_editor *ed, const char *prompt);

/* One key. Returns a line_status; after anything but LINE_PENDING the cursor is on a
 * new row and the next line needs line_begin (a key before that begins one itself
 * with the last prompt). */
int line_feed(struct line_editor *ed, enum line_key key, char c);

/* The line after LINE_DONE, NUL-terminated; "" otherwise. */
const char *line_text(const struct line_editor *ed);

/* Serial input: turns the bytes a terminal sends into keys. CR, LF and CR LF are one
 * Enter each; DEL and BS are Backspace; Ctrl-A/E are Home/End, Ctrl-C and Ctrl-U;
 * ESC [ A/B/C/D, ESC O A/B/C/D the arrows; ESC [ H, ESC [ F, ESC O H, ESC O F,
 * ESC [ 1~, 7~ Home and ESC [ 4~, 8~ End; ESC [ 3~ Delete. Other sequences, other
 * control bytes and non-ASCII bytes are swallowed whole. ESC followed by a printable
 * character (Alt+key) is swallowed too, so a lone Escape eats the next character. */
struct term_decoder {
	uint8_t state;
	bool after_cr;	  /* a LF right after CR is the same Enter */
	bool odd;	  /* the sequence has something we do not handle */
	bool later_param; /* past the first ';' of a CSI sequence */
	uint16_t param;	  /* the first numeric parameter of a CSI sequence */
};

void term_decoder_init(struct term_decoder *d);

/* Returns true and sets *key (and *c for LINE_CHAR) when `byte` completes a key. */
bool line_decode_terminal(struct term_decoder *d, uint8_t byte, enum line_key *key, char *c);

/* Keyboard input: the key a keymap event means to the editor. Presses and repeats
 * only; Ctrl-A/E/C/U as on a terminal; characters typed with Alt held are ignored. */
bool line_key_from_event(const struct key_event *ev, enum line_key *key, char *c);
