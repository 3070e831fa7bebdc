/* A process's memory (struct mm): its address space and the regions of its lower
 * half. Pages come on demand: a region is only a promise until a page of it is
 * touched, and then the page fault brings a zeroed frame, or the file's bytes for a
 * file mapping. fork shares every frame copy-on-write (mm/frame_share.h): both
 * sides map it read-only, and the first write copies it unless no one else maps it
 * any more. The stack region grows down on faults below it, up to its limit.
 *
 * The threads of a process share its mm: its lock (a mutex: a file page may wait for
 * fs_lock) is held by every change to the regions and page tables, the page fault
 * included; mm_lock is taken before fs_lock, and never over a user copy (which may
 * fault and take it again). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/list.h"
#include "../mm/paging.h"
#include "../sched/mutex.h"

struct inode;

/* Protection, as PROT_READ/WRITE/EXEC say. */
#define VM_READ	 (1u << 0)
#define VM_WRITE (1u << 1)
#define VM_EXEC	 (1u << 2)

/* Kinds of region. */
#define VM_GROWSDOWN (1u << 0) /* the stack */
#define VM_HEAP	     (1u << 1) /* brk's */
#define VM_FILE_ONLY (1u << 2) /* mmap of a file: a page past the file's end is SIGBUS */

/* What a page fault comes to (vm_fault). */
enum vm_fault_result {
	VM_FAULT_DONE,	/* resolved: try the access again */
	VM_FAULT_SEGV,	/* not allowed: SIGSEGV (a kernel copy: EFAULT) */
	VM_FAULT_BUS,	/* a file mapping's page past the file's end: SIGBUS */
	VM_FAULT_NOMEM, /* allowed, but no frame or page table could be had */
};

#define STACK_LIMIT (8ul << 20) /* Linux's default RLIMIT_STACK */
#define STACK_GAP   (1ul << 20) /* kept unmapped below the stack: Linux's stack_guard_gap */

struct vm_region {
	struct list_node link; /* in start order */
	uintptr_t start, end;  /* page-aligned, [start, end) */
	unsigned prot;
	unsigned kind;
	struct inode *file; /* a private file mapping: its bytes from `offset` */
	uint64_t offset;
	uint64_t file_size; /* bytes of the file the mapping covers; zeroes after them */
};

struct mm {
	struct mutex lock;
	struct address_space space;
	struct list_node regions;
	uintptr_t brk_start, brk;
	uintptr_t stack_top;
	unsigned long pages;	  /* frames mapped now, for tests and /proc later */
	unsigned long peak_pages; /* the most it ever had: getrusage's ru_maxrss */
};

/* An empty mm (its page tables sharing the kernel half); NULL when memory ran out. */
struct mm *mm_new(void);
/* Unmaps everything, lets go of every frame and frees the mm; never the one loaded. */
void mm_free(struct mm *mm);
/* fork: a copy of `from` whose every page is shared copy-on-write. */
struct mm *mm_copy(struct mm *from);

/* A region [start, start + size): page-aligned, in user space and over no other
 * region (else -EINVAL). `file` may be NULL; with it, the region's pages start as
 * `file_size` bytes of the file from `offset`, then zeroes. */
int vm_map(struct mm *mm, uintptr_t start, size_t size, unsigned prot, unsigned kind,
	   struct inode *file, uint64_t offset, uint64_t file_size);

/* Unmaps whatever lies in [start, start + size), splitting regions. */
int vm_unmap(struct mm *mm, uintptr_t start, size_t size);

/* madvise(MADV_DONTNEED): the pages go; touched again, they start afresh. */
int vm_discard(struct mm *mm, uintptr_t start, size_t size);

/* mprotect: every page of the range must be mapped (else -ENOMEM). */
int vm_protect(struct mm *mm, uintptr_t start, size_t size, unsigned prot);

/* A free range of `size` bytes for mmap, highest first below the stack's reach;
 * 0 if there is none. */
uintptr_t vm_find_free(struct mm *mm, size_t size);

/* mremap(2) of [old, old + old_size), which must lie in one region (else -EFAULT),
 * to new_size bytes (page multiples): shrinks in place, grows in place when the room
 * after it is free, else moves the region (its frames, not copies) if may_move, else
 * -ENOMEM. Returns the new start or -errno. */
long vm_remap(struct mm *mm, uintptr_t old, size_t old_size, size_t new_size, bool may_move);

/* brk(2): moves the heap's end; returns the break in effect afterwards. */
uintptr_t vm_brk(struct mm *mm, uintptr_t new_brk);

/* A page fault at `addr` in `mm` (loaded): DONE when it was a page not brought in
 * yet, a copy-on-write, or stack growth, and is now resolved; SEGV when the access
 * is not allowed; BUS past a mapped file's end; NOMEM when memory ran out. `write`
 * and `exec` say what the access was. */
enum vm_fault_result vm_fault(struct mm *mm, uintptr_t addr, bool write, bool exec);

/* Writes into the mm's pages through the kernel's mapping of their frames, bringing
 * them in first (exec, before the program runs; the mm need not be loaded). */
bool vm_poke(struct mm *mm, uintptr_t addr, const void *src, size_t size);

#ifdef KEEL_TEST
unsigned long vm_region_count(const struct mm *mm);
#endif
