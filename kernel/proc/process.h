/* Processes: a program in ring 3 with an address space of its own (struct mm), open
 * files, a working directory, a parent and children, run by one or more threads
 * (thread.h). The kernel
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
#define PROCESS_MAX	 1024  /* beyond it fork says EAGAIN: a fork bomb stops here */
#define PID_MAX		 32768 /* pids lie below it: Linux's default pid_max */
#define SIGNALS		 64    /* Linux's _NSIG on x86-64: 1 to 64 */
/* The signals whose default action stops a process. */
#define SIGNALS_STOPPING                                                               \
	((1ull << (SIGSTOP - 1)) | (1ull << (SIGTSTP - 1)) | (1ull << (SIGTTIN - 1)) | \
	 (1ull << (SIGTTOU - 1)))
/* No mask ever holds these: SIGKILL and SIGSTOP cannot be blocked. */
#define SIGNALS_UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))

struct task;
struct mm;
struct program;
struct fd_table;
struct inode;
struct trap_frame;

enum process_state { PROCESS_ALIVE, PROCESS_ZOMBIE };

/* What siginfo_t will say of a pending signal: si_code, and the fields it selects
 * (the sender's pid, a child's status, a fault's address). */
struct signal_info {
	int code;
	union {
		struct {
			int pid;    /* the sender's, or the child's (SIGCHLD) */
			int status; /* the child's (SIGCHLD) */
		};
		uint64_t addr; /* a fault's */
	};
};

struct thread;

struct process {
	int pid, pgid, sid; /* pid: the thread group's id, its first thread's tid */
	char name[PROCESS_NAME_MAX];
	enum process_state state;
	int wait_status;	/* Linux's: exit code << 8, or the signal */
	struct process *parent; /* NULL: the kernel started it, or adopted it */
	struct list_node children, sibling;
	struct list_node all_link;
	bool reaping;		      /* a waiter has claimed it */
	bool kernel_waits;	      /* process_wait will reap it (process_spawn's) */
	struct wait_queue child_exit; /* its own waits for its children */
	/* Its threads (thread.h), under proc_lock; the process ends with the last. */
	struct list_node threads;
	int thread_count;
	struct thread *first;	       /* its first thread, until it is started */
	struct wait_queue thread_gone; /* execve waits here for the others to end */
	bool exiting;		       /* exit_group or a fatal signal: all threads go */
	int group_status;	       /* ...and this is the process's wait status */
	struct thread *exec_thread;    /* a thread in execve, ending the others */
	struct thread *last_thread;    /* the one that ended it: reap joins its task */
	/* mm, files and program change under proc_lock (exec, exit), so /proc can read
	 * them under it; what they point to goes only after. */
	struct mm *mm;
	struct fd_table *files;
	struct program *program; /* its path and argv, for /proc (exec.h) */
	struct inode *cwd;
	uint32_t umask;
	bool no_new_privs;		   /* prctl's: inherited, never cleared */
	struct sigaction actions[SIGNALS]; /* by signal number - 1 */
	/* Signals sent to the process (not to one thread): any thread that does not
	 * block one takes it. Bit n - 1 for signal n, and each one's siginfo. */
	uint64_t shared_signals;
	struct signal_info shared_info[SIGNALS];
	/* Job control (jobctl.c), under proc_lock. */
	bool stopped;		      /* by a stop signal, until SIGCONT */
	int stop_signal;	      /* which */
	bool stop_unreported;	      /* wait4(WUNTRACED) has yet to report the stop */
	bool continue_unreported;     /* wait4(WCONTINUED) has yet to report the continue */
	bool vfork_done;	      /* a vfork child: it has exec'd or ended */
	struct wait_queue vfork_wait; /* its parent waits here */
	uint64_t start_ns;
	struct rlimit limits[RLIM_NLIMITS];   /* NOFILE's soft limit is files->limit's too */
	uint64_t alarm_ns, alarm_interval_ns; /* ITIMER_REAL: the deadline (0: none) */
	unsigned long peak_pages;	      /* of the programs it ran before this one (exec) */
	int nice;			      /* -20 to 19, kept for getpriority (priority.c) */
};

extern struct spinlock proc_lock;

/* Internal to proc/: the table's list (of all_link), and the process with a pid
 * (NULL if none); proc_lock held. */
struct list_node *process_table(void);
struct process *process_find_locked(int pid);
/* Internal to proc/: a free id for a process or thread (proc_lock held; 0 when
 * none), and the end of a process whose last thread is ending (thread.c). */
int process_new_id_locked(void);
__attribute__((noreturn)) void process_finish(struct process *p, int wait_status);
/* Internal to proc/: the reaper's queue, woken when a thread or an orphan is done. */
void process_wake_reaper(void);

/* Resource limits (limits.c). Linux's defaults for a process the kernel starts. */
void process_limits_default(struct process *p);
/* prlimit64: process `pid`'s (0: the caller's) limit into *old (if given), then the
 * new one (if given). -ESRCH, -EINVAL (no such resource, cur above max), -EPERM
 * (above what Keel can give). */
int process_limit(int pid, unsigned resource, const struct rlimit *new_limit, struct rlimit *old);

/* Nice values (priority.c): getpriority's and setpriority's (which, who) pairs
 * (PRIO_PROCESS, PRIO_PGRP, PRIO_USER; who 0: the caller's own). get gives the
 * lowest nice value of those chosen; set clamps to -20..19. -EINVAL, -ESRCH. */
int process_get_nice(int which, int who, int *nice);
int process_set_nice(int which, int who, int nice);

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

/* exit_group: ends the calling thread's process, every thread of it, with a Linux
 * wait status; never returns. */
__attribute__((noreturn)) void process_exit(int wait_status);

/* The calling task's process, or NULL for a kernel thread. */
struct process *process_current(void);

/* What clone asks of a new process beyond a copy (0: nothing). */
struct fork_options {
	bool vfork;		   /* the parent waits until the child execs or ends */
	uintptr_t stack;	   /* the child's RSP */
	uintptr_t set_child_tid;   /* CLONE_CHILD_SETTID: its pid there, in its memory */
	uintptr_t clear_child_tid; /* CLONE_CHILD_CLEARTID: 0 there when it ends */
	uintptr_t parent_tid;	   /* CLONE_PARENT_SETTID (threads): its tid there */
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

/* tgkill(2) (tgid 0: tkill's): `sig` to the one thread `tid`. */
int signal_kill_thread(int tgid, int tid, int sig);

/* A thread-directed signal (proc_lock held): tgkill's, a fault's, exit_group's SIGKILL. */
struct thread;
void signal_queue_thread_locked(struct thread *t, int sig, const struct signal_info *info);

/* Signals pending for the calling thread: its own and its process's. */
uint64_t signal_pending_set(void);

/* Sends `sig` to one process, or to every member of group `pgrp` (from interrupt
 * handlers too: the terminal's); proc_lock held by the caller for signal_queue_locked.
 * `info` is what a handler's siginfo_t will say (NULL: sent by the kernel). */
void signal_queue_locked(struct process *p, int sig, const struct signal_info *info);
void signal_send_group(int pgrp, int sig);
void signal_send_group_locked(int pgrp, int sig);

/* `sig` is pending no more, for p and each of its threads (proc_lock held). */
void signal_drop_pending_locked(struct process *p, int sig);

/* A fault's signal for the running process: true if a handler will take it (it is
 * caught and not blocked), so the program goes on there; false if it must die. */
bool signal_fault(int sig, int code, uint64_t addr);

/* On every way back to ring 3: acts on pending signals the task has not blocked:
 * the default action, or a handler run with Linux's signal frame (signal_frame.c).
 * Also finishes an interrupted system call: restarted, or EINTR. */
void signal_deliver(void);

/* ---- job control (proc/jobctl.c) ------------------------------------------------ */

/* Sending `sig` to p: SIGCONT continues it and drops its pending stop signals; a
 * stop signal drops a pending SIGCONT (proc_lock held). */
void job_signal_sent_locked(struct process *p, int sig);

/* A stop signal's default action for the calling thread's process: stopped, until
 * SIGCONT or SIGKILL (the terminal's stop signals do nothing to an orphaned group). */
void job_stop(int sig);

/* A thread of a stopped process waits here until it goes on. */
void job_stopped(void);

/* Whether no member of group pgid has a parent in another group of its session
 * (init aside): proc_lock held. */
bool job_pgrp_orphaned_locked(int pgid);

/* The terminal's check before a read: 0 to go on, or for a process in the
 * background of the terminal's session, -ERESTARTSYS after SIGTTIN to its group
 * (-EIO if SIGTTIN is ignored or blocked or the group is orphaned). */
int job_tty_read_check(int fg_pgrp);

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
bool signal_frame_push(struct thread *t, struct trap_frame *f, int sig, const struct sigaction *act,
		       const struct signal_info *info, uint64_t old_mask);

/* rt_sigreturn: the registers, mask, FPU state and alternate stack back from the
 * frame at the user's stack; false if it cannot be read (the caller kills). */
bool signal_frame_pop(struct thread *t, struct trap_frame *f);

/* Whether `sp` lies on the thread's alternate signal stack. */
bool signal_on_altstack(const struct thread *t, uint64_t sp);

/* rt_sigsuspend's and ppoll's mask for the wait: in force until the call returns,
 * or in the frame of the handler that ends it (signal_deliver puts it back). */
void signal_mask_while_waiting(uint64_t mask);

/* execve: caught signals go back to their default action; ignored ones stay so. */
void signal_reset_on_exec(struct process *p);

/* rt_sigaction and rt_sigprocmask's parts. */
int signal_action(int sig, const struct sigaction *act, struct sigaction *old);
