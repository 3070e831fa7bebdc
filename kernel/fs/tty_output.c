/* Output processing as Linux's n_tty does it (drivers/tty/n_tty.c, do_output_char):
 * NL as CR-NL (ONLCR), CR as NL (OCRNL), no CR at column 0 (ONOCR), NL as a carriage
 * return too (ONLRET), lower case as upper (OLCUC), tabs as spaces (XTABS); the delay
 * flags are ignored, as on Linux.
 *
 * A newline goes out as "\n" either way: the console's sinks show it as CR-NL (COM1
 * sends "\r\n", the screen starts a new line), so ONLCR only moves our column. With
 * ONLCR clear COM1 still gets "\r\n" (docs/ARCHITECTURE.md lists it). */
#include "tty_output.h"

bool tty_is_control(char c)
{
	uint8_t b = (uint8_t)c;
	return b < 0x20 || (b >= 0x7F && b < 0xA0);
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool takes_column(const struct termios *t, char c)
{
	bool utf8_continuation = (t->c_iflag & IUTF8) && ((uint8_t)c & 0xC0) == 0x80;
	return !tty_is_control(c) && !utf8_continuation;
}

size_t tty_output_char(const struct termios *t, struct tty_columns *col, char c,
		       char out[TTY_OUTPUT_MAX])
{
	tcflag_t o = t->c_oflag;
	if (!(o & OPOST)) {
		out[0] = c;
		return 1;
	}
	switch (c) {
	case '\n':
		if (o & ONLRET)
			col->column = 0;
		if (o & ONLCR)
			col->column = 0;
		col->canon = col->column;
		break;
	case '\r':
		if ((o & ONOCR) && col->column == 0)
			return 0;
		if (o & OCRNL) {
			c = '\n';
			if (o & ONLRET)
				col->canon = col->column = 0;
			break;
		}
		col->canon = col->column = 0;
		break;
	case '\t': {
		unsigned spaces = 8 - (col->column & 7);
		col->column += spaces;
		if ((o & TABDLY) != XTABS)
			break;
		for (unsigned i = 0; i < spaces; i++)
			out[i] = ' ';
		return spaces;
	}
	case '\b':
		if (col->column)
			col->column--;
		break;
	default:
		if (o & OLCUC)
			c = upper(c);
		if (takes_column(t, c))
			col->column++;
	}
	out[0] = c;
	return 1;
}
