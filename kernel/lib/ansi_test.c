/* KTESTs for ansi.c (test kernel only). */
#include "ansi.h"

#include "../test/ktest.h"

/* Feeds s and returns what the last byte was. */
static int feed(struct ansi_parser *p, const char *s)
{
	int last = ANSI_SHOW;
	while (*s)
		last = ansi_feed(p, *s++);
	return last;
}

KTEST(ansi_sequences_end_in_their_final_byte_with_parameters)
{
	struct ansi_parser p = {0};
	KEXPECT_EQ(feed(&p, "a"), ANSI_SHOW);
	KEXPECT_EQ(feed(&p, "\x1b[2"), ANSI_SWALLOWED);
	KEXPECT_EQ(feed(&p, "J"), 'J');
	KEXPECT_EQ(p.params[0], 2);
	KEXPECT_EQ(feed(&p, "\x1b[12;40H"), 'H');
	KEXPECT_EQ(p.params[0], 12);
	KEXPECT_EQ(p.params[1], 40);
	KEXPECT_EQ(feed(&p, "\x1b[H"), 'H'); /* absent parameters are 0 */
	KEXPECT_EQ(p.params[0], 0);
	KEXPECT_EQ(p.params[1], 0);
	KEXPECT_EQ(feed(&p, "b"), ANSI_SHOW);
}

/* A sequence that never ends (its final byte lost) gives the screen back its text. */
KTEST(ansi_overlong_sequence_is_text_again)
{
	struct ansi_parser p = {0};
	KEXPECT_EQ(feed(&p, "\x1b[1;2;3;4;5;6;7;"), ANSI_SWALLOWED);
	KEXPECT_EQ(feed(&p, "8888"), ANSI_SHOW);
	KEXPECT_EQ(feed(&p, "x"), ANSI_SHOW);
	KEXPECT_EQ(feed(&p, "\x1b(B"), ANSI_SHOW); /* ESC not followed by [: one byte eaten */
}
