/* Memory calls: brk, mmap (anonymous and private file mappings), munmap, mprotect,
 * madvise. Flags from Linux's UAPI (<linux/mman.h>). Pages come on demand (proc/vm.h);
 * MAP_SHARED of a file needs the page cache of a later issue: ENODEV for now, while
 * MAP_SHARED | MAP_ANONYMOUS is taken as private (the same until fork). */
#include <asm-generic/errno.h>
#include <linux/fcntl.h>
#include <linux/mman.h>
#include <linux/stat.h>

#include "../arch/usercopy.h"
#include "../fs/file.h"
#include "../mm/pmm.h"
#include "../proc/process.h"
#include "../proc/vm.h"
#include "sys.h"

#define MMAP_LOWEST 0x10000ul /* Linux's default vm.mmap_min_addr: page 0 stays empty */

static unsigned prot_of(uint64_t prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

static uint64_t page_up(uint64_t n)
{
	return (n + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

long sys_brk(uint64_t addr, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	struct mm *mm = process_current()->mm;
	mutex_lock(&mm->lock);
	long brk = (long)vm_brk(mm, addr);
	mutex_unlock(&mm->lock);
	return brk;
}

/* Linux's default overcommit heuristic: one private writable mapping larger than all
 * of RAM is refused (swap there is none); the rest is promised and comes on demand. */
static bool more_than_memory(uint64_t size, uint64_t prot, uint64_t flags)
{
	struct pmm_stats frames;
	if ((flags & MAP_SHARED_VALIDATE) != MAP_PRIVATE || !(prot & PROT_WRITE) ||
	    (flags & MAP_NORESERVE))
		return false;
	pmm_get_stats(&frames);
	return size / PAGE_SIZE > frames.total_frames;
}

long sys_mmap(uint64_t addr, uint64_t length, uint64_t prot, uint64_t flags, uint64_t fd,
	      uint64_t offset)
{
	struct mm *mm = process_current()->mm;
	uint64_t type = flags & MAP_SHARED_VALIDATE;
	bool anonymous = flags & MAP_ANONYMOUS;
	if (length == 0 || (type != MAP_PRIVATE && type != MAP_SHARED) || offset % PAGE_SIZE ||
	    (prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	uint64_t size = page_up(length);
	if (size < length || size > USER_END || more_than_memory(size, prot, flags))
		return -ENOMEM;
	struct file *f = 0;
	if (!anonymous) {
		f = fd < FD_MAX ? fd_get(process_current()->files, (int)fd) : 0;
		if (!f)
			return -EBADF;
		long err = !S_ISREG(f->inode->mode) || f->inode->iops ? -ENODEV /* /proc's too */
			   : type == MAP_SHARED			      ? -ENODEV
			   : (f->flags & O_ACCMODE) == O_WRONLY	      ? -EACCES
								      : 0;
		if (err) {
			file_put(f);
			return err;
		}
	}
	uint64_t start;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		start = addr;
		long bad = !user_range_ok(start, size) ? -ENOMEM /* Linux's order */
			   : start % PAGE_SIZE	       ? -EINVAL
			   : start < MMAP_LOWEST       ? -EPERM
						       : 0;
		if (bad) {
			if (f)
				file_put(f);
			return bad;
		}
		mutex_lock(&mm->lock);
		if (flags & MAP_FIXED)
			vm_unmap(mm, start, size);
	} else {
		mutex_lock(&mm->lock); /* the free range stays free until it is mapped */
		start = vm_find_free(mm, size);
	}
	long err = start ? 0 : -ENOMEM;
	if (!err) {
		uint64_t file_size = 0;
		if (f)
			file_size = f->inode->size > offset ? f->inode->size - offset : 0;
		err = vm_map(mm, start, size, prot_of(prot), f ? VM_FILE_ONLY : 0, f ? f->inode : 0,
			     offset, file_size < size ? file_size : size);
		if (err == -EINVAL && (flags & MAP_FIXED_NOREPLACE))
			err = -EEXIST;
	}
	mutex_unlock(&mm->lock);
	if (f)
		file_put(f);
	return err ? err : (long)start;
}

long sys_munmap(uint64_t addr, uint64_t length, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	struct mm *mm = process_current()->mm;
	mutex_lock(&mm->lock);
	long err = vm_unmap(mm, addr, length);
	mutex_unlock(&mm->lock);
	return err;
}

long sys_mprotect(uint64_t addr, uint64_t length, uint64_t prot, uint64_t a4, uint64_t a5,
		  uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	if (prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	struct mm *mm = process_current()->mm;
	mutex_lock(&mm->lock);
	long err = vm_protect(mm, addr, length, prot_of(prot));
	mutex_unlock(&mm->lock);
	return err;
}

/* Advice is taken as given and ignored, as Linux may (MADV_DONTNEED's zeroing of
 * anonymous pages aside: that one is done). */
long sys_madvise(uint64_t addr, uint64_t length, uint64_t advice, uint64_t a4, uint64_t a5,
		 uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	if (addr % PAGE_SIZE)
		return -EINVAL;
	if (advice != MADV_DONTNEED)
		return 0;
	struct mm *mm = process_current()->mm;
	mutex_lock(&mm->lock);
	long err = vm_discard(mm, addr, page_up(length));
	mutex_unlock(&mm->lock);
	return err;
}

/* mremap: shrink, grow in place, or move (MREMAP_MAYMOVE); Linux's checks first.
 * MREMAP_FIXED and MREMAP_DONTUNMAP are not done here: EINVAL. */
long sys_mremap(uint64_t old, uint64_t old_size, uint64_t new_size, uint64_t flags, uint64_t a5,
		uint64_t a6)
{
	(void)a5, (void)a6;
	if (flags & ~(uint64_t)MREMAP_MAYMOVE || old % PAGE_SIZE)
		return -EINVAL;
	old_size = page_up(old_size);
	new_size = page_up(new_size);
	if (new_size == 0)
		return -EINVAL;
	if (old_size == 0 || !user_range_ok(old, old_size))
		return old_size ? -EFAULT : -EINVAL; /* size 0: Linux's shared-copy case */
	struct mm *mm = process_current()->mm;
	mutex_lock(&mm->lock);
	long moved = vm_remap(mm, old, old_size, new_size, flags & MREMAP_MAYMOVE);
	mutex_unlock(&mm->lock);
	return moved;
}
