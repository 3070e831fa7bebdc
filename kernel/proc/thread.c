#include "thread.h"

#include <asm-generic/errno.h>
#include <linux/futex.h>

#include "../arch/syscall.h"
#include "../arch/trap.h"
#include "../arch/usercopy.h"
#include "../arch/x86.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "../sched/sched.h"
#include "../sched/task.h"
#include "futex.h"
#include "vm.h"

/* Threads that ended before their process, for the reaper to join and free. */
static struct list_node dead = LIST_INIT(dead);

struct thread *thread_current(void)
{
	struct task *t = current_task();
	return t ? t->thread : 0;
}

struct thread *thread_alloc(struct process *p)
{
	struct thread *t = kcalloc(1, sizeof *t);
	if (!t)
		return 0;
	t->process = p;
	list_init(&t->link);
	if (!(t->first_frame = kmalloc(sizeof(struct trap_frame)))) {
		kfree(t);
		return 0;
	}
	return t;
}

void thread_free(struct thread *t)
{
	kfree(t->first_frame);
	kfree(t);
}

struct thread *thread_find_locked(int tid)
{
	struct list_node *node, *at;
	list_for_each(node, process_table())
	{
		struct process *p = list_entry(node, struct process, all_link);
		list_for_each(at, &p->threads)
		{
			struct thread *t = list_entry(at, struct thread, link);
			if (t->tid == tid)
				return t;
		}
	}
	return 0;
}

/* A new thread's task: into its process's address space, then into ring 3 with
 * the frame clone, fork or exec prepared, copied onto this task's kernel stack. */
static void thread_main(void *arg)
{
	struct thread *th = arg;
	struct process *p = th->process;
	struct task *t = current_task();
	struct trap_frame *frame = task_user_frame(t); /* where entries put it */
	*frame = *(struct trap_frame *)th->first_frame;
	cpu_disable_interrupts(); /* until the IRETQ: no switch with half a context */
	sched_enter_space(&p->mm->space, p);
	sched_set_fs_base(th->first_fs_base);
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	t->thread = th;
	t->shared_signals = &p->shared_signals;
	th->task = t; /* signals can reach it from here on */
	t->blocked = th->first_blocked;
	__atomic_or_fetch(&t->signals, th->early_signals, __ATOMIC_RELEASE);
	th->early_signals = 0;
	spin_unlock_irqrestore(&proc_lock, flags);
	cpu_enable_interrupts(); /* a whole context now */
	if (th->set_child_tid) { /* in its own memory, now loaded; a bad address is ignored */
		int tid = th->tid;
		copy_to_user(th->set_child_tid, &tid, sizeof tid);
	}
	signal_deliver(); /* a signal sent before it ran */
	cpu_disable_interrupts();
	user_enter(frame);
}

/* Into its process's list (proc_lock held). */
static void enter_locked(struct thread *t)
{
	list_push_back(&t->process->threads, &t->link);
	t->process->thread_count++;
}

int thread_start(struct thread *t)
{
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	enter_locked(t);
	spin_unlock_irqrestore(&proc_lock, flags);
	t->task_id = task_create(thread_main, t, t->process->name);
	if (t->task_id >= 0)
		return 0;
	flags = spin_lock_irqsave(&proc_lock);
	list_remove(&t->link);
	t->process->thread_count--;
	spin_unlock_irqrestore(&proc_lock, flags);
	return -ENOMEM;
}

void thread_start_as_caller(struct thread *t, const struct fork_options *options)
{
	struct task *me = current_task();
	struct trap_frame *frame = t->first_frame;
	*frame = *task_user_frame(me);
	frame->rax = 0; /* its fork or clone returns 0 */
	if (options->stack)
		frame->rsp = options->stack;
	t->first_fs_base = options->set_tls ? options->tls : me->fs_base; /* TLS */
	t->first_blocked = me->blocked; /* the mask is inherited */
	t->set_child_tid = options->set_child_tid;
	t->clear_child_tid = options->clear_child_tid;
}

int thread_clone(const struct fork_options *options)
{
	struct process *p = process_current();
	struct thread *t = thread_alloc(p);
	if (!t)
		return -ENOMEM;
	thread_start_as_caller(t, options);
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	int tid = p->exiting || p->exec_thread ? 0 : process_new_id_locked();
	t->tid = tid;
	spin_unlock_irqrestore(&proc_lock, flags);
	if (!tid) {
		thread_free(t);
		return -EAGAIN;
	}
	/* Before it can run: a thread library reads the word the new thread clears. */
	if (options->parent_tid)
		copy_to_user(options->parent_tid, &tid, sizeof tid);
	int err = thread_start(t);
	if (err) {
		thread_free(t);
		return err;
	}
	return tid;
}

/* CLONE_CHILD_CLEARTID's word: 0, and a wake for whoever joins the thread. */
static void clear_tid_word(struct thread *t)
{
	if (!t->clear_child_tid)
		return;
	int zero = 0;
	if (copy_to_user(t->clear_child_tid, &zero, sizeof zero))
		futex_wake(t->process->mm, t->clear_child_tid, 1, FUTEX_BITSET_MATCH_ANY);
}

void thread_release_tid_word(void)
{
	struct thread *me = thread_current();
	clear_tid_word(me);
	me->clear_child_tid = 0;
}

void thread_exit(int wait_status)
{
	struct thread *me = thread_current();
	struct process *p = me->process;
	clear_tid_word(me);
	/* Off the process's memory before leaving its list: the last thread frees it. */
	cpu_disable_interrupts();
	sched_enter_space(paging_kernel_space(), p);
	cpu_enable_interrupts();
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	list_remove(&me->link);
	bool last = --p->thread_count == 0;
	if (last) {
		p->last_thread = me;
	} else {
		list_push_back(&dead, &me->link);
		/* Under the lock: once it is let go, the last thread may end p and its
		 * parent free it. (The waiter's condition takes no lock.) */
		wake_up(&p->thread_gone, WAKE_ALL);
	}
	int status = p->exiting ? p->group_status : wait_status;
	spin_unlock_irqrestore(&proc_lock, flags);
	if (last)
		process_finish(p, status);
	process_wake_reaper();
	task_exit(0);
}

bool thread_reap_one(void)
{
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct list_node *node = list_pop_front(&dead);
	spin_unlock_irqrestore(&proc_lock, flags);
	if (!node)
		return false;
	struct thread *t = list_entry(node, struct thread, link);
	task_join(t->task_id, 0);
	thread_free(t);
	return true;
}

bool thread_dead_waiting_locked(void)
{
	return !list_empty(&dead);
}

void thread_signal_others_locked(struct process *p, const struct thread *me, int sig)
{
	struct list_node *node;
	list_for_each(node, &p->threads)
	{
		struct thread *t = list_entry(node, struct thread, link);
		if (t != me)
			signal_queue_thread_locked(t, sig, 0);
	}
}

bool thread_make_sole(void)
{
	struct thread *me = thread_current();
	struct process *p = me->process;
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	bool ending = p->exiting || p->exec_thread;
	if (!ending && p->thread_count > 1) {
		p->exec_thread = me;
		thread_signal_others_locked(p, me, SIGKILL); /* signal_deliver ends them */
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	if (ending)
		return false;
	wait_event(p->thread_gone, __atomic_load_n(&p->thread_count, __ATOMIC_ACQUIRE) == 1);
	flags = spin_lock_irqsave(&proc_lock);
	p->exec_thread = 0;
	me->tid = p->pid; /* as Linux: the thread that execs becomes the group's leader */
	spin_unlock_irqrestore(&proc_lock, flags);
	return true;
}
