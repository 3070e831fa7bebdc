/* Threads: the tasks that run a process's program. A process (process.h) owns what
 * its threads share: the memory, the descriptor table, the working directory, the
 * signal dispositions, its pid. Each thread has a task of its own (its registers,
 * kernel stack, FS base and signal mask) and the signal state Linux keeps per
 * thread: its thread id, its pending thread-directed signals and their siginfo,
 * sigsuspend's saved mask, its alternate signal stack, clone's tid words.
 *
 * A process starts with one thread whose tid is its pid; clone(CLONE_THREAD) adds
 * more, with tids from the same number space. exit(2) ends one thread, exit_group
 * and a fatal signal all of them; the process ends with its last thread. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "../lib/list.h"
#include "process.h"

struct thread {
	int tid;
	struct process *process;
	struct task *task; /* NULL until its task first runs */
	int task_id;
	struct list_node link; /* in its process's threads, under proc_lock */
	/* How its task enters ring 3 the first time. */
	void *first_frame;
	uint64_t first_fs_base;
	uint64_t first_blocked;
	uint64_t early_signals;	   /* sent to it before its task ran: handed over then */
	uintptr_t set_child_tid;   /* CLONE_CHILD_SETTID: its tid there when it starts */
	uintptr_t clear_child_tid; /* clone's or set_tid_address's: 0 there, and a futex
				    * wake, when it ends */
	int page_fault_signal;	   /* what the last unresolved page fault sends */
	int page_fault_code;	   /* and its si_code */
	struct signal_info signal_info[SIGNALS]; /* of each pending thread-directed signal */
	uint64_t saved_blocked;			 /* rt_sigsuspend's caller's mask */
	bool restore_blocked;			 /* ...to put back after its handler */
	uint64_t altstack_sp, altstack_size;	 /* sigaltstack: size 0 when none */
	bool altstack_autodisarm;
};

/* The calling task's thread, or NULL for a kernel thread. */
struct thread *thread_current(void);

/* A thread for `p` (not yet in its list, no task): NULL when memory ran out. */
struct thread *thread_alloc(struct process *p);
void thread_free(struct thread *t);

/* Enters `t` in its process's list and starts its task; -ENOMEM. proc_lock not held. */
int thread_start(struct thread *t);

/* The thread with this tid (proc_lock held), or NULL. */
struct thread *thread_find_locked(int tid);

/* A new thread's first registers and thread state, the caller's as fork and clone
 * give them: the caller's system-call frame with rax = 0, then `options`' stack,
 * TLS and tid words; the caller's signal mask. */
void thread_start_as_caller(struct thread *t, const struct fork_options *options);

/* clone(CLONE_THREAD): a new thread of the caller's process, starting from the
 * caller's system-call frame with rax = 0 and the stack, TLS and tid words
 * `options` give. Returns its tid, or -EAGAIN / -ENOMEM. */
int thread_clone(const struct fork_options *options);

/* Ends the calling thread with a Linux wait status (the process's, if it is the
 * last); never returns. */
__attribute__((noreturn)) void thread_exit(int wait_status);

/* execve in a process of several threads: ends every other thread and waits until
 * they are gone; the caller takes the pid as its tid. False if the process is
 * ending already (the caller must then exit). */
bool thread_make_sole(void);

/* execve: the caller's CLONE_CHILD_CLEARTID word is cleared (and woken) now, in
 * the memory it belongs to, and forgotten. */
void thread_release_tid_word(void);

/* `sig` to every thread of p but `me` (proc_lock held): SIGKILL's wake-up to end
 * them (exit_group, execve), SIGSTOP to stop them with the process. */
void thread_signal_others_locked(struct process *p, const struct thread *me, int sig);

/* For the kernel's reaper: whether a thread that ended before its process did waits
 * to be freed (proc_lock held), and freeing one (false: there was none). */
bool thread_dead_waiting_locked(void);
bool thread_reap_one(void);
