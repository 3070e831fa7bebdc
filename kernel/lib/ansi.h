/* ANSI escape sequences in a terminal's byte stream (ECMA-48, 5.4): ESC [ parameters
 * final-byte. The console's text is such a stream; each screen driver feeds every
 * byte through ansi_feed and acts on the sequences it knows. */
#pragma once

#define ANSI_PARAMS 2 /* kept; later ones are folded into the last */

struct ansi_parser {
	enum { ANSI_IN_TEXT, ANSI_IN_ESCAPE, ANSI_IN_SEQUENCE } state;
	int params[ANSI_PARAMS]; /* 0 where absent */
	int count, length;
};

/* What ansi_feed made of a byte: text to show, part of a sequence (not shown), or
 * the end of a sequence, whose final byte (0x40-0x7E) it returns, parameters in
 * params. */
enum {
	ANSI_SHOW = 0,
	ANSI_SWALLOWED = 1,
};

int ansi_feed(struct ansi_parser *p, char c);
