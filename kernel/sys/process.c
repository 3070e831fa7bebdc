/* Process calls: a process is one task for now, so its pid is its thread id too.
 * ARCH_SET_FS and ARCH_GET_FS: <asm/prctl.h>. */
#include <asm-generic/errno.h>
#include <asm/prctl.h>

#include "../arch/usercopy.h"
#include "../arch/x86.h"
#include "../proc/process.h"
#include "../sched/cpu.h"
#include "../sched/task.h"
#include "sys.h"

long sys_getpid(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return process_current()->pid;
}

long sys_exit_group(uint64_t status, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
		    uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	process_exit(WAIT_EXITED((int)status));
}

/* The thread pointer musl and glibc set before main: the FS base, kept per task and
 * loaded on every switch to it. Only user addresses: a kernel address there would
 * give the program a way into the kernel's half through %fs. */
long sys_arch_prctl(uint64_t code, uint64_t addr, uint64_t a3, uint64_t a4, uint64_t a5,
		    uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	struct task *t = current_task();
	switch (code) {
	case ARCH_SET_FS: {
		if (addr >= USER_END)
			return -EPERM;
		uint64_t flags = cpu_irq_save();
		t->fs_base = addr;
		this_cpu()->fs_base = addr;
		wrmsr(IA32_FS_BASE, addr);
		cpu_irq_restore(flags);
		return 0;
	}
	case ARCH_GET_FS: return copy_to_user(addr, &t->fs_base, sizeof t->fs_base) ? 0 : -EFAULT;
	default: return -EINVAL;
	}
}

/* Kept for when threads exit (CLONE_CHILD_CLEARTID's futex wake); the thread id. */
long sys_set_tid_address(uint64_t tidptr, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
			 uint64_t a6)
{
	(void)tidptr, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return process_current()->pid;
}
