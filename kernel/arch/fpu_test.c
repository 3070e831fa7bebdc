/* KTESTs for fpu.c and the scheduler's switch of FPU state (test kernel only):
 * several tasks hold distinct x87, XMM (and, with AVX, YMM) values, loaded and
 * checked in assembly (fpu_hold_test.asm), across thousands of preemptions. */
#include "fpu.h"

#include "../console.h"
#include "../sched/sched.h"
#include "../sched/task.h"
#include "../test/ktest.h"

#define HOLDERS 4

uint64_t fpu_hold(uint64_t seed, volatile uint64_t *stop, uint64_t with_avx);

static volatile uint64_t stop_holders;
static uint64_t changed[HOLDERS];

static void holder(void *arg)
{
	uintptr_t k = (uintptr_t)arg;
	changed[k] = fpu_hold(k + 1, &stop_holders, (fpu_components() & 4) != 0);
}

KTEST(fpu_registers_of_each_task_survive_thousands_of_preemptions)
{
	int ids[HOLDERS];
	stop_holders = 0;
	sched_set_slice(1);
	uint64_t preempted = sched_preemptions();
	for (uintptr_t k = 0; k < HOLDERS; k++)
		ids[k] = task_create(holder, (void *)k, "fpu holder");
	while (sched_preemptions() - preempted < 3000)
		sleep_ms(50);
	stop_holders = 1;
	for (int k = 0; k < HOLDERS; k++)
		KEXPECT_EQ(task_join(ids[k], 0), 0);
	sched_set_slice(SCHED_SLICE_TICKS);
	kprintf("  %s, components %#llx, %lu preemptions\n", fpu_method(), fpu_components(),
		sched_preemptions() - preempted);
	for (int k = 0; k < HOLDERS; k++)
		KEXPECT_EQ(changed[k], 0);
}

/* A new task starts with the x87 control word and MXCSR at their reset values. */
KTEST(fpu_area_of_a_new_task_holds_the_initial_control_words)
{
	static uint8_t area[4096] __attribute__((aligned(FPU_AREA_ALIGN)));
	KEXPECT(fpu_area_size() <= sizeof area);
	fpu_area_init(area);
	KEXPECT_EQ(area[0] | area[1] << 8, 0x037F);
	KEXPECT_EQ(area[24] | area[25] << 8 | area[26] << 16 | (uint32_t)area[27] << 24, 0x1F80);
}
