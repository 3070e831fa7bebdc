/* Writes through a null pointer: the kernel must end this program with SIGSEGV and
 * a one-line report, and go on. */
#include <stdio.h>

int main(void)
{
	printf("about to write to address 0\n");
	fflush(stdout);
	*(volatile int *)0 = 1;
	printf("still here: the write did not fault\n");
	return 0;
}
