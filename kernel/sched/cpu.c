#include "cpu.h"

#include <stddef.h>

#include "../lib/string.h"

/* The boot CPU's; SMP allocates one per CPU it starts. */
static struct cpu boot_cpu;

void cpu_init(struct cpu *cpu, unsigned id)
{
	memset(cpu, 0, sizeof *cpu);
	cpu->self = cpu;
	cpu->id = id;
	cpu->run_queue.lock = (struct spinlock)SPINLOCK_INIT;
	for (int p = 0; p < PRIORITY_LEVELS; p++)
		list_init(&cpu->run_queue.ready[p]);
	cpu->timer_lock = (struct spinlock)SPINLOCK_INIT;
	list_init(&cpu->sleepers);
	/* After gdt_init: loading a selector into GS in 64-bit mode resets its base. */
	wrmsr(IA32_GS_BASE, (uint64_t)(uintptr_t)cpu);
}

struct cpu *cpu_boot(void)
{
	return &boot_cpu;
}
