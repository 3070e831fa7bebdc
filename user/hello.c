/* A first user program: arguments, environment and auxiliary vector as the kernel
 * laid them out, thread-local storage (errno), the heap (brk), then an exit code.
 * tests/test_user.py runs it on Keel and checks each line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp)
{
	printf("hello from user space, pid %d\n", getpid());
	for (int i = 0; i < argc; i++)
		printf("argv[%d] = %s\n", i, argv[i]);
	for (char **e = envp; *e; e++)
		printf("env %s\n", *e);
	printf("auxv: page size %lu, random bytes %s, entry %s\n", getauxval(AT_PAGESZ),
	       getauxval(AT_RANDOM) ? "given" : "missing",
	       getauxval(AT_ENTRY) ? "given" : "missing");

	errno = 0;
	if (write(99, "x", 1) < 0)
		printf("write to fd 99: %s\n", strerror(errno));
	if (write(1, (void *)0x10, 1) < 0)
		printf("write from address 0x10: %s\n", strerror(errno));

	char *heap = malloc(100000);
	if (heap) {
		memset(heap, 'k', 100000);
		printf("malloc(100000): ok, last byte %c\n", heap[99999]);
	} else {
		printf("malloc(100000): failed\n");
	}
	return 3;
}
