#include "shell.h"

#include "../arch/x86.h"
#include "../console.h"
#include "../dev/input.h"
#include "../dev/keymap.h"
#include "../dev/serial_input.h"
#include "../lib/string.h"
#include "commands.h"
#include "line_editor.h"

#define PROMPT "keel> "

/* One shell: kmain's task, once start-up is done. */
static struct line_editor editor;
static struct term_decoder terminal;
static char command_line[LINE_LENGTH_MAX + 1];

static void write_to_consoles(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	console_write_n(s, n);
}

static void bell(void *ctx)
{
	(void)ctx;
	console_bell();
}

static const struct line_output consoles = {write_to_consoles, bell, 0, 0};

/* The next input event: the shell sleeps until an interrupt handler brings one. */
static struct input_event next_event(void)
{
	struct input_event event;
	input_wait(&event);
	serial_resume_input();
	return event;
}

/* Turns an input event into an editor key; false when it is not one. */
static bool event_to_key(const struct input_event *event, enum line_key *key, char *c)
{
	if (event->source == INPUT_SERIAL)
		return line_decode_terminal(&terminal, event->byte, key, c);
	struct key_event k = {.key = (enum key_code)event->byte,
			      .pressed = true,
			      .modifiers = event->modifiers,
			      .ch = event->ch};
	return line_key_from_event(&k, key, c);
}

static void finish_line(int status)
{
	switch (status) {
	case LINE_DONE:
		strncpy_safe(command_line, line_text(&editor), sizeof command_line);
		commands_run(command_line);
		break;
	case LINE_REFUSED_TOO_LONG:
		kprintf("line too long (at most %d characters): not run\n", LINE_LENGTH_MAX);
		break;
	case LINE_REFUSED_INPUT_LOST:
		kprintf("input was lost (typed faster than it was read): line not run\n");
		break;
	default: break; /* cancelled */
	}
	line_begin(&editor, PROMPT);
}

void shell_run(const struct boot_info *bi)
{
	commands_init(bi);
	line_editor_init(&editor, &consoles);
	term_decoder_init(&terminal);
	uint64_t dropped = input_dropped();
#ifdef KEEL_AUTORUN
	kprintf(PROMPT "%s\n", KEEL_AUTORUN);
	strncpy_safe(command_line, KEEL_AUTORUN, sizeof command_line);
	commands_run(command_line);
#endif
	line_begin(&editor, PROMPT);
	for (;;) {
		struct input_event event = next_event();
		enum line_key key;
		char c;
		int status = LINE_PENDING;
		if (input_dropped() != dropped) {
			dropped = input_dropped();
			status = line_feed(&editor, LINE_INPUT_LOST, 0);
		}
		if (status == LINE_PENDING && event_to_key(&event, &key, &c))
			status = line_feed(&editor, key, c);
		if (status != LINE_PENDING)
			finish_line(status);
	}
}
