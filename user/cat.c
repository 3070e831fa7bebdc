/* cat: copies each file named, or stdin if none is (or for "-"), to stdout. A file that
 * cannot be read is reported, and the others are still copied. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buffer[16384];

static bool write_all(const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(1, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		data += n;
		len -= n;
	}
	return true;
}

/* Copies fd to stdout; a failed write ends cat, as there is no use going on. */
static bool copy(int fd, const char *name)
{
	for (;;) {
		ssize_t n = read(fd, buffer, sizeof buffer);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			dprintf(2, "cat: %s: %s\n", name, strerror(errno));
			return false;
		}
		if (n == 0)
			return true;
		if (!write_all(buffer, n)) {
			dprintf(2, "cat: write error: %s\n", strerror(errno));
			_exit(1);
		}
	}
}

/* Copies one named file, or stdin for "-"; returns 0, or 1 if it could not be read. */
static int cat_file(const char *name)
{
	if (strcmp(name, "-") == 0)
		return copy(0, name) ? 0 : 1;
	int fd = open(name, O_RDONLY);
	if (fd < 0) {
		dprintf(2, "cat: %s: %s\n", name, strerror(errno));
		return 1;
	}
	bool ok = copy(fd, name);
	close(fd);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return cat_file("-");
	int status = 0;
	for (int i = 1; i < argc; i++)
		status |= cat_file(argv[i]);
	return status;
}
