/* A terminal's output processing (termios OPOST), byte by byte, as Linux's n_tty
 * does it; and the column the cursor is in, which erasing a tab needs. */
#pragma once

#include <asm/termbits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TTY_OUTPUT_MAX 8 /* what one byte may become: a tab as spaces */

struct tty_columns {
	unsigned column; /* where the cursor is, as far as our output tells */
	unsigned canon;	 /* where the line being typed began (Linux's canon_column) */
};

/* What `c` becomes on the terminal under `t`'s output flags, into out; returns how
 * many bytes (0: none). Updates the columns. */
size_t tty_output_char(const struct termios *t, struct tty_columns *col, char c,
		       char out[TTY_OUTPUT_MAX]);

/* Linux's iscntrl (lib/ctype.c): C0, DEL and C1, which take no column. */
bool tty_is_control(char c);
