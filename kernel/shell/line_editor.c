#include "line_editor.h"

#include "../lib/string.h"

#define DEFAULT_COLUMNS 80
#define ASCII_ESC	0x1B
#define ASCII_DEL	0x7F
#define CTRL(letter)	((letter)&0x1F)

/* ---- output ---------------------------------------------------------------------- */

static void emit(struct line_editor *ed, const char *s, size_t n)
{
	if (n)
		ed->out.write(ed->out.ctx, s, n);
}

static void emit_repeated(struct line_editor *ed, char ch, size_t n)
{
	static const char spaces[16] = "                ";
	static const char backspaces[16] = "\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b";
	const char *run = ch == ' ' ? spaces : backspaces;
	while (n) {
		size_t chunk = n < sizeof spaces ? n : sizeof spaces;
		emit(ed, run, chunk);
		n -= chunk;
	}
}

static void bell(struct line_editor *ed)
{
	if (ed->out.bell)
		ed->out.bell(ed->out.ctx);
}

static size_t columns(const struct line_editor *ed)
{
	size_t cols = ed->out.columns ? ed->out.columns : DEFAULT_COLUMNS;
	return cols < LINE_COLUMNS_MAX ? cols : LINE_COLUMNS_MAX;
}

/* Text cells after the prompt; the cursor may also sit just past them, in the last
 * column, which is never written. */
static size_t window(const struct line_editor *ed)
{
	size_t cols = columns(ed);
	return cols > ed->prompt_len + 2 ? cols - 1 - ed->prompt_len : 1;
}

/* Cells [from, to) of the wanted row: the visible text, then blanks up to `visible`. */
static void emit_wanted(struct line_editor *ed, size_t from, size_t to, size_t visible)
{
	if (from < visible) {
		size_t end = to < visible ? to : visible;
		emit(ed, ed->text + ed->scroll + from, end - from);
		from = end;
	}
	if (to > from)
		emit_repeated(ed, ' ', to - from);
}

/* Moves the cursor from cell `from` left to cell `to`, where cells up to `rewrite_end`
 * are about to be rewritten. '\b' erases on VGA but not on a terminal, so it is used
 * only if every other cell it crosses is blank, and if shorter than a reprint. */
static void move_left(struct line_editor *ed, size_t from, size_t to, size_t rewrite_end,
		      size_t visible)
{
	bool blank = true;
	for (size_t i = to > rewrite_end ? to : rewrite_end; i < from; i++)
		if (i < visible && ed->text[ed->scroll + i] != ' ')
			blank = false;
	if (blank && from - to <= 1 + ed->prompt_len + to) {
		emit_repeated(ed, '\b', from - to);
		return;
	}
	emit(ed, "\r", 1);
	emit(ed, ed->prompt, ed->prompt_len);
	emit_wanted(ed, 0, to, visible);
}

/* Brings the row on screen (ed->shown) to the edited line: scrolls the line so the
 * cursor is in view, rewrites the cells that differ, then places the cursor. */
static void refresh(struct line_editor *ed)
{
	size_t width = window(ed);
	size_t max_scroll = ed->len > width ? ed->len - width : 0;
	if (ed->scroll > max_scroll)
		ed->scroll = max_scroll;
	if (ed->cursor < ed->scroll)
		ed->scroll = ed->cursor;
	if (ed->cursor > ed->scroll + width)
		ed->scroll = ed->cursor - width;

	size_t visible = ed->len - ed->scroll < width ? ed->len - ed->scroll : width;
	size_t cells = visible > ed->shown_len ? visible : ed->shown_len;
	size_t at = ed->shown_cursor;
	size_t first = cells, last = 0;
	for (size_t i = 0; i < cells; i++) {
		char want = i < visible ? ed->text[ed->scroll + i] : ' ';
		char have = i < ed->shown_len ? ed->shown[i] : ' ';
		if (want != have) {
			if (first == cells)
				first = i;
			last = i;
		}
	}
	if (first < cells) {
		if (first >= at)
			emit_wanted(ed, at, first, visible);
		else
			move_left(ed, at, first, last + 1, visible);
		emit_wanted(ed, first, last + 1, visible);
		at = last + 1;
	}
	memcpy(ed->shown, ed->text + ed->scroll, visible);
	ed->shown_len = visible;

	size_t target = ed->cursor - ed->scroll;
	if (target >= at)
		emit_wanted(ed, at, target, visible);
	else
		move_left(ed, at, target, target, visible);
	ed->shown_cursor = target;
}

/* ---- editing --------------------------------------------------------------------- */

void line_editor_init(struct line_editor *ed, const struct line_output *out)
{
	memset(ed, 0, sizeof *ed);
	ed->out = *out;
	ed->prompt = "";
}

void line_begin(struct line_editor *ed, const char *prompt)
{
	ed->prompt = prompt;
	ed->prompt_len = strlen(prompt);
	ed->active = true;
	ed->refused = 0;
	ed->len = ed->cursor = 0;
	ed->text[0] = '\0';
	ed->shown_len = ed->shown_cursor = ed->scroll = 0;
	ed->browse = 0;
	emit(ed, prompt, ed->prompt_len);
}

const char *line_text(const struct line_editor *ed)
{
	return ed->active ? "" : ed->text;
}

static void set_text(struct line_editor *ed, const char *s)
{
	ed->len = strlen(s);
	memmove(ed->text, s, ed->len + 1);
	ed->cursor = ed->len;
}

/* The k-th newest history entry, k from 1. */
static char *history_entry(struct line_editor *ed, size_t k)
{
	return ed->history[(ed->history_next + LINE_HISTORY_SIZE - k) % LINE_HISTORY_SIZE];
}

static void history_add(struct line_editor *ed)
{
	size_t i = 0;
	while (ed->text[i] == ' ')
		i++;
	if (ed->text[i] == '\0')
		return; /* blank lines are not worth recalling */
	if (ed->history_count && strcmp(history_entry(ed, 1), ed->text) == 0)
		return;
	memcpy(ed->history[ed->history_next], ed->text, ed->len + 1);
	ed->history_next = (ed->history_next + 1) % LINE_HISTORY_SIZE;
	if (ed->history_count < LINE_HISTORY_SIZE)
		ed->history_count++;
}

/* Up (older) or Down (newer). A recalled line is a copy: editing it changes the
 * history only if it is entered. */
static void history_browse(struct line_editor *ed, bool older)
{
	if (older) {
		if (ed->browse == ed->history_count)
			return;
		if (ed->browse == 0)
			memcpy(ed->draft, ed->text, ed->len + 1);
		ed->browse++;
	} else {
		if (ed->browse == 0)
			return;
		ed->browse--;
	}
	set_text(ed, ed->browse ? history_entry(ed, ed->browse) : ed->draft);
}

/* Ends the line: cursor to the end of it, an optional mark, a new row. */
static int finish(struct line_editor *ed, int status, const char *mark)
{
	ed->cursor = ed->len;
	refresh(ed);
	size_t n = strlen(mark);
	if (ed->shown_cursor + n <= window(ed))
		emit(ed, mark, n);
	emit(ed, "\n", 1);
	ed->active = false;
	if (status != LINE_DONE) {
		ed->len = ed->cursor = 0;
		ed->text[0] = '\0';
	}
	return status;
}

static void delete_at_cursor(struct line_editor *ed)
{
	memmove(ed->text + ed->cursor, ed->text + ed->cursor + 1, ed->len - ed->cursor);
	ed->len--;
}

int line_feed(struct line_editor *ed, enum line_key key, char c)
{
	if (!ed->active)
		line_begin(ed, ed->prompt);
	if (ed->refused && key != LINE_ENTER && key != LINE_CTRL_C && key != LINE_CTRL_U) {
		bell(ed);
		return LINE_PENDING;
	}

	switch (key) {
	case LINE_CHAR:
		if (c < ' ' || c >= ASCII_DEL)
			return LINE_PENDING;
		if (ed->len == LINE_LENGTH_MAX) {
			ed->refused = LINE_REFUSED_TOO_LONG;
			bell(ed);
			return LINE_PENDING;
		}
		memmove(ed->text + ed->cursor + 1, ed->text + ed->cursor, ed->len - ed->cursor + 1);
		ed->text[ed->cursor++] = c;
		ed->len++;
		break;
	case LINE_BACKSPACE:
		if (ed->cursor == 0)
			return LINE_PENDING;
		ed->cursor--;
		delete_at_cursor(ed);
		break;
	case LINE_DELETE:
		if (ed->cursor == ed->len)
			return LINE_PENDING;
		delete_at_cursor(ed);
		break;
	case LINE_LEFT:
		if (ed->cursor > 0)
			ed->cursor--;
		break;
	case LINE_RIGHT:
		if (ed->cursor < ed->len)
			ed->cursor++;
		break;
	case LINE_HOME: ed->cursor = 0; break;
	case LINE_END: ed->cursor = ed->len; break;
	case LINE_UP: history_browse(ed, true); break;
	case LINE_DOWN: history_browse(ed, false); break;
	case LINE_CTRL_U:
		ed->refused = 0;
		set_text(ed, "");
		break;
	case LINE_INPUT_LOST:
		ed->refused = LINE_REFUSED_INPUT_LOST;
		bell(ed);
		return LINE_PENDING;
	case LINE_CTRL_C: return finish(ed, LINE_CANCELLED, "^C");
	case LINE_ENTER:
		if (ed->refused)
			return finish(ed, ed->refused, "");
		history_add(ed);
		return finish(ed, LINE_DONE, "");
	default: return LINE_PENDING;
	}
	refresh(ed);
	return LINE_PENDING;
}

/* ---- where keys come from -------------------------------------------------------- */

enum {
	TERM_GROUND,
	TERM_ESC,	/* after ESC */
	TERM_CSI_START, /* after ESC [ */
	TERM_CSI,	/* in the parameters of ESC [ */
	TERM_SS3,	/* after ESC O */
	TERM_SKIP_ONE,	/* the Linux console's F1-F5 are ESC [ [ A-E */
};

void term_decoder_init(struct term_decoder *d)
{
	memset(d, 0, sizeof *d);
}

static bool final_key(uint8_t final, enum line_key *key)
{
	switch (final) {
	case 'A': *key = LINE_UP; return true;
	case 'B': *key = LINE_DOWN; return true;
	case 'C': *key = LINE_RIGHT; return true;
	case 'D': *key = LINE_LEFT; return true;
	case 'H': *key = LINE_HOME; return true;
	case 'F': *key = LINE_END; return true;
	default: return false;
	}
}

/* ESC [ <param> ~ as VT220 and xterm send the editing keys. */
static bool tilde_key(uint16_t param, enum line_key *key)
{
	switch (param) {
	case 1:
	case 7: *key = LINE_HOME; return true;
	case 4:
	case 8: *key = LINE_END; return true;
	case 3: *key = LINE_DELETE; return true;
	default: return false;
	}
}

/* A byte inside ESC [ ... : parameters, intermediates, then the final byte. */
static bool csi_byte(struct term_decoder *d, uint8_t byte, enum line_key *key)
{
	if (byte >= '0' && byte <= '9') {
		if (!d->later_param && d->param < 1000)
			d->param = (uint16_t)(d->param * 10 + (byte - '0'));
		return false;
	}
	if (byte == ';') {
		d->later_param = true;
		return false;
	}
	if (byte < 0x40) { /* private markers and intermediates: nothing we know */
		d->odd = true;
		return false;
	}
	d->state = TERM_GROUND;
	if (d->odd)
		return false;
	if (byte == '~')
		return tilde_key(d->param, key);
	return d->param <= 1 && final_key(byte, key); /* ESC [ 1 ; 5 C is Ctrl+Right */
}

static bool ground_byte(struct term_decoder *d, uint8_t byte, bool after_cr, enum line_key *key,
			char *c)
{
	switch (byte) {
	case '\r':
		d->after_cr = true;
		*key = LINE_ENTER;
		return true;
	case '\n': *key = LINE_ENTER; return !after_cr;
	case ASCII_DEL:
	case '\b': *key = LINE_BACKSPACE; return true;
	case CTRL('A'): *key = LINE_HOME; return true;
	case CTRL('E'): *key = LINE_END; return true;
	case CTRL('C'): *key = LINE_CTRL_C; return true;
	case CTRL('U'): *key = LINE_CTRL_U; return true;
	case ASCII_ESC: d->state = TERM_ESC; return false;
	default:
		if (byte < ' ' || byte > '~')
			return false;
		*key = LINE_CHAR;
		*c = (char)byte;
		return true;
	}
}

bool line_decode_terminal(struct term_decoder *d, uint8_t byte, enum line_key *key, char *c)
{
	*key = LINE_NONE;
	*c = 0;
	if (byte == 0)
		return false; /* padding some terminals send after CR */
	bool after_cr = d->after_cr;
	d->after_cr = false;

	if (d->state != TERM_GROUND) {
		/* Control bytes end a sequence and count as themselves; ESC starts anew. */
		if (byte < ' ' || byte == ASCII_DEL) {
			d->state = TERM_GROUND;
			return ground_byte(d, byte, after_cr, key, c);
		}
		if (byte > ASCII_DEL) {
			d->state = TERM_GROUND;
			return false;
		}
		switch (d->state) {
		case TERM_ESC:
			d->state = byte == '['	 ? TERM_CSI_START
				   : byte == 'O' ? TERM_SS3
						 : TERM_GROUND;
			d->param = 0;
			d->odd = d->later_param = false;
			return false;
		case TERM_CSI_START:
			if (byte == '[') {
				d->state = TERM_SKIP_ONE;
				return false;
			}
			d->state = TERM_CSI;
			return csi_byte(d, byte, key);
		case TERM_CSI: return csi_byte(d, byte, key);
		case TERM_SS3: d->state = TERM_GROUND; return final_key(byte, key);
		default: d->state = TERM_GROUND; return false;
		}
	}
	return ground_byte(d, byte, after_cr, key, c);
}

bool line_key_from_event(const struct key_event *ev, enum line_key *key, char *c)
{
	*key = LINE_NONE;
	*c = 0;
	if (!ev->pressed)
		return false;
	switch (ev->key) {
	case KEY_ENTER:
	case KEY_KP_ENTER: *key = LINE_ENTER; return true;
	case KEY_BACKSPACE: *key = LINE_BACKSPACE; return true;
	case KEY_DELETE: *key = LINE_DELETE; return true;
	case KEY_LEFT: *key = LINE_LEFT; return true;
	case KEY_RIGHT: *key = LINE_RIGHT; return true;
	case KEY_UP: *key = LINE_UP; return true;
	case KEY_DOWN: *key = LINE_DOWN; return true;
	case KEY_HOME: *key = LINE_HOME; return true;
	case KEY_END: *key = LINE_END; return true;
	default: break;
	}
	switch (ev->ch) {
	case CTRL('A'): *key = LINE_HOME; return true;
	case CTRL('E'): *key = LINE_END; return true;
	case CTRL('C'): *key = LINE_CTRL_C; return true;
	case CTRL('U'): *key = LINE_CTRL_U; return true;
	default: break;
	}
	if (ev->ch < ' ' || ev->ch > '~' || (ev->modifiers & KEYMOD_ALT))
		return false;
	*key = LINE_CHAR;
	*c = ev->ch;
	return true;
}
