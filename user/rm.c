/* rm: removes files. -r removes directories and everything in them; -f says nothing of
 * files that do not exist (and rm then succeeds). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool recursive, force;

static int fail(const char *path, int error)
{
	if (force && error == ENOENT)
		return 0;
	dprintf(2, "rm: %s: %s\n", path, strerror(error));
	return 1;
}

static int remove_path(const char *path);

/* Removes what is in a directory, reading it as it goes, as busybox rm does: POSIX has
 * readdir return each name that is not removed meanwhile, once. */
static int empty_directory(const char *path)
{
	char buffer[4096];
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fail(path, errno);
	int status = 0, n;
	while ((n = getdents(fd, (struct dirent *)buffer, sizeof buffer)) > 0) {
		for (int at = 0; at < n;) {
			struct dirent *d = (struct dirent *)(buffer + at);
			at += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				continue;
			char child[PATH_MAX];
			snprintf(child, sizeof child, "%s/%s", path, d->d_name);
			status |= remove_path(child);
		}
	}
	if (n < 0)
		status = fail(path, errno);
	close(fd);
	return status;
}

static bool is_dot_or_dot_dot(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *last = slash ? slash + 1 : path;
	return strcmp(last, ".") == 0 || strcmp(last, "..") == 0;
}

static int remove_path(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return fail(path, errno);
	if (!S_ISDIR(st.st_mode))
		return unlink(path) == 0 ? 0 : fail(path, errno);
	if (!recursive)
		return fail(path, EISDIR);
	if (is_dot_or_dot_dot(path)) {
		dprintf(2, "rm: %s: will not remove . or ..\n", path);
		return 1;
	}
	/* What could not be emptied has been reported; rmdir would only add "not empty". */
	if (empty_directory(path) != 0)
		return 1;
	return rmdir(path) == 0 ? 0 : fail(path, errno);
}

static int usage(void)
{
	dprintf(2, "usage: rm [-rf] file...\n");
	return 1;
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
			if (*flag == 'r' || *flag == 'R') {
				recursive = true;
			} else if (*flag == 'f') {
				force = true;
			} else {
				dprintf(2, "rm: -%c: unknown option\n", *flag);
				return usage();
			}
		}
	}
	if (i == argc && !force)
		return usage();
	int status = 0;
	for (; i < argc; i++)
		status |= remove_path(argv[i]);
	return status;
}
