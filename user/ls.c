/* ls: lists directories, sorted by name: one name a line, or in columns on a terminal.
 * -l adds the mode, link count and size, and a symbolic link's target; -a shows the names
 * that start with a dot. A file that is not a directory lists itself. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ENTRIES 4096

static bool long_format, show_all;
static int status;

/* The names being listed; those read from a directory are kept in name_space. */
static const char *entries[MAX_ENTRIES];
static int nentries;
static char name_space[65536];
static size_t name_space_used;

static void fail(const char *name, int error)
{
	dprintf(2, "ls: %s: %s\n", name, strerror(error));
	status = 1;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char type_char(mode_t mode)
{
	if (S_ISDIR(mode))
		return 'd';
	if (S_ISLNK(mode))
		return 'l';
	if (S_ISCHR(mode))
		return 'c';
	if (S_ISBLK(mode))
		return 'b';
	if (S_ISFIFO(mode))
		return 'p';
	if (S_ISSOCK(mode))
		return 's';
	return '-';
}

/* Writes mode as ls -l shows it, e.g. drwxr-xr-x, into text (11 bytes). */
static void mode_string(mode_t mode, char *text)
{
	text[0] = type_char(mode);
	for (int i = 0; i < 9; i++)
		text[1 + i] = mode & (0400 >> i) ? "rwxrwxrwx"[i] : '-';
	if (mode & S_ISUID)
		text[3] = text[3] == 'x' ? 's' : 'S';
	if (mode & S_ISGID)
		text[6] = text[6] == 'x' ? 's' : 'S';
	if (mode & S_ISVTX)
		text[9] = text[9] == 'x' ? 't' : 'T';
	text[10] = '\0';
}

/* Prints one name in the long format; path is where to find it (dir/name). */
static void print_long(const char *path, const char *name)
{
	struct stat st;
	char mode[11];
	if (lstat(path, &st) < 0) {
		fail(path, errno);
		return;
	}
	mode_string(st.st_mode, mode);
	printf("%s %2lu %8lld %s", mode, (unsigned long)st.st_nlink, (long long)st.st_size, name);
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t len = readlink(path, target, sizeof target - 1);
		if (len >= 0)
			printf(" -> %.*s", (int)len, target);
	}
	putchar('\n');
}

/* The terminal's width, or 0 if stdout is not a terminal. */
static int terminal_width(void)
{
	struct winsize ws;
	if (ioctl(1, TIOCGWINSZ, &ws) < 0)
		return 0;
	return ws.ws_col ? ws.ws_col : 80;
}

/* Prints the names down columns, as many columns as fit in width. */
static void print_columns(int width)
{
	int widest = 0;
	for (int i = 0; i < nentries; i++)
		if ((int)strlen(entries[i]) > widest)
			widest = strlen(entries[i]);
	int column_width = widest + 2;
	int columns = width / column_width > 0 ? width / column_width : 1;
	int rows = (nentries + columns - 1) / columns;
	for (int row = 0; row < rows; row++) {
		for (int i = row; i < nentries; i += rows) {
			bool last = i + rows >= nentries;
			printf("%-*s", last ? 0 : column_width, entries[i]);
		}
		putchar('\n');
	}
}

/* Sorts and prints the entries; dir (or NULL for names given as arguments) is where
 * they are. */
static void print_entries(const char *dir)
{
	qsort(entries, nentries, sizeof entries[0], compare_names);
	int width = long_format ? 0 : terminal_width();
	if (width > 0) {
		print_columns(width);
		return;
	}
	for (int i = 0; i < nentries; i++) {
		if (!long_format) {
			printf("%s\n", entries[i]);
			continue;
		}
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s%s%s", dir ? dir : "", dir ? "/" : "", entries[i]);
		print_long(path, entries[i]);
	}
}

static bool add_name(const char *name)
{
	size_t size = strlen(name) + 1;
	if (nentries == MAX_ENTRIES || size > sizeof name_space - name_space_used)
		return false;
	entries[nentries++] = memcpy(name_space + name_space_used, name, size);
	name_space_used += size;
	return true;
}

/* Reads a directory's names with getdents64 and prints them. */
static void list_dir(const char *path)
{
	static char buffer[4096];
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		fail(path, errno);
		return;
	}
	nentries = 0;
	name_space_used = 0;
	int n;
	while ((n = getdents(fd, (struct dirent *)buffer, sizeof buffer)) > 0) {
		for (int at = 0; at < n;) {
			struct dirent *d = (struct dirent *)(buffer + at);
			at += d->d_reclen;
			if ((d->d_name[0] != '.' || show_all) && !add_name(d->d_name)) {
				fail(path, ENOMEM);
				n = 0;
				break;
			}
		}
	}
	if (n < 0)
		fail(path, errno);
	close(fd);
	print_entries(path);
}

enum operand { MISSING, PLAIN, DIRECTORY };

/* How a name given as an argument is listed. Like GNU ls, -l shows a symbolic link itself,
 * and without -l, what it points at. */
static enum operand classify(const char *name)
{
	struct stat st;
	if (lstat(name, &st) < 0) {
		fail(name, errno);
		return MISSING;
	}
	if (S_ISLNK(st.st_mode) && !long_format && stat(name, &st) < 0)
		return PLAIN;
	return S_ISDIR(st.st_mode) ? DIRECTORY : PLAIN;
}

/* Lists the files named first, together, then each directory named. */
static void list_operands(char **names, int n)
{
	enum operand kinds[n];
	qsort(names, n, sizeof names[0], compare_names);
	nentries = 0;
	for (int i = 0; i < n; i++) {
		kinds[i] = classify(names[i]);
		if (kinds[i] == PLAIN && nentries < MAX_ENTRIES)
			entries[nentries++] = names[i];
	}
	print_entries(NULL);
	bool printed = nentries > 0;
	for (int i = 0; i < n; i++) {
		if (kinds[i] != DIRECTORY)
			continue;
		if (n > 1)
			printf("%s%s:\n", printed ? "\n" : "", names[i]);
		list_dir(names[i]);
		printed = true;
	}
}

int main(int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		for (const char *flag = argv[i] + 1; *flag; flag++) {
			if (*flag == 'l') {
				long_format = true;
			} else if (*flag == 'a') {
				show_all = true;
			} else {
				dprintf(2, "ls: -%c: unknown option\n", *flag);
				dprintf(2, "usage: ls [-al] [file...]\n");
				return 2;
			}
		}
	}
	if (i == argc)
		list_dir(".");
	else
		list_operands(argv + i, argc - i);
	return status;
}
