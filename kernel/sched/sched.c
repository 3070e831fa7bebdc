#include "sched.h"

#include "../arch/fpu.h"
#include "../arch/gdt.h"
#include "../arch/x86.h"
#include "../console.h"
#include "../mm/kstack.h"
#include "../mm/paging.h"
#include "../panic.h"
#include "cpu.h"
#include "sleep.h"
#include "task.h"

/* arch/switch.asm */
void context_switch(uint64_t *save_rsp, uint64_t next_rsp);

static bool running;
static unsigned slice_ticks = SCHED_SLICE_TICKS;
static uint64_t start_tsc;

bool sched_running(void)
{
	return running;
}

struct task *current_task(void)
{
	return running ? this_cpu()->current : 0;
}

void sched_enter_space(struct address_space *space, struct process *process)
{
	struct cpu *c = this_cpu();
	c->current->space = space;
	c->current->process = process;
	c->current->fs_base = 0;
	paging_switch_to(space);
	c->space = space;
	wrmsr(IA32_FS_BASE, 0);
	c->fs_base = 0;
}

void sched_set_fs_base(uint64_t base)
{
	uint64_t flags = cpu_irq_save();
	struct cpu *c = this_cpu();
	c->current->fs_base = base;
	c->fs_base = base;
	wrmsr(IA32_FS_BASE, base);
	cpu_irq_restore(flags);
}

void sched_set_slice(unsigned ticks)
{
	slice_ticks = ticks ? ticks : 1;
}

/* ---- run queues (their lock held) ------------------------------------------------ */

static void enqueue(struct cpu *c, struct task *t)
{
	list_push_back(&c->run_queue.ready[t->priority], &t->run_link);
	t->queued = true;
	c->run_queue.count++;
}

/* The next task to run: the first ready one of the highest priority, else idle. */
static struct task *pick_next(struct cpu *c)
{
	for (int p = 0; p < PRIORITY_LEVELS; p++) {
		struct list_node *node = list_pop_front(&c->run_queue.ready[p]);
		if (node) {
			struct task *t = list_entry(node, struct task, run_link);
			t->queued = false;
			c->run_queue.count--;
			return t;
		}
	}
	return c->idle;
}

static enum task_state state_of(const struct task *t)
{
	return __atomic_load_n(&t->state, __ATOMIC_SEQ_CST);
}

static void set_state(struct task *t, enum task_state state)
{
	__atomic_store_n(&t->state, state, __ATOMIC_SEQ_CST);
}

/* ---- switching ------------------------------------------------------------------- */

/* The second half of a switch, run by the task switched to: the one switched away
 * from no longer uses its stack (a joiner may free it now). */
static void finish_switch(struct cpu *c)
{
	struct task *prev = c->previous;
	c->previous = 0;
	__atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
}

static void switch_to(struct cpu *c, struct task *prev, struct task *next)
{
	uint64_t now = rdtsc();
	prev->cycles += now - c->switch_start;
	if (prev == c->idle)
		c->idle_cycles += now - c->switch_start;
	c->switch_start = now;
	next->switches++;
	next->on_cpu = true;
	c->previous = prev;
	c->current = next;
	/* Where the CPU goes on an interrupt (TSS.RSP0) or a system call from ring 3. */
	gdt_set_kernel_stack(next->stack.top);
	c->syscall_kernel_rsp = next->stack.top;
	/* A user task's own space; kernel threads the kernel's (so that no dead
	 * process's tables stay loaded under one). */
	struct address_space *space = next->space ? next->space : paging_kernel_space();
	if (space != c->space) {
		paging_switch_to(space);
		c->space = space;
	}
	/* Always for a user task: its program may have changed the base without telling
	 * us (a load of FS), so what the CPU holds is no proof of anything. */
	if (next->space) {
		wrmsr(IA32_FS_BASE, next->fs_base);
		c->fs_base = next->fs_base;
	}
	fpu_save(prev->fpu);
	fpu_restore(next->fpu);
	context_switch(&prev->saved_rsp, next->saved_rsp);
}

/* A task preempted while it was getting ready to sleep (its state already says so)
 * stays queued: it has not yet checked what it waits for, and would otherwise sleep
 * through a wake-up that came before it marked itself. */
static void schedule_from(bool preempted)
{
	struct cpu *c = this_cpu();
	uint64_t flags = spin_lock_irqsave(&c->run_queue.lock);
	struct task *prev = c->current;
	enum task_state state = state_of(prev);
	if (prev != c->idle && (state == TASK_RUNNING || (preempted && state == TASK_SLEEPING))) {
		if (state == TASK_RUNNING)
			set_state(prev, TASK_READY);
		enqueue(c, prev);
	}
	struct task *next = pick_next(c);
	c->need_resched = false;
	c->slice_left = slice_ticks; /* a new slice, even for the same task picked again */
	if (state_of(next) == TASK_READY)
		set_state(next, TASK_RUNNING);
	if (prev == c->idle && next != prev)
		set_state(prev, TASK_READY); /* never queued, but ready whenever needed */
	if (next != prev) {
		c->preemptions += preempted && prev != c->idle;
		switch_to(c, prev, next);
		c = this_cpu(); /* prev runs again, perhaps long after */
		finish_switch(c);
	}
	spin_unlock_irqrestore(&c->run_queue.lock, flags);
}

void schedule(void)
{
	schedule_from(false);
}

void yield(void)
{
	schedule_from(false);
}

/* The first code of every new task (from task_trampoline): end the switch that
 * brought it here, as schedule_from would have, then run it with interrupts on. */
__attribute__((noreturn)) void task_start(void (*fn)(void *), void *arg);
void task_start(void (*fn)(void *), void *arg)
{
	struct cpu *c = this_cpu();
	finish_switch(c);
	spin_unlock_irqrestore(&c->run_queue.lock, RFLAGS_IF);
	fn(arg);
	task_exit(0);
}

/* ---- waking, ticks and preemption ------------------------------------------------ */

void sched_start_task(struct task *t)
{
	struct cpu *c = t->cpu;
	uint64_t flags = spin_lock_irqsave(&c->run_queue.lock);
	set_state(t, TASK_READY);
	enqueue(c, t);
	if (c->current == c->idle)
		c->need_resched = true;
	spin_unlock_irqrestore(&c->run_queue.lock, flags);
}

void sched_wake(struct task *t)
{
	struct cpu *c = t->cpu;
	uint64_t flags = spin_lock_irqsave(&c->run_queue.lock);
	if (state_of(t) == TASK_SLEEPING) {
		t->wakeups++;
		if (t == c->current || t->queued) {
			set_state(t, TASK_RUNNING); /* it never switched away */
		} else {
			set_state(t, TASK_READY);
			enqueue(c, t);
			/* One CPU: c is this one, and the next interrupt exit acts on it.
			 * SMP must send c an IPI when it idles elsewhere. */
			if (c->current == c->idle)
				c->need_resched = true;
		}
	}
	spin_unlock_irqrestore(&c->run_queue.lock, flags);
}

bool sched_task_context(void)
{
	if (!running)
		return false;
	struct cpu *c = this_cpu();
	return c->irq_depth == 0 && c->current != c->idle;
}

bool sched_can_sleep(void)
{
	return (cpu_read_flags() & RFLAGS_IF) && sched_task_context();
}

void sched_tick(void)
{
	struct cpu *c = this_cpu();
	struct task *t = c->current;
	t->ticks++;
	if (t != c->idle && c->slice_left && --c->slice_left == 0)
		c->need_resched = true;
	sleep_tick(c);
}

void sched_irq_enter(void)
{
	if (running)
		this_cpu()->irq_depth++;
}

void sched_irq_exit(void)
{
	if (!running)
		return;
	struct cpu *c = this_cpu();
	if (--c->irq_depth == 0 && c->need_resched)
		schedule_from(true);
}

/* ---- start-up -------------------------------------------------------------------- */

static void idle_loop(void *arg)
{
	(void)arg;
	for (;;)
		cpu_enable_interrupts_and_halt(); /* an interrupt's exit switches away */
}

static bool in_guard(const struct task *t, uintptr_t address)
{
	return address >= t->guard_bottom && address < t->guard_top;
}

/* Panics name the task that was running, and a fault in its guard pages. */
static void report_task(uintptr_t address, uintptr_t stack_pointer)
{
	struct task *t = this_cpu()->current;
	if (!t)
		return;
	kprintf("  in task %d (%s)", t->id, t->name);
	uintptr_t hit = in_guard(t, address) ? address : stack_pointer;
	if (in_guard(t, hit))
		kprintf(": %#lx is in the guard page below its stack [%#lx, %#lx): a stack "
			"overflow",
			hit, t->guard_top, t->stack.top);
	kprintf("\n");
}

/* kmain's task and the boot CPU's idle task, in .bss: start-up makes them before
 * anything else uses the heap, whose first pages cost more than these (under QEMU,
 * fresh guest memory is slow to touch). SMP gives each CPU an idle task. */
#define STATIC_FPU_AREA 4096
static struct task boot_task, idle_task;
static uint8_t boot_fpu[STATIC_FPU_AREA] __attribute__((aligned(FPU_AREA_ALIGN)));
static uint8_t idle_fpu[STATIC_FPU_AREA] __attribute__((aligned(FPU_AREA_ALIGN)));
static uint8_t idle_stack[PAGE_SIZE + KSTACK_SIZE] __attribute__((aligned(PAGE_SIZE)));

static void make_idle_task(struct cpu *c)
{
	struct task *idle = &idle_task;
	task_init(idle, idle_fpu, "idle", PRIORITY_IDLE);
	paging_unmap_guard_page(idle_stack);
	idle->guard_bottom = (uintptr_t)idle_stack;
	idle->guard_top = idle->stack.bottom = (uintptr_t)idle_stack + PAGE_SIZE;
	idle->stack.top = (uintptr_t)idle_stack + sizeof idle_stack;
	idle->fn = idle_loop;
	idle->cpu = c;
	idle->state = TASK_READY;
	task_build_first_frame(idle);
	task_add_to_table(idle);
	c->idle = idle;
}

void sched_init(const struct kstack *boot_stack, uintptr_t boot_guard)
{
	struct cpu *c = cpu_boot();
	cpu_init(c, 0);
	if (fpu_area_size() > STATIC_FPU_AREA)
		panic("sched: the FPU area is %zu bytes, more than the %d kept for the first tasks",
		      fpu_area_size(), STATIC_FPU_AREA);

	struct task *boot = &boot_task;
	task_init(boot, boot_fpu, "kmain", PRIORITY_NORMAL);
	boot->stack = *boot_stack;
	boot->guard_bottom = boot_guard;
	boot->guard_top = boot_stack->bottom;
	boot->cpu = c;
	boot->on_cpu = true;
	boot->state = TASK_RUNNING;
	task_add_to_table(boot);
	c->current = boot;
	c->space = paging_kernel_space();
	make_idle_task(c);

	c->slice_left = slice_ticks;
	c->switch_start = start_tsc = rdtsc();
	panic_set_task_reporter(report_task);
	running = true;
}

/* ---- accounting ------------------------------------------------------------------ */

uint64_t sched_idle_cycles(void)
{
	struct cpu *c = this_cpu();
	uint64_t flags = cpu_irq_save();
	uint64_t idle = c->idle_cycles;
	if (c->current == c->idle)
		idle += rdtsc() - c->switch_start;
	cpu_irq_restore(flags);
	return idle;
}

uint64_t sched_preemptions(void)
{
	return running ? this_cpu()->preemptions : 0;
}

uint64_t sched_total_cycles(void)
{
	return running ? rdtsc() - start_tsc : 0;
}

/* Cycles a task has run, the current one's slice so far included. */
uint64_t task_cycles(const struct task *t)
{
	struct cpu *c = t->cpu;
	uint64_t flags = cpu_irq_save();
	uint64_t cycles = t->cycles;
	if (c->current == t)
		cycles += rdtsc() - c->switch_start;
	cpu_irq_restore(flags);
	return cycles;
}
