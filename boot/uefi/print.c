#include "print.h"

#include <stdbool.h>
#include <stdint.h>

#include "../../kernel/arch/x86.h"
#include "../../kernel/lib/format.h"

static struct efi_system_table *st;
static bool port_only; /* after ExitBootServices was tried: no firmware console */

void print_init(struct efi_system_table *system_table)
{
	st = system_table;
}

/* UEFI's console takes UCS-2 (12.4.3) and wants CR LF; ours is ASCII. */
static void put_text(const char *s, unsigned n)
{
	char16 wide[130];
	unsigned w = 0;
	for (unsigned i = 0; i < n; i++) {
		outb(0xE9, (uint8_t)s[i]);
		if (s[i] == '\n')
			wide[w++] = '\r';
		wide[w++] = (unsigned char)s[i];
		if (w >= sizeof wide / sizeof wide[0] - 2 || i + 1 == n) {
			wide[w] = 0;
			if (st->con_out && !port_only) /* a headless firmware may have none */
				st->con_out->output_string(st->con_out, wide);
			w = 0;
		}
	}
}

struct line {
	char text[256];
	unsigned length;
};

static void add_to_line(char c, void *line)
{
	struct line *l = line;
	if (l->length < sizeof l->text)
		l->text[l->length++] = c;
}

/* The kernel's printf engine (kernel/lib/format.c), linked in here too. */
static void say_list(const char *fmt, va_list args)
{
	struct line line = {.length = 0};
	format(add_to_line, &line, fmt, args);
	put_text(line.text, line.length);
}

void say(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	say_list(format, args);
	va_end(args);
}

void say_on_port_only(const char *format, ...)
{
	port_only = true;
	va_list args;
	va_start(args, format);
	say_list(format, args);
	va_end(args);
}

/* Back to the firmware after a key or 10 s, whichever comes first. */
static void pause_before_returning(void)
{
	struct efi_boot_services *bs = st->boot_services;
	if (!st->con_in)
		return;
	efi_event events[2] = {st->con_in->wait_for_key, 0};
	uint64_t which;
	say("keel: press a key to return to the firmware (it goes on by itself in 10 s)\n");
	if (EFI_ERROR(bs->create_event(EFI_EVT_TIMER, 0, 0, 0, &events[1])))
		return;
	if (!EFI_ERROR(bs->set_timer(events[1], EFI_TIMER_RELATIVE, 10 * EFI_100NS_PER_SECOND)) &&
	    !EFI_ERROR(bs->wait_for_event(2, events, &which)) && which == 0) {
		struct efi_input_key key; /* taken, so the firmware's menu does not get it */
		st->con_in->read_key_stroke(st->con_in, &key);
	}
	bs->close_event(events[1]);
}

efi_status fail(efi_status status, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	say("keel: ");
	say_list(format, args);
	va_end(args);
	say(" (UEFI status %lx)\n", status);
	pause_before_returning();
	return status;
}
