/* brk(2): the heap just past the program's segments grows in whole pages of zeroes.
 * As on Linux, the call returns the break it now has: the old one if it could not
 * move it. (Shrinking, and the stack and mmap regions it must not run into, come
 * with mmap.) */
#include "../mm/paging.h"
#include "../proc/process.h"
#include "../proc/vm.h"
#include "sys.h"

#define BRK_MAX (1ull << 30) /* a heap of at most 1 GiB past its start, for now */

long sys_brk(uint64_t addr, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	struct process *p = process_current();
	if (addr <= p->brk || addr - p->brk_start > BRK_MAX)
		return (long)p->brk;
	uintptr_t have = (p->brk + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uintptr_t want = (addr + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (want > have && vm_map_zeroed(p, have, want - have, VM_WRITE) != 0)
		return (long)p->brk;
	p->brk = addr;
	return (long)addr;
}
