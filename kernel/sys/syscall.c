/* The system-call table: Linux's x86-64 numbers (<asm/unistd.h>), arguments in rdi,
 * rsi, rdx, r10, r8, r9, the result or -errno in rax (errno values from
 * <asm-generic/errno.h>). Each call fetches its user arguments with the user-copy
 * functions (arch/usercopy.h), once, and does its work; an unknown number returns
 * -ENOSYS and is named on the console once per process. */
#include "../arch/syscall.h"

#include <asm-generic/errno.h>
#include <asm/unistd.h>

#include "../arch/trap.h"
#include "../console.h"
#include "../lib/bitmap.h"
#include "../proc/process.h"
#include "sys.h"

#include "syscall_names.h" /* generated: build/gen/, by tools/syscall-names */

typedef long (*syscall_fn)(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
			   uint64_t a6);

/* The calls there are, by number. */
static const syscall_fn calls[] = {
	[__NR_write] = sys_write,
	[__NR_writev] = sys_writev,
	[__NR_ioctl] = sys_ioctl,
	[__NR_brk] = sys_brk,
	[__NR_getpid] = sys_getpid,
	[__NR_gettid] = sys_getpid,
	[__NR_exit] = sys_exit_group, /* one thread per process, for now */
	[__NR_exit_group] = sys_exit_group,
	[__NR_arch_prctl] = sys_arch_prctl,
	[__NR_set_tid_address] = sys_set_tid_address,
};

#define CALLS (sizeof calls / sizeof calls[0])
#define NAMES (sizeof syscall_names / sizeof syscall_names[0])

static long unknown(uint64_t nr)
{
	struct process *p = process_current();
	if (p && nr < 64 * sizeof p->unknown_syscalls / sizeof p->unknown_syscalls[0] &&
	    !bitmap_test(p->unknown_syscalls, nr)) {
		bitmap_set(p->unknown_syscalls, nr);
		kprintf("keel: pid %d (%s): system call %lu (%s) is not implemented: ENOSYS\n",
			p->pid, p->name, nr,
			nr < NAMES && syscall_names[nr] ? syscall_names[nr] : "?");
	}
	return -ENOSYS;
}

void syscall_dispatch(struct trap_frame *f)
{
	uint64_t nr = f->rax;
	if (nr < CALLS && calls[nr])
		f->rax = (uint64_t)calls[nr](f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9);
	else
		f->rax = (uint64_t)unknown(nr);
}
