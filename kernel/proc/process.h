/* Processes: a program in ring 3 with an address space of its own (struct mm), open
 * files, a working directory, a parent and children, run by one task. The kernel
 * starts the first ones (process_spawn: /init, the shell's `run`); they make the
 * rest with fork and replace themselves with execve. A process that ends stays a
 * zombie, holding its wait status, until its parent's wait4 reaps it; its children
 * go to init (pid 1), or, without one, to the kernel's reaper.
 *
 * One table for the machine, under proc_lock (a spinlock: signals are sent from
 * interrupt handlers too). */
#pragma once

#include <asm/signal.h>
#include <linux/resource.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/list.h"
#include "../sched/wait.h"
#include "../sync/spinlock.h"

#define PROCESS_NAME_MAX 16
#define PROCESS_MAX	 1024 /* beyond it fork says EAGAIN: a fork bomb stops here */
#define SIGNALS		 64   /* Linux's _NSIG on x86-64: 1 to 64 */
/* No mask ever holds these: SIGKILL and SIGSTOP cannot be blocked. */
#define SIGNALS_UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))

struct task;
struct mm;
struct fd_table;
struct inode;
struct trap_frame;

enum process_state { PROCESS_ALIVE, PROCESS_ZOMBIE };

/* What siginfo_t will say of a pending signal: si_code, and the fields it selects
 * (the sender's pid, a child's status, a fault's address). */
struct signal_info {
	int code;
	int pid;
	int status;
	uint64_t addr;
};

struct process {
	int pid, pgid, sid;
	char name[PROCESS_NAME_MAX];
	enum process_state state;
	int wait_status;	/* Linux's: exit code << 8, or the signal */
	struct process *parent; /* NULL: the kernel started it, or adopted it */
	struct list_node children, sibling;
	struct list_node all_link;
	bool reaping;		      /* a waiter has claimed it */
	bool kernel_waits;	      /* process_wait will reap it (process_spawn's) */
	struct wait_queue child_exit; /* its own waits for its children */
	struct task *task;
	int task_id;
	void *first_frame; /* the registers to enter ring 3 with, until its task does */
	uint64_t first_fs_base;
	struct mm *mm;
	struct fd_table *files;
	struct inode *cwd;
	uint32_t umask;
	struct sigaction actions[SIGNALS]; /* by signal number - 1 */
	bool vfork_done;		   /* a vfork child: it has exec'd or ended */
	struct wait_queue vfork_wait;	   /* its parent waits here */
	uint64_t start_ns;
	struct rlimit limits[RLIM_NLIMITS]; /* NOFILE's soft limit is files->limit's too */
	uint64_t early_signals;		    /* sent before its task ran: handed to it then */
	uintptr_t set_child_tid;	    /* clone's, done when its task first runs */
	uintptr_t clear_child_tid;	    /* clone's or set_tid_address's: 0 there at exit */
	int page_fault_signal;		    /* what the last unresolved page fault sends */
	int page_fault_code;		    /* and its si_code */
	/* Signal state Linux keeps per thread (one task a process here). */
	struct signal_info signal_info[SIGNALS]; /* of each pending signal */
	uint64_t first_blocked;			 /* fork: the parent's mask, for the child */
	uint64_t saved_blocked;			 /* rt_sigsuspend's caller's mask */
	bool restore_blocked;			 /* ...to put back after its handler */
	uint64_t altstack_sp, altstack_size;	 /* sigaltstack: size 0 when none */
	bool altstack_autodisarm;
	uint64_t alarm_ns, alarm_interval_ns; /* ITIMER_REAL: the deadline (0: none) */
	unsigned long peak_pages;	      /* of the programs it ran before this one (exec) */
};

extern struct spinlock proc_lock;

/* Internal to proc/: the table's list (of all_link), and the process with a pid
 * (NULL if none); proc_lock held. */
struct list_node *process_table(void);
struct process *process_find_locked(int pid);

/* Resource limits (limits.c). Linux's defaults for a process the kernel starts. */
void process_limits_default(struct process *p);
/* prlimit64: process `pid`'s (0: the caller's) limit into *old (if given), then the
 * new one (if given). -ESRCH, -EINVAL (no such resource, cur above max), -EPERM
 * (above what Keel can give). */
int process_limit(int pid, unsigned resource, const struct rlimit *new_limit, struct rlimit *old);

/* Linux's wait status for an exit code, and for a signal that ended a process. */
#define WAIT_EXITED(code)  (((code)&0xFF) << 8)
#define WAIT_SIGNALED(sig) ((sig)&0x7F)

/* Starts `path` as a new process with no parent but the kernel: argv and envp
 * (NULL-terminated), descriptors 0, 1 and 2 on /dev/console, the root as working
 * directory. Returns its pid, or -errno (ENOENT, EACCES, ENOEXEC, E2BIG, ENOMEM). */
int process_spawn(const char *path, const char *const argv[], const char *const envp[]);

/* Waits for a process process_spawn started to end and reaps it; its wait status.
 * -ECHILD if there is no such process. */
int process_wait(int pid, int *wait_status);

/* process_spawn, with the console's input given to the program (the kernel shell
 * stops reading) until it ends; then process_wait. Returns the pid or -errno. */
int process_run_foreground(const char *path, const char *const argv[], const char *const envp[],
			   int *wait_status);

/* How many processes there are (zombies included). */
int process_count_now(void);

/* Ends the calling task's process with a Linux wait status; never returns. */
__attribute__((noreturn)) void process_exit(int wait_status);

/* The calling task's process, or NULL for a kernel thread. */
struct process *process_current(void);

/* What clone asks of a new process beyond a copy (0: nothing). */
struct fork_options {
	bool vfork;		   /* the parent waits until the child execs or ends */
	uintptr_t stack;	   /* the child's RSP */
	uintptr_t set_child_tid;   /* CLONE_CHILD_SETTID: its pid there, in its memory */
	uintptr_t clear_child_tid; /* CLONE_CHILD_CLEARTID: 0 there when it ends */
	bool set_tls;		   /* CLONE_SETTLS: its FS base is `tls` */
	uint64_t tls;
};

/* fork, vfork and clone's process part: a copy of the caller, whose task starts
 * from the caller's system-call frame with rax = 0, as `options` say. Returns the
 * child's pid, or -EAGAIN (too many) or -ENOMEM. */
int process_fork(const struct fork_options *options);

/* execve: replaces the caller's program. On success it does not return to the old
 * program: the system call returns into the new one. */
struct exec_args;
int process_exec(const char *path, struct exec_args *args);

/* wait4's search and reaping: see wait4(2) for pid and the options (WNOHANG). */
int process_wait4(int pid, int *wait_status, int options);

/* setpgid(2), setsid(2) and the queries. */
int process_setpgid(int pid, int pgid);
int process_setsid(void);
int process_getpgid(int pid);
int process_getsid(int pid);
int process_getppid(void);

/* Sets up the reaper, the fault hooks and the terminal's signals. Once. */
void process_init(void);

/* ---- signals (proc/signal.c) ------------------------------------------------------ */

/* kill(2)'s targets: a pid, a group (-pgid), or every process but init (-1). */
int signal_kill(int pid, int sig);

/* Sends `sig` to one process, or to every member of group `pgrp` (from interrupt
 * handlers too: the terminal's); proc_lock held by the caller for signal_queue_locked.
 * `info` is what a handler's siginfo_t will say (NULL: sent by the kernel). */
void signal_queue_locked(struct process *p, int sig, const struct signal_info *info);
void signal_send_group(int pgrp, int sig);

/* A fault's signal for the running process: true if a handler will take it (it is
 * caught and not blocked), so the program goes on there; false if it must die. */
bool signal_fault(int sig, int code, uint64_t addr);

/* On every way back to ring 3: acts on pending signals the task has not blocked:
 * the default action, or a handler run with Linux's signal frame (signal_frame.c).
 * Also finishes an interrupted system call: restarted, or EINTR. */
void signal_deliver(void);

/* ---- alarms (proc/alarm.c) ------------------------------------------------------- */

/* Starts the task that sends SIGALRM. Once, from process_init. */
void alarm_init(void);

/* ITIMER_REAL: SIGALRM to `p` after `after_ns` (0: none), then every `interval_ns`.
 * Returns what was left of the old one (0: none), its interval in *old_interval_ns. */
uint64_t alarm_set(struct process *p, uint64_t after_ns, uint64_t interval_ns,
		   uint64_t *old_interval_ns);

/* What is left of p's alarm (0: none), and its interval. */
uint64_t alarm_left(struct process *p, uint64_t *interval_ns);

/* ---- the signal frame (proc/signal_frame.c) -------------------------------------- */

/* Puts Linux's rt_sigframe (return address, ucontext with the registers, FPU state
 * and `old_mask`, siginfo) on the user stack (or the alternate one) and points the
 * frame at the handler. False if the stack cannot take it. */
bool signal_frame_push(struct process *p, struct trap_frame *f, int sig,
		       const struct sigaction *act, const struct signal_info *info,
		       uint64_t old_mask);

/* rt_sigreturn: the registers, mask, FPU state and alternate stack back from the
 * frame at the user's stack; false if it cannot be read (the caller kills). */
bool signal_frame_pop(struct process *p, struct trap_frame *f);

/* Whether `sp` lies on the process's alternate signal stack. */
bool signal_on_altstack(const struct process *p, uint64_t sp);

/* rt_sigsuspend's and ppoll's mask for the wait: in force until the call returns,
 * or in the frame of the handler that ends it (signal_deliver puts it back). */
void signal_mask_while_waiting(uint64_t mask);

/* execve: caught signals go back to their default action; ignored ones stay so. */
void signal_reset_on_exec(struct process *p);

/* rt_sigaction and rt_sigprocmask's parts. */
int signal_action(int sig, const struct sigaction *act, struct sigaction *old);
