/* mkdir: makes directories. With -p it makes any missing parents too, and a directory
 * that already exists is not an error. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static bool make_parents;

static bool is_directory(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Makes each directory on the way to path, ignoring those that exist; mkdir of path
 * itself then says whether something in the way was not a directory. */
static void make_ancestors(const char *path)
{
	char prefix[PATH_MAX];
	snprintf(prefix, sizeof prefix, "%s", path);
	for (char *slash = strchr(prefix + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(prefix, 0777);
		*slash = '/';
	}
}

static int make_directory(const char *path)
{
	if (make_parents)
		make_ancestors(path);
	if (mkdir(path, 0777) == 0)
		return 0;
	if (errno == EEXIST && make_parents && is_directory(path))
		return 0;
	dprintf(2, "mkdir: %s: %s\n", path, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	int i = 1;
	if (i < argc && strcmp(argv[i], "-p") == 0) {
		make_parents = true;
		i++;
	}
	if (i == argc) {
		dprintf(2, "usage: mkdir [-p] directory...\n");
		return 1;
	}
	int status = 0;
	for (; i < argc; i++)
		status |= make_directory(argv[i]);
	return status;
}
