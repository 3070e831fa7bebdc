/* echo: writes its arguments, separated by spaces and ended by a newline; -n leaves out
 * the newline. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	int i = 1;
	int newline = 1;
	while (i < argc && strcmp(argv[i], "-n") == 0) {
		newline = 0;
		i++;
	}
	for (int first = i; i < argc; i++) {
		if (i > first)
			putchar(' ');
		fputs(argv[i], stdout);
	}
	if (newline)
		putchar('\n');
	/* A write error (a closed pipe, a full disk) is echo's failure too. */
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
