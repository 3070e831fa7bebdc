/* Tasks: kernel threads with their own stack (KSTACK_SIZE, guard pages below it),
 * saved registers and FPU/SSE state. A task ends with task_exit or by returning from
 * its function; task_join waits for it, takes its status and frees what it held. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "../arch/trap.h"
#include "../lib/list.h"
#include "../mm/kstack.h"
#include "cpu.h"
#include "wait.h"

#define TASK_NAME_MAX 16

enum task_state {
	TASK_RUNNING, /* on a CPU now */
	TASK_READY,   /* in a run queue */
	TASK_SLEEPING,
	TASK_DEAD, /* exited; waiting for task_join */
};

struct address_space;
struct process;

struct task {
	uint64_t saved_rsp; /* while switched away: where context_switch left its registers */
	int id;
	char name[TASK_NAME_MAX];
	enum task_state state; /* written with atomics: a waker may race the sleeper */
	enum task_priority priority;
	struct cpu *cpu;
	bool queued; /* in cpu's run queue */
	bool on_cpu; /* its stack is in use: running, or being switched away from */
	struct kstack stack;
	bool owns_stack;		   /* a kstack of its own (not the boot stack) */
	uintptr_t guard_bottom, guard_top; /* the unmapped pages below the stack */
	void *fpu;			   /* its x87/SSE/AVX registers while switched away */
	/* A user task's (NULL for kernel threads, which run in any space: they only
	 * touch the kernel half): its address space, FS base (TLS) and process. */
	struct address_space *space;
	uint64_t fs_base;
	struct process *process;
	struct thread *thread;
	uint64_t signals;		/* pending, bit n - 1 for signal n: set by proc/signal.c */
	const uint64_t *shared_signals; /* and its process's, which any thread may take */
	uint64_t blocked;		/* rt_sigprocmask's mask (never SIGKILL or SIGSTOP) */
	void *bounce; /* fs/file.c's buffer for regular files: its first use makes it */
	void (*fn)(void *arg);
	void *arg;
	int exit_status;
	struct wait_queue exited; /* joiners wait here */
	bool joining;		  /* a task_join has claimed it */
	/* Accounting. */
	uint64_t ticks;	   /* timer ticks that found it running */
	uint64_t cycles;   /* TSC cycles it has run */
	uint64_t switches; /* times it was switched to */
	uint64_t wakeups;  /* times it was woken from a sleep */
	/* sleep_ms (sched/sleep.c): the deadline, and the tick that woke it. */
	uint64_t sleep_deadline_ns;
	struct list_node sleep_link;
	uint64_t woken_by_tick_ns, tick_before_ns;
	struct list_node run_link; /* in a run queue */
	struct list_node all_link; /* in the task table */
};

/* A new task running fn(arg) at normal priority; returns its id (> 0), or -1 when
 * memory ran out. It may run before task_create returns. */
int task_create(void (*fn)(void *arg), void *arg, const char *name);
int task_create_priority(void (*fn)(void *arg), void *arg, const char *name,
			 enum task_priority priority);

/* Ends the calling task with `status`; never returns. */
__attribute__((noreturn)) void task_exit(int status);

/* Waits for task `id` to end, stores its status and frees it. Returns 0, or -1 if
 * there is no such task, it is the caller, or another joiner has claimed it. */
int task_join(int id, int *status);

/* Renames the calling task (kmain becomes "shell"). */
void task_set_name(struct task *task, const char *name);

/* For ps and panics: calls fn for each task, under the task table's lock. */
void task_for_each(void (*fn)(struct task *task, void *ctx), void *ctx);

const char *task_state_name(enum task_state state);

/* ps: one row per task: id, name, state, CPU share since boot, switches, wake-ups. */
void task_print_all(void);

/* TSC cycles the task has run, its current slice included. */
uint64_t task_cycles(const struct task *task);

#ifdef KEEL_TEST /* for the tests in sched/ */
struct task *task_by_id(int id);
#endif

/* Internal to sched/, for the tasks sched.c makes without the heap (kmain's and the
 * idle task): sets a task up with its FPU area, lays out a new task's first switch
 * on its stack (fn, arg and stack set), and enters it in the table. */
void task_init(struct task *task, void *fpu, const char *name, enum task_priority priority);
void task_build_first_frame(struct task *task);
void task_add_to_table(struct task *task);

/* Where a user task's registers are while it is in the kernel: the frame its entry
 * (SYSCALL, or an interrupt from ring 3) built at the top of its kernel stack. */
static inline struct trap_frame *task_user_frame(struct task *t)
{
	return (struct trap_frame *)(t->stack.top - sizeof(struct trap_frame));
}

/* Whether the running task has a signal pending: a sleep it may give up (a tty or
 * pipe read, wait4, nanosleep) returns EINTR then. Kernel threads have none. */
static inline bool signal_pending(void)
{
	struct task *t = current_task();
	if (!t || !t->shared_signals)
		return false;
	uint64_t pending = __atomic_load_n(&t->signals, __ATOMIC_ACQUIRE) |
			   __atomic_load_n(t->shared_signals, __ATOMIC_ACQUIRE);
	return (pending & ~t->blocked) != 0;
}
