/* Host unit tests for kernel/shell/line_editor.c: the editor, the serial terminal
 * decoder and keyboard events (kernel/dev/keymap.c) turned into editor keys.
 *
 * What the editor writes is played on two simulated screens at once: one whose '\b'
 * erases the cell it moves onto (Keel's VGA console) and one whose '\b' only moves
 * (a serial terminal). Tests check what both show, never the bytes, and the screens
 * fail a test if the editor writes anything but printable characters, '\b', '\r' and
 * '\n', or writes into the last column (where consoles wrap). tests/test_input.py
 * builds this with ASan and UBSan. Prints one "group ... ok" or "group ... FAILED: ..."
 * line per group; exits 0 only if all passed. Arguments: --list, or group names. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/dev/keymap.h"
#include "../../kernel/shell/line_editor.h"

/* ---- the little framework ---------------------------------------------------- */

#include "unit.h"

static uint64_t rng_state = 0x4b45454c6c696e65ULL; /* fixed seed: same cases every run */

static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33);
}

#define Q(s) quote((s), strlen(s))

/* ---- two simulated screens --------------------------------------------------- */

#define ROWS	 6
#define COLS_MAX 200

struct screen {
	const char *name;
	bool bs_erases;
	int cols, row, col;
	char cell[ROWS][COLS_MAX];
	char error[200];
};

static struct screen screens[2] = {{.name = "VGA", .bs_erases = true},
				   {.name = "terminal", .bs_erases = false}};

static void screen_reset(struct screen *s, int cols)
{
	s->cols = cols;
	s->row = s->col = 0;
	memset(s->cell, ' ', sizeof s->cell);
	s->error[0] = '\0';
}

static void screen_put(struct screen *s, char c)
{
	if (s->error[0])
		return;
	switch (c) {
	case '\b':
		if (s->col > 0 && --s->col >= 0 && s->bs_erases)
			s->cell[s->row][s->col] = ' ';
		return;
	case '\r': s->col = 0; return;
	case '\n':
		s->col = 0;
		if (++s->row == ROWS) {
			memmove(s->cell[0], s->cell[1], sizeof s->cell[0] * (ROWS - 1));
			memset(s->cell[ROWS - 1], ' ', sizeof s->cell[0]);
			s->row--;
		}
		return;
	default:
		if (c < ' ' || c > '~') {
			snprintf(s->error, sizeof s->error, "wrote byte %#04x", (unsigned char)c);
			return;
		}
		if (s->col >= s->cols - 1) {
			snprintf(s->error, sizeof s->error, "wrote %s into column %d of %d",
				 quote(&c, 1), s->col, s->cols);
			return;
		}
		s->cell[s->row][s->col++] = c;
	}
}

/* The last bytes written, for failure messages. */
static char written[400];
static size_t written_len;
static int bells;

static void out_write(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++) {
		screen_put(&screens[0], s[i]);
		screen_put(&screens[1], s[i]);
		if (written_len == sizeof written)
			memmove(written, written + 100, (written_len -= 100));
		written[written_len++] = s[i];
	}
}

static void out_bell(void *ctx)
{
	(void)ctx;
	bells++;
}

/* Row r of a screen, trailing blanks dropped. */
static const char *row_text(const struct screen *s, int r)
{
	static char buf[4][COLS_MAX + 1];
	static int next;
	char *b = buf[next++ % 4];
	memcpy(b, s->cell[r], (size_t)s->cols);
	int n = s->cols;
	while (n > 0 && b[n - 1] == ' ')
		n--;
	b[n] = '\0';
	return b;
}

/* ---- driving the editor ------------------------------------------------------ */

static struct line_editor ed;
static struct term_decoder td;
static const char *prompt = "> ";

static void setup_cols(int cols)
{
	screen_reset(&screens[0], cols);
	screen_reset(&screens[1], cols);
	written_len = 0;
	bells = 0;
	struct line_output out = {out_write, out_bell, NULL, (size_t)cols};
	line_editor_init(&ed, &out);
	term_decoder_init(&td);
	line_begin(&ed, prompt);
}

static void setup(void)
{
	setup_cols(80);
}

static int key(enum line_key k)
{
	return line_feed(&ed, k, 0);
}

/* Types printable characters; returns the last status. */
static int type(const char *s)
{
	int status = LINE_PENDING;
	for (; *s; s++)
		status = line_feed(&ed, LINE_CHAR, *s);
	return status;
}

/* Bytes from a serial terminal. Returns the last status other than pending (or
 * pending), and counts those statuses in *finished if given. */
static int term_bytes(const char *bytes, size_t n, int *finished)
{
	int status = LINE_PENDING;
	enum line_key k;
	char c;
	for (size_t i = 0; i < n; i++) {
		if (!line_decode_terminal(&td, (uint8_t)bytes[i], &k, &c))
			continue;
		int st = line_feed(&ed, k, c);
		if (st != LINE_PENDING) {
			status = st;
			if (finished)
				++*finished;
		}
	}
	return status;
}

#define TERM(s) term_bytes((s), sizeof(s) - 1, NULL)

/* Both screens show `want` on the current row (relative 0) or an earlier one, with
 * the cursor in column `col` of the current row (-1: do not check). */
static void expect_row(const char *what, int rel, const char *want, int col)
{
	for (int i = 0; i < 2; i++) {
		const struct screen *s = &screens[i];
		cases++;
		if (s->error[0]) {
			fail("%s: %s screen: the editor %s (output ...%s)", what, s->name, s->error,
			     quote(written, written_len));
			continue;
		}
		const char *got = row_text(s, s->row + rel);
		size_t n = strlen(want);
		while (n > 0 && want[n - 1] == ' ')
			n--; /* the screen cannot tell trailing blanks */
		if (strlen(got) != n || memcmp(got, want, n) != 0 ||
		    (col >= 0 && rel == 0 && s->col != col))
			fail("%s: %s screen shows %s with the cursor at %d, expected %s at %d "
			     "(output ...%s)",
			     what, s->name, Q(got), s->col, Q(want), col,
			     quote(written, written_len));
	}
}

static void expect_line(const char *what, const char *want, int col)
{
	expect_row(what, 0, want, col);
}

/* ---- editing ----------------------------------------------------------------- */

static void typing(void)
{
	setup();
	expect_line("prompt", "> ", 2);
	type("hello");
	expect_line("hello", "> hello", 7);
	type(" world");
	expect_line("hello world", "> hello world", 13);
	CHECK(written_len == 2 + 11, "typing at the end echoes one byte a key: wrote %s",
	      quote(written, written_len));
	/* Non-printable characters are not inserted. */
	line_feed(&ed, LINE_CHAR, '\t');
	line_feed(&ed, LINE_CHAR, '\x7f');
	line_feed(&ed, LINE_CHAR, (char)0xE9);
	line_feed(&ed, LINE_CHAR, '\0');
	key(LINE_NONE);
	expect_line("control characters ignored", "> hello world", 13);
	CHECK(key(LINE_ENTER) == LINE_DONE && !strcmp(line_text(&ed), "hello world"),
	      "Enter: line %s", Q(line_text(&ed)));
	expect_row("after Enter", -1, "> hello world", -1);
	expect_line("after Enter, a new empty row", "", 0);
	line_begin(&ed, prompt);
	CHECK(!strcmp(line_text(&ed), ""), "line_text is empty while editing");
	expect_line("next prompt", "> ", 2);
}

static void backspace(void)
{
	setup();
	key(LINE_BACKSPACE);
	expect_line("backspace on an empty line", "> ", 2);
	CHECK(written_len == 2, "backspace at the start writes nothing: %s",
	      quote(written, written_len));
	type("abcd");
	key(LINE_BACKSPACE);
	expect_line("backspace at the end", "> abc", 5);
	key(LINE_LEFT);
	key(LINE_BACKSPACE);
	expect_line("backspace in the middle", "> ac", 3);
	key(LINE_HOME);
	size_t before = written_len;
	key(LINE_BACKSPACE);
	expect_line("backspace at the start", "> ac", 2);
	CHECK(written_len == before, "backspace at the start wrote %s",
	      quote(written + before, written_len - before));
	key(LINE_END);
	key(LINE_BACKSPACE);
	key(LINE_BACKSPACE);
	key(LINE_BACKSPACE);
	expect_line("everything erased", "> ", 2);
	CHECK(key(LINE_ENTER) == LINE_DONE && !strcmp(line_text(&ed), ""), "empty line: %s",
	      Q(line_text(&ed)));
}

static void left_right_insert(void)
{
	setup();
	type("helo");
	key(LINE_LEFT);
	expect_line("left", "> helo", 5);
	type("l");
	expect_line("insert in the middle", "> hello", 6);
	key(LINE_RIGHT);
	key(LINE_RIGHT);
	expect_line("right to the end", "> hello", 7);
	key(LINE_RIGHT);
	expect_line("right at the end", "> hello", 7);
	for (int i = 0; i < 7; i++)
		key(LINE_LEFT);
	expect_line("left past the start", "> hello", 2);
	type("oh, ");
	expect_line("insert at the start", "> oh, hello", 6);
	key(LINE_RIGHT);
	type("  ");
	expect_line("spaces in the middle", "> oh, h  ello", 9);
	key(LINE_LEFT);
	key(LINE_LEFT);
	key(LINE_BACKSPACE);
	expect_line("backspace before spaces", "> oh,   ello", 6);
	CHECK(key(LINE_ENTER) == LINE_DONE && !strcmp(line_text(&ed), "oh,   ello"),
	      "Enter from the middle: %s", Q(line_text(&ed)));
	expect_row("Enter from the middle leaves the whole line", -1, "> oh,   ello", -1);
}

static void home_end(void)
{
	setup();
	type("middle");
	key(LINE_HOME);
	expect_line("home", "> middle", 2);
	type("X");
	expect_line("typed at home", "> Xmiddle", 3);
	key(LINE_END);
	expect_line("end", "> Xmiddle", 9);
	type("Y");
	expect_line("typed at end", "> XmiddleY", 10);
	key(LINE_HOME);
	key(LINE_HOME);
	key(LINE_END);
	key(LINE_END);
	expect_line("home and end twice", "> XmiddleY", 10);
}

static void delete_key(void)
{
	setup();
	type("abcdef");
	key(LINE_DELETE);
	expect_line("delete at the end", "> abcdef", 8);
	key(LINE_HOME);
	key(LINE_DELETE);
	expect_line("delete at the start", "> bcdef", 2);
	key(LINE_RIGHT);
	key(LINE_DELETE);
	key(LINE_DELETE);
	expect_line("delete in the middle", "> bef", 3);
	key(LINE_DELETE);
	key(LINE_DELETE);
	key(LINE_DELETE);
	expect_line("delete to the end", "> b", 3);
}

static void ctrl_c_and_ctrl_u(void)
{
	setup();
	type("abc");
	key(LINE_LEFT);
	CHECK(key(LINE_CTRL_C) == LINE_CANCELLED, "Ctrl-C cancels");
	CHECK(!strcmp(line_text(&ed), ""), "cancelled line_text %s", Q(line_text(&ed)));
	expect_row("Ctrl-C", -1, "> abc^C", -1);
	expect_line("after Ctrl-C", "", 0);
	line_begin(&ed, prompt);
	key(LINE_UP);
	expect_line("a cancelled line is not in the history", "> ", 2);
	type("some words");
	key(LINE_LEFT);
	key(LINE_CTRL_U);
	expect_line("Ctrl-U erases the line", "> ", 2);
	type("ok");
	CHECK(key(LINE_ENTER) == LINE_DONE && !strcmp(line_text(&ed), "ok"), "after Ctrl-U: %s",
	      Q(line_text(&ed)));
	/* A key after the end of a line starts the next one with the same prompt. */
	CHECK(type("x") == LINE_PENDING, "typing without line_begin");
	expect_line("implicit begin", "> x", 3);
}

/* ---- history ----------------------------------------------------------------- */

static void enter_line(const char *s)
{
	line_begin(&ed, prompt);
	key(LINE_CTRL_U);
	type(s);
	int st = key(LINE_ENTER);
	CHECK(st == LINE_DONE && !strcmp(line_text(&ed), s), "entering %s: status %d text %s", Q(s),
	      st, Q(line_text(&ed)));
}

static void history_up_down(void)
{
	setup();
	enter_line("one");
	enter_line("two");
	enter_line("three");
	line_begin(&ed, prompt);
	type("dr");
	key(LINE_UP);
	expect_line("up 1", "> three", 7);
	key(LINE_UP);
	expect_line("up 2", "> two", 5);
	key(LINE_UP);
	expect_line("up 3", "> one", 5);
	key(LINE_UP);
	expect_line("up past the oldest", "> one", 5);
	key(LINE_DOWN);
	expect_line("down 1", "> two", 5);
	key(LINE_DOWN);
	key(LINE_DOWN);
	expect_line("down to the draft", "> dr", 4);
	key(LINE_DOWN);
	expect_line("down past the draft", "> dr", 4);
	key(LINE_UP);
	key(LINE_UP);
	CHECK(key(LINE_ENTER) == LINE_DONE && !strcmp(line_text(&ed), "two"),
	      "Enter on a recalled line: %s", Q(line_text(&ed)));
	line_begin(&ed, prompt);
	key(LINE_UP);
	expect_line("the recalled line became the newest", "> two", 5);
	key(LINE_UP);
	expect_line("then the one before it", "> three", 7);
}

static void history_edit_and_restore(void)
{
	setup();
	enter_line("first");
	enter_line("second");
	line_begin(&ed, prompt);
	key(LINE_UP);
	key(LINE_BACKSPACE);
	type("X");
	key(LINE_HOME);
	type("Y");
	expect_line("edited recall", "> YseconX", 3);
	key(LINE_UP);
	expect_line("older entry", "> first", 7);
	key(LINE_DOWN);
	expect_line("the edited entry is unchanged", "> second", 8);
	key(LINE_DOWN);
	expect_line("the empty draft", "> ", 2);
	key(LINE_UP);
	type("!");
	CHECK(key(LINE_ENTER) == LINE_DONE && !strcmp(line_text(&ed), "second!"),
	      "edited recall entered: %s", Q(line_text(&ed)));
	line_begin(&ed, prompt);
	key(LINE_UP);
	expect_line("newest is the edited line", "> second!", 9);
	key(LINE_UP);
	expect_line("then the original", "> second", 8);
	key(LINE_UP);
	expect_line("then the first", "> first", 7);
	/* A recalled line shorter than the one shown: the rest is blanked. */
	key(LINE_DOWN);
	key(LINE_DOWN);
	key(LINE_DOWN);
	type("a much longer draft line");
	key(LINE_UP);
	expect_line("shorter recall", "> second!", 9);
	key(LINE_DOWN);
	expect_line("the draft typed before Up", "> a much longer draft line", 26);
}

static void history_duplicates_and_blanks(void)
{
	setup();
	enter_line("ls");
	enter_line("ls");
	enter_line("");
	enter_line("   ");
	enter_line("ps");
	enter_line("ls");
	line_begin(&ed, prompt);
	key(LINE_UP);
	expect_line("newest", "> ls", 4);
	key(LINE_UP);
	expect_line("second newest", "> ps", 4);
	key(LINE_UP);
	expect_line("ls entered twice in a row is stored once", "> ls", 4);
	key(LINE_UP);
	expect_line("nothing older", "> ls", 4);
}

static void history_ring_wraps(void)
{
	setup();
	char line[16];
	for (int i = 1; i <= LINE_HISTORY_SIZE + 5; i++) {
		snprintf(line, sizeof line, "cmd %d", i);
		enter_line(line);
	}
	line_begin(&ed, prompt);
	for (int i = 0; i < LINE_HISTORY_SIZE + 3; i++)
		key(LINE_UP);
	snprintf(line, sizeof line, "> cmd %d", 6);
	expect_line("the oldest kept", line, (int)strlen(line));
	for (int i = 0; i < LINE_HISTORY_SIZE - 1; i++)
		key(LINE_DOWN);
	snprintf(line, sizeof line, "> cmd %d", LINE_HISTORY_SIZE + 5);
	expect_line("back to the newest", line, (int)strlen(line));
}

/* ---- over-long lines --------------------------------------------------------- */

static void over_long_typed(void)
{
	setup_cols(200);
	char full[LINE_LENGTH_MAX + 1];
	for (int i = 0; i < LINE_LENGTH_MAX; i++)
		full[i] = (char)('a' + i % 26);
	full[LINE_LENGTH_MAX] = '\0';
	type(full);
	CHECK(bells == 0, "a full line rang %d bells", bells);
	char shown[LINE_LENGTH_MAX + 3];
	snprintf(shown, sizeof shown, "> %s", full);
	expect_line("a full line", shown, 2 + LINE_LENGTH_MAX);
	type("Z");
	CHECK(bells == 1, "the character past the end rang %d bells, expected 1", bells);
	expect_line("the refused character is not shown", shown, 2 + LINE_LENGTH_MAX);
	/* The line is now refused: editing does nothing, Enter reports it. */
	key(LINE_BACKSPACE);
	key(LINE_HOME);
	type("q");
	expect_line("a refused line does not change", shown, 2 + LINE_LENGTH_MAX);
	CHECK(bells == 4, "each key on a refused line rings: %d bells", bells);
	int st = key(LINE_ENTER);
	CHECK(st == LINE_REFUSED_TOO_LONG && !strcmp(line_text(&ed), ""),
	      "Enter on an over-long line: status %d text %s", st, Q(line_text(&ed)));
	expect_line("after the refusal, a new row", "", 0);
	line_begin(&ed, prompt);
	key(LINE_UP);
	expect_line("a refused line is not in the history", "> ", 2);
	/* Exactly full is fine. */
	type(full);
	st = key(LINE_ENTER);
	CHECK(st == LINE_DONE && !strcmp(line_text(&ed), full), "a full line: status %d", st);
	/* Ctrl-U lifts the refusal. */
	line_begin(&ed, prompt);
	type(full);
	type("more");
	key(LINE_CTRL_U);
	type("echo ok");
	st = key(LINE_ENTER);
	CHECK(st == LINE_DONE && !strcmp(line_text(&ed), "echo ok"),
	      "after Ctrl-U on a refused line: status %d text %s", st, Q(line_text(&ed)));
	/* So does Ctrl-C, with nothing to run. */
	line_begin(&ed, prompt);
	type(full);
	type("x");
	CHECK(key(LINE_CTRL_C) == LINE_CANCELLED, "Ctrl-C on a refused line cancels it");
}

static void over_long_pasted(void)
{
	setup();
	/* A paste far longer than the buffer, ending in Enter, then a short line. */
	char paste[3 * LINE_LENGTH_MAX + 16];
	size_t n = 0;
	for (int i = 0; i < 3 * LINE_LENGTH_MAX; i++)
		paste[n++] = (char)('0' + i % 10);
	memcpy(paste + n, "\r\nls\r\n", 6);
	n += 6;
	int finished = 0, st = LINE_PENDING;
	enum line_key k;
	char c;
	int statuses[4], nst = 0;
	for (size_t i = 0; i < n; i++) {
		if (!line_decode_terminal(&td, (uint8_t)paste[i], &k, &c))
			continue;
		st = line_feed(&ed, k, c);
		if (st != LINE_PENDING && nst < 4)
			statuses[nst++] = st;
		if (st == LINE_DONE)
			CHECK(!strcmp(line_text(&ed), "ls"), "a pasted line ran as %s",
			      Q(line_text(&ed)));
		if (st != LINE_PENDING) {
			finished++;
			line_begin(&ed, prompt);
		}
	}
	CHECK(finished == 2 && statuses[0] == LINE_REFUSED_TOO_LONG && statuses[1] == LINE_DONE,
	      "a long paste then ls: %d lines ended (first status %d, second %d), expected the "
	      "refusal then ls",
	      finished, nst > 0 ? statuses[0] : -1, nst > 1 ? statuses[1] : -1);
	CHECK(bells > 0, "the refused paste rang no bell");
	/* Lost input refuses a line too. */
	type("rm -rf /tmp/x");
	key(LINE_INPUT_LOST);
	type("yz");
	st = key(LINE_ENTER);
	CHECK(st == LINE_REFUSED_INPUT_LOST && !strcmp(line_text(&ed), ""),
	      "a line that lost input: status %d text %s", st, Q(line_text(&ed)));
}

/* ---- lines wider than the screen ---------------------------------------------- */

static void long_line_scrolls(void)
{
	setup_cols(20); /* 17 text cells after "> ", the last column unused */
	type("abcdefghijklmnopqrstuvwxyz");
	expect_line("scrolled to the end", "> jklmnopqrstuvwxyz", 19);
	key(LINE_HOME);
	expect_line("home scrolls back", "> abcdefghijklmnopq", 2);
	for (int i = 0; i < 17; i++)
		key(LINE_RIGHT);
	expect_line("right to the edge", "> abcdefghijklmnopq", 19);
	key(LINE_RIGHT);
	expect_line("right past the edge", "> bcdefghijklmnopqr", 19);
	type("_");
	expect_line("insert at the edge", "> cdefghijklmnopqr_", 19);
	key(LINE_END);
	for (int i = 0; i < 20; i++)
		key(LINE_BACKSPACE);
	expect_line("erased back into view", "> abcdefg", 9);
	CHECK(screens[0].row == 0 && screens[1].row == 0, "the line never wrapped");
	CHECK(key(LINE_ENTER) == LINE_DONE && !strcmp(line_text(&ed), "abcdefg"), "Enter: %s",
	      Q(line_text(&ed)));
}

/* Random keys on random widths, compared with a plain model of the line: the row
 * must always be the prompt and a window of the text holding the cursor. */
static void random_editing(void)
{
	static const char *prompts[] = {"> ", "", "keel$ ", "a long prompt here: "};
	char model[LINE_LENGTH_MAX + 1];
	for (int round = 0; round < 300; round++) {
		prompt = prompts[rng() % 4];
		int cols = 24 + (int)(rng() % 150);
		setup_cols(cols);
		size_t len = 0, cur = 0, plen = strlen(prompt);
		bool refused = false;
		model[0] = '\0';
		for (int step = 0; step < 400; step++) {
			uint32_t r = rng() % 100;
			int want = LINE_PENDING, got;
			const char *op;
			if (r < 55) {
				char c = (char)(' ' + rng() % 95);
				if (rng() % 3 == 0)
					c = ' ';
				op = "char";
				got = line_feed(&ed, LINE_CHAR, c);
				if (!refused && len == LINE_LENGTH_MAX) {
					refused = true;
				} else if (!refused) {
					memmove(model + cur + 1, model + cur, len - cur + 1);
					model[cur++] = c;
					len++;
				}
			} else if (r < 67) {
				op = "backspace";
				got = key(LINE_BACKSPACE);
				if (!refused && cur > 0) {
					memmove(model + cur - 1, model + cur, len - cur + 1);
					cur--;
					len--;
				}
			} else if (r < 73) {
				op = "delete";
				got = key(LINE_DELETE);
				if (!refused && cur < len) {
					memmove(model + cur, model + cur + 1, len - cur);
					len--;
				}
			} else if (r < 83) {
				op = "left";
				got = key(LINE_LEFT);
				cur -= !refused && cur > 0;
			} else if (r < 93) {
				op = "right";
				got = key(LINE_RIGHT);
				cur += !refused && cur < len;
			} else if (r < 96) {
				op = "home";
				got = key(LINE_HOME);
				cur = refused ? cur : 0;
			} else if (r < 99) {
				op = "end";
				got = key(LINE_END);
				cur = refused ? cur : len;
			} else {
				op = "enter";
				want = refused ? LINE_REFUSED_TOO_LONG : LINE_DONE;
				got = key(LINE_ENTER);
				CHECK(got != LINE_DONE || !strcmp(line_text(&ed), model),
				      "random: entered %s, expected %s", Q(line_text(&ed)),
				      Q(model));
			}
			CHECK(got == want, "random: %s returned %d, expected %d", op, got, want);
			if (got != LINE_PENDING) {
				line_begin(&ed, prompt);
				len = cur = 0;
				refused = false;
				model[0] = '\0';
			}
			for (int i = 0; i < 2; i++) {
				const struct screen *s = &screens[i];
				cases++;
				if (s->error[0]) {
					fail("random, %d columns, after %s: %s screen: the editor "
					     "%s",
					     cols, op, s->name, s->error);
					prompt = "> ";
					return;
				}
				const char *row = s->cell[s->row];
				size_t width = (size_t)cols - 1 - plen;
				size_t at = (size_t)s->col - plen; /* cursor in the window */
				size_t scroll = cur - at;
				size_t shown = len - scroll < width ? len - scroll : width;
				bool ok = (size_t)s->col >= plen && at <= cur && at <= width &&
					  !memcmp(row, prompt, plen) &&
					  !memcmp(row + plen, model + scroll, shown) &&
					  (len > width || scroll == 0) &&
					  (len <= width || scroll <= len - width);
				for (int j = (int)(plen + shown); ok && j < cols; j++)
					ok = row[j] == ' ';
				if (!ok) {
					fail("random, %d columns, prompt %s, after %s: %s screen "
					     "shows %s with the cursor at %d; the line is %s with "
					     "the cursor at %zu",
					     cols, Q(prompt), op, s->name, quote(row, (size_t)cols),
					     s->col, Q(model), cur);
					prompt = "> ";
					return;
				}
			}
		}
	}
	prompt = "> ";
}

/* ---- the serial terminal decoder --------------------------------------------- */

/* Decodes `bytes` with a fresh decoder; returns the keys as letters:
 * c<char> E(nter) B(ackspace) D(elete) L R U N(down) H(ome) F(end) C(trl-C) K(ill). */
static const char *decode(const char *bytes, size_t n)
{
	static char out[200];
	size_t o = 0;
	struct term_decoder d;
	term_decoder_init(&d);
	for (size_t i = 0; i < n; i++) {
		enum line_key k;
		char c;
		if (!line_decode_terminal(&d, (uint8_t)bytes[i], &k, &c))
			continue;
		static const char letters[] = {
			[LINE_ENTER] = 'E',  [LINE_BACKSPACE] = 'B', [LINE_DELETE] = 'D',
			[LINE_LEFT] = 'L',   [LINE_RIGHT] = 'R',     [LINE_UP] = 'U',
			[LINE_DOWN] = 'N',   [LINE_HOME] = 'H',	     [LINE_END] = 'F',
			[LINE_CTRL_C] = 'C', [LINE_CTRL_U] = 'K',
		};
		if (k == LINE_CHAR) {
			out[o++] = 'c';
			out[o++] = c;
		} else {
			out[o++] = k < sizeof letters && letters[k] ? letters[k] : '?';
		}
	}
	out[o] = '\0';
	return out;
}

static const struct {
	const char *bytes;
	size_t n;
	const char *keys;
} SEQUENCES[] = {
#define SEQ(b, k)                   \
	{                           \
		b, sizeof(b) - 1, k \
	}
	SEQ("a", "ca"),
	SEQ(" ~", "c c~"),
	SEQ("\r", "E"),
	SEQ("\n", "E"),
	SEQ("\r\n", "E"),
	SEQ("\r\r", "EE"),
	SEQ("\n\n", "EE"),
	SEQ("\r\n\r\n", "EE"),
	SEQ("\n\r", "EE"),
	SEQ("\r\0\n", "E"), /* CR NUL LF: telnet's padding */
	SEQ("\rx\n", "EcxE"),
	SEQ("\x7f", "B"),
	SEQ("\b", "B"),
	SEQ("\x01\x05\x03\x15", "HFCK"),
	SEQ("\x1b[A\x1b[B\x1b[C\x1b[D", "UNRL"),
	SEQ("\x1bOA\x1bOB\x1bOC\x1bOD", "UNRL"),
	SEQ("\x1b[H\x1b[F\x1bOH\x1bOF", "HFHF"),
	SEQ("\x1b[1~\x1b[7~\x1b[4~\x1b[8~", "HHFF"),
	SEQ("\x1b[3~", "D"),
	SEQ("\x1b[1;5C\x1b[1;2D\x1b[3;5~", "RLD"), /* with modifiers */
	/* Unknown sequences vanish whole, and what follows them is intact. */
	SEQ("\x1b[2~x", "cx"),
	SEQ("\x1b[5~\x1b[6~\x1b[15~\x1b[24~y", "cy"),
	SEQ("\x1bOP\x1bOQ\x1bOS\x1bOMz", "cz"),
	SEQ("\x1b[[A\x1b[[Ez", "cz"), /* Linux console F1, F5 */
	SEQ("\x1b[?1;2c\x1b[200~a\x1b[201~", "ca"),
	SEQ("\x1b[2A\x1b[5D\x1b[Z\x1b[1;5Pq", "cq"),
	SEQ("\x1b[99999999999999999999~w", "cw"),
	SEQ("\x1b[1 q\x1b[>0;10;1cv", "cv"),
	SEQ("\x1bxa", "ca"),	/* Alt+x */
	SEQ("\x1b\x1b[A", "U"), /* Escape, then Up */
	SEQ("\x1b[\rb", "Ecb"), /* a control byte ends a sequence and counts */
	SEQ("\x1bO\x7f", "B"),
	SEQ("\x1b[1\x1b[B", "N"),
	SEQ("\x80\xff\xc3\xa9\x9b"
	    "A",
	    "cA"),
	SEQ("\x02\x04\x06\a\t\v\f\x0e\x1a\x1c\x1f!", "c!"),
	SEQ("\x1b[\x80"
	    "A",
	    "cA"),
#undef SEQ
};

static void terminal_sequences(void)
{
	for (size_t i = 0; i < sizeof SEQUENCES / sizeof SEQUENCES[0]; i++) {
		const char *got = decode(SEQUENCES[i].bytes, SEQUENCES[i].n);
		CHECK(!strcmp(got, SEQUENCES[i].keys), "%s decoded as %s, expected %s",
		      quote(SEQUENCES[i].bytes, SEQUENCES[i].n), Q(got), Q(SEQUENCES[i].keys));
	}
}

/* The same sequences arriving one byte per interrupt, with the decoder's state the
 * only memory between them, and after other input. */
static void terminal_split_sequences(void)
{
	struct term_decoder d;
	term_decoder_init(&d);
	static const char stream[] = "ab\x1b[3~\x1b[D\x1bOH\r\nc\x1b[8~\x1b[1;5A\x7f\r";
	static const enum line_key want[] = {
		LINE_CHAR, LINE_CHAR, LINE_DELETE, LINE_LEFT,	   LINE_HOME,  LINE_ENTER,
		LINE_CHAR, LINE_END,  LINE_UP,	   LINE_BACKSPACE, LINE_ENTER,
	};
	size_t got = 0;
	for (size_t i = 0; i < sizeof stream - 1; i++) {
		enum line_key k;
		char c;
		bool produced = line_decode_terminal(&d, (uint8_t)stream[i], &k, &c);
		/* A key comes out on the last byte of its sequence, never before. */
		if (!produced)
			continue;
		CHECK(got < sizeof want / sizeof want[0] && k == want[got],
		      "split stream: key %zu is %d at byte %zu, expected %d", got, k, i,
		      got < sizeof want / sizeof want[0] ? (int)want[got] : -1);
		got++;
	}
	CHECK(got == sizeof want / sizeof want[0], "split stream gave %zu keys, expected %zu", got,
	      sizeof want / sizeof want[0]);
	/* Every prefix of every sequence yields nothing until it is complete. */
	for (size_t i = 0; i < sizeof SEQUENCES / sizeof SEQUENCES[0]; i++) {
		const char *b = SEQUENCES[i].bytes;
		if (b[0] != '\x1b' || SEQUENCES[i].n < 3 || strlen(SEQUENCES[i].keys) != 1)
			continue;
		term_decoder_init(&d);
		for (size_t j = 0; j + 1 < SEQUENCES[i].n; j++) {
			enum line_key k;
			char c;
			CHECK(!line_decode_terminal(&d, (uint8_t)b[j], &k, &c),
			      "%s gave a key after %zu bytes", quote(b, SEQUENCES[i].n), j + 1);
		}
	}
}

/* Terminal bytes all the way to the screen. */
static void terminal_to_screen(void)
{
	setup();
	TERM("helo\x1b[D");
	expect_line("ESC [ D", "> helo", 5);
	TERM("l\x1b[H");
	expect_line("insert, then ESC [ H", "> hello", 2);
	TERM("\x1b[3~\x1b[3~");
	expect_line("ESC [ 3 ~ twice", "> llo", 2);
	TERM("\x1bOF\x7f\x08");
	expect_line("ESC O F, DEL and BS", "> l", 3);
	TERM("\x1b[15~\x1b[[A\x1bOP\x1b[?25h");
	expect_line("unknown sequences insert nothing", "> l", 3);
	TERM("s");
	int st = TERM("\r"); /* the LF of this CR LF arrives with the next interrupt */
	CHECK(st == LINE_DONE && !strcmp(line_text(&ed), "ls"), "CR entered %s", Q(line_text(&ed)));
	int finished = 0;
	line_begin(&ed, prompt);
	term_bytes("\n", 1, &finished);
	CHECK(finished == 0, "the LF of CR LF counted as a second Enter");
	term_bytes("\x1b[A\r\n", 5, &finished);
	CHECK(finished == 1 && !strcmp(line_text(&ed), "ls"), "ESC [ A recalls ls: %d lines, %s",
	      finished, Q(line_text(&ed)));
}

/* ---- keyboard events to editor keys ------------------------------------------ */

static void keyboard_events(void)
{
	struct keymap km;
	keymap_init(&km);
	setup();
	static const uint8_t scancodes[] = {
		0x2A, 0x23, 0xA3, 0xAA, 0x17, 0x97, /* Shift+H, i */
		0xE0, 0x4B, 0xE0, 0xCB,		    /* Left */
		0x12, 0x92,			    /* e */
		0xE0, 0x47, 0xE0, 0xC7,		    /* Home */
		0xE0, 0x53, 0xE0, 0xD3,		    /* Delete */
		0x38, 0x2D, 0xAD, 0xB8,		    /* Alt+X: ignored */
		0x1D, 0x12, 0x92, 0x9D,		    /* Ctrl+E: end */
		0x0E, 0x8E,			    /* Backspace */
		0x39, 0xB9, 0x02, 0x82,		    /* space, 1 */
		0x1D, 0x1E, 0x9E, 0x9D,		    /* Ctrl+A: home */
		0x1C, 0x9C,			    /* Enter */
	};
	int st = LINE_PENDING;
	for (size_t i = 0; i < sizeof scancodes; i++) {
		struct key_event ev;
		enum line_key k;
		char c;
		if (keymap_feed(&km, scancodes[i], &ev) && line_key_from_event(&ev, &k, &c))
			st = line_feed(&ed, k, c);
	}
	CHECK(st == LINE_DONE && !strcmp(line_text(&ed), "e 1"), "keyboard line: %d %s", st,
	      Q(line_text(&ed)));
	/* Ctrl+C and Ctrl+U from the keyboard; keypad arrows with Num Lock off. */
	line_begin(&ed, prompt);
	static const uint8_t more[] = {
		0x1E, 0x9E, 0x1D, 0x16, 0x96, 0x9D, /* a, Ctrl+U */
		0x30, 0xB0, 0x4B, 0xCB, 0x1E, 0x9E, /* b, keypad Left, a */
		0x1D, 0x2E, 0xAE, 0x9D,		    /* Ctrl+C */
	};
	for (size_t i = 0; i < sizeof more; i++) {
		struct key_event ev;
		enum line_key k;
		char c;
		if (keymap_feed(&km, more[i], &ev) && line_key_from_event(&ev, &k, &c))
			st = line_feed(&ed, k, c);
	}
	CHECK(st == LINE_CANCELLED, "Ctrl+C from the keyboard: status %d", st);
	expect_row("keyboard Ctrl+U, keypad Left, Ctrl+C", -1, "> ab^C", -1);
	/* Releases and keys with no meaning to the editor give nothing. */
	struct key_event ev = {.key = KEY_A, .pressed = false, .ch = 0};
	enum line_key k;
	char c;
	CHECK(!line_key_from_event(&ev, &k, &c), "a release gave a key");
	ev = (struct key_event){.key = KEY_F1, .pressed = true};
	CHECK(!line_key_from_event(&ev, &k, &c), "F1 gave a key");
	ev = (struct key_event){.key = KEY_TAB, .pressed = true, .ch = '\t'};
	CHECK(!line_key_from_event(&ev, &k, &c), "Tab gave a key");
	ev = (struct key_event){.key = KEY_KP_ENTER, .pressed = true, .ch = '\n'};
	CHECK(line_key_from_event(&ev, &k, &c) && k == LINE_ENTER, "keypad Enter is Enter");
}

/* ---- the groups, in order ---------------------------------------------------- */

static const struct unit_group GROUPS[] = {
	GROUP(typing),
	GROUP(backspace),
	GROUP(left_right_insert),
	GROUP(home_end),
	GROUP(delete_key),
	GROUP(ctrl_c_and_ctrl_u),
	GROUP(history_up_down),
	GROUP(history_edit_and_restore),
	GROUP(history_duplicates_and_blanks),
	GROUP(history_ring_wraps),
	GROUP(over_long_typed),
	GROUP(over_long_pasted),
	GROUP(long_line_scrolls),
	GROUP(random_editing),
	GROUP(terminal_sequences),
	GROUP(terminal_split_sequences),
	GROUP(terminal_to_screen),
	GROUP(keyboard_events),
};

int main(int argc, char **argv)
{
	return unit_main(GROUPS, sizeof GROUPS / sizeof GROUPS[0], NULL, argc, argv);
}
