#include "process.h"

#include <asm-generic/errno-base.h>
#include <asm/signal.h>

#include "../arch/syscall.h"
#include "../arch/trap.h"
#include "../arch/x86.h"
#include "../console.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "../sched/sched.h"
#include "../sched/task.h"
#include "exec.h"
#include "vm.h"

/* Every process until it is waited for, under its lock. One table for the machine. */
static struct spinlock table_lock = SPINLOCK_INIT;
static struct list_node table = LIST_INIT(table);
static int next_pid = 1;

struct process *process_current(void)
{
	struct task *t = current_task();
	return t ? t->process : 0;
}

/* The new process's task: into its address space, then into ring 3. The frame
 * exec built is copied onto this task's kernel stack, where user_enter wants it. */
static void process_start(void *arg)
{
	struct process *p = arg;
	p->task_id = current_task()->id;
	struct trap_frame frame = *(struct trap_frame *)p->first_frame;
	kfree(p->first_frame);
	p->first_frame = 0;
	cpu_disable_interrupts(); /* until the IRETQ: no switch with half a context */
	sched_enter_space(&p->space, p);
	user_enter(&frame);
}

static void process_free(struct process *p)
{
	vm_release(p);
	paging_destroy_space(&p->space);
	kfree(p->first_frame);
	kfree(p);
}

/* The last part of argv[0]: the name ps and reports show. */
static void set_name(struct process *p, const char *const argv[])
{
	const char *path = argv && argv[0] ? argv[0] : "?", *name = path;
	for (const char *c = path; *c; c++)
		if (*c == '/' && c[1])
			name = c + 1;
	strncpy_safe(p->name, name, sizeof p->name);
}

int process_spawn(const void *image, size_t size, const char *const argv[],
		  const char *const envp[])
{
	struct process *p = kcalloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	list_init(&p->regions);
	wait_queue_init(&p->exit_wait);
	set_name(p, argv);
	p->first_frame = kmalloc(sizeof(struct trap_frame));
	if (!p->first_frame || paging_create_space(&p->space) != 0) {
		kfree(p->first_frame);
		kfree(p);
		return -ENOMEM;
	}
	int err = exec_image(p, image, size, argv, envp, p->first_frame);
	if (err) {
		process_free(p);
		return err;
	}
	uint64_t flags = spin_lock_irqsave(&table_lock);
	p->pid = next_pid++;
	list_push_back(&table, &p->all_link);
	spin_unlock_irqrestore(&table_lock, flags);
	int pid = p->pid; /* p may run and end before task_create returns */
	if (task_create(process_start, p, p->name) < 0) {
		flags = spin_lock_irqsave(&table_lock);
		list_remove(&p->all_link);
		spin_unlock_irqrestore(&table_lock, flags);
		process_free(p);
		return -ENOMEM;
	}
	return pid;
}

static struct process *find(int pid)
{
	struct process *found = 0;
	uint64_t flags = spin_lock_irqsave(&table_lock);
	struct list_node *node;
	list_for_each(node, &table)
	{
		struct process *p = list_entry(node, struct process, all_link);
		if (p->pid == pid && !p->reaping) {
			p->reaping = true;
			found = p;
			break;
		}
	}
	spin_unlock_irqrestore(&table_lock, flags);
	return found;
}

int process_wait(int pid, int *wait_status)
{
	struct process *p = find(pid);
	if (!p)
		return -ECHILD;
	wait_event(p->exit_wait, __atomic_load_n(&p->exited, __ATOMIC_ACQUIRE));
	task_join(p->task_id, 0); /* its stack; it set task_id before it could exit */
	uint64_t flags = spin_lock_irqsave(&table_lock);
	list_remove(&p->all_link);
	spin_unlock_irqrestore(&table_lock, flags);
	if (wait_status)
		*wait_status = p->wait_status;
	process_free(p);
	return 0;
}

void process_exit(int wait_status)
{
	struct process *p = process_current();
	p->wait_status = wait_status;
	__atomic_store_n(&p->exited, true, __ATOMIC_RELEASE);
	wake_up(&p->exit_wait, WAKE_ALL);
	task_exit(0);
}

/* ---- a fault in ring 3 ends the program, never the kernel ------------------------- */

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
	default: return SIGSEGV; /* #PF, #GP, #SS, #BR and the rest */
	}
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGFPE: return "SIGFPE";
	case SIGTRAP: return "SIGTRAP";
	case SIGILL: return "SIGILL";
	case SIGBUS: return "SIGBUS";
	default: return "SIGSEGV";
	}
}

static void user_fault(struct trap_frame *f)
{
	struct process *p = process_current();
	if (!p)
		return; /* ring 3 without a process: cannot happen */
	int sig = signal_for(f->vector);
	kprintf("keel: pid %d (%s): %s, %s at rip %#lx", p->pid, p->name, signal_name(sig),
		trap_name(f->vector), f->rip);
	if (f->vector == VECTOR_PAGE_FAULT)
		kprintf(", address %#lx", read_cr2());
	kprintf("\n");
	cpu_enable_interrupts(); /* an ordinary exit from here on */
	process_exit(WAIT_SIGNALED(sig));
}

void process_init(void)
{
	trap_set_user_fault_handler(user_fault);
}
