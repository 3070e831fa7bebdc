#include "format.h"

#include <stdbool.h>
#include <stdint.h>

struct spec {
	bool left;     /* '-' */
	bool zero;     /* '0' */
	bool alt;      /* '#': 0x before non-zero hex */
	int width;     /* -1 when absent */
	int precision; /* -1 when absent */
	int length;    /* 0, 'l', 'L' (ll), 'z' */
};

struct out {
	format_sink sink;
	void *ctx;
	int count;
};

static void put(struct out *o, char c)
{
	o->sink(c, o->ctx);
	o->count++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_string(struct out *o, const struct spec *sp, const char *s)
{
	int len = 0;
	if (!s)
		s = "(null)";
	/* The precision first: the array need not be NUL-terminated beyond it. */
	while ((sp->precision < 0 || len < sp->precision) && s[len])
		len++;
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

char *format_number(char buf[FORMAT_NUMBER_MAX], uint64_t value, unsigned base, bool upper,
		    int min_digits)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int end = FORMAT_NUMBER_MAX - 1, i = end;
	buf[end] = '\0';
	do {
		buf[--i] = digits[value % base];
		value /= base;
	} while ((value || end - i < min_digits) && i > 0);
	return &buf[i];
}

/* Prints a magnitude with an optional sign or "0x" prefix, honouring width and
 * zero padding the way C's printf does. */
static void put_number(struct out *o, const struct spec *sp, uint64_t value, unsigned base,
		       bool upper, const char *prefix)
{
	char buf[FORMAT_NUMBER_MAX];
	const char *text = format_number(buf, value, base, upper, 1);
	int len = (int)(buf + FORMAT_NUMBER_MAX - 1 - text);

	int prefix_len = 0;
	while (prefix[prefix_len])
		prefix_len++;
	int fill = sp->width - len - prefix_len;

	if (!sp->left && !sp->zero)
		pad(o, ' ', fill);
	for (int i = 0; i < prefix_len; i++)
		put(o, prefix[i]);
	if (!sp->left && sp->zero)
		pad(o, '0', fill);
	for (int i = 0; i < len; i++)
		put(o, text[i]);
	if (sp->left)
		pad(o, ' ', fill);
}

static uint64_t take_unsigned(const struct spec *sp, va_list *args)
{
	switch (sp->length) {
	case 'l': return va_arg(*args, unsigned long);
	case 'L': return va_arg(*args, unsigned long long);
	case 'z': return va_arg(*args, size_t);
	default: return va_arg(*args, unsigned int);
	}
}

static int64_t take_signed(const struct spec *sp, va_list *args)
{
	switch (sp->length) {
	case 'l': return va_arg(*args, long);
	case 'L': return va_arg(*args, long long);
	case 'z': return (int64_t)va_arg(*args, size_t);
	default: return va_arg(*args, int);
	}
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *args)
{
	*sp = (struct spec){.width = -1, .precision = -1};
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*args, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	} else {
		for (; *f >= '0' && *f <= '9'; f++)
			sp->width = (sp->width < 0 ? 0 : sp->width * 10) + (*f - '0');
	}
	if (*f == '.') {
		f++;
		sp->precision = 0;
		if (*f == '*') {
			sp->precision = va_arg(*args, int);
			f++;
		} else {
			for (; *f >= '0' && *f <= '9'; f++)
				sp->precision = sp->precision * 10 + (*f - '0');
		}
	}
	if (f[0] == 'l' && f[1] == 'l') {
		sp->length = 'L';
		f += 2;
	} else if (*f == 'l' || *f == 'z') {
		sp->length = *f++;
	}
	return f;
}

int format(format_sink sink, void *ctx, const char *fmt, va_list args)
{
	struct out o = {sink, ctx, 0};
	va_list ap;
	va_copy(ap, args);

	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		struct spec sp;
		f = parse_spec(f + 1, &sp, &ap);
		if (sp.left)
			sp.zero = false;
		switch (*f) {
		case 'd':
		case 'i': {
			int64_t v = take_signed(&sp, &ap);
			uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
			put_number(&o, &sp, mag, 10, false, v < 0 ? "-" : "");
			break;
		}
		case 'u': put_number(&o, &sp, take_unsigned(&sp, &ap), 10, false, ""); break;
		case 'x':
		case 'X': {
			uint64_t v = take_unsigned(&sp, &ap);
			const char *prefix = !sp.alt || !v ? "" : *f == 'x' ? "0x" : "0X";
			put_number(&o, &sp, v, 16, *f == 'X', prefix);
			break;
		}
		case 'p':
			put_number(&o, &sp, (uintptr_t)va_arg(ap, void *), 16, false, "0x");
			break;
		case 's': put_string(&o, &sp, va_arg(ap, const char *)); break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			if (!sp.left)
				pad(&o, ' ', sp.width - 1);
			put(&o, c);
			if (sp.left)
				pad(&o, ' ', sp.width - 1);
			break;
		}
		case '%': put(&o, '%'); break;
		case '\0': /* a lone '%' at the end: print it and stop */
			put(&o, '%');
			f--;
			break;
		default: /* unknown conversion: show it as written */
			put(&o, '%');
			put(&o, *f);
			break;
		}
	}
	va_end(ap);
	return o.count;
}

struct buffer {
	char *buf;
	size_t size;
	size_t used;
};

static void buffer_sink(char c, void *ctx)
{
	struct buffer *b = ctx;
	if (b->used + 1 < b->size)
		b->buf[b->used] = c;
	b->used++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	struct buffer b = {buf, size, 0};
	int n = format(buffer_sink, &b, fmt, args);
	if (size)
		buf[b.used < size ? b.used : size - 1] = '\0';
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	int n = kvsnprintf(buf, size, fmt, args);
	va_end(args);
	return n;
}
