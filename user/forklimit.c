/* forklimit: forks until the kernel says no, as a fork bomb would, then lets every
 * child go and reaps them. The children wait on a pipe, so all of them are alive
 * when the limit is met. Prints
 *   forklimit: N children, then fork: ERROR
 * and exits 0 when fork failed with EAGAIN (the process limit) or ENOMEM (memory),
 * else 1. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MOST 100000 /* a kernel without a limit still stops somewhere */

int main(void)
{
	int release[2];
	if (pipe(release) != 0) {
		perror("forklimit: pipe");
		return 1;
	}
	int children = 0, error = 0;
	while (children < MOST) {
		pid_t pid = fork();
		if (pid == 0) {
			char byte;
			close(release[1]);
			read(release[0], &byte, 1); /* returns at EOF: the parent let go */
			_exit(0);
		}
		if (pid < 0) {
			error = errno;
			break;
		}
		children++;
	}
	close(release[1]);
	int reaped = 0, status;
	while (wait(&status) > 0)
		reaped += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	printf("forklimit: %d children, then fork: %s; %d reaped\n", children,
	       error ? strerror(error) : "no error", reaped);
	return (error == EAGAIN || error == ENOMEM) && reaped == children ? 0 : 1;
}
