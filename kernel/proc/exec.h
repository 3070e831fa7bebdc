/* Loading a static ELF program into a process and building its first stack. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../arch/trap.h"

struct process;

struct exec_info {
	uint64_t entry, phdr, phnum;
	uintptr_t brk; /* the page past the highest segment */
	bool stack_exec;
};

/* Maps the program's PT_LOAD segments (with their own protections, .bss zeroed)
 * and a stack holding argv, envp and the auxiliary vector into `p`, and fills
 * `frame` to enter it. Returns 0 or -errno: ENOEXEC (not a static x86-64 ELF
 * program), E2BIG, ENOMEM. On error, what was mapped stays for the caller to
 * release. */
int exec_image(struct process *p, const void *image, size_t size, const char *const argv[],
	       const char *const envp[], struct trap_frame *frame);
