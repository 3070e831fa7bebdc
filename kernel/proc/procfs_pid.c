/* /proc/PID/...: what a process is, in the formats of Linux's fs/proc/array.c and
 * fs/proc/base.c. Everything is read under proc_lock, at once, into a struct
 * proc_info: a process may exit or exec meanwhile, and its struct process goes when
 * it is reaped. exec and exit change mm, files and program under proc_lock and let go
 * of the old ones after it (process.h); a zombie's task may be freed at any time, so
 * only a live process's is read.
 *
 * A process's regions are read without a lock of their own: struct mm has none, and
 * its owner cannot change them while proc_lock is held on this, the only, CPU (the
 * lock keeps interrupts off). SMP needs the lock threads will bring (vm.h). */
#include <asm-generic/errno.h>
#include <asm/signal.h>
#include <linux/stat.h>

#include "../arch/clock.h"
#include "../fs/file.h"
#include "../fs/vfs.h"
#include "../lib/bitmap.h"
#include "../lib/format.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "../sched/task.h"
#include "exec.h"
#include "process.h"
#include "procfs.h"
#include "thread.h"
#include "vm.h"

#define USER_HZ	     100 /* clock_t's unit, as on Linux */
#define NS_PER_TICK  ((uint64_t)1000000000 / USER_HZ)
#define EXIT_SIGNAL  17				  /* SIGCHLD: what a parent hears at exit */
#define PRIORITY     20				  /* Linux's for nice 0 (stat's field 18) */
#define CAPABILITIES (uint64_t)0x000001ffffffffff /* root's: all of Linux's 41 */

struct proc_memory {
	unsigned long size, code, data, stack; /* bytes */
	unsigned long start_code, end_code, start_brk;
	unsigned long pages, peak_pages; /* resident frames, and the most ever */
};

/* What a process's files show, read at once. */
struct proc_info {
	int pid, ppid, pgid, sid;
	char name[PROCESS_NAME_MAX];
	char state; /* R, S, T or Z */
	int threads;
	uint32_t umask;
	int exit_code; /* a zombie's wait status */
	uint64_t cpu_ns, start_ns;
	uint64_t pending, shared_pending; /* bit n - 1 for signal n */
	uint64_t blocked, ignored, caught;
	uint64_t voluntary, involuntary; /* context switches */
	unsigned long rss_limit;
	bool has_memory; /* a zombie's is gone */
	struct proc_memory memory;
};

static void read_memory(const struct mm *mm, struct proc_memory *m)
{
	const struct list_node *node;
	list_for_each(node, &mm->regions)
	{
		const struct vm_region *r = list_entry(node, struct vm_region, link);
		unsigned long size = r->end - r->start;
		m->size += size;
		if (r->kind & VM_GROWSDOWN) {
			m->stack += size;
		} else if ((r->prot & VM_EXEC) && r->file) {
			m->code += size;
			if (!m->start_code || r->start < m->start_code)
				m->start_code = r->start;
			if (r->end > m->end_code)
				m->end_code = r->end;
		} else if (r->prot & VM_WRITE) {
			m->data += size; /* as Linux's VmData: private, writable, not the stack */
		}
	}
	m->start_brk = mm->brk_start;
	m->pages = mm->pages;
	m->peak_pages = mm->peak_pages;
}

static char state_of(const struct task *t)
{
	switch (t->state) {
	case TASK_SLEEPING: return 'S';
	case TASK_DEAD: return 'Z';
	default: return 'R'; /* running, or ready to */
	}
}

/* A live process's threads: its state (running if one runs, stopped by job
 * control), time and switches summed, signals (the first thread's mask, as
 * Linux's leader's). */
static void read_threads(const struct process *p, struct proc_info *info)
{
	const struct list_node *node;
	bool first = true;
	info->state = 'S';
	info->shared_pending = p->shared_signals;
	list_for_each(node, &p->threads)
	{
		const struct thread *th = list_entry(node, struct thread, link);
		const struct task *t = th->task;
		info->threads++;
		info->pending |= t ? t->signals : th->early_signals;
		if (first)
			info->blocked = t ? t->blocked : th->first_blocked;
		first = false;
		if (!t || state_of(t) == 'R')
			info->state = 'R'; /* not yet run: about to */
		if (!t)
			continue;
		info->cpu_ns += clock_cycles_to_ns(task_cycles(t));
		info->voluntary += t->wakeups;
		info->involuntary += t->switches > t->wakeups ? t->switches - t->wakeups : 0;
	}
	if (p->stopped)
		info->state = 'T';
	for (int sig = 1; sig <= SIGNALS; sig++) {
		__sighandler_t h = p->actions[sig - 1].sa_handler;
		if (h == SIG_IGN)
			info->ignored |= 1ull << (sig - 1);
		else if (h != SIG_DFL)
			info->caught |= 1ull << (sig - 1);
	}
}

static void read_process(const struct process *p, struct proc_info *info)
{
	info->pid = p->pid;
	info->ppid = p->parent ? p->parent->pid : 0;
	info->pgid = p->pgid;
	info->sid = p->sid;
	strncpy_safe(info->name, p->name, sizeof info->name);
	info->umask = p->umask;
	info->start_ns = p->start_ns;
	info->rss_limit = p->limits[RLIMIT_RSS].rlim_cur;
	if (p->state == PROCESS_ZOMBIE) {
		info->state = 'Z';
		info->exit_code = p->wait_status;
		return;
	}
	read_threads(p, info);
	if ((info->has_memory = p->mm != 0))
		read_memory(p->mm, &info->memory);
}

static int info_of(int pid, struct proc_info *info)
{
	memset(info, 0, sizeof *info);
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct process *p = process_find_locked(pid);
	if (p)
		read_process(p, info);
	spin_unlock_irqrestore(&proc_lock, flags);
	return p ? 0 : -ESRCH;
}

/* ---- the files ------------------------------------------------------------------ */

/* Linux's /proc/PID/stat: 52 fields on one line (proc(5)). What Keel does not count
 * is 0; all CPU time is user time, as times() says. */
int proc_show_pid_stat(struct proc_text *t, int pid, int fd)
{
	(void)fd;
	struct proc_info i;
	int err = info_of(pid, &i);
	if (err)
		return err;
	const struct proc_memory *m = &i.memory;
	text_printf(t, "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 %lu 0 0 0 %d 0 %d 0 %lu %lu %lu %lu ",
		    i.pid, i.name, i.state, i.ppid, i.pgid, i.sid, i.cpu_ns / NS_PER_TICK, PRIORITY,
		    i.threads ? i.threads : 1, i.start_ns / NS_PER_TICK, m->size, m->pages,
		    i.rss_limit);
	text_printf(t, "%lu %lu 0 0 0 %lu %lu %lu %lu 0 0 0 %d 0 0 0 0 0 0 0 0 %lu 0 0 0 0 %d\n",
		    m->start_code, m->end_code, i.pending & 0x7fffffff, i.blocked & 0x7fffffff,
		    i.ignored & 0x7fffffff, i.caught & 0x7fffffff, EXIT_SIGNAL, m->start_brk,
		    i.exit_code);
	return 0;
}

/* Pages: size, resident, shared, text, library, data (with the stack), dirty. */
int proc_show_pid_statm(struct proc_text *t, int pid, int fd)
{
	(void)fd;
	struct proc_info i;
	int err = info_of(pid, &i);
	if (err)
		return err;
	const struct proc_memory *m = &i.memory;
	text_printf(t, "%lu %lu 0 %lu 0 %lu 0\n", m->size / PAGE_SIZE, m->pages,
		    m->code / PAGE_SIZE, (m->data + m->stack) / PAGE_SIZE);
	return 0;
}

static const char *state_name(char state)
{
	return state == 'S'   ? "S (sleeping)"
	       : state == 'Z' ? "Z (zombie)"
	       : state == 'T' ? "T (stopped)"
			      : "R (running)";
}

static void status_memory(struct proc_text *t, const struct proc_memory *m)
{
	const unsigned long kb = PAGE_SIZE / 1024;
	text_printf(t,
		    "VmSize:\t%8lu kB\nVmLck:\t%8d kB\nVmPin:\t%8d kB\nVmHWM:\t%8lu kB\n"
		    "VmRSS:\t%8lu kB\nVmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\n"
		    "VmLib:\t%8d kB\nVmSwap:\t%8d kB\n",
		    m->size / 1024, 0, 0, m->peak_pages * kb, m->pages * kb, m->data / 1024,
		    m->stack / 1024, m->code / 1024, 0, 0);
}

/* Linux's /proc/PID/status, the lines Keel has: names, ids, memory, signals. */
int proc_show_pid_status(struct proc_text *t, int pid, int fd)
{
	(void)fd;
	struct proc_info i;
	int err = info_of(pid, &i);
	if (err)
		return err;
	char umask[FORMAT_NUMBER_MAX];
	text_printf(t,
		    "Name:\t%s\nUmask:\t%s\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
		    "PPid:\t%d\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
		    "FDSize:\t%d\nGroups:\t \nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
		    i.name, format_number(umask, i.umask, 8, false, 4), state_name(i.state), i.pid,
		    i.pid, i.ppid, FD_MAX, i.pid, i.pid, i.pgid, i.sid);
	if (i.has_memory)
		status_memory(t, &i.memory);
	text_printf(t,
		    "Threads:\t%d\nSigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\n"
		    "SigIgn:\t%016lx\nSigCgt:\t%016lx\n",
		    i.threads, i.pending, i.shared_pending, i.blocked, i.ignored, i.caught);
	text_printf(t,
		    "CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\nCapBnd:\t%016lx\n"
		    "CapAmb:\t%016lx\nNoNewPrivs:\t0\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n"
		    "voluntary_ctxt_switches:\t%lu\nnonvoluntary_ctxt_switches:\t%lu\n",
		    0ul, CAPABILITIES, CAPABILITIES, CAPABILITIES, 0ul, i.voluntary, i.involuntary);
	return 0;
}

int proc_show_pid_comm(struct proc_text *t, int pid, int fd)
{
	(void)fd;
	struct proc_info i;
	int err = info_of(pid, &i);
	if (!err)
		text_printf(t, "%s\n", i.name);
	return err;
}

/* The program of a live process (a reference), or NULL: -ESRCH, or 0 for a zombie. */
static struct program *program_of(int pid, int *err)
{
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct process *p = process_find_locked(pid);
	struct program *program =
		p && p->state == PROCESS_ALIVE && p->program ? program_get(p->program) : 0;
	spin_unlock_irqrestore(&proc_lock, flags);
	*err = p ? 0 : -ESRCH;
	return program;
}

/* argv, each string with its NUL; nothing for a zombie, as on Linux. */
int proc_show_pid_cmdline(struct proc_text *t, int pid, int fd)
{
	(void)fd;
	int err;
	struct program *program = program_of(pid, &err);
	if (program)
		text_put(t, program->args, program->args_size);
	program_put(program);
	return err;
}

int proc_show_pid_exe(struct proc_text *t, int pid, int fd)
{
	(void)fd;
	int err;
	struct program *program = program_of(pid, &err);
	if (program)
		text_printf(t, "%s", program->path);
	program_put(program);
	return program ? 0 : -ENOENT;
}

int proc_show_self(struct proc_text *t, int pid, int fd)
{
	(void)pid, (void)fd;
	struct process *p = process_current();
	if (!p)
		return -ENOENT; /* a kernel thread */
	text_printf(t, "%d", p->pid);
	return 0;
}

/* The inode behind descriptor `fd` of `pid` (a reference), or NULL. */
static struct inode *fd_inode(int pid, int fd)
{
	struct inode *inode = 0;
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct process *p = process_find_locked(pid);
	struct fd_table *files = p ? p->files : 0;
	if (files) {
		uint64_t table_flags = spin_lock_irqsave(&files->lock);
		struct file *f = files->files[fd];
		if (f && (inode = f->inode))
			inode_get(inode); /* the table's reference keeps f until here */
		spin_unlock_irqrestore(&files->lock, table_flags);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return inode;
}

/* What the descriptor's link says: the file's path, or pipe:[inode] as on Linux.
 * With fs_lock held (a lookup's). */
int proc_show_pid_fd(struct proc_text *t, int pid, int fd)
{
	struct inode *inode = fd_inode(pid, fd);
	if (!inode)
		return -ENOENT;
	char *path = S_ISFIFO(inode->mode) ? 0 : kmalloc(PATH_MAX);
	if (S_ISFIFO(inode->mode))
		text_printf(t, "pipe:[%lu]", inode->ino);
	else if (path && path_name_of_locked(inode, path, PATH_MAX) > 0)
		text_printf(t, "%s", path);
	else
		text_printf(t, "(deleted)"); /* removed; Linux keeps its old name */
	kfree(path);
	inode_put_locked(inode);
	return 0;
}

/* ---- what lookups and getdents ask ------------------------------------------------ */

bool proc_pid_exists(int pid)
{
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	bool found = process_find_locked(pid) != 0;
	spin_unlock_irqrestore(&proc_lock, flags);
	return found;
}

bool proc_fds(int pid, uint64_t *fds)
{
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct process *p = process_find_locked(pid);
	struct fd_table *files = p ? p->files : 0;
	if (files) {
		uint64_t table_flags = spin_lock_irqsave(&files->lock);
		for (int fd = 0; fd < FD_MAX; fd++)
			if (files->files[fd])
				bitmap_set(fds, (uint64_t)fd);
		spin_unlock_irqrestore(&files->lock, table_flags);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return p != 0;
}

bool proc_fd_open(int pid, int fd)
{
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct process *p = process_find_locked(pid);
	struct fd_table *files = p ? p->files : 0;
	bool open = files && __atomic_load_n(&files->files[fd], __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&proc_lock, flags);
	return open;
}

void proc_pids(uint64_t *pids)
{
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct list_node *node;
	list_for_each(node, process_table())
	{
		bitmap_set(pids, (uint64_t)list_entry(node, struct process, all_link)->pid);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
}
