/* /proc's texts (procfs.h): a buffer that grows as the formatter writes into it. */
#include "../lib/format.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "procfs.h"

void text_put(struct proc_text *t, const void *bytes, size_t n)
{
	if (t->failed)
		return;
	if (t->len + n + 1 > t->room) {
		size_t room = t->room ? t->room : 256;
		while (room < t->len + n + 1)
			room *= 2;
		char *buf = krealloc(t->buf, room);
		if (!buf) {
			t->failed = true;
			return;
		}
		t->buf = buf;
		t->room = room;
	}
	memcpy(t->buf + t->len, bytes, n);
	t->len += n;
	t->buf[t->len] = 0;
}

static void text_sink(char c, void *ctx)
{
	text_put(ctx, &c, 1);
}

void text_printf(struct proc_text *t, const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	format(text_sink, t, fmt, args);
	va_end(args);
}
