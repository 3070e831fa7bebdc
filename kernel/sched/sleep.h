/* The timer queue behind sleep_ms: each CPU keeps its sleepers in deadline order,
 * and every timer tick wakes those whose deadline has come. A sleeper therefore
 * wakes on the first tick at or after its deadline: never early, at most one tick
 * late. */
#pragma once

#include <stdint.h>

struct cpu;
struct task;

/* From sched_tick, in the timer's interrupt handler. */
void sleep_tick(struct cpu *cpu);

/* For waits with a deadline: puts the task in its CPU's timer queue, so that the
 * first tick at or after deadline_ns wakes it (from a wait queue too); disarm takes
 * it out again if it is still there. */
void sleep_arm(struct task *task, uint64_t deadline_ns);
void sleep_disarm(struct task *task);
