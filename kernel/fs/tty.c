/* The console terminal. Input arrives from interrupt handlers (dev/input.c hands
 * every event here while user space holds the console) and goes through the line
 * discipline at once, as on Linux: echo, editing and ^C happen as keys are typed,
 * whether or not anyone reads. Readers take finished lines (canonical mode) or bytes
 * (raw mode, VMIN and VTIME) out of `ready`.
 *
 * The defaults are Linux's for a new terminal (drivers/tty/tty_io.c,
 * tty_std_termios; include/linux/tty.h, INIT_C_CC). Not done: flow control (IXON is
 * kept but ^S and ^Q are ordinary characters), output processing beyond what the
 * console sinks do (COM1 gets "\r\n" for every "\n" in either mode). */
#include "tty.h"
#include "../lib/restart.h"

#include <asm-generic/errno.h>
#include <asm-generic/poll.h>
#include <asm/ioctls.h>
#include <asm/signal.h>
#include <asm/termbits.h>
#include <asm/termios.h>

#include "../arch/clock.h"
#include "../arch/usercopy.h"
#include "../console.h"
#include "../dev/input.h"
#include "../dev/keymap.h"
#include "../lib/bitmap.h"
#include "../lib/string.h"
#include "../sched/sleep.h"
#include "../sched/task.h"
#include "../sched/wait.h"
#include "poll.h"

#define TTY_BUF	 4096 /* bytes ready for readers (a power of two) */
#define LINE_MAX 4095 /* a canonical line, as Linux's N_TTY_BUF_SIZE - 1 */
#define ROWS	 25
#define COLS	 80
#define CTRL(c)	 ((c)&0x1F)
#define DEL	 0x7F

static struct {
	struct spinlock lock;
	struct termios termios;
	char line[LINE_MAX]; /* canonical: the line being typed */
	size_t line_len;
	char ready[TTY_BUF]; /* what readers may take; head: next to read */
	unsigned head, tail;
	uint64_t line_end[TTY_BUF / 64]; /* canonical: bytes that end a line */
	unsigned lines;			 /* finished lines in `ready` */
	int fg_pgrp;
	bool attached;
	struct winsize size;
	struct wait_queue readers;
} tty = {
	.lock = SPINLOCK_INIT,
	.termios =
		{
			.c_iflag = ICRNL | IXON,
			.c_oflag = OPOST | ONLCR,
			.c_cflag = B38400 | CS8 | CREAD | HUPCL,
			.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
			.c_cc =
				{
					[VINTR] = CTRL('C'),
					[VQUIT] = CTRL('\\'),
					[VERASE] = DEL,
					[VKILL] = CTRL('U'),
					[VEOF] = CTRL('D'),
					[VSTART] = CTRL('Q'),
					[VSTOP] = CTRL('S'),
					[VSUSP] = CTRL('Z'),
					[VREPRINT] = CTRL('R'),
					[VDISCARD] = CTRL('O'),
					[VWERASE] = CTRL('W'),
					[VLNEXT] = CTRL('V'),
					[VMIN] = 1,
				},
		},
	.size = {.ws_row = ROWS, .ws_col = COLS},
	.readers = WAIT_QUEUE_INIT(tty.readers),
};

static void (*send_signal)(int pgrp, int sig);
static int (*background_read)(int fg_pgrp);

void tty_set_signal_sender(void (*send_to_group)(int pgrp, int sig))
{
	send_signal = send_to_group;
}

void tty_set_background_check(int (*check)(int fg_pgrp))
{
	background_read = check;
}

/* ---- the line discipline (tty.lock held, interrupts off) ------------------------ */

static bool lflag(tcflag_t bit)
{
	return tty.termios.c_lflag & bit;
}

static void echo_bytes(const char *s, size_t n)
{
	if (lflag(ECHO))
		console_write_n(s, n);
}

/* A control character echoes as ^X under ECHOCTL (but tab and newline as they are). */
static void echo_char(char c)
{
	if (lflag(ECHOCTL) && (uint8_t)c < ' ' && c != '\t' && c != '\n') {
		char caret[2] = {'^', (char)(c + '@')};
		echo_bytes(caret, 2);
	} else if (lflag(ECHOCTL) && c == DEL) {
		echo_bytes("^?", 2);
	} else {
		echo_bytes(&c, 1);
	}
}

static unsigned ready_count(void)
{
	return tty.tail - tty.head;
}

static void ready_put(char c, bool ends_line)
{
	if (ready_count() == TTY_BUF)
		return; /* full: dropped, as Linux does when nobody reads */
	unsigned at = tty.tail++ % TTY_BUF;
	tty.ready[at] = c;
	if (ends_line) {
		bitmap_set(tty.line_end, at);
		tty.lines++;
	} else {
		bitmap_clear(tty.line_end, at);
	}
}

/* Erases the last character of the line being typed (and its echo). */
static void erase_one(void)
{
	if (!tty.line_len)
		return;
	char c = tty.line[--tty.line_len];
	if (lflag(ECHO) && lflag(ECHOE)) {
		int width = lflag(ECHOCTL) && ((uint8_t)c < ' ' || c == DEL) && c != '\t' ? 2 : 1;
		for (int i = 0; i < width; i++)
			console_write_n("\b \b", 3);
	}
}

/* Moves the typed line to the readers, ended by `c`; an end of file (^D) ends it
 * with a 0 the reader does not get. */
static void finish_line(char c, bool eof)
{
	for (size_t i = 0; i < tty.line_len; i++)
		ready_put(tty.line[i], false);
	tty.line_len = 0;
	ready_put(eof ? 0 : c, true);
}

static void flush_input(void)
{
	tty.line_len = 0;
	tty.head = tty.tail;
	tty.lines = 0;
}

static bool signal_char(char c)
{
	const cc_t *cc = tty.termios.c_cc;
	int sig = c == cc[VINTR] ? SIGINT : c == cc[VQUIT] ? SIGQUIT : c == cc[VSUSP] ? SIGTSTP : 0;
	if (!sig || !lflag(ISIG) || c == 0)
		return false;
	if (!lflag(NOFLSH))
		flush_input();
	echo_char(c);
	if (send_signal && tty.fg_pgrp > 0)
		send_signal(tty.fg_pgrp, sig);
	return true;
}

static bool canonical_edit(char c)
{
	const cc_t *cc = tty.termios.c_cc;
	if (c == cc[VERASE] || (c == '\b' && cc[VERASE] == DEL)) {
		erase_one();
	} else if (c == cc[VKILL]) {
		while (tty.line_len)
			erase_one();
	} else if (c == cc[VWERASE] && lflag(IEXTEN)) {
		while (tty.line_len && tty.line[tty.line_len - 1] == ' ')
			erase_one();
		while (tty.line_len && tty.line[tty.line_len - 1] != ' ')
			erase_one();
	} else if (c == cc[VEOF]) {
		finish_line(c, true);
	} else if (c == '\n' || (c && (c == cc[VEOL] || c == cc[VEOL2]))) {
		if (lflag(ECHO) || lflag(ECHONL))
			console_write_n("\n", 1);
		finish_line(c, false);
	} else {
		return false;
	}
	return true;
}

static void receive_locked(char c)
{
	tcflag_t iflag = tty.termios.c_iflag;
	if (c == '\r' && (iflag & IGNCR))
		return;
	if (c == '\r' && (iflag & ICRNL))
		c = '\n';
	else if (c == '\n' && (iflag & INLCR))
		c = '\r';
	if (signal_char(c))
		return;
	if (lflag(ICANON)) {
		if (canonical_edit(c))
			return;
		if (tty.line_len < LINE_MAX)
			tty.line[tty.line_len++] = c;
		echo_char(c);
		return;
	}
	ready_put(c, false);
	echo_char(c);
}

/* ---- input from the keyboard and COM1 ------------------------------------------- */

/* What a key sends, as on Linux's console: Enter a carriage return, Backspace DEL,
 * the cursor keys VT100 sequences. */
static size_t key_bytes(const struct input_event *e, char out[4])
{
	static const char *const sequences[] = {
		[KEY_UP] = "\033[A",	  [KEY_DOWN] = "\033[B",  [KEY_RIGHT] = "\033[C",
		[KEY_LEFT] = "\033[D",	  [KEY_HOME] = "\033[1~", [KEY_END] = "\033[4~",
		[KEY_DELETE] = "\033[3~",
	};
	if (e->source == INPUT_SERIAL) {
		out[0] = (char)e->byte;
		return 1;
	}
	if (e->byte == KEY_ENTER || e->byte == KEY_KP_ENTER) {
		out[0] = '\r';
		return 1;
	}
	if (e->byte == KEY_BACKSPACE) {
		out[0] = DEL;
		return 1;
	}
	if (e->ch) {
		out[0] = e->ch;
		return 1;
	}
	if (e->byte < sizeof sequences / sizeof sequences[0] && sequences[e->byte]) {
		size_t n = strlen(sequences[e->byte]);
		memcpy(out, sequences[e->byte], n);
		return n;
	}
	return 0;
}

static void receive(struct input_event event)
{
	char bytes[4];
	size_t n = key_bytes(&event, bytes);
	uint64_t flags = spin_lock_irqsave(&tty.lock);
	for (size_t i = 0; i < n; i++)
		receive_locked(bytes[i]);
	spin_unlock_irqrestore(&tty.lock, flags);
	if (n) {
		wake_up(&tty.readers, WAKE_ALL);
		poll_notify();
	}
}

void tty_attach(int foreground_pgrp)
{
	uint64_t flags = spin_lock_irqsave(&tty.lock);
	tty.attached = true;
	tty.fg_pgrp = foreground_pgrp;
	flush_input();
	spin_unlock_irqrestore(&tty.lock, flags);
	input_set_receiver(receive);
}

void tty_set_foreground(int pgrp)
{
	uint64_t flags = spin_lock_irqsave(&tty.lock);
	tty.fg_pgrp = pgrp;
	spin_unlock_irqrestore(&tty.lock, flags);
}

void tty_detach(void)
{
	input_set_receiver(0);
	uint64_t flags = spin_lock_irqsave(&tty.lock);
	tty.attached = false;
	tty.fg_pgrp = 0;
	spin_unlock_irqrestore(&tty.lock, flags);
	wake_up(&tty.readers, WAKE_ALL);
	poll_notify();
}

/* ---- reading ---------------------------------------------------------------------- */

/* Canonical: up to the end of the next line; an EOF (^D) line end gives no byte. */
static size_t take_line(char *out, size_t max)
{
	size_t n = 0;
	while (n < max && ready_count()) {
		unsigned at = tty.head++ % TTY_BUF;
		bool end = bitmap_test(tty.line_end, at);
		bool eof = end && tty.ready[at] == 0;
		if (!eof)
			out[n++] = tty.ready[at];
		if (end) {
			tty.lines--;
			break;
		}
	}
	return n;
}

static size_t take_bytes(char *out, size_t max)
{
	size_t n = 0;
	while (n < max && ready_count())
		out[n++] = tty.ready[tty.head++ % TTY_BUF];
	return n;
}

static bool can_read(bool canonical, unsigned want)
{
	if (!tty.attached)
		return true; /* the kernel took the console back: end of file */
	return canonical ? tty.lines > 0 : ready_count() >= want;
}

/* Waits (with the lock dropped) until can_read, a signal, or the deadline. */
static int wait_for_input(uint64_t *flags, bool canonical, unsigned want, uint64_t deadline_ns)
{
	struct waiter w = {0};
	for (;;) {
		if (can_read(canonical, want))
			return 0;
		if (signal_pending())
			return -ERESTARTSYS; /* restarted, or EINTR (lib/restart.h) */
		if (deadline_ns && clock_ns() >= deadline_ns)
			return 0;
		wait_prepare(&tty.readers, &w);
		spin_unlock_irqrestore(&tty.lock, *flags);
		if (deadline_ns)
			sleep_arm(current_task(), deadline_ns);
		schedule();
		if (deadline_ns)
			sleep_disarm(current_task());
		wait_finish(&tty.readers, &w);
		*flags = spin_lock_irqsave(&tty.lock);
	}
}

static long tty_read(struct file *f, uintptr_t buf, size_t n)
{
	(void)f;
	if (n == 0)
		return 0;
	int held = background_read
			   ? background_read(__atomic_load_n(&tty.fg_pgrp, __ATOMIC_RELAXED))
			   : 0;
	if (held)
		return held; /* SIGTTIN sent (the read is tried again), or EIO */
	char chunk[256];
	size_t max = n < sizeof chunk ? n : sizeof chunk;
	uint64_t flags = spin_lock_irqsave(&tty.lock);
	bool canonical = lflag(ICANON);
	unsigned vmin = tty.termios.c_cc[VMIN], vtime = tty.termios.c_cc[VTIME];
	// cppcheck-suppress knownConditionTrueFalse ; it assumes n == 0, answered above
	unsigned want = canonical ? 1 : vmin < max ? vmin : (unsigned)max;
	uint64_t deadline = !canonical && vtime ? clock_ns() + vtime * 100000000ull : 0;
	if (!canonical && vtime && vmin)
		want = 1; /* VMIN and VTIME: the timer runs once a byte came (approximated) */
	int err = want || deadline ? wait_for_input(&flags, canonical, want, deadline) : 0;
	size_t got = err ? 0 : canonical ? take_line(chunk, max) : take_bytes(chunk, max);
	spin_unlock_irqrestore(&tty.lock, flags);
	if (err)
		return err;
	if (got && !copy_to_user(buf, chunk, got))
		return -EFAULT;
	return (long)got;
}

/* ---- writing and control ------------------------------------------------------- */

static long tty_write(struct file *f, uintptr_t buf, size_t n)
{
	(void)f;
	char chunk[256];
	size_t done = 0;
	while (done < n) {
		size_t k = n - done < sizeof chunk ? n - done : sizeof chunk;
		if (!copy_from_user(chunk, buf + done, k))
			return done ? (long)done : -EFAULT;
		console_write_n(chunk, k);
		done += k;
	}
	return (long)done;
}

static long set_termios(uintptr_t arg, unsigned cmd)
{
	struct termios t;
	if (!copy_from_user(&t, arg, sizeof t))
		return -EFAULT;
	uint64_t flags = spin_lock_irqsave(&tty.lock);
	bool was_canonical = lflag(ICANON);
	tty.termios = t;
	if (cmd == TCSETSF)
		flush_input();
	else if (was_canonical && !lflag(ICANON)) { /* the line typed so far becomes input */
		for (size_t i = 0; i < tty.line_len; i++)
			ready_put(tty.line[i], false);
		tty.line_len = 0;
	}
	spin_unlock_irqrestore(&tty.lock, flags);
	wake_up(&tty.readers, WAKE_ALL);
	poll_notify();
	return 0;
}

static long tty_ioctl(struct file *f, unsigned cmd, uintptr_t arg)
{
	(void)f;
	switch (cmd) {
	case TCGETS: return copy_to_user(arg, &tty.termios, sizeof tty.termios) ? 0 : -EFAULT;
	case TCSETS:
	case TCSETSW: /* output is never held back, so there is nothing to drain */
	case TCSETSF: return set_termios(arg, cmd);
	case TIOCGWINSZ: return copy_to_user(arg, &tty.size, sizeof tty.size) ? 0 : -EFAULT;
	case TIOCSWINSZ: return copy_from_user(&tty.size, arg, sizeof tty.size) ? 0 : -EFAULT;
	case TIOCGPGRP: {
		int pgrp = tty.fg_pgrp;
		return copy_to_user(arg, &pgrp, sizeof pgrp) ? 0 : -EFAULT;
	}
	case TIOCSPGRP: {
		int pgrp;
		if (!copy_from_user(&pgrp, arg, sizeof pgrp))
			return -EFAULT;
		if (pgrp <= 0)
			return -EINVAL;
		tty.fg_pgrp = pgrp;
		return 0;
	}
	case TIOCSCTTY:
	case TIOCNOTTY: return 0; /* one terminal, everyone's */
	default: return -ENOTTY;
	}
}

/* Readable when a read would not wait (a line, or VMIN bytes; or end of file);
 * output never waits. */
static unsigned tty_poll(struct file *f)
{
	(void)f;
	uint64_t flags = spin_lock_irqsave(&tty.lock);
	bool canonical = tty.termios.c_lflag & ICANON;
	unsigned want = tty.termios.c_cc[VMIN] ? tty.termios.c_cc[VMIN] : 1;
	bool in = can_read(canonical, canonical ? 1 : want);
	spin_unlock_irqrestore(&tty.lock, flags);
	return (in ? POLLIN : 0) | POLLOUT;
}

const struct file_ops tty_ops = {
	.read = tty_read, .write = tty_write, .ioctl = tty_ioctl, .poll = tty_poll};
