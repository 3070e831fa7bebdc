#include "task.h"

#include "../arch/fpu.h"
#include "../console.h"
#include "../lib/string.h"
#include "../lib/visible.h"
#include "../mm/heap.h"
#include "../panic.h"
#include "sched.h"

/* arch/switch.asm: where a new task's first switch returns to. */
void task_trampoline(void);

/* Every task, for ps and task_join. One table for the machine, under its lock. */
static struct spinlock table_lock = SPINLOCK_INIT;
static struct list_node table = LIST_INIT(table);
static int next_id;

void task_init(struct task *t, void *fpu, const char *name, enum task_priority priority)
{
	memset(t, 0, sizeof *t);
	t->fpu = fpu;
	fpu_area_init(fpu);
	task_set_name(t, name);
	t->priority = priority;
	wait_queue_init(&t->exited);
	list_init(&t->sleep_link);
}

static struct task *task_alloc(const char *name, enum task_priority priority)
{
	struct task *t = kmalloc(sizeof *t);
	void *fpu = kmalloc_aligned(fpu_area_size(), FPU_AREA_ALIGN);
	if (!t || !fpu) {
		kfree(t);
		kfree(fpu);
		return 0;
	}
	task_init(t, fpu, name, priority);
	return t;
}

static void task_free(struct task *t)
{
	if (t->owns_stack)
		kstack_free(&t->stack);
	kfree(t->fpu);
	kfree(t->bounce);
	kfree(t);
}

void task_add_to_table(struct task *t)
{
	uint64_t flags = spin_lock_irqsave(&table_lock);
	t->id = next_id++;
	list_push_back(&table, &t->all_link);
	spin_unlock_irqrestore(&table_lock, flags);
}

/* The stack as a context_switch into task_trampoline would leave it: from the
 * lowest address, r15 r14 r13 r12 rbx rbp and the return address, with fn in r12,
 * arg in r13 and rbp 0 (the end of every backtrace). The top is 16-byte aligned, so
 * the trampoline starts with RSP aligned as a call wants it. */
void task_build_first_frame(struct task *t)
{
	/* Below the room a user task's trap frame takes (task_user_frame), so that a new
	 * process can build its first one there while it runs on this stack. */
	uint64_t *frame = (uint64_t *)(t->stack.top - sizeof(struct trap_frame)) - 7;
	memset(frame, 0, 7 * sizeof *frame);
	frame[3] = (uint64_t)(uintptr_t)t->fn;
	frame[2] = (uint64_t)(uintptr_t)t->arg;
	frame[6] = (uint64_t)(uintptr_t)task_trampoline;
	t->saved_rsp = (uint64_t)(uintptr_t)frame;
}

int task_create_priority(void (*fn)(void *arg), void *arg, const char *name,
			 enum task_priority priority)
{
	struct task *t = task_alloc(name, priority);
	if (!t)
		return -1;
	if (!kstack_alloc(&t->stack)) {
		task_free(t);
		return -1;
	}
	t->owns_stack = true;
	t->guard_top = t->stack.bottom;
	t->guard_bottom = t->stack.top - KSTACK_SLOT;
	t->fn = fn;
	t->arg = arg;
	/* Tasks never migrate (one CPU). SMP: the least loaded CPU, and a migration
	 * must wait for on_cpu to clear before another CPU switches to the task. */
	t->cpu = this_cpu();
	task_build_first_frame(t);
	task_add_to_table(t);
	int id = t->id; /* t may run, end and be joined before the next line */
	sched_start_task(t);
	return id;
}

int task_create(void (*fn)(void *arg), void *arg, const char *name)
{
	return task_create_priority(fn, arg, name, PRIORITY_NORMAL);
}

void task_exit(int status)
{
	struct task *t = current_task();
	if (t == t->cpu->idle)
		panic("the idle task cannot exit");
	t->exit_status = status;
	cpu_disable_interrupts(); /* dead and gone in one step: no preemption between */
	__atomic_store_n(&t->state, TASK_DEAD, __ATOMIC_SEQ_CST);
	wake_up(&t->exited, WAKE_ALL);
	schedule();
	panic("task %d (%s) ran again after task_exit", t->id, t->name);
}

/* The task with this id (no reference is taken: the caller knows it lives). */
VISIBLE_IF_KTEST struct task *task_by_id(int id)
{
	struct task *found = 0;
	uint64_t flags = spin_lock_irqsave(&table_lock);
	struct list_node *node;
	list_for_each(node, &table)
	{
		struct task *t = list_entry(node, struct task, all_link);
		if (t->id == id)
			found = t;
	}
	spin_unlock_irqrestore(&table_lock, flags);
	return found;
}

/* Finds task `id` and claims it for the caller's join. */
static struct task *claim(int id)
{
	struct task *found = 0, *self = current_task();
	uint64_t flags = spin_lock_irqsave(&table_lock);
	struct list_node *node;
	list_for_each(node, &table)
	{
		struct task *t = list_entry(node, struct task, all_link);
		if (t->id == id && t != self && t != t->cpu->idle && !t->joining) {
			t->joining = true;
			found = t;
			break;
		}
	}
	spin_unlock_irqrestore(&table_lock, flags);
	return found;
}

int task_join(int id, int *status)
{
	struct task *t = claim(id);
	if (!t)
		return -1;
	wait_event(t->exited, __atomic_load_n(&t->state, __ATOMIC_SEQ_CST) == TASK_DEAD);
	/* Dead, but its CPU may still be switching away on its stack. */
	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		cpu_relax();
	uint64_t flags = spin_lock_irqsave(&table_lock);
	list_remove(&t->all_link);
	spin_unlock_irqrestore(&table_lock, flags);
	if (status)
		*status = t->exit_status;
	task_free(t);
	return 0;
}

void task_set_name(struct task *t, const char *name)
{
	strncpy_safe(t->name, name, sizeof t->name);
}

void task_for_each(void (*fn)(struct task *task, void *ctx), void *ctx)
{
	uint64_t flags = spin_lock_irqsave(&table_lock);
	struct list_node *node;
	list_for_each(node, &table) fn(list_entry(node, struct task, all_link), ctx);
	spin_unlock_irqrestore(&table_lock, flags);
}

const char *task_state_name(enum task_state state)
{
	switch (state) {
	case TASK_RUNNING: return "running";
	case TASK_READY: return "ready";
	case TASK_SLEEPING: return "sleeping";
	case TASK_DEAD: return "dead";
	}
	return "?";
}

/* ---- ps ---------------------------------------------------------------------------- */

struct task_row {
	int id;
	char name[TASK_NAME_MAX];
	enum task_state state;
	uint64_t cycles, switches, wakeups;
};

struct snapshot {
	struct task_row *rows;
	size_t count, max;
};

static void take_row(struct task *t, void *ctx)
{
	struct snapshot *s = ctx;
	if (s->count == s->max)
		return;
	struct task_row *r = &s->rows[s->count++];
	r->id = t->id;
	memcpy(r->name, t->name, sizeof r->name);
	r->state = __atomic_load_n(&t->state, __ATOMIC_RELAXED);
	r->cycles = task_cycles(t);
	r->switches = t->switches;
	r->wakeups = t->wakeups;
}

/* Rows are copied under the table's lock and printed after it: printing may wait. */
void task_print_all(void)
{
	enum { MAX_ROWS = 256 };
	struct snapshot s = {kcalloc(MAX_ROWS, sizeof(struct task_row)), 0, MAX_ROWS};
	if (!s.rows) {
		kprintf("ps: out of memory\n");
		return;
	}
	uint64_t total = sched_total_cycles();
	task_for_each(take_row, &s);
	kprintf("   id name             state     cpu%%   switches  wake-ups\n");
	for (size_t i = 0; i < s.count; i++) {
		const struct task_row *r = &s.rows[i];
		uint64_t tenths = total ? r->cycles * 1000 / total : 0;
		kprintf("%5d %-16s %-8s %3lu.%lu%% %10lu %9lu\n", r->id, r->name,
			task_state_name(r->state), tenths / 10, tenths % 10, r->switches,
			r->wakeups);
	}
	if (s.count == s.max)
		kprintf("(only the first %d tasks)\n", MAX_ROWS);
	kfree(s.rows);
}
