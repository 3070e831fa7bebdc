/* Loading a program into a new address space: a static ELF file (ET_EXEC, or ET_DYN
 * without an interpreter), or a "#!" script whose interpreter is. The arguments
 * and environment travel in a struct exec_args, copied once from the caller. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct inode;
struct mm;

/* Linux's limits (include/uapi/linux/binfmts.h, fs/exec.c): one string at most 32
 * pages; all of them at most a quarter of the stack limit. */
#define ARG_STRING_MAX (32 * 4096)
#define ARG_TOTAL_MAX  (8ul << 20) / 4

/* argv's strings then envp's, each with its NUL, one after the other in `strings`. */
struct exec_args {
	char *strings;
	size_t used, room;
	int argc, envc;
};

/* Appends one string (from the kernel); -E2BIG past the limits, -ENOMEM. Add every
 * argv string before the first envp one (`env` false, then true). */
int exec_args_add(struct exec_args *a, const char *s, size_t len, bool env);
/* Prepends to argv (a script's interpreter, its argument): shifts the rest. */
int exec_args_prepend(struct exec_args *a, const char *s, size_t len);
void exec_args_free(struct exec_args *a);

/* What /proc shows of the program a process runs: the path of its file, links
 * resolved (/proc/PID/exe), and its argv (/proc/PID/cmdline). Made by exec, shared by
 * fork and never changed; the last holder frees it. */
#define PROGRAM_ARGS_MAX (32 * 1024) /* argv bytes kept; Linux keeps them all */
struct program {
	int refs;
	char *path;
	size_t args_size; /* argv's strings, each with its NUL */
	char args[];
};

struct program *program_get(struct program *program);
void program_put(struct program *program); /* NULL is fine */

struct exec_result {
	struct mm *mm;
	uint64_t entry, rsp;
	char name[16]; /* the file name's last part, for ps and reports */
	struct program *program;
};

/* Loads `path` (relative to `cwd`) into a new mm with its first stack; the caller
 * installs it. 0 or -errno: ENOENT, EACCES (not a regular file, no execute bit),
 * ENOEXEC (not a program of ours), E2BIG, ENOMEM, ELOOP (scripts nested too deep). */
int exec_load(struct inode *cwd, const char *path, struct exec_args *args, struct exec_result *out);
