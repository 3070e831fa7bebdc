/* The console terminal. Input arrives from interrupt handlers (dev/input.c hands
 * every event here while user space holds the console) and goes through the line
 * discipline at once, as on Linux: echo, editing and ^C happen as keys are typed,
 * whether or not anyone reads. Readers take finished lines (canonical mode) or bytes
 * (raw mode, VMIN and VTIME) out of `ready`.
 *
 * What each termios flag does is Linux's n_tty's (drivers/tty/n_tty.c); the defaults
 * are Linux's for a new terminal (drivers/tty/tty_io.c, tty_std_termios;
 * include/linux/tty.h, INIT_C_CC). Output processing is tty_output.c's. Not done:
 * flow control (IXON is kept but ^S and ^Q are ordinary characters), ECHOPRT, PARMRK
 * and breaks (a console has none). */
#include "tty.h"
#include "../lib/restart.h"

#include <asm-generic/errno.h>
#include <asm-generic/fcntl.h>
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
#include "tty_output.h"

#define TTY_BUF	 4096 /* bytes ready for readers (a power of two) */
#define LINE_MAX 4095 /* a canonical line, as Linux's N_TTY_BUF_SIZE - 1 */
#define ROWS	 25
#define COLS	 80
#define CTRL(c)	 ((c)&0x1F)
#define DEL	 0x7F
#define NEVER	 UINT64_MAX /* a read's deadline when it has none */
#define DISABLED 0	    /* a special character set to 0 is off (Linux's __DISABLED_CHAR) */

static struct {
	struct spinlock lock;
	struct termios termios;
	char line[LINE_MAX]; /* canonical: the line being typed */
	size_t line_len;
	char ready[TTY_BUF]; /* what readers may take; head: next to read */
	unsigned head, tail;
	uint64_t line_end[TTY_BUF / 64]; /* canonical: bytes that end a line */
	unsigned lines;			 /* finished lines in `ready` */
	bool lnext;			 /* the next byte is taken as it is (^V) */
	struct tty_columns columns;
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

/* c is the special character c_cc[index] (one set to 0 is off, as on Linux). */
static bool is_cc(char c, int index)
{
	cc_t special = tty.termios.c_cc[index];
	return special != DISABLED && (cc_t)c == special;
}

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_utf8_continuation(char c)
{
	return (tty.termios.c_iflag & IUTF8) && ((uint8_t)c & 0xC0) == 0x80;
}

/* Echoes go out through output processing, as the program's own output does. */
static void echo_raw(char c)
{
	char out[TTY_OUTPUT_MAX];
	size_t n = tty_output_char(&tty.termios, &tty.columns, c, out);
	console_write_n(out, n);
}

/* A control character echoes as ^X under ECHOCTL (but tab and newline as they are). */
static void echo_char(char c)
{
	if (lflag(ECHOCTL) && tty_is_control(c) && c != '\t' && c != '\n') {
		echo_raw('^');
		echo_raw((char)(c ^ 0x40));
	} else {
		echo_raw(c);
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

/* Columns back to where the tab just erased began: to the tab stop after what
 * precedes it, counted from the previous tab or from where the line began. */
static unsigned tab_width(void)
{
	unsigned columns = 0;
	bool after_tab = false;
	for (size_t i = tty.line_len; i-- && !after_tab;) {
		char c = tty.line[i];
		if (c == '\t')
			after_tab = true;
		else if (tty_is_control(c))
			columns += lflag(ECHOCTL) ? 2 : 0;
		else if (!is_utf8_continuation(c))
			columns++;
	}
	if (!after_tab)
		columns += tty.columns.canon;
	return 8 - (columns & 7);
}

/* Takes the last character (all of its bytes, under IUTF8) off the line being typed. */
static char pop_char(void)
{
	char c;
	do
		c = tty.line[--tty.line_len];
	while (is_utf8_continuation(c) && tty.line_len);
	return c;
}

/* Takes the echo of c, just erased, off the screen. */
static void rub_out(char c)
{
	if (c == '\t') {
		for (unsigned n = tab_width(); n; n--)
			echo_raw('\b');
		return;
	}
	int width = !tty_is_control(c) ? 1 : lflag(ECHOCTL) ? 2 : 0;
	for (int i = 0; i < width; i++) {
		echo_raw('\b');
		echo_raw(' ');
		echo_raw('\b');
	}
}

/* ERASE, WERASE or KILL (Linux's eraser): a character, a word (alphanumerics and
 * '_', and what follows them), or the line. Without ECHOE an erased character
 * echoes as ERASE itself; without ECHOKE (or ECHOK, or ECHOE) a killed line as
 * KILL, and a newline under ECHOK. */
static void erase(char c)
{
	if (!tty.line_len)
		return;
	bool kill = is_cc(c, VKILL), word = !kill && !is_cc(c, VERASE);
	if (kill && (!lflag(ECHO) || !lflag(ECHOK) || !lflag(ECHOKE) || !lflag(ECHOE))) {
		tty.line_len = 0;
		if (lflag(ECHO)) {
			echo_char(c);
			if (lflag(ECHOK))
				echo_raw('\n');
		}
		return;
	}
	bool seen_alnum = false;
	while (tty.line_len) {
		char last = tty.line[tty.line_len - 1];
		if (word && (is_alnum(last) || last == '_'))
			seen_alnum = true;
		else if (word && seen_alnum)
			break;
		char gone = pop_char();
		if (lflag(ECHO) && !kill && !word && !lflag(ECHOE))
			echo_char(c);
		else if (lflag(ECHO))
			rub_out(gone);
		if (!kill && !word)
			break;
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

/* The signal c sends under ISIG, or 0. */
static int signal_of(char c)
{
	if (is_cc(c, VINTR))
		return SIGINT;
	if (is_cc(c, VQUIT))
		return SIGQUIT;
	return is_cc(c, VSUSP) ? SIGTSTP : 0;
}

static bool signal_char(char c)
{
	int sig = signal_of(c);
	if (!sig || !lflag(ISIG))
		return false;
	if (!lflag(NOFLSH))
		flush_input();
	if (lflag(ECHO))
		echo_char(c);
	if (send_signal && tty.fg_pgrp > 0)
		send_signal(tty.fg_pgrp, sig);
	return true;
}

/* A byte with no special meaning: echoed, and onto the line being typed (canonical
 * mode; past LINE_MAX echoed only, as on Linux) or to the readers. */
static void put_char(char c)
{
	if (lflag(ECHO)) {
		if (!tty.line_len)
			tty.columns.canon = tty.columns.column; /* for erasing tabs */
		echo_char(c);
	}
	if (!lflag(ICANON))
		ready_put(c, false);
	else if (tty.line_len < LINE_MAX)
		tty.line[tty.line_len++] = c;
}

/* Canonical mode's editing, literal next (^V), reprint (^R) and line ends; false
 * for an ordinary byte. */
static bool canonical_special(char c)
{
	if (is_cc(c, VERASE) || is_cc(c, VKILL) || (is_cc(c, VWERASE) && lflag(IEXTEN))) {
		erase(c);
	} else if (is_cc(c, VLNEXT) && lflag(IEXTEN)) {
		tty.lnext = true;
		if (lflag(ECHO) && lflag(ECHOCTL)) {
			echo_raw('^');
			echo_raw('\b');
		}
	} else if (is_cc(c, VREPRINT) && lflag(ECHO) && lflag(IEXTEN)) {
		echo_char(c);
		echo_raw('\n');
		for (size_t i = 0; i < tty.line_len; i++)
			echo_char(tty.line[i]);
	} else if (c == '\n') {
		if (lflag(ECHO) || lflag(ECHONL))
			echo_raw('\n');
		finish_line(c, false);
	} else if (is_cc(c, VEOF)) {
		finish_line(c, true);
	} else if (is_cc(c, VEOL) || (is_cc(c, VEOL2) && lflag(IEXTEN))) {
		if (lflag(ECHO))
			echo_char(c);
		finish_line(c, false);
	} else {
		return false;
	}
	return true;
}

static void receive_locked(char c)
{
	tcflag_t iflag = tty.termios.c_iflag;
	if (iflag & ISTRIP)
		c &= 0x7F;
	if ((iflag & IUCLC) && lflag(IEXTEN) && c >= 'A' && c <= 'Z')
		c = (char)(c - 'A' + 'a');
	if (tty.lnext) { /* after ^V: no signal, no translation, no editing */
		tty.lnext = false;
		put_char(c);
		return;
	}
	if (signal_char(c))
		return;
	if (c == '\r' && (iflag & IGNCR))
		return;
	if (c == '\r' && (iflag & ICRNL))
		c = '\n';
	else if (c == '\n' && (iflag & INLCR))
		c = '\r';
	if (lflag(ICANON) && canonical_special(c))
		return;
	put_char(c);
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

/* Canonical: up to the end of the next line; an EOF (^D) line end gives no byte, and
 * goes with the bytes before it even when they fill the buffer. */
static size_t take_line(char *out, size_t max)
{
	size_t n = 0;
	while (ready_count()) {
		unsigned at = tty.head % TTY_BUF;
		bool end = bitmap_test(tty.line_end, at);
		bool eof = end && tty.ready[at] == 0;
		if (n == max && !eof)
			break;
		tty.head++;
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

static bool input_ready(bool canonical, unsigned minimum)
{
	return canonical ? tty.lines > 0 : ready_count() >= minimum;
}

/* Sleeps (with the lock dropped) until input comes, a signal, or the deadline. */
static void wait_for_input(uint64_t *flags, uint64_t deadline_ns)
{
	struct waiter w = {0};
	wait_prepare(&tty.readers, &w);
	spin_unlock_irqrestore(&tty.lock, *flags);
	if (deadline_ns != NEVER)
		sleep_arm(current_task(), deadline_ns);
	schedule();
	if (deadline_ns != NEVER)
		sleep_disarm(current_task());
	wait_finish(&tty.readers, &w);
	*flags = spin_lock_irqsave(&tty.lock);
}

/* Canonical mode reads a line. Raw mode, as Linux's n_tty_read: VMIN > 0 and VTIME 0
 * waits for VMIN bytes; both > 0 the same, but once bytes came, a gap of VTIME
 * tenths of a second with no more ends the read; VMIN 0 waits up to VTIME for one
 * byte (0: not at all). Bytes taken before a signal are returned. */
static long tty_read(struct file *f, uintptr_t buf, size_t n)
{
	if (n == 0)
		return 0;
	int held = background_read
			   ? background_read(__atomic_load_n(&tty.fg_pgrp, __ATOMIC_RELAXED))
			   : 0;
	if (held)
		return held; /* SIGTTIN sent (the read is tried again), or EIO */
	char chunk[256];
	size_t max = n < sizeof chunk ? n : sizeof chunk, got = 0;
	long err = 0;
	uint64_t flags = spin_lock_irqsave(&tty.lock);
	bool canonical = lflag(ICANON);
	unsigned vmin = tty.termios.c_cc[VMIN];
	uint64_t vtime_ns = tty.termios.c_cc[VTIME] * 100000000ull;
	size_t minimum = !canonical && vmin ? vmin : 1;
	uint64_t deadline = canonical || vmin ? NEVER : clock_ns() + vtime_ns;
	for (;;) {
		if (input_ready(canonical, 1)) {
			got += canonical ? take_line(chunk + got, max - got)
					 : take_bytes(chunk + got, max - got);
			if (canonical || got >= minimum || got == max)
				break;
			if (vtime_ns)
				deadline = clock_ns() + vtime_ns; /* between bytes */
			continue;
		}
		if (!tty.attached)
			break; /* the kernel took the console back: end of file */
		if (deadline != NEVER && clock_ns() >= deadline)
			break;
		if (f->flags & O_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending()) {
			err = -ERESTARTSYS; /* restarted, or EINTR (lib/restart.h) */
			break;
		}
		wait_for_input(&flags, deadline);
	}
	spin_unlock_irqrestore(&tty.lock, flags);
	if (!got)
		return err;
	return copy_to_user(buf, chunk, got) ? (long)got : -EFAULT;
}

/* ---- writing and control ------------------------------------------------------- */

/* Output processing of in[0..n) into out, while out has room for what a byte may
 * become; returns how many bytes of `in` it took, and in *made what it made. */
static size_t process_output(const char *in, size_t n, char *out, size_t room, size_t *made)
{
	size_t i = 0, len = 0;
	uint64_t flags = spin_lock_irqsave(&tty.lock);
	for (; i < n && len + TTY_OUTPUT_MAX <= room; i++)
		len += tty_output_char(&tty.termios, &tty.columns, in[i], out + len);
	spin_unlock_irqrestore(&tty.lock, flags);
	*made = len;
	return i;
}

/* Output processing of in[0..n), a piece at a time: console_write_n may sleep, so
 * it is called without the lock. */
static void write_processed(const char *in, size_t n)
{
	char out[256];
	while (n) {
		size_t made, used = process_output(in, n, out, sizeof out, &made);
		console_write_n(out, made);
		in += used;
		n -= used;
	}
}

static long tty_write(struct file *f, uintptr_t buf, size_t n)
{
	(void)f;
	char in[128];
	size_t done = 0;
	while (done < n) {
		size_t k = n - done < sizeof in ? n - done : sizeof in;
		if (!copy_from_user(in, buf + done, k))
			return done ? (long)done : -EFAULT;
		write_processed(in, k);
		done += k;
	}
	return (long)done;
}

/* sendfile's way in: the same from a kernel buffer. */
static long tty_write_kernel(struct file *f, const void *buf, size_t n)
{
	(void)f;
	write_processed(buf, n);
	return (long)n;
}

/* A change of mode: the line typed so far becomes raw input; raw input waiting
 * becomes a line that can be read at once (as Linux's n_tty_set_termios). */
static void change_mode(bool to_canonical)
{
	tty.lnext = false;
	if (!to_canonical) {
		for (size_t i = 0; i < tty.line_len; i++)
			ready_put(tty.line[i], false);
		tty.line_len = 0;
		memset(tty.line_end, 0, sizeof tty.line_end);
		tty.lines = 0;
	} else if (ready_count()) {
		bitmap_set(tty.line_end, (tty.tail - 1) % TTY_BUF);
		tty.lines = 1;
	}
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
	if (was_canonical != lflag(ICANON))
		change_mode(lflag(ICANON));
	spin_unlock_irqrestore(&tty.lock, flags);
	wake_up(&tty.readers, WAKE_ALL);
	poll_notify();
	return 0;
}

/* TIOCSWINSZ: a new size is news for the foreground group (SIGWINCH), as on Linux. */
static long set_window_size(uintptr_t arg)
{
	struct winsize size;
	if (!copy_from_user(&size, arg, sizeof size))
		return -EFAULT;
	uint64_t flags = spin_lock_irqsave(&tty.lock);
	bool changed = memcmp(&size, &tty.size, sizeof size) != 0;
	tty.size = size;
	int pgrp = tty.fg_pgrp;
	spin_unlock_irqrestore(&tty.lock, flags);
	if (changed && send_signal && pgrp > 0)
		send_signal(pgrp, SIGWINCH);
	return 0;
}

/* TCFLSH: input can be flushed; output never waits anywhere to be. */
static long flush(uintptr_t which)
{
	if (which != TCIFLUSH && which != TCOFLUSH && which != TCIOFLUSH)
		return -EINVAL;
	if (which != TCOFLUSH) {
		uint64_t flags = spin_lock_irqsave(&tty.lock);
		flush_input();
		spin_unlock_irqrestore(&tty.lock, flags);
	}
	return 0;
}

/* FIONREAD: bytes a read could take now (finished lines in canonical mode). */
static int bytes_waiting(void)
{
	int n = 0;
	for (unsigned i = tty.head; i != tty.tail; i++)
		n += !(bitmap_test(tty.line_end, i % TTY_BUF) && tty.ready[i % TTY_BUF] == 0);
	return n;
}

/* The value a "get" ioctl reports, read under the lock, then copied out. */
static long get_value(unsigned cmd, uintptr_t arg)
{
	union {
		struct termios termios;
		struct winsize size;
		int number;
	} v;
	size_t size = sizeof v.number;
	uint64_t flags = spin_lock_irqsave(&tty.lock);
	switch (cmd) {
	case TCGETS:
		v.termios = tty.termios;
		size = sizeof v.termios;
		break;
	case TIOCGWINSZ:
		v.size = tty.size;
		size = sizeof v.size;
		break;
	case TIOCGPGRP: v.number = tty.fg_pgrp; break;
	case TIOCINQ: v.number = bytes_waiting(); break;
	default: v.number = 0; /* TIOCOUTQ: nothing waits to go out; TIOCGETD: N_TTY */
	}
	spin_unlock_irqrestore(&tty.lock, flags);
	return copy_to_user(arg, &v, size) ? 0 : -EFAULT;
}

static long tty_ioctl(struct file *f, unsigned cmd, uintptr_t arg)
{
	(void)f;
	switch (cmd) {
	case TCGETS:
	case TIOCGWINSZ:
	case TIOCGPGRP:
	case TIOCINQ:
	case TIOCOUTQ:
	case TIOCGETD: return get_value(cmd, arg);
	case TCSETS:
	case TCSETSW: /* output is never held back, so there is nothing to drain */
	case TCSETSF: return set_termios(arg, cmd);
	case TIOCSWINSZ: return set_window_size(arg);
	case TCFLSH: return flush(arg);
	case TCSBRK:
	case TCSBRKP: return 0; /* tcdrain, tcsendbreak: nothing to drain, no line to break */
	case TCXONC: return arg <= TCION ? 0 : -EINVAL; /* no flow control */
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

/* Readable when a read would not wait (a line; VMIN bytes, or one if VTIME is set;
 * or end of file); output never waits. */
static unsigned tty_poll(struct file *f)
{
	(void)f;
	uint64_t flags = spin_lock_irqsave(&tty.lock);
	const cc_t *cc = tty.termios.c_cc;
	unsigned minimum = cc[VMIN] && !cc[VTIME] ? cc[VMIN] : 1;
	bool in = !tty.attached || input_ready(lflag(ICANON), minimum);
	spin_unlock_irqrestore(&tty.lock, flags);
	return (in ? POLLIN : 0) | POLLOUT;
}

const struct file_ops tty_ops = {.read = tty_read,
				 .write = tty_write,
				 .write_kernel = tty_write_kernel,
				 .ioctl = tty_ioctl,
				 .poll = tty_poll};
