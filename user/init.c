/* init: the first user program, PID 1. Keeps a shell running on the console: starts
 * /bin/sh, reaps every child that ends (orphans are given to init), and starts the shell
 * again when it exits. It opens nothing: the kernel gives it fds 0, 1 and 2.
 * For tests on a host only, the environment variable KEEL_INIT_SH names another shell. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* After this many failed starts in a row init gives up, so that the kernel reports that
 * init exited instead of init spinning. */
#define MAX_FAILED_STARTS 5

/* Starts the shell and returns its pid (or -1), and in *started whether execve worked.
 * The child reports a failed execve through a close-on-exec pipe; when execve works, the
 * pipe just closes, unwritten. So a failure is known at once, without a clock. */
static pid_t start_shell(const char *path, char **envp, bool *started)
{
	int report[2] = {-1, -1};
	pipe2(report, O_CLOEXEC);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = {"sh", NULL};
		execve(path, argv, envp);
		int error = errno;
		dprintf(2, "init: cannot run %s: %s\n", path, strerror(error));
		write(report[1], &error, sizeof error);
		_exit(1);
	}
	close(report[1]);
	int error = 0;
	if (pid < 0)
		dprintf(2, "init: fork: %s\n", strerror(errno));
	else if (report[0] >= 0)
		while (read(report[0], &error, sizeof error) < 0 && errno == EINTR)
			;
	close(report[0]);
	*started = pid > 0 && error == 0;
	return pid;
}

/* Reaps children, the shell's orphans among them, until the shell itself has ended; returns
 * its wait status. */
static int wait_for_shell(pid_t shell)
{
	for (;;) {
		int status;
		pid_t pid = wait4(-1, &status, 0, NULL);
		if (pid == shell)
			return status;
		if (pid < 0 && errno != EINTR) {
			dprintf(2, "init: wait4: %s\n", strerror(errno));
			return 0;
		}
	}
}

static void say_shell_ended(int status)
{
	if (WIFSIGNALED(status))
		dprintf(2, "init: sh exited with status signal %d, starting it again\n",
			WTERMSIG(status));
	else
		dprintf(2, "init: sh exited with status %d, starting it again\n",
			WEXITSTATUS(status));
}

int main(int argc, char **argv, char **envp)
{
	const char *shell = getenv("KEEL_INIT_SH");
	int failed_starts = 0;
	(void)argc;
	(void)argv;
	if (!shell)
		shell = "/bin/sh";
	for (;;) {
		bool started;
		pid_t pid = start_shell(shell, envp, &started);
		if (pid > 0) {
			int status = wait_for_shell(pid);
			if (started)
				say_shell_ended(status);
		}
		failed_starts = started ? 0 : failed_starts + 1;
		if (failed_starts == MAX_FAILED_STARTS) {
			dprintf(2, "init: %s failed to start %d times in a row, giving up\n", shell,
				MAX_FAILED_STARTS);
			return 1;
		}
	}
}
