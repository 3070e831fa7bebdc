/* kill: sends a signal (TERM unless one is named) to processes: kill [-SIG] pid...,
 * where SIG is a number or a name, with or without SIG in front (-9, -KILL, -SIGKILL).
 * kill -l lists the names. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Linux's x86-64 signal numbers, from <asm/signal.h>: names[n] is signal n. */
static const char *const names[] = {
	[SIGHUP] = "HUP",   [SIGINT] = "INT",	    [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
	[SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",	    [SIGBUS] = "BUS",	[SIGFPE] = "FPE",
	[SIGKILL] = "KILL", [SIGUSR1] = "USR1",	    [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM",	    [SIGTERM] = "TERM", [SIGSTKFLT] = "STKFLT",
	[SIGCHLD] = "CHLD", [SIGCONT] = "CONT",	    [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
	[SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU",	    [SIGURG] = "URG",	[SIGXCPU] = "XCPU",
	[SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH",
	[SIGIO] = "IO",	    [SIGPWR] = "PWR",	    [SIGSYS] = "SYS",
};

#define NSIGNALS (int)(sizeof names / sizeof names[0])

/* Returns the number of the signal that spec names (a number up to 64, or a name), or -1. */
static int parse_signal(const char *spec)
{
	char *end;
	long n = strtol(spec, &end, 10);
	if (end != spec && *end == '\0')
		return n >= 0 && n <= 64 ? n : -1;
	if (strncasecmp(spec, "SIG", 3) == 0)
		spec += 3;
	for (int i = 1; i < NSIGNALS; i++)
		if (strcasecmp(spec, names[i]) == 0)
			return i;
	return -1;
}

static void list_signals(void)
{
	for (int i = 1; i < NSIGNALS; i++)
		printf("%2d %s\n", i, names[i]);
}

int main(int argc, char **argv)
{
	int signo = SIGTERM;
	int i = 1;
	if (i < argc && strcmp(argv[i], "-l") == 0) {
		list_signals();
		return 0;
	}
	if (i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0) {
		signo = parse_signal(argv[i] + 1);
		if (signo < 0) {
			dprintf(2, "kill: %s: unknown signal\n", argv[i] + 1);
			return 1;
		}
		i++;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i == argc) {
		dprintf(2, "usage: kill [-SIG] pid...\n       kill -l\n");
		return 1;
	}
	int status = 0;
	for (; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);
		if (end == argv[i] || *end != '\0') {
			dprintf(2, "kill: %s: not a process id\n", argv[i]);
			status = 1;
		} else if (kill(pid, signo) < 0) {
			dprintf(2, "kill: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}
