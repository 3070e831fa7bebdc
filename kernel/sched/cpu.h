/* Per-CPU state, one struct cpu for each CPU, reached through the GS base: %gs:0
 * holds the structure's own address, so this_cpu() is one load and needs no CPU
 * number. One CPU today; SMP adds a struct cpu per CPU (cpu_init on each) and the
 * scheduler needs no change to find them. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "../arch/x86.h"
#include "../lib/list.h"
#include "../sync/spinlock.h"

struct task;
struct address_space;

enum task_priority {
	PRIORITY_NORMAL,
	PRIORITY_IDLE, /* runs only when no normal task is ready */
	PRIORITY_LEVELS,
};

/* Ready tasks, round-robin within each priority level. */
struct run_queue {
	struct spinlock lock;
	struct list_node ready[PRIORITY_LEVELS];
	unsigned count;
};

struct cpu {
	struct cpu *self; /* first: what %gs:0 reads */
	/* For the system-call entry (user-space issue): the user RSP is parked here, and
	 * the kernel stack to switch to is read from here, before any register is free. */
	uint64_t syscall_user_rsp;
	uint64_t syscall_kernel_rsp;
	unsigned id;
	struct task *current;
	struct task *idle;
	struct task *previous; /* the task switched away from, until the switch ends */
	struct run_queue run_queue;
	bool need_resched;	     /* set by the tick or a wake-up; acted on at interrupt exit */
	unsigned irq_depth;	     /* > 0 inside an interrupt handler */
	struct address_space *space; /* the one CR3 holds */
	uint64_t fs_base;	     /* what IA32_FS_BASE holds (a user task's TLS) */
	unsigned slice_left;	     /* ticks before the current task is preempted */
	uint64_t switch_start;	     /* TSC when the current task was switched to */
	uint64_t idle_cycles;	     /* TSC cycles the idle task has run */
	uint64_t preemptions;	     /* switches away from a task that could have run on */
	/* Sleepers, by deadline, and when the last tick came (sched/sleep.c). */
	struct spinlock timer_lock;
	struct list_node sleepers;
	uint64_t last_tick_ns;
};

/* Sets up `cpu` as the calling CPU's and points the GS base at it. */
void cpu_init(struct cpu *cpu, unsigned id);

static inline struct cpu *this_cpu(void)
{
	return (struct cpu *)gs_read64(0);
}

/* The boot CPU's structure (SMP: an array of them). */
struct cpu *cpu_boot(void);
