/* ttytest: the terminal's termios, step by step, for a driver on the other end of the
 * line (tests/test_busybox.py) that waits for each "ready" and types what that step
 * needs. Canonical editing and its echo (ERASE, KILL, WERASE, tabs, ^V, ^R, EOF,
 * EOL, ECHOCTL, ECHOE, ECHOK, ECHONL), input translation, raw mode's four VMIN and
 * VTIME cases, poll, O_NONBLOCK, FIONREAD, TCSETSF and tcflush, changes of mode,
 * ^C with and without NOFLSH, the window size and SIGWINCH, output processing.
 * The same binary runs on Linux under a pseudo-terminal, and the bytes the two
 * terminals send back (program output and echo) must be the same. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static struct termios saved;
static volatile sig_atomic_t winches, interrupts;

static void say(const char *text)
{
	write(1, text, strlen(text));
}

/* The bytes of a read, with what is not printable escaped. */
static void show(const char *what, const char *buf, long n)
{
	char line[512];
	int len = snprintf(line, sizeof line, "%s: %ld \"", what, n);
	for (long i = 0; i < n && len < (int)sizeof line - 8; i++) {
		unsigned char c = (unsigned char)buf[i];
		len += c >= ' ' && c < 0x7F && c != '"' && c != '\\'
			       ? snprintf(line + len, sizeof line - len, "%c", c)
			       : snprintf(line + len, sizeof line - len, "\\x%02x", c);
	}
	snprintf(line + len, sizeof line - len, "\"\n");
	say(line);
}

static void pause_ms(int ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&t, 0);
}

static long read_once(const char *what)
{
	char buf[256];
	long n = read(0, buf, sizeof buf);
	if (n < 0) {
		if (errno == EINTR) /* Linux's ^C flushes output not yet out: ours too */
			pause_ms(100);
		char line[80];
		snprintf(line, sizeof line, "%s: %s\n", what, errno == EINTR ? "EINTR" :
			 errno == EAGAIN ? "EAGAIN" : strerror(errno));
		say(line);
		return n;
	}
	show(what, buf, n);
	return n;
}

/* A step that needs typing: the driver types its keys when it sees "NAME: ready". */
static void ask(const char *name)
{
	printf("%s: ready\n", name);
	read_once("line");
}

static long elapsed_ms(const struct timespec *since)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

static int waiting(void)
{
	int n = -1;
	ioctl(0, FIONREAD, &n);
	return n;
}

static void set(tcflag_t lflag, tcflag_t iflag, tcflag_t oflag, int vmin, int vtime, int action)
{
	struct termios t = saved;
	t.c_lflag = lflag;
	t.c_iflag = iflag;
	t.c_oflag = oflag;
	t.c_cc[VMIN] = vmin;
	t.c_cc[VTIME] = vtime;
	tcsetattr(0, action, &t);
}

#define COOKED (ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN)
#define RAW_L  (ISIG | IEXTEN)

static void canonical(void)
{
	set(COOKED, ICRNL, OPOST | ONLCR, 1, 0, TCSANOW);
	ask("erase");
	ask("kill");
	ask("word erase");
	say("tab erase: ready\n> ");
	read_once("line");
	ask("literal next");
	ask("reprint");
	ask("control echo");
	ask("end of file");
	ask("end of file again");
	struct termios t;
	tcgetattr(0, &t);
	t.c_cc[VEOL] = ';';
	tcsetattr(0, TCSANOW, &t);
	ask("end of line");
	read_once("line");
}

static void echo_flags(void)
{
	set(COOKED & ~ECHOE, ICRNL, OPOST | ONLCR, 1, 0, TCSANOW);
	ask("no ECHOE");
	set(COOKED & ~ECHOKE, ICRNL, OPOST | ONLCR, 1, 0, TCSANOW);
	ask("no ECHOKE");
	set((COOKED & ~ECHO) | ECHONL, ICRNL, OPOST | ONLCR, 1, 0, TCSANOW);
	ask("no ECHO, ECHONL");
}

static void input_flags(void)
{
	set(ICANON | ECHO, INLCR, OPOST | ONLCR, 1, 0, TCSANOW);
	ask("INLCR");
	set(ICANON | ECHO, IGNCR, OPOST | ONLCR, 1, 0, TCSANOW);
	ask("IGNCR");
	set(ICANON, ICRNL | ISTRIP, OPOST | ONLCR, 1, 0, TCSANOW);
	ask("ISTRIP");
}

static void raw(void)
{
	struct timespec start;
	set(RAW_L, 0, OPOST | ONLCR, 1, 0, TCSANOW);
	ask("VMIN 1");
	set(RAW_L, 0, OPOST | ONLCR, 3, 0, TCSANOW);
	say("VMIN 3: ready\n");
	struct pollfd p = {0, POLLIN, 0};
	int r = poll(&p, 1, 300);
	printf("poll with 2 of 3: %d, FIONREAD %d\n", r, waiting());
	say("the third: ready\n");
	printf("poll: %d\n", poll(&p, 1, -1));
	read_once("line");
	set(RAW_L, 0, OPOST | ONLCR, 0, 0, TCSANOW);
	read_once("VMIN 0, VTIME 0, nothing typed");
	set(RAW_L, 0, OPOST | ONLCR, 0, 3, TCSANOW);
	clock_gettime(CLOCK_MONOTONIC, &start);
	read_once("VMIN 0, VTIME 3, nothing typed");
	long ms = elapsed_ms(&start);
	printf("it waited %s\n", ms >= 250 && ms < 2000 ? "about 0.3 s" : "otherwise");
	ask("VMIN 0, VTIME 3");
	set(RAW_L, 0, OPOST | ONLCR, 5, 2, TCSANOW);
	ask("VMIN 5, VTIME 2");
	set(RAW_L, 0, OPOST | ONLCR, 1, 0, TCSANOW);
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	read_once("O_NONBLOCK, nothing typed");
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) & ~O_NONBLOCK);
	set(RAW_L | ECHO | ECHOCTL, 0, OPOST | ONLCR, 1, 0, TCSANOW);
	ask("raw echo");
}

/* Waits until what the driver types after "ready" has come (raw mode, VMIN 1). */
static void typed_ahead(const char *step)
{
	set(RAW_L, 0, OPOST | ONLCR, 1, 0, TCSANOW);
	printf("%s: ready\n", step);
	struct pollfd p = {0, POLLIN, 0};
	poll(&p, 1, -1);
	pause_ms(200);
}

static void flushes_and_modes(void)
{
	typed_ahead("TCSETSF");
	set(COOKED, ICRNL, OPOST | ONLCR, 1, 0, TCSAFLUSH);
	ask("flushed");
	typed_ahead("tcflush");
	tcflush(0, TCIFLUSH);
	printf("after tcflush, FIONREAD %d\n", waiting());
	typed_ahead("raw to canonical");
	set(ICANON, ICRNL, OPOST | ONLCR, 1, 0, TCSANOW);
	read_once("line");
	set(COOKED, ICRNL, OPOST | ONLCR, 1, 0, TCSANOW);
	say("canonical to raw: ready\n");
	pause_ms(300);
	printf("canonical FIONREAD %d\n", waiting());
	set(RAW_L, 0, OPOST | ONLCR, 0, 0, TCSANOW);
	read_once("line");
}

static void on_signal(int sig)
{
	if (sig == SIGWINCH)
		winches++;
	else
		interrupts++;
}

static void signals(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, 0);
	set(COOKED, ICRNL, OPOST | ONLCR, 1, 0, TCSANOW);
	ask("^C");
	printf("SIGINT %d, FIONREAD %d\n", (int)interrupts, waiting());
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, 0);
	set(COOKED | NOFLSH, ICRNL, OPOST | ONLCR, 1, 0, TCSANOW);
	ask("^C, NOFLSH");
	printf("SIGINT %d\n", (int)interrupts);
	signal(SIGINT, SIG_DFL);

	sa.sa_flags = 0;
	sigaction(SIGWINCH, &sa, 0);
	struct winsize old, size = {40, 100, 0, 0}, got;
	ioctl(0, TIOCGWINSZ, &old);
	ioctl(0, TIOCSWINSZ, &size);
	ioctl(0, TIOCSWINSZ, &size);
	ioctl(0, TIOCGWINSZ, &got);
	printf("window %dx%d, SIGWINCH %d\n", got.ws_col, got.ws_row, (int)winches);
	ioctl(0, TIOCSWINSZ, &old);
	signal(SIGWINCH, SIG_DFL);
}

static void output(void)
{
	set(COOKED, ICRNL, OPOST | ONLCR | XTABS, 1, 0, TCSADRAIN);
	say("tabs\tas\tspaces\n");
	set(COOKED, ICRNL, OPOST | ONLCR | OLCUC, 1, 0, TCSANOW);
	say("upper case\n");
	set(COOKED, ICRNL, OPOST | ONLCR | ONOCR, 1, 0, TCSANOW);
	say("\rno CR at column 0\n");
	set(COOKED, ICRNL, OPOST | OCRNL, 1, 0, TCSANOW);
	say("CR as NL\r");
	set(COOKED, ICRNL, 0, 1, 0, TCSANOW);
	say("raw\r\n");
	tcdrain(1);
}

int main(void)
{
	if (tcgetattr(0, &saved) != 0) {
		perror("ttytest: tcgetattr");
		return 1;
	}
	setvbuf(stdout, 0, _IONBF, 0);
	say("ttytest: start\n");
	canonical();
	echo_flags();
	input_flags();
	raw();
	flushes_and_modes();
	signals();
	output();
	tcsetattr(0, TCSAFLUSH, &saved);
	say("ttytest: done\n");
	return 0;
}
