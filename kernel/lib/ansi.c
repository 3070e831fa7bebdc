/* A pure parser: the meaning of a sequence is its caller's. */
#include "ansi.h"

/* Longer is no sequence after all (its start was lost): the byte is shown. */
#define ANSI_LONGEST 16

static int sequence_byte(struct ansi_parser *p, char c)
{
	if (++p->length > ANSI_LONGEST) {
		p->state = ANSI_IN_TEXT;
		return ANSI_SHOW;
	}
	if (c >= '0' && c <= '9') {
		int *param = &p->params[p->count < ANSI_PARAMS ? p->count : ANSI_PARAMS - 1];
		*param = *param < 1000 ? *param * 10 + (c - '0') : *param;
	} else if (c == ';') {
		p->count++;
	} else if (c >= 0x40 && c <= 0x7E) {
		p->state = ANSI_IN_TEXT;
		return c;
	}
	return ANSI_SWALLOWED;
}

int ansi_feed(struct ansi_parser *p, char c)
{
	switch (p->state) {
	case ANSI_IN_TEXT:
		if (c != '\x1b')
			return ANSI_SHOW;
		p->state = ANSI_IN_ESCAPE;
		return ANSI_SWALLOWED;
	case ANSI_IN_ESCAPE:
		p->state = c == '[' ? ANSI_IN_SEQUENCE : ANSI_IN_TEXT;
		for (int i = 0; i < ANSI_PARAMS; i++)
			p->params[i] = 0;
		p->count = p->length = 0;
		return ANSI_SWALLOWED;
	case ANSI_IN_SEQUENCE: return sequence_byte(p, c);
	}
	return ANSI_SHOW;
}
