/* Processes: a program in ring 3 with an address space of its own (the lower half),
 * run by one task. This first step has no fork, exec of a file, or descriptors yet:
 * the kernel starts a program from an ELF image in memory (process_spawn), the
 * program runs until it exits or faults, and whoever started it collects its Linux
 * wait status (process_wait). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/list.h"
#include "../mm/paging.h"
#include "../sched/wait.h"

#define PROCESS_NAME_MAX 16

struct task;

struct process {
	int pid;
	char name[PROCESS_NAME_MAX];
	struct address_space space;
	struct list_node regions; /* struct vm_region, proc/vm.h */
	struct task *task;
	int task_id;
	void *first_frame;	  /* the registers exec set up, until the task enters ring 3 */
	bool reaping;		  /* a process_wait has claimed it */
	uintptr_t brk_start, brk; /* the heap's start and end (brk(2)) */
	int wait_status;	  /* Linux's encoding: (status << 8), or the signal */
	bool exited;
	struct wait_queue exit_wait;
	struct list_node all_link;
	uint64_t unknown_syscalls[8]; /* a bit per number reported already (< 512) */
};

/* Starts the static ELF program `image` (ET_EXEC, or ET_DYN without an interpreter)
 * with argv and envp (NULL-terminated); returns its pid, or -errno (ENOEXEC for a
 * file that is not such a program, ENOMEM, E2BIG). */
int process_spawn(const void *image, size_t size, const char *const argv[],
		  const char *const envp[]);

/* Waits for process `pid` to end and frees what it held; stores its wait status.
 * Returns 0, or -ECHILD if there is no such process. */
int process_wait(int pid, int *wait_status);

/* Ends the calling task's process with a Linux wait status; never returns. */
__attribute__((noreturn)) void process_exit(int wait_status);

/* The calling task's process, or NULL for a kernel thread. */
struct process *process_current(void);

/* Makes CPU exceptions in ring 3 end the program (with a report), not the kernel. */
void process_init(void);

/* Linux's wait status for an exit code, and for a signal that ended a process. */
#define WAIT_EXITED(code)  (((code)&0xFF) << 8)
#define WAIT_SIGNALED(sig) ((sig)&0x7F)
