/* wc: counts the lines, words and bytes of each file named, or of stdin ("-" too), and
 * their totals. -l, -w and -c choose which counts to show; the columns are as wide as
 * GNU wc makes them, and a single count of a single input has no padding at all. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct counts {
	unsigned long long lines, words, bytes;
};

static bool show_lines, show_words, show_bytes;
static int width;

static bool count(int fd, struct counts *c)
{
	static char buffer[16384];
	bool in_word = false;
	for (;;) {
		ssize_t n = read(fd, buffer, sizeof buffer);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0;
		c->bytes += n;
		for (ssize_t i = 0; i < n; i++) {
			unsigned char ch = buffer[i];
			if (ch == '\n')
				c->lines++;
			if (!isspace(ch) && !in_word)
				c->words++;
			in_word = !isspace(ch);
		}
	}
}

static void print_counts(const struct counts *c, const char *name)
{
	const unsigned long long values[] = {c->lines, c->words, c->bytes};
	const bool shown[] = {show_lines, show_words, show_bytes};
	const char *separator = "";
	for (int i = 0; i < 3; i++) {
		if (!shown[i])
			continue;
		printf("%s%*llu", separator, width, values[i]);
		separator = " ";
	}
	if (name)
		printf(" %s", name);
	putchar('\n');
}

/* GNU wc's column width: wide enough for the total size of the regular files, and at
 * least 7 if any input is something else (a pipe, a terminal), whose size is unknown. */
static int column_width(char **names, int n)
{
	if (n <= 1 && show_lines + show_words + show_bytes == 1)
		return 1;
	int digits = 1, least = 1;
	unsigned long long size = 0;
	for (int i = 0; i < (n > 0 ? n : 1); i++) {
		struct stat st;
		bool is_stdin = n == 0 || strcmp(names[i], "-") == 0;
		if ((is_stdin ? fstat(0, &st) : stat(names[i], &st)) < 0)
			continue;
		if (S_ISREG(st.st_mode))
			size += st.st_size;
		else
			least = 7;
	}
	for (; size >= 10; size /= 10)
		digits++;
	return digits > least ? digits : least;
}

/* Counts one input and prints its line; returns 0, or 1 if it could not be read. */
static int wc_file(const char *name, struct counts *total)
{
	struct counts c = {0, 0, 0};
	bool is_stdin = strcmp(name, "-") == 0;
	int fd = is_stdin ? 0 : open(name, O_RDONLY);
	if (fd < 0 || !count(fd, &c)) {
		dprintf(2, "wc: %s: %s\n", name, strerror(errno));
		if (fd > 0)
			close(fd);
		return 1;
	}
	if (!is_stdin)
		close(fd);
	print_counts(&c, name);
	total->lines += c.lines;
	total->words += c.words;
	total->bytes += c.bytes;
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (const char *flag = argv[i] + 1; *flag; flag++) {
			if (*flag == 'l') {
				show_lines = true;
			} else if (*flag == 'w') {
				show_words = true;
			} else if (*flag == 'c') {
				show_bytes = true;
			} else {
				dprintf(2, "wc: -%c: unknown option\n", *flag);
				dprintf(2, "usage: wc [-lwc] [file...]\n");
				return 1;
			}
		}
	}
	if (!show_lines && !show_words && !show_bytes)
		show_lines = show_words = show_bytes = true;
	char **names = argv + i;
	int nnames = argc - i;
	width = column_width(names, nnames);
	struct counts total = {0, 0, 0};
	if (nnames == 0) {
		if (!count(0, &total)) {
			dprintf(2, "wc: -: %s\n", strerror(errno));
			return 1;
		}
		print_counts(&total, NULL);
		return 0;
	}
	int status = 0;
	for (int n = 0; n < nnames; n++)
		status |= wc_file(names[n], &total);
	if (nnames > 1)
		print_counts(&total, "total");
	return status;
}
