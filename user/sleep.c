/* sleep: waits for the number of seconds given, which may have a fraction (sleep 0.25). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

/* Reads "S", "S.F" or ".F" into t, to the nanosecond; false if it is not such a number. */
static bool parse_seconds(const char *s, struct timespec *t)
{
	int digits = 0;
	t->tv_sec = 0;
	t->tv_nsec = 0;
	for (; *s >= '0' && *s <= '9'; s++, digits++)
		t->tv_sec = t->tv_sec * 10 + (*s - '0');
	if (*s == '.') {
		long scale = 100000000;
		for (s++; *s >= '0' && *s <= '9'; s++, digits++, scale /= 10)
			t->tv_nsec += (*s - '0') * scale;
	}
	return *s == '\0' && digits > 0 && t->tv_sec < 1000000000;
}

int main(int argc, char **argv)
{
	struct timespec left;
	if (argc != 2 || !parse_seconds(argv[1], &left)) {
		dprintf(2, "usage: sleep seconds\n");
		return 1;
	}
	/* A signal that is caught cuts a nanosleep short; sleep the rest. */
	while (nanosleep(&left, &left) < 0)
		if (errno != EINTR)
			return 1;
	return 0;
}
