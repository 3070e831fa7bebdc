/* KTESTs for the scheduler and tasks (test kernel only): fairness between CPU-bound
 * tasks, create/exit/join leaving no memory behind, sleep_ms's precision. */
#include "sched.h"

#include "../arch/clock.h"
#include "../mm/heap.h"
#include "../mm/pmm.h"
#include "../test/ktest.h"
#include "task.h"

static volatile bool stop_hogs;

static void just_return_early(void *arg)
{
	(void)arg;
}

static uint64_t free_frames_now(void)
{
	struct pmm_stats s;
	pmm_get_stats(&s);
	return s.free_frames;
}

/* Never yields, never sleeps: only preemption takes the CPU away. */
static void hog(void *arg)
{
	volatile uint64_t *spins = arg;
	while (!stop_hogs)
		(*spins)++;
}

/* Two CPU-bound tasks, each between 45% and 55% of what both get over 1.2 s. */
KTEST(sched_two_cpu_bound_tasks_share_the_cpu_evenly)
{
	static volatile uint64_t spins[2];
	stop_hogs = false;
	int a = task_create(hog, (void *)&spins[0], "hog a");
	int b = task_create(hog, (void *)&spins[1], "hog b");
	KEXPECT(a > 0 && b > 0);
	sleep_ms(1200);
	/* Their cycles, read while both still run. */
	struct share {
		int id;
		uint64_t cycles, switches;
	} s[2] = {{a, 0, 0}, {b, 0, 0}};
	for (int i = 0; i < 2; i++) {
		struct task *t = task_by_id(s[i].id);
		s[i].cycles = task_cycles(t);
		s[i].switches = t->switches;
	}
	stop_hogs = true;
	KEXPECT_EQ(task_join(a, 0), 0);
	KEXPECT_EQ(task_join(b, 0), 0);
	uint64_t both = s[0].cycles + s[1].cycles;
	for (int i = 0; i < 2; i++) {
		uint64_t permille = s[i].cycles * 1000 / both;
		kprintf("  hog %c: %lu.%lu%% of the two, %lu switches to it\n", 'a' + i,
			permille / 10, permille % 10, s[i].switches);
		if (permille < 450 || permille > 550)
			ktest_fail(__FILE__, __LINE__, "hog %c got %lu.%lu%%", 'a' + i,
				   permille / 10, permille % 10);
		KEXPECT(s[i].switches >= 1200 / SCHED_SLICE_TICKS / 2 / 2); /* preempted */
	}
	KEXPECT(spins[0] > 0 && spins[1] > 0);
}

/* A task alone with the CPU for more than a slice gets a new one each time it is
 * picked again, so a task woken later still gets the CPU when that slice ends. */
KTEST(sched_a_task_woken_beside_one_cpu_bound_task_runs)
{
	static volatile uint64_t spins;
	stop_hogs = false;
	int id = task_create(hog, (void *)&spins, "lone hog");
	for (int round = 0; round < 3; round++)
		sleep_ms(3 * SCHED_SLICE_TICKS); /* the hog runs alone for three slices */
	stop_hogs = true;
	KEXPECT_EQ(task_join(id, 0), 0);
	KEXPECT(spins > 0);
}

/* Tasks that allocate at once (task structures, stacks, heap blocks), preempted every
 * tick: the heap and the frame allocator come out whole. */
static void churn(void *arg)
{
	(void)arg;
	for (int i = 0; i < 500; i++) {
		task_join(task_create(just_return_early, 0, "churned"), 0);
		void *p = kmalloc(64 + (size_t)(i % 9) * 100);
		for (volatile int spin = 0; spin < 50; spin++)
			;
		kfree(p);
	}
}

KTEST(sched_tasks_allocating_at_once_keep_the_heap_and_frames_whole)
{
	heap_drain();
	uint64_t frames = free_frames_now();
	size_t blocks = heap_live_blocks();
	sched_set_slice(1);
	int ids[3];
	for (int i = 0; i < 3; i++)
		ids[i] = task_create(churn, 0, "churner");
	for (int i = 0; i < 3; i++)
		KEXPECT_EQ(task_join(ids[i], 0), 0);
	sched_set_slice(SCHED_SLICE_TICKS);
	heap_drain();
	KEXPECT_EQ(heap_live_blocks(), blocks);
	KEXPECT_EQ(free_frames_now(), frames);
}

static void exit_with(void *arg)
{
	task_exit((int)(uintptr_t)arg);
}

/* Stacks, page tables, FPU areas and task structures all go back. */
KTEST(sched_ten_thousand_create_exit_join_cycles_leave_no_memory_behind)
{
	/* One round first: the heap keeps a slab per size class once it has one. */
	int warm = task_create(just_return_early, 0, "warm-up");
	KEXPECT_EQ(task_join(warm, 0), 0);
	heap_drain();
	uint64_t frames = free_frames_now();
	size_t blocks = heap_live_blocks();
	struct heap_stats before;
	heap_get_stats(&before);
	for (int i = 0; i < 10000; i++) {
		int status = -1;
		int id = task_create(i % 2 ? exit_with : just_return_early,
				     (void *)(uintptr_t)(i & 0xFF), "cycle");
		if (id < 0) {
			ktest_fail(__FILE__, __LINE__, "task_create failed at cycle %d", i);
			return;
		}
		KEXPECT_EQ(task_join(id, &status), 0);
		KEXPECT_EQ(status, i % 2 ? i & 0xFF : 0);
	}
	heap_drain();
	struct heap_stats after;
	heap_get_stats(&after);
	KEXPECT_EQ(free_frames_now(), frames);
	KEXPECT_EQ(heap_live_blocks(), blocks);
	KEXPECT_EQ(after.bytes_requested, before.bytes_requested);
	KEXPECT(task_join(12345678, 0) == -1); /* no such task */
}

/* Woken by the first tick at or after the deadline: never before it, and the tick
 * before the one that woke it came before the deadline (at most a tick late). */
KTEST(sched_sleep_ms_is_never_early_and_at_most_one_tick_late)
{
	struct task *self = current_task();
	for (uint64_t ms = 1; ms <= 100; ms *= 10) {
		for (int round = 0; round < 3; round++) {
			uint64_t start = clock_ns();
			sleep_ms(ms);
			uint64_t slept = clock_ns() - start;
			uint64_t deadline = self->sleep_deadline_ns;
			KEXPECT(deadline >= start + ms * 1000000);
			KEXPECT(slept >= ms * 1000000);
			KEXPECT(self->woken_by_tick_ns >= deadline);
			KEXPECT(self->tick_before_ns < deadline);
			if (round == 0)
				kprintf("  sleep_ms(%lu): %lu us\n", ms, slept / 1000);
		}
	}
}
