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

void fpu_read_controls(uint16_t *fcw, uint32_t *mxcsr);
void fpu_write_controls(uint64_t fcw, uint64_t mxcsr);

static uint16_t child_fcw;
static uint32_t child_mxcsr;

static void read_controls(void *arg)
{
	(void)arg;
	fpu_read_controls(&child_fcw, &child_mxcsr);
}

/* A new task starts with the x87 control word and MXCSR at their reset values, in its
 * registers, whatever its creator had; and the creator keeps its own. */
KTEST(fpu_new_task_starts_with_the_initial_control_words_in_its_registers)
{
	const uint16_t odd_fcw = 0x0C7F;   /* round toward zero */
	const uint32_t odd_mxcsr = 0x7F80; /* round toward zero, exceptions masked */
	fpu_write_controls(odd_fcw, odd_mxcsr);
	int id = task_create(read_controls, 0, "controls");
	KEXPECT_EQ(task_join(id, 0), 0);
	uint16_t fcw;
	uint32_t mxcsr;
	fpu_read_controls(&fcw, &mxcsr);
	fpu_write_controls(0x037F, 0x1F80);
	KEXPECT_EQ(child_fcw, 0x037F);
	KEXPECT_EQ(child_mxcsr, 0x1F80);
	KEXPECT_EQ(fcw, odd_fcw);
	KEXPECT_EQ(mxcsr, odd_mxcsr);
}
