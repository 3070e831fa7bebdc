/* Every byte printed goes into one log ring first; the ring is the order every sink
 * sees. Synchronous sinks (the screen, port 0xE9) are written as text is appended;
 * asynchronous ones (COM1, from its transmit interrupt) take it from the ring at
 * their pace. A writer that finds no room waits for them when it can; where it
 * cannot (an interrupt handler, interrupts off), its text is dropped, counted, and
 * a "[N bytes dropped]" line says so in its place. */
#include "console.h"

#include "arch/clock.h"
#include "lib/string.h"
#include "sched/sleep.h"
#include "sched/wait.h"
#include "sync/spinlock.h"

#define PRINT_CHUNK	 256 /* a kprintf goes into the log in pieces of this size */
#define LOG_SIZE	 CONSOLE_LOG_SIZE
#define STALL_TIMEOUT_MS 2000 /* an async sink this long without progress is stalled */
#define MARKER_MAX	 48   /* "[N bytes dropped]\n" at its longest, and more */

/* The lock covers the ring, the sinks' list and their cursors, with interrupts off:
 * whole pieces of kprintf go in at once, so output from an interrupt handler never
 * splits a line of the shell's (up to PRINT_CHUNK bytes). */
static char log_text[LOG_SIZE]; /* in .bss: apart from the initialised fields below */

static struct {
	struct spinlock lock;
	char *text;
	uint64_t head;	  /* bytes appended, ever: text[head % LOG_SIZE] is next */
	uint64_t dropped; /* bytes dropped since the last marker */
	bool synchronous; /* after console_go_synchronous: no more waiting for anyone */
	struct wait_queue room;
	struct console_sink *sinks;
} log = {SPINLOCK_INIT, log_text, 0, 0, false, WAIT_QUEUE_INIT(log.room), 0};

void console_register(struct console_sink *sink)
{
	uint64_t flags = spin_lock_irqsave(&log.lock);
	struct console_sink **last = &log.sinks;
	while (*last)
		last = &(*last)->next;
	sink->next = 0;
	sink->cursor = log.head;
	sink->idle = true;
	*last = sink; /* in order of registration */
	spin_unlock_irqrestore(&log.lock, flags);
}

/* ---- appending (the lock held) --------------------------------------------------- */

/* The async sink furthest behind, or NULL. */
static struct console_sink *slowest(void)
{
	struct console_sink *slow = 0;
	for (struct console_sink *k = log.sinks; k; k = k->next)
		if (k->async && !k->stalled && (!slow || k->cursor < slow->cursor))
			slow = k;
	return slow;
}

static uint64_t room(void)
{
	struct console_sink *slow = slowest();
	return slow ? LOG_SIZE - (log.head - slow->cursor) : LOG_SIZE;
}

/* Copies text into the ring and hands it to the synchronous sinks; wakes the idle
 * asynchronous ones. */
static void append(const char *s, size_t n)
{
	size_t at = log.head % LOG_SIZE, first = n < LOG_SIZE - at ? n : LOG_SIZE - at;
	memcpy(log.text + at, s, first); /* n <= PRINT_CHUNK: at most one wrap */
	memcpy(log.text, s + first, n - first);
	log.head += n;
	for (struct console_sink *k = log.sinks; k; k = k->next) {
		if (!k->async || log.synchronous) {
			k->write(s, n);
			k->cursor = log.head;
		} else if (k->idle && k->cursor < log.head) {
			k->idle = false;
			k->kick();
		}
	}
}

/* Room for n bytes, and for the drop marker that must go first if text was dropped
 * (checked each time: an interrupt handler may drop text while a task waits). */
static bool has_room(size_t n)
{
	return room() >= n + (log.dropped ? MARKER_MAX : 0);
}

static void append_drop_marker(void)
{
	char marker[MARKER_MAX];
	int n = ksnprintf(marker, sizeof marker, "[%lu bytes dropped]\n", log.dropped);
	log.dropped = 0;
	append(marker, (size_t)n);
}

static void append_note(const char *what, const struct console_sink *k, uint64_t bytes)
{
	char note[96];
	int n = ksnprintf(note, sizeof note, "console: %s %s; %lu bytes not sent to it\n", k->name,
			  what, bytes);
	append(note, (size_t)n);
}

/* An async sink that took nothing for STALL_TIMEOUT_MS no longer holds writers back:
 * what it has not taken is skipped, and the log says how much. Kicked again by the
 * next text, it resumes from there (console_sink_take). */
static void skip_stalled(struct console_sink *k)
{
	uint64_t skipped = log.head - k->cursor;
	k->cursor = log.head;
	k->stalled = true;
	k->idle = true; /* the note kicks it: if it wakes up, it starts there */
	append_note("stalled", k, skipped);
}

/* Waits, with the lock given up, until the slowest async sink moves or the stall
 * timeout passes; false if it timed out. */
static bool wait_for_room(uint64_t *flags)
{
	struct console_sink *slow = slowest();
	uint64_t before = slow->cursor;
	bool moved = false;
	uint64_t deadline = clock_ns() + STALL_TIMEOUT_MS * 1000000ull;
	struct waiter w = {0};
	sleep_arm(current_task(), deadline);
	for (;;) {
		wait_prepare(&log.room, &w);
		/* The sink's interrupt handler moves the cursor (under the lock). */
		moved = __atomic_load_n(&slow->cursor, __ATOMIC_RELAXED) != before;
		if (moved || clock_ns() >= deadline)
			break;
		spin_unlock_irqrestore(&log.lock, *flags);
		schedule();
		*flags = spin_lock_irqsave(&log.lock);
	}
	wait_finish(&log.room, &w);
	sleep_disarm(current_task());
	return moved;
}

/* One piece of text, whole or not at all. */
static void write_piece(const char *s, size_t n)
{
	uint64_t flags = spin_lock_irqsave(&log.lock);
	/* A task may wait if it had interrupts on before the lock turned them off, and
	 * once the clock runs (the wait has a timeout). */
	bool can_wait =
		!log.synchronous && (flags & RFLAGS_IF) && sched_task_context() && clock_tsc_hz();
	while (!log.synchronous && !has_room(n)) {
		if (!can_wait) {
			log.dropped += n;
			spin_unlock_irqrestore(&log.lock, flags);
			return;
		}
		if (!wait_for_room(&flags) && !has_room(n))
			skip_stalled(slowest());
	}
	if (log.dropped)
		append_drop_marker();
	append(s, n);
	spin_unlock_irqrestore(&log.lock, flags);
}

void console_write_n(const char *s, size_t n)
{
	while (n) {
		size_t piece = n < PRINT_CHUNK ? n : PRINT_CHUNK;
		write_piece(s, piece);
		s += piece;
		n -= piece;
	}
}

void console_write(const char *s)
{
	console_write_n(s, strlen(s));
}

/* ---- asynchronous sinks ------------------------------------------------------------ */

void console_sink_set_async(struct console_sink *sink)
{
	uint64_t flags = spin_lock_irqsave(&log.lock);
	sink->cursor = log.head;
	sink->idle = true;
	sink->async = true;
	spin_unlock_irqrestore(&log.lock, flags);
}

size_t console_sink_take(struct console_sink *k, char *out, size_t max)
{
	uint64_t flags = spin_lock_irqsave(&log.lock);
	if (k->stalled) {
		/* Back after a stall. What was written meanwhile is still in the ring, or
		 * (more than the ring holds) it is skipped, after a note saying so. */
		k->stalled = false;
		if (log.head - k->cursor > LOG_SIZE) {
			uint64_t missed = log.head - k->cursor;
			k->cursor = log.head;
			append_note("resumed", k, missed);
		}
	}
	size_t n = 0;
	while (n < max && k->cursor < log.head)
		out[n++] = log.text[k->cursor++ % LOG_SIZE];
	if (!n)
		k->idle = true; /* until append kicks it */
	spin_unlock_irqrestore(&log.lock, flags);
	if (n)
		wake_up(&log.room, WAKE_ALL);
	return n;
}

/* ---- the rest of the console's operations ------------------------------------------ */

/* Calls one optional hook of every sink that has it, under the lock. */
#define FOR_EACH_SINK_WITH(hook, ...)                                      \
	do {                                                               \
		uint64_t flags_ = spin_lock_irqsave(&log.lock);            \
		for (struct console_sink *k = log.sinks; k; k = k->next) { \
			if (k->hook)                                       \
				k->hook(__VA_ARGS__);                      \
		}                                                          \
		spin_unlock_irqrestore(&log.lock, flags_);                 \
	} while (0)

/* In-band, so it keeps its place among the text: terminals clear at ANSI "erase the
 * screen, cursor home", the VGA sink does the same for those bytes. */
void console_clear(void)
{
	console_write("\x1b[2J\x1b[H");
}

void console_bell(void)
{
	console_write("\a"); /* terminals ring; the screen ignores it */
}

void console_set_style(enum console_style style)
{
	FOR_EACH_SINK_WITH(set_style, style);
}

void console_follow_direct_map(void *(*phys_to_virt)(uint64_t))
{
	FOR_EACH_SINK_WITH(follow_direct_map, phys_to_virt);
}

/* Takes no lock: the caller is about to halt, and on one CPU nothing else runs.
 * SMP: the panicking CPU stops the others first. */
void console_go_synchronous(void)
{
	log.synchronous = true;
	for (struct console_sink *k = log.sinks; k; k = k->next) {
		if (!k->async)
			continue;
		if (log.head - k->cursor > LOG_SIZE)
			k->cursor = log.head - LOG_SIZE;
		while (k->cursor < log.head) {
			char c = log.text[k->cursor++ % LOG_SIZE];
			k->write(&c, 1);
		}
	}
}

void console_write_emergency(const char *s)
{
	size_t n = strlen(s);
	for (struct console_sink *k = log.sinks; k; k = k->next)
		if (k->port_only)
			k->write(s, n);
}

void console_break_lock(void)
{
	__atomic_store_n(&log.lock.locked, 0, __ATOMIC_RELEASE);
}

size_t console_log_copy(char *out, size_t size)
{
	uint64_t flags = spin_lock_irqsave(&log.lock);
	uint64_t start = log.head > LOG_SIZE ? log.head - LOG_SIZE : 0;
	if (log.head - start > size)
		start = log.head - size;
	size_t n = 0;
	for (uint64_t i = start; i < log.head; i++)
		out[n++] = log.text[i % LOG_SIZE];
	spin_unlock_irqrestore(&log.lock, flags);
	return n;
}

uint64_t console_log_written(void)
{
	return log.head;
}

/* ---- kprintf ---------------------------------------------------------------------- */

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
		write_piece(chunk->text, chunk->used);
		chunk->used = 0;
	}
}

int kvprintf(const char *fmt, va_list args)
{
	struct chunk chunk;
	chunk.used = 0;
	int n = format(chunk_sink, &chunk, fmt, args);
	if (chunk.used)
		write_piece(chunk.text, chunk.used);
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
