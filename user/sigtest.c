/* sigtest: signal handlers as Linux runs them, one line per check, so that the
 * output on Keel can be compared with the output on Linux line for line (the tests
 * do: tests/test_user.py). Covers handlers with and without SA_SIGINFO, masks,
 * SA_NODEFER and SA_RESETHAND, EINTR against SA_RESTART, sigsuspend, SIGCHLD,
 * SIGPIPE, recovery from SIGSEGV, SIGILL and SIGFPE with siglongjmp, the alternate
 * stack, the FPU state kept across a handler, alarm and setitimer, stopping and
 * continuing a child. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t count, last_signal, depth, max_depth;
static volatile int last_code, last_pid;
static volatile void *last_addr;

static void say(const char *what, long value)
{
	printf("%s: %ld\n", what, value);
	fflush(stdout);
}

static void on_signal(int sig)
{
	count++;
	last_signal = sig;
}

static void on_info(int sig, siginfo_t *info, void *context)
{
	(void)context;
	count++;
	last_signal = sig;
	last_code = info->si_code;
	last_pid = info->si_pid;
	last_addr = info->si_addr;
}

static void install(int sig, void (*handler)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, 0);
}

static void install_info(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, 0);
}

static void sleep_ms(long ms)
{
	struct timespec t = {ms / 1000, ms % 1000 * 1000000};
	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

static void basic(void)
{
	install(SIGUSR1, on_signal, 0);
	count = 0;
	raise(SIGUSR1);
	say("handler ran for raise(SIGUSR1)", count);
	say("the signal it got", last_signal);
	install_info(SIGUSR2, 0);
	count = 0;
	kill(getpid(), SIGUSR2);
	say("SA_SIGINFO: si_code is SI_USER", last_code == SI_USER);
	say("SA_SIGINFO: si_pid is ours", last_pid == getpid());
}

static void masks(void)
{
	sigset_t block, pending, old;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	count = 0;
	raise(SIGUSR1);
	say("blocked: handler ran", count);
	sigpending(&pending);
	say("blocked: SIGUSR1 pending", sigismember(&pending, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, 0);
	say("unblocked: handler ran", count);
}

/* Raises its own signal from inside, twice in all: nested with SA_NODEFER, one
 * after another without (the second waits until the first returns). */
static void nested(int sig)
{
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (count++ < 2)
		raise(sig);
	depth--;
}

static void nodefer_and_resethand(void)
{
	depth = max_depth = count = 0;
	install(SIGUSR1, nested, 0);
	raise(SIGUSR1);
	say("without SA_NODEFER the handler nests to depth", max_depth);
	say("and ran this many times", count);
	depth = max_depth = count = 0;
	install(SIGUSR1, nested, SA_NODEFER);
	raise(SIGUSR1);
	say("with SA_NODEFER the handler nests to depth", max_depth);
	install(SIGUSR2, on_signal, SA_RESETHAND);
	raise(SIGUSR2);
	struct sigaction now;
	sigaction(SIGUSR2, 0, &now);
	say("SA_RESETHAND: the handler is SIG_DFL afterwards", now.sa_handler == SIG_DFL);
}

/* A child blocked in read(2) gets SIGUSR1: EINTR, or with SA_RESTART the read goes
 * on and gets the byte written after the signal. */
static void interrupted_read(int flags)
{
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		install(SIGUSR1, on_signal, flags);
		char c;
		long n = read(p[0], &c, 1);
		_exit(n == 1 ? 10 : errno == EINTR ? 20 : 30);
	}
	sleep_ms(100);
	kill(pid, SIGUSR1);
	sleep_ms(100);
	write(p[1], "x", 1);
	int status;
	waitpid(pid, &status, 0);
	say(flags ? "SA_RESTART: the read (10 = got the byte, 20 = EINTR)"
		  : "no SA_RESTART: the read (10 = got the byte, 20 = EINTR)",
	    WEXITSTATUS(status));
	close(p[0]);
	close(p[1]);
}

static void suspend(void)
{
	install(SIGUSR1, on_signal, 0);
	sigset_t block, old, wait_mask;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid_t parent = getpid();
	if (fork() == 0) {
		sleep_ms(50);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	count = 0;
	sigemptyset(&wait_mask);
	int r = sigsuspend(&wait_mask);
	say("sigsuspend returned -1 with EINTR", r == -1 && errno == EINTR);
	say("its handler ran", count);
	sigset_t now;
	sigprocmask(SIG_BLOCK, 0, &now);
	say("the mask is back: SIGUSR1 blocked", sigismember(&now, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, 0);
	wait(0);
}

static void child_exit(void)
{
	install_info(SIGCHLD, 0);
	count = 0;
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sleep_ms(20);
	say("SIGCHLD handler ran", count > 0);
	say("SIGCHLD: si_code is CLD_EXITED", last_code == CLD_EXITED);
	say("SIGCHLD: si_pid is the child's", last_pid == pid);
	install(SIGCHLD, SIG_DFL, 0);
}

static void broken_pipe(void)
{
	install(SIGPIPE, on_signal, 0);
	int p[2];
	pipe(p);
	close(p[0]);
	count = 0;
	long n = write(p[1], "x", 1);
	say("write to a pipe without readers: -1 EPIPE", n == -1 && errno == EPIPE);
	say("and SIGPIPE's handler ran", count);
	close(p[1]);
	install(SIGPIPE, SIG_DFL, 0);
}

static sigjmp_buf recovery;

static void recover(int sig, siginfo_t *info, void *context)
{
	(void)context;
	last_signal = sig;
	last_code = info->si_code;
	last_addr = info->si_addr;
	siglongjmp(recovery, 1);
}

static void faults(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = recover;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, 0);
	sigaction(SIGFPE, &sa, 0);
	sigaction(SIGILL, &sa, 0);
	volatile uintptr_t bad = 16; /* through a variable: the compiler may not see it */
	if (!sigsetjmp(recovery, 1))
		*(volatile int *)bad = 1;
	say("recovered from SIGSEGV", last_signal == SIGSEGV);
	say("SIGSEGV: si_code SEGV_MAPERR", last_code == SEGV_MAPERR);
	say("SIGSEGV: si_addr is the address", last_addr == (void *)16);
	static const char text[] = "read-only";
	if (!sigsetjmp(recovery, 1))
		*(volatile char *)text = 'X';
	say("recovered again: SEGV_ACCERR", last_signal == SIGSEGV && last_code == SEGV_ACCERR);
	if (!sigsetjmp(recovery, 1))
		__asm__ volatile("ud2");
	say("recovered from SIGILL (ILL_ILLOPN)", last_signal == SIGILL && last_code == ILL_ILLOPN);
	volatile unsigned long zero = 0;
	if (!sigsetjmp(recovery, 1)) { /* in assembly: C's 1 / 0 is undefined, not a trap */
		unsigned long q, divisor = zero;
		__asm__ volatile("xor %%edx, %%edx; divq %2"
				 : "=a"(q)
				 : "a"(1ul), "r"(divisor)
				 : "rdx");
		say("not reached", (long)q);
	}
	say("recovered from SIGFPE (FPE_INTDIV)", last_signal == SIGFPE && last_code == FPE_INTDIV);
	sigset_t now;
	sigprocmask(SIG_BLOCK, 0, &now);
	say("siglongjmp put the mask back: SIGSEGV unblocked", !sigismember(&now, SIGSEGV));
}

static char alternate[64 * 1024];

static volatile uintptr_t handler_sp;

static void where_am_i(int sig)
{
	char here;
	last_signal = sig;
	handler_sp = (uintptr_t)&here; /* only compared, never used */
}

static void alt_stack(void)
{
	stack_t ss = {alternate, 0, sizeof alternate}, old;
	say("sigaltstack set", sigaltstack(&ss, &old) == 0);
	install(SIGUSR1, where_am_i, SA_ONSTACK);
	raise(SIGUSR1);
	uintptr_t low = (uintptr_t)alternate, high = low + sizeof alternate;
	say("the handler ran on the alternate stack", handler_sp >= low && handler_sp < high);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, 0);
	raise(SIGUSR1);
	say("disabled: it ran on the normal stack", !(handler_sp >= low && handler_sp < high));
	stack_t tiny = {alternate, 0, 100};
	say("a stack under MINSIGSTKSZ: ENOMEM", sigaltstack(&tiny, 0) == -1 && errno == ENOMEM);
}

static volatile double handler_result;

static void uses_fpu(int sig)
{
	(void)sig;
	volatile double x = 1.0;
	for (int i = 0; i < 10; i++)
		x = x * 3.0 + 0.5;
	handler_result = x;
}

static void fpu_kept(void)
{
	install(SIGUSR1, uses_fpu, 0);
	volatile double a = 2.5, b = 1.25;
	double before = a * b;
	raise(SIGUSR1);
	double after = a * b;
	say("the handler's arithmetic", (long)handler_result);
	say("FPU values kept across the handler", before == after && after == 3.125);
}

static void alarms(void)
{
	install(SIGALRM, on_signal, 0);
	say("alarm(5) with none pending returns", alarm(5));
	say("alarm(0) then returns what was left, rounded up", alarm(0));
	count = 0;
	struct itimerval every = {{0, 20000}, {0, 20000}}, off = {{0, 0}, {0, 0}}, had;
	setitimer(ITIMER_REAL, &every, 0);
	while (count < 3)
		pause(); /* each SIGALRM's handler ends it with EINTR */
	setitimer(ITIMER_REAL, &off, &had);
	say("a 20 ms interval timer fired 3 times", count >= 3);
	say("and its interval read back", had.it_interval.tv_usec);
	getitimer(ITIMER_REAL, &had);
	say("stopped: nothing left", had.it_value.tv_sec + had.it_value.tv_usec);
	install(SIGALRM, SIG_DFL, 0);
}

/* Job control's signals: SIGSTOP and SIGTSTP stop a child, SIGCONT continues it;
 * wait4 reports both (WUNTRACED, WCONTINUED) and SIGCHLD says CLD_STOPPED and
 * CLD_CONTINUED, unless SA_NOCLDSTOP; SIGKILL ends a stopped child. */
static void stop_and_continue(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	/* A group of its own, whose parent is in another group of the session: not
	 * orphaned, so the terminal's stop signals stop it (an orphan's are dropped). */
	setpgid(pid, pid);
	int status;
	count = 0;
	install_info(SIGCHLD, 0);
	kill(pid, SIGSTOP);
	say("wait4 WUNTRACED reports the stop", waitpid(pid, &status, WUNTRACED) == pid);
	say("WIFSTOPPED", WIFSTOPPED(status));
	say("WSTOPSIG", WSTOPSIG(status));
	say("SIGCHLD: CLD_STOPPED", count > 0 && last_code == CLD_STOPPED);
	say("a stop is reported once", waitpid(pid, &status, WUNTRACED | WNOHANG));
	count = 0;
	kill(pid, SIGCONT);
	say("wait4 WCONTINUED reports the continue", waitpid(pid, &status, WCONTINUED) == pid);
	say("WIFCONTINUED", WIFCONTINUED(status));
	/* Linux tells the parent of the continue when the child runs again, which may be
	 * after wait4 has seen it: give the signal a moment. */
	for (int i = 0; i < 500 && count == 0; i++)
		usleep(1000);
	say("SIGCHLD: CLD_CONTINUED", count > 0 && last_code == CLD_CONTINUED);
	install(SIGCHLD, SIG_DFL, SA_NOCLDSTOP);
	count = 0;
	kill(pid, SIGTSTP);
	waitpid(pid, &status, WUNTRACED);
	say("SIGTSTP stops it too, WSTOPSIG", WSTOPSIG(status));
	say("SA_NOCLDSTOP: no SIGCHLD", count);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	say("SIGKILL ends a stopped child", WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	install(SIGCHLD, SIG_DFL, 0);
}

int main(void)
{
	setvbuf(stdout, 0, _IOLBF, 0);
	basic();
	masks();
	nodefer_and_resethand();
	interrupted_read(0);
	interrupted_read(SA_RESTART);
	suspend();
	child_exit();
	broken_pipe();
	faults();
	alt_stack();
	fpu_kept();
	alarms();
	stop_and_continue();
	printf("sigtest: done\n");
	return 0;
}
