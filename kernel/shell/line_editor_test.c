/* KTESTs for line_editor.c (test kernel only). */
#include "line_editor.h"

#include "../test/ktest.h"

struct capture {
	char buf[256];
	size_t len;
};

static void capture_write(void *ctx, const char *s, size_t n)
{
	struct capture *cap = ctx;
	for (size_t i = 0; i < n && cap->len + 1 < sizeof cap->buf; i++)
		cap->buf[cap->len++] = s[i];
	cap->buf[cap->len] = '\0';
}

static int feed_terminal(struct line_editor *ed, struct term_decoder *d, const char *bytes)
{
	int status = LINE_PENDING;
	enum line_key key;
	char c;
	for (; *bytes; bytes++)
		if (line_decode_terminal(d, (uint8_t)*bytes, &key, &c))
			status = line_feed(ed, key, c);
	return status;
}

KTEST(line_editor_inserts_in_the_middle_and_recalls_history)
{
	static struct line_editor ed;
	static struct capture cap;
	struct line_output out = {capture_write, 0, &cap, 80};
	struct term_decoder d;
	term_decoder_init(&d);
	line_editor_init(&ed, &out);
	line_begin(&ed, "> ");
	KEXPECT_EQ(feed_terminal(&ed, &d, "helo\x1b[D\x1b[Dl\r\n"), LINE_DONE);
	KEXPECT_STR(line_text(&ed), "hello");
	line_begin(&ed, "> ");
	KEXPECT_EQ(feed_terminal(&ed, &d, "x\x1b[A\x7f!\r"), LINE_DONE);
	KEXPECT_STR(line_text(&ed), "hell!");
}

KTEST(line_editor_refuses_an_over_long_line)
{
	static struct line_editor ed;
	static struct capture cap;
	struct line_output out = {capture_write, 0, &cap, 80};
	line_editor_init(&ed, &out);
	line_begin(&ed, "> ");
	for (int i = 0; i < LINE_LENGTH_MAX + 5; i++)
		KEXPECT_EQ(line_feed(&ed, LINE_CHAR, 'a'), LINE_PENDING);
	KEXPECT_EQ(line_feed(&ed, LINE_ENTER, 0), LINE_REFUSED_TOO_LONG);
	KEXPECT_STR(line_text(&ed), "");
}
