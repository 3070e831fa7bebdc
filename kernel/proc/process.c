#include "process.h"

#include <asm-generic/errno.h>
#include <asm-generic/fcntl.h>
#include <asm-generic/siginfo.h>
#include <linux/wait.h>

#include "../arch/clock.h"
#include "../arch/gdt.h"
#include "../arch/syscall.h"
#include "../arch/trap.h"
#include "../arch/usercopy.h"
#include "../arch/x86.h"
#include "../console.h"
#include "../fs/file.h"
#include "../fs/tty.h"
#include "../lib/restart.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "../sched/sched.h"
#include "../sched/task.h"
#include "exec.h"
#include "thread.h"
#include "vm.h"

#define RFLAGS_BIT1 (1ull << 1) /* reserved, always set */
#define PID_WRAP    300		/* where pids start again, as Linux's RESERVED_PIDS */

struct spinlock proc_lock = SPINLOCK_INIT;
static struct list_node table = LIST_INIT(table);
static int process_count, next_pid = 1;
/* Processes with no parent to reap them: the kernel's waiters and its reaper. */
static struct wait_queue kernel_children = WAIT_QUEUE_INIT(kernel_children);

struct list_node *process_table(void)
{
	return &table;
}

int process_count_now(void)
{
	return __atomic_load_n(&process_count, __ATOMIC_RELAXED);
}

struct process *process_current(void)
{
	struct task *t = current_task();
	return t ? t->process : 0;
}

struct process *process_find_locked(int pid)
{
	struct list_node *node;
	list_for_each(node, &table)
	{
		struct process *p = list_entry(node, struct process, all_link);
		if (p->pid == pid)
			return p;
	}
	return 0;
}

/* Whether a process, group, session or thread goes by this number. */
static bool pid_in_use(int pid)
{
	struct list_node *node;
	list_for_each(node, &table)
	{
		struct process *p = list_entry(node, struct process, all_link);
		if (p->pid == pid || p->pgid == pid || p->sid == pid)
			return true;
	}
	return thread_find_locked(pid) != 0;
}

int process_new_id_locked(void)
{
	for (int tries = 0; pid_in_use(next_pid); tries++) {
		if (tries == PID_MAX)
			return 0;
		next_pid = next_pid + 1 >= PID_MAX ? PID_WRAP : next_pid + 1;
	}
	int id = next_pid;
	next_pid = next_pid + 1 >= PID_MAX ? PID_WRAP : next_pid + 1;
	return id;
}

/* A pid for a new process and its place in the table; -EAGAIN past PROCESS_MAX. */
static int enter_table(struct process *p, struct process *parent)
{
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	int pid = process_count < PROCESS_MAX ? process_new_id_locked() : 0;
	if (!pid) {
		spin_unlock_irqrestore(&proc_lock, flags);
		return -EAGAIN;
	}
	p->pid = pid;
	p->first->tid = pid;
	p->parent = parent;
	if (parent)
		list_push_back(&parent->children, &p->sibling);
	list_push_back(&table, &p->all_link);
	process_count++;
	spin_unlock_irqrestore(&proc_lock, flags);
	return p->pid;
}

/* A new process has one thread, not yet started: its first. */
static struct process *process_alloc(void)
{
	struct process *p = kcalloc(1, sizeof *p);
	if (!p)
		return 0;
	list_init(&p->children);
	list_init(&p->threads);
	wait_queue_init(&p->child_exit);
	wait_queue_init(&p->vfork_wait);
	wait_queue_init(&p->thread_gone);
	p->start_ns = clock_ns();
	if (!(p->first = thread_alloc(p))) {
		kfree(p);
		return 0;
	}
	return p;
}

/* What a process holds until it is reaped (its memory and files go at exit). */
static void process_free(struct process *p)
{
	if (p->mm)
		mm_free(p->mm);
	if (p->files)
		fd_table_free(p->files);
	if (p->cwd)
		inode_put(p->cwd);
	if (p->first)
		thread_free(p->first); /* never started */
	if (p->last_thread)
		thread_free(p->last_thread);
	program_put(p->program);
	kfree(p);
}

/* Starts the first thread; it is the process's own from then on. */
static int start_first_thread(struct process *p)
{
	int err = thread_start(p->first);
	if (!err)
		p->first = 0;
	return err;
}

static void frame_for_entry(struct trap_frame *frame, uint64_t entry, uint64_t rsp)
{
	memset(frame, 0, sizeof *frame);
	frame->rip = entry;
	frame->cs = USER_CS;
	frame->rflags = RFLAGS_IF | RFLAGS_BIT1;
	frame->rsp = rsp;
	frame->ss = USER_DS;
}

static void leave_table(struct process *p)
{
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	if (p->parent)
		list_remove(&p->sibling);
	list_remove(&p->all_link);
	process_count--;
	spin_unlock_irqrestore(&proc_lock, flags);
}

/* ---- starting programs --------------------------------------------------------- */

static int console_files(struct process *p)
{
	struct inode *console;
	int err = path_lookup(fs_root(), "/dev/console", LOOKUP_FOLLOW, &console);
	if (err)
		return err;
	struct file *f;
	err = file_open(console, O_RDWR, &f);
	inode_put(console);
	if (err)
		return err;
	for (int fd = 0; fd < 3; fd++) {
		file_get(f);
		fd_install_at(p->files, f, fd, false);
	}
	file_put(f);
	return 0;
}

static int collect_args(struct exec_args *a, const char *const argv[], const char *const envp[])
{
	int err = 0;
	for (size_t i = 0; !err && argv && argv[i]; i++)
		err = exec_args_add(a, argv[i], strlen(argv[i]), false);
	for (size_t i = 0; !err && envp && envp[i]; i++)
		err = exec_args_add(a, envp[i], strlen(envp[i]), true);
	return err;
}

int process_spawn(const char *path, const char *const argv[], const char *const envp[])
{
	struct process *p = process_alloc();
	if (!p)
		return -ENOMEM;
	p->kernel_waits = true;
	p->umask = 022;
	process_limits_default(p);
	p->cwd = fs_root();
	inode_get(p->cwd);
	struct exec_args args = {0};
	struct exec_result loaded = {0};
	int err = (p->files = fd_table_new()) ? 0 : -ENOMEM;
	if (!err)
		err = console_files(p);
	if (!err)
		err = collect_args(&args, argv, envp);
	if (!err)
		err = exec_load(p->cwd, path, &args, &loaded);
	exec_args_free(&args);
	if (err) {
		process_free(p);
		return err;
	}
	p->mm = loaded.mm;
	p->program = loaded.program;
	strncpy_safe(p->name, loaded.name, sizeof p->name);
	frame_for_entry(p->first->first_frame, loaded.entry, loaded.rsp);
	p->reaping = true; /* no one may claim it before its task runs */
	int pid = enter_table(p, 0);
	if (pid < 0) {
		process_free(p);
		return pid;
	}
	p->pgid = p->sid = pid; /* as if it had called setsid() */
	if (start_first_thread(p) != 0) {
		leave_table(p);
		process_free(p);
		return -ENOMEM;
	}
	__atomic_store_n(&p->reaping, false, __ATOMIC_RELEASE);
	return pid;
}

int process_fork(const struct fork_options *options)
{
	bool vfork = options->vfork;
	struct process *parent = process_current();
	struct thread *me = thread_current();
	struct process *p = process_alloc();
	if (!p)
		return -ENOMEM;
	p->umask = parent->umask;
	p->no_new_privs = parent->no_new_privs;
	p->nice = parent->nice;
	memcpy(p->limits, parent->limits, sizeof p->limits);
	p->cwd = parent->cwd;
	inode_get(p->cwd);
	memcpy(p->actions, parent->actions, sizeof p->actions);
	strncpy_safe(p->name, parent->name, sizeof p->name);
	p->program = program_get(parent->program);
	mutex_lock(&parent->mm->lock); /* no other thread of it changes it meanwhile */
	p->mm = mm_copy(parent->mm);
	mutex_unlock(&parent->mm->lock);
	p->files = fd_table_copy(parent->files);
	if (!p->mm || !p->files) {
		process_free(p);
		return -ENOMEM;
	}
	struct thread *child = p->first;
	thread_start_as_caller(child, options);
	p->pgid = parent->pgid;
	p->sid = parent->sid;
	p->vfork_done = !vfork;
	child->altstack_sp = me->altstack_sp, child->altstack_size = me->altstack_size;
	child->altstack_autodisarm = me->altstack_autodisarm;
	p->reaping = true; /* no one may claim it before its task runs */
	int pid = enter_table(p, parent);
	if (pid < 0) {
		process_free(p);
		return pid;
	}
	if (start_first_thread(p) != 0) {
		leave_table(p);
		process_free(p);
		return -ENOMEM;
	}
	__atomic_store_n(&p->reaping, false, __ATOMIC_RELEASE);
	if (vfork)
		wait_event(p->vfork_wait, __atomic_load_n(&p->vfork_done, __ATOMIC_ACQUIRE));
	return pid;
}

static void vfork_release(struct process *p)
{
	if (__atomic_load_n(&p->vfork_done, __ATOMIC_ACQUIRE))
		return;
	__atomic_store_n(&p->vfork_done, true, __ATOMIC_RELEASE);
	wake_up(&p->vfork_wait, WAKE_ALL);
}

int process_exec(const char *path, struct exec_args *args)
{
	struct process *p = process_current();
	struct exec_result loaded = {0};
	int err = exec_load(p->cwd, path, args, &loaded);
	if (err)
		return err;
	/* No way back from here: the old program goes, and every other thread. */
	if (!thread_make_sole()) {
		mm_free(loaded.mm);
		program_put(loaded.program);
		process_exit(WAIT_SIGNALED(SIGKILL)); /* the process is ending already */
	}
	thread_release_tid_word(); /* as Linux: in the old memory, before it goes */
	struct mm *old = p->mm;
	struct program *old_program = p->program;
	if (old->peak_pages > p->peak_pages)
		p->peak_pages = old->peak_pages;	/* ru_maxrss outlives exec, as on Linux */
	uint64_t flags = spin_lock_irqsave(&proc_lock); /* for /proc's readers */
	p->mm = loaded.mm;
	sched_enter_space(&p->mm->space, p);
	p->program = loaded.program;
	strncpy_safe(p->name, loaded.name, sizeof p->name);
	spin_unlock_irqrestore(&proc_lock, flags);
	mm_free(old);
	program_put(old_program);
	fd_close_on_exec(p->files);
	signal_reset_on_exec(p);
	task_set_name(current_task(), p->name);
	frame_for_entry(task_user_frame(current_task()), loaded.entry, loaded.rsp);
	vfork_release(p);
	return 0;
}

int process_run_foreground(const char *path, const char *const argv[], const char *const envp[],
			   int *wait_status)
{
	tty_attach(0);
	int pid = process_spawn(path, argv, envp);
	if (pid > 0) {
		tty_set_foreground(pid); /* its group: spawned processes lead their own */
		process_wait(pid, wait_status);
	}
	tty_detach();
	return pid;
}

/* ---- ending and reaping -------------------------------------------------------- */

static struct process *init_process(void)
{
	struct process *init = process_find_locked(1);
	return init && init->state == PROCESS_ALIVE ? init : 0;
}

/* p's children go to init, or to the kernel's reaper without one (proc_lock held).
 * Returns whether a zombie moved, so that its new reaper looks. */
static void reparent_children_locked(struct process *p, bool *to_init, bool *to_kernel)
{
	struct process *init = init_process();
	if (init == p)
		init = 0;
	struct list_node *node;
	while ((node = list_pop_front(&p->children))) {
		struct process *child = list_entry(node, struct process, sibling);
		child->parent = init;
		if (init)
			list_push_back(&init->children, &child->sibling);
		if (child->state == PROCESS_ZOMBIE) {
			*to_init |= init != 0;
			*to_kernel |= init == 0;
		}
	}
}

void process_exit(int wait_status)
{
	struct thread *me = thread_current();
	struct process *p = me->process;
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	bool for_exec = p->exec_thread && p->exec_thread != me; /* execve ends this one */
	if (!for_exec && !p->exiting) {
		p->exiting = true;
		p->group_status = wait_status;
		thread_signal_others_locked(p, me, SIGKILL);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	thread_exit(for_exec ? 0 : wait_status);
}

void process_finish(struct process *p, int wait_status)
{
	struct fd_table *files = p->files;
	struct mm *mm = p->mm; /* thread_exit left it: the kernel's space is loaded */
	uint64_t flags = spin_lock_irqsave(&proc_lock); /* for /proc's readers */
	p->files = 0;
	p->mm = 0;
	spin_unlock_irqrestore(&proc_lock, flags);
	fd_table_free(files);
	inode_put(p->cwd);
	p->cwd = 0;
	mm_free(mm);
	vfork_release(p);

	bool to_init = false, to_kernel = false;
	flags = spin_lock_irqsave(&proc_lock);
	reparent_children_locked(p, &to_init, &to_kernel);
	struct process *init = init_process();
	struct process *parent = p->parent;
	p->wait_status = wait_status;
	__atomic_store_n(&p->state, PROCESS_ZOMBIE, __ATOMIC_RELEASE);
	if (parent) { /* SIGCHLD, ignored unless the parent has a handler for it */
		bool killed = wait_status & 0x7F;
		const struct signal_info info = {.code = killed ? CLD_KILLED : CLD_EXITED,
						 .pid = p->pid,
						 .status = killed ? wait_status & 0x7F
								  : (wait_status >> 8) & 0xFF};
		signal_queue_locked(parent, SIGCHLD, &info);
	}
	spin_unlock_irqrestore(&proc_lock, flags);

	if (parent)
		wake_up(&parent->child_exit, WAKE_ALL);
	else
		wake_up(&kernel_children, WAKE_ALL);
	if (to_init && init)
		wake_up(&init->child_exit, WAKE_ALL);
	if (to_kernel)
		wake_up(&kernel_children, WAKE_ALL);
	task_exit(0);
}

/* Takes a zombie out of the table and frees it, after its task has ended. */
static void reap(struct process *p)
{
	task_join(p->last_thread->task_id, 0);
	leave_table(p);
	process_free(p);
}

/* Whether child p is one that wait4's `pid` selects, for a waiter in group pgid. */
static bool selects(const struct process *p, int pid, int pgid)
{
	if (pid > 0)
		return p->pid == pid;
	if (pid == -1)
		return true;
	return p->pgid == (pid == 0 ? pgid : -pid);
}

/* What wait4 found: a child, its status, and whether it is a zombie to reap. */
struct waited {
	struct process *child;
	int status;
	bool reap;
};

/* A stop or continue of child c that wait4's options ask for, reported (taken). */
static bool job_news_locked(struct process *c, int options, struct waited *w)
{
	if ((options & WUNTRACED) && c->stopped && c->stop_unreported) {
		c->stop_unreported = false;
		w->status = (c->stop_signal << 8) | 0x7F; /* Linux's: WIFSTOPPED */
	} else if ((options & WCONTINUED) && c->continue_unreported) {
		c->continue_unreported = false;
		w->status = 0xFFFF; /* WIFCONTINUED */
	} else {
		return false;
	}
	w->child = c;
	return true;
}

/* Under proc_lock: a child to report (a zombie is claimed for reaping), 0 if there
 * are children that may yet end, stop or continue, or -ECHILD. */
static long find_waitable_locked(struct process *me, int pid, int options, struct waited *w)
{
	bool any = false;
	struct list_node *node;
	list_for_each(node, &me->children)
	{
		struct process *c = list_entry(node, struct process, sibling);
		if (!selects(c, pid, me->pgid) || c->reaping)
			continue;
		any = true;
		if (c->state == PROCESS_ZOMBIE) {
			c->reaping = w->reap = true;
			w->child = c;
			w->status = c->wait_status;
			return 1;
		}
		if (job_news_locked(c, options, w))
			return 1;
	}
	return any ? 0 : -ECHILD;
}

static long find_waitable(struct process *me, int pid, int options, struct waited *w)
{
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	long found = find_waitable_locked(me, pid, options, w);
	spin_unlock_irqrestore(&proc_lock, flags);
	return found;
}

int process_wait4(int pid, int *wait_status, int options)
{
	struct process *me = process_current();
	struct waited w = {0};
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE | __WNOTHREAD))
		return -EINVAL;
	long found = find_waitable(me, pid, options, &w);
	if (found == 0 && !(options & WNOHANG)) {
		wait_event(me->child_exit,
			   (found = find_waitable(me, pid, options, &w)) != 0 || signal_pending());
		if (found == 0)
			return -ERESTARTSYS; /* restarted, or EINTR (lib/restart.h) */
	}
	if (found <= 0)
		return (int)found;
	int reported = w.child->pid;
	if (wait_status)
		*wait_status = w.status;
	if (w.reap)
		reap(w.child);
	return reported;
}

static bool zombie_for_kernel(int pid, struct process **out)
{
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct process *p = process_find_locked(pid);
	bool ready = p && p->state == PROCESS_ZOMBIE;
	if (ready)
		*out = p;
	spin_unlock_irqrestore(&proc_lock, flags);
	return ready;
}

int process_wait(int pid, int *wait_status)
{
	struct process *p = 0;
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct process *found = process_find_locked(pid);
	bool ok = found && found->kernel_waits && !found->reaping;
	if (ok)
		found->reaping = true;
	spin_unlock_irqrestore(&proc_lock, flags);
	if (!ok)
		return -ECHILD;
	wait_event(kernel_children, zombie_for_kernel(pid, &p));
	if (wait_status)
		*wait_status = p->wait_status;
	reap(p);
	return 0;
}

/* The kernel's reaper: reaps the zombies no parent and no process_wait will. */
static bool orphan_zombie(struct process **out)
{
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct list_node *node;
	bool found = false;
	list_for_each(node, &table)
	{
		struct process *p = list_entry(node, struct process, all_link);
		if (!p->parent && !p->kernel_waits && !p->reaping && p->state == PROCESS_ZOMBIE) {
			p->reaping = found = true;
			*out = p;
			break;
		}
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return found;
}

/* A zombie to reap, or a thread to free (then *out stays NULL). */
static bool reaper_work(struct process **out)
{
	if (orphan_zombie(out))
		return true;
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	bool threads = thread_dead_waiting_locked();
	spin_unlock_irqrestore(&proc_lock, flags);
	return threads;
}

static void reaper(void *arg)
{
	(void)arg;
	for (;;) {
		struct process *p = 0;
		wait_event(kernel_children, reaper_work(&p));
		if (p)
			reap(p);
		while (thread_reap_one())
			;
	}
}

void process_wake_reaper(void)
{
	wake_up(&kernel_children, WAKE_ALL);
}

/* ---- groups and sessions ----------------------------------------------------------- */

int process_getppid(void)
{
	struct process *p = process_current();
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	int ppid = p->parent ? p->parent->pid : 0;
	spin_unlock_irqrestore(&proc_lock, flags);
	return ppid;
}

int process_setpgid(int pid, int pgid)
{
	struct process *me = process_current();
	pid = pid ? pid : me->pid;
	pgid = pgid ? pgid : pid;
	if (pgid < 0)
		return -EINVAL; /* Linux's order: setpgid(-1, 0) is EINVAL, not ESRCH */
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct process *p = process_find_locked(pid);
	int err = 0;
	if (!p || (p != me && p->parent != me))
		err = -ESRCH;
	else if (p->sid == p->pid || p->sid != me->sid)
		err = -EPERM; /* a session leader, or another session's */
	else {
		if (pgid != p->pid) { /* joining a group: it must exist in this session */
			bool exists = false;
			struct list_node *node;
			list_for_each(node, &table)
			{
				struct process *q = list_entry(node, struct process, all_link);
				exists |= q->pgid == pgid && q->sid == me->sid;
			}
			if (!exists)
				err = -EPERM;
		}
		if (!err)
			p->pgid = pgid;
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return err;
}

int process_setsid(void)
{
	struct process *me = process_current();
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	bool leader = false;
	struct list_node *node;
	list_for_each(node, &table)
	{
		leader |= list_entry(node, struct process, all_link)->pgid == me->pid;
	}
	if (!leader)
		me->pgid = me->sid = me->pid;
	spin_unlock_irqrestore(&proc_lock, flags);
	return leader ? -EPERM : me->pid;
}

static int query(int pid, bool session)
{
	struct process *me = process_current();
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct process *p = pid == 0 ? me : process_find_locked(pid);
	int result = !p ? -ESRCH : session ? p->sid : p->pgid;
	spin_unlock_irqrestore(&proc_lock, flags);
	return result;
}

int process_getpgid(int pid)
{
	return query(pid, false);
}

int process_getsid(int pid)
{
	return query(pid, true);
}

/* ---- faults in ring 3 ------------------------------------------------------------- */

static int signal_for(uint64_t vector)
{
	switch (vector) {
	case 0: return SIGFPE; /* #DE */
	case 1:
	case 3: return SIGTRAP; /* #DB, #BP */
	case 6: return SIGILL;	/* #UD */
	case 16:
	case 19: return SIGFPE;	 /* #MF, #XM */
	case 17: return SIGBUS;	 /* #AC */
	default: return SIGSEGV; /* #PF, #GP, #BR and the rest */
	}
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGFPE: return "SIGFPE";
	case SIGTRAP: return "SIGTRAP";
	case SIGILL: return "SIGILL";
	case SIGBUS: return "SIGBUS";
	case SIGKILL: return "SIGKILL (out of memory)";
	default: return "SIGSEGV";
	}
}

/* siginfo's si_code for a fault (asm-generic/siginfo.h), as Linux gives it. */
static int code_for(uint64_t vector)
{
	switch (vector) {
	case 0: return FPE_INTDIV;
	case 1:
	case 3: return TRAP_BRKPT;
	case 6: return ILL_ILLOPN;
	default: return SI_KERNEL; /* #GP and the rest */
	}
}

/* A fault in ring 3 the page-fault path could not resolve: the program's handler
 * for its signal, or one line and the end of the program, with the signal Linux
 * would send. */
static void user_fault(struct trap_frame *f)
{
	struct thread *t = thread_current();
	if (!t)
		return; /* ring 3 without a process: cannot happen */
	struct process *p = t->process;
	int sig = signal_for(f->vector), code = code_for(f->vector);
	uint64_t addr = f->vector == VECTOR_PAGE_FAULT ? read_cr2() : f->rip;
	if (f->vector == VECTOR_PAGE_FAULT) {
		/* What user_page_fault found; a kernel address it never saw is MAPERR,
		 * as on Linux. */
		bool seen = addr < USER_END && t->page_fault_signal;
		sig = seen ? t->page_fault_signal : SIGSEGV;
		code = seen ? t->page_fault_code : SEGV_MAPERR;
		t->page_fault_signal = 0;
	}
	if (sig != SIGKILL && signal_fault(sig, code, addr))
		return; /* on the way back to ring 3, the handler runs */
	kprintf("keel: pid %d (%s): %s, %s at rip %#lx", p->pid, p->name, signal_name(sig),
		trap_name(f->vector), f->rip);
	if (f->vector == VECTOR_PAGE_FAULT)
		kprintf(", address %#lx", read_cr2());
	kprintf("\n");
	cpu_enable_interrupts(); /* an ordinary exit from here on */
	process_exit(WAIT_SIGNALED(sig));
}

/* #PF error code bits (Intel SDM vol. 3A, 4.7). */
#define PF_PRESENT (1u << 0)
#define PF_WRITE   (1u << 1)
#define PF_FETCH   (1u << 4)

/* A page fault on a user address, from ring 3 or from a user copy in the kernel:
 * demand paging, copy-on-write and stack growth. */
static bool user_page_fault(struct trap_frame *f, uintptr_t address)
{
	struct thread *t = thread_current();
	struct process *p = t ? t->process : 0;
	if (!p || !p->mm)
		return false;
	/* The mm's lock, and a file mapping's page may wait for fs_lock: both may sleep,
	 * which a fault with interrupts off (never expected) must not. */
	bool may_sleep = f->rflags & RFLAGS_IF;
	if (may_sleep)
		cpu_enable_interrupts();
	enum vm_fault_result result = VM_FAULT_SEGV;
	if (may_sleep ? (mutex_lock(&p->mm->lock), true) : mutex_trylock(&p->mm->lock)) {
		result = vm_fault(p->mm, address, f->error_code & PF_WRITE,
				  f->error_code & PF_FETCH);
		mutex_unlock(&p->mm->lock);
	}
	cpu_disable_interrupts();
	/* Out of memory, the process is killed (Linux's OOM killer would pick one too). */
	t->page_fault_signal = result == VM_FAULT_BUS	  ? SIGBUS
			       : result == VM_FAULT_NOMEM ? SIGKILL
							  : SIGSEGV;
	t->page_fault_code = result == VM_FAULT_BUS	    ? BUS_ADRERR
			     : (f->error_code & PF_PRESENT) ? SEGV_ACCERR
							    : SEGV_MAPERR;
	return result == VM_FAULT_DONE;
}

static void back_to_user(struct trap_frame *f)
{
	(void)f;
	cpu_enable_interrupts();
	signal_deliver();
	cpu_disable_interrupts();
}

void process_init(void)
{
	trap_set_user_hooks(user_fault, user_page_fault, back_to_user);
	tty_set_signal_sender(signal_send_group);
	tty_set_background_check(job_tty_read_check);
	if (task_create(reaper, 0, "reaper") < 0)
		kprintf("proc: no memory for the reaper task\n");
	alarm_init();
}
