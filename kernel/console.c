#include "console.h"

#include "lib/string.h"
#include "sync/spinlock.h"

#define PRINT_CHUNK 128

/* Whole kprintf calls go out under this lock with interrupts off, so output from an
 * interrupt handler and from the shell never mixes within a line (up to
 * PRINT_CHUNK characters) and can never deadlock on one CPU. It also guards the
 * list of sinks. */
static struct spinlock console_lock = SPINLOCK_INIT;
static struct console_sink *sinks;

void console_register(struct console_sink *sink)
{
	uint64_t flags = spin_lock_irqsave(&console_lock);
	struct console_sink **last = &sinks;
	while (*last)
		last = &(*last)->next;
	sink->next = 0;
	*last = sink; /* in order of registration */
	spin_unlock_irqrestore(&console_lock, flags);
}

static void write_locked(const char *s, size_t n)
{
	uint64_t flags = spin_lock_irqsave(&console_lock);
	for (struct console_sink *k = sinks; k; k = k->next)
		k->write(s, n);
	spin_unlock_irqrestore(&console_lock, flags);
}

void console_write_n(const char *s, size_t n)
{
	write_locked(s, n);
}

void console_write(const char *s)
{
	write_locked(s, strlen(s));
}

/* Calls one optional hook of every sink that has it, under the lock. */
#define FOR_EACH_SINK_WITH(hook, ...)                                \
	do {                                                         \
		uint64_t flags_ = spin_lock_irqsave(&console_lock);  \
		for (struct console_sink *k = sinks; k; k = k->next) \
			if (k->hook)                                 \
				k->hook(__VA_ARGS__);                \
		spin_unlock_irqrestore(&console_lock, flags_);       \
	} while (0)

void console_clear(void)
{
	FOR_EACH_SINK_WITH(clear);
}

void console_bell(void)
{
	FOR_EACH_SINK_WITH(bell);
}

void console_set_style(enum console_style style)
{
	FOR_EACH_SINK_WITH(set_style, style);
}

void console_follow_direct_map(void *(*phys_to_virt)(uint64_t))
{
	FOR_EACH_SINK_WITH(follow_direct_map, phys_to_virt);
}

void console_write_emergency(const char *s)
{
	size_t n = strlen(s);
	for (struct console_sink *k = sinks; k; k = k->next)
		if (k->port_only)
			k->write(s, n);
}

void console_break_lock(void)
{
	__atomic_store_n(&console_lock.locked, 0, __ATOMIC_RELEASE);
}

struct chunk {
	char text[PRINT_CHUNK];
	size_t used;
};

/* Collects the formatted text; a full chunk goes out at once. */
static void chunk_sink(char c, void *ctx)
{
	struct chunk *chunk = ctx;
	chunk->text[chunk->used++] = c;
	if (chunk->used == PRINT_CHUNK) {
		write_locked(chunk->text, chunk->used);
		chunk->used = 0;
	}
}

int kvprintf(const char *fmt, va_list args)
{
	struct chunk chunk;
	chunk.used = 0;
	int n = format(chunk_sink, &chunk, fmt, args);
	write_locked(chunk.text, chunk.used);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	int n = kvprintf(fmt, args);
	va_end(args);
	return n;
}
