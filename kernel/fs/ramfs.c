/* The RAM file system: inodes in the kernel heap, directories as lists of entries,
 * file data in whole frames (through the direct map), allocated as they are first
 * written, so a file with holes costs only the pages written. Everything here runs
 * with fs_lock held, and so never touches user memory: a page fault there may need
 * fs_lock itself (a program's pages come from its file). */
#include "ramfs.h"

#include <asm-generic/errno-base.h>
#include <asm/statfs.h>
#include <linux/magic.h>
#include <linux/stat.h>

#include "../dev/wallclock.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "../mm/paging.h"
#include "../mm/pmm.h"

struct mutex fs_lock;
static struct inode *root;
static uint64_t next_ino = 1;
static uint64_t data_pages; /* frames holding file data: /proc/meminfo's Shmem, statfs's used */

struct inode *fs_root(void)
{
	return root;
}

struct inode *ramfs_make_root(void)
{
	mutex_init(&fs_lock, "fs");
	root = ramfs_new_inode(S_IFDIR | 0755);
	if (root) {
		root->nlink = 2; /* "." and ".." */
		root->refs = 1;	 /* never freed */
	}
	return root;
}

void inode_now(struct timestamp *t)
{
	uint64_t ns = wall_clock_ns();
	t->sec = (int64_t)(ns / 1000000000);
	t->nsec = (int64_t)(ns % 1000000000);
}

/* Versions of files' bytes: one count for all files, so that a new file (perhaps
 * at a freed one's address) never takes a version a cached page still carries. */
static uint64_t versions;

static void new_version(struct inode *inode)
{
	inode->data_version = __atomic_add_fetch(&versions, 1, __ATOMIC_RELAXED);
}

static struct inode *alloc_inode(uint64_t ino, uint32_t mode)
{
	struct inode *inode = kcalloc(1, sizeof *inode);
	if (!inode)
		return 0;
	inode->ino = ino;
	inode->mode = mode;
	new_version(inode);
	list_init(&inode->entries);
	inode_now(&inode->mtime);
	inode->atime = inode->ctime = inode->mtime;
	return inode;
}

struct inode *ramfs_new_inode(uint32_t mode)
{
	struct inode *inode = alloc_inode(next_ino, mode);
	if (inode)
		next_ino++;
	return inode;
}

struct inode *inode_new(const struct inode_ops *iops, uint64_t ino, uint32_t mode,
			struct inode *parent)
{
	struct inode *inode = alloc_inode(ino, mode);
	if (!inode)
		return 0;
	inode->iops = iops;
	inode->nlink = S_ISDIR(mode) ? 2 : 1;
	inode->refs = 1;
	inode->parent = parent;
	if (parent)
		inode_get(parent);
	return inode;
}

uint64_t fs_data_pages(void)
{
	return __atomic_load_n(&data_pages, __ATOMIC_RELAXED);
}

/* Frees a file's pages [first, end) (those it has). */
static void free_pages_range(struct inode *inode, size_t first, size_t end)
{
	for (size_t i = first; i < end && i < inode->page_slots; i++) {
		if (inode->pages[i]) {
			pmm_free_frame(virt_to_phys(inode->pages[i]));
			__atomic_sub_fetch(&data_pages, 1, __ATOMIC_RELAXED);
			inode->pages_held--;
		}
		inode->pages[i] = 0;
	}
}

static void free_pages_from(struct inode *inode, size_t first)
{
	free_pages_range(inode, first, inode->page_slots);
}

static void free_inode(struct inode *inode)
{
	free_pages_from(inode, 0);
	kfree(inode->pages);
	kfree(inode->target);
	kfree(inode);
}

void inode_get(struct inode *inode)
{
	__atomic_add_fetch(&inode->refs, 1, __ATOMIC_RELAXED);
}

void inode_put_locked(struct inode *inode)
{
	if (__atomic_sub_fetch(&inode->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (inode->iops) { /* another file system's: made for a lookup, gone when unused */
		struct inode *parent = inode->parent;
		free_inode(inode);
		if (parent)
			inode_put_locked(parent);
	} else if (inode->nlink == 0) {
		free_inode(inode);
	}
}

void inode_put(struct inode *inode)
{
	mutex_lock(&fs_lock);
	inode_put_locked(inode);
	mutex_unlock(&fs_lock);
}

/* ---- directories ------------------------------------------------------------------ */

struct dir_entry *ramfs_find(struct inode *dir, const char *name, size_t len)
{
	struct list_node *node;
	list_for_each(node, &dir->entries)
	{
		struct dir_entry *e = list_entry(node, struct dir_entry, link);
		if (strnlen(e->name, len + 1) == len && memcmp(e->name, name, len) == 0)
			return e;
	}
	return 0;
}

int ramfs_add(struct inode *dir, const char *name, size_t len, struct inode *inode)
{
	struct dir_entry *e = kmalloc(sizeof *e + len + 1);
	if (!e)
		return -ENOMEM;
	memcpy(e->name, name, len);
	e->name[len] = 0;
	e->inode = inode;
	e->position = dir->next_position++ + 2; /* after "." (0) and ".." (1) */
	list_push_back(&dir->entries, &e->link);
	inode->nlink++;
	if (S_ISDIR(inode->mode)) {
		inode->nlink++; /* its own "." */
		inode->parent = dir;
		dir->nlink++; /* its ".." */
	}
	inode_now(&dir->mtime);
	dir->ctime = dir->mtime;
	return 0;
}

void ramfs_remove(struct inode *dir, struct dir_entry *e)
{
	struct inode *inode = e->inode;
	list_remove(&e->link);
	kfree(e);
	inode->nlink--;
	if (S_ISDIR(inode->mode)) {
		inode->nlink--;
		dir->nlink--;
	}
	inode_now(&dir->mtime);
	dir->ctime = inode->ctime = dir->mtime;
	if (inode->nlink == 0 && __atomic_load_n(&inode->refs, __ATOMIC_ACQUIRE) == 0)
		free_inode(inode);
}

bool ramfs_dir_empty(const struct inode *dir)
{
	return list_empty(&dir->entries);
}

/* ---- file data -------------------------------------------------------------------- */

/* Room in the page table of a file for page `index`. */
static bool grow_slots(struct inode *inode, size_t index)
{
	if (index < inode->page_slots)
		return true;
	size_t slots = inode->page_slots ? inode->page_slots : 4;
	while (slots <= index)
		slots *= 2;
	uint8_t **pages = krealloc(inode->pages, slots * sizeof *pages);
	if (!pages)
		return false;
	memset(pages + inode->page_slots, 0, (slots - inode->page_slots) * sizeof *pages);
	inode->pages = pages;
	inode->page_slots = slots;
	return true;
}

/* The page to write `index` into; a new one is zeroed unless the write covers all
 * of it (`whole`): unpacking the initramfs copies each page once, not twice. */
static uint8_t *page_for_write(struct inode *inode, size_t index, bool whole)
{
	if (!grow_slots(inode, index))
		return 0;
	if (!inode->pages[index]) {
		phys_addr_t frame = pmm_alloc_frame();
		if (frame == PMM_NO_FRAME)
			return 0;
		inode->pages[index] = phys_to_virt(frame);
		__atomic_add_fetch(&data_pages, 1, __ATOMIC_RELAXED);
		inode->pages_held++;
		if (!whole)
			memset(inode->pages[index], 0, PAGE_SIZE);
	}
	return inode->pages[index];
}

long ramfs_read(struct inode *inode, uint64_t offset, void *buf, size_t n)
{
	static const uint8_t zeroes[PAGE_SIZE];
	if (offset >= inode->size)
		return 0;
	if (n > inode->size - offset)
		n = inode->size - offset;
	size_t done = 0;
	while (done < n) {
		uint64_t at = offset + done;
		size_t index = at / PAGE_SIZE, in_page = at % PAGE_SIZE;
		size_t chunk = PAGE_SIZE - in_page < n - done ? PAGE_SIZE - in_page : n - done;
		const uint8_t *page = index < inode->page_slots && inode->pages[index]
					      ? inode->pages[index]
				      : inode->image ? inode->image + index * PAGE_SIZE
						     : zeroes;
		memcpy((uint8_t *)buf + done, page + in_page, chunk);
		done += chunk;
	}
	inode_now(&inode->atime);
	return (long)done;
}

void ramfs_attach_image(struct inode *inode, const uint8_t *data, uint64_t size)
{
	inode->image = data;
	inode->size = size;
}

/* Before a file from the initramfs first changes: its bytes into pages of its own.
 * On -ENOSPC nothing has changed. */
static int detach_image(struct inode *inode)
{
	size_t count = (inode->size + PAGE_SIZE - 1) / PAGE_SIZE;
	for (size_t i = 0; i < count; i++) {
		size_t bytes = inode->size - i * PAGE_SIZE < PAGE_SIZE ? inode->size - i * PAGE_SIZE
								       : PAGE_SIZE;
		uint8_t *page = page_for_write(inode, i, bytes == PAGE_SIZE);
		if (!page) {
			free_pages_from(inode, 0);
			return -ENOSPC;
		}
		memcpy(page, inode->image + i * PAGE_SIZE, bytes);
	}
	inode->image = 0;
	return 0;
}

long ramfs_write(struct inode *inode, uint64_t offset, const void *buf, size_t n)
{
	if (offset + n < offset)
		return -EFBIG;
	if (inode->image && detach_image(inode))
		return -ENOSPC;
	new_version(inode); /* cached pages of the old bytes are never found again */
	size_t done = 0;
	while (done < n) {
		uint64_t at = offset + done;
		size_t in_page = at % PAGE_SIZE;
		size_t chunk = PAGE_SIZE - in_page < n - done ? PAGE_SIZE - in_page : n - done;
		uint8_t *page = page_for_write(inode, at / PAGE_SIZE, chunk == PAGE_SIZE);
		if (!page)
			return done ? (long)done : -ENOSPC;
		memcpy(page + in_page, (const uint8_t *)buf + done, chunk);
		done += chunk;
		if (at + chunk > inode->size)
			inode->size = at + chunk;
	}
	inode_now(&inode->mtime);
	inode->ctime = inode->mtime;
	return (long)done;
}

int ramfs_truncate(struct inode *inode, uint64_t size)
{
	if (inode->image && size == 0)
		inode->image = 0; /* nothing of it to keep */
	else if (inode->image && size != inode->size && detach_image(inode))
		return -ENOSPC;
	new_version(inode);
	if (size < inode->size) {
		size_t keep = (size + PAGE_SIZE - 1) / PAGE_SIZE;
		free_pages_from(inode, keep);
		if (size % PAGE_SIZE && keep - 1 < inode->page_slots && inode->pages[keep - 1])
			memset(inode->pages[keep - 1] + size % PAGE_SIZE, 0,
			       PAGE_SIZE - size % PAGE_SIZE);
	}
	inode->size = size;
	inode_now(&inode->mtime);
	inode->ctime = inode->mtime;
	return 0;
}

int ramfs_allocate(struct inode *inode, uint64_t offset, uint64_t len, bool keep_size)
{
	if (inode->image && detach_image(inode))
		return -ENOSPC;
	size_t first = offset / PAGE_SIZE, last = (offset + len - 1) / PAGE_SIZE;
	struct pmm_stats frames;
	pmm_get_stats(&frames);
	/* Not more than memory holds: counted before anything is taken. */
	size_t span = last - first + 1, missing = 0;
	if (span > inode->page_slots + frames.free_frames)
		return -ENOSPC;
	for (size_t i = first; i <= last; i++)
		missing += !(i < inode->page_slots && inode->pages[i]);
	if (missing > frames.free_frames)
		return -ENOSPC;
	for (size_t i = first; i <= last; i++)
		if (!page_for_write(inode, i, false))
			return -ENOSPC; /* what was taken stays: the file holds it */
	if (!keep_size && offset + len > inode->size)
		inode->size = offset + len;
	inode_now(&inode->ctime);
	return 0;
}

int ramfs_punch_hole(struct inode *inode, uint64_t offset, uint64_t len)
{
	if (inode->image && detach_image(inode))
		return -ENOSPC;
	new_version(inode); /* zeroes where bytes were */
	uint64_t end = offset + len;
	for (size_t i = offset / PAGE_SIZE; i < inode->page_slots && i * PAGE_SIZE < end; i++) {
		if (!inode->pages[i])
			continue;
		uint64_t at = i * PAGE_SIZE;
		size_t from = offset > at ? offset - at : 0;
		size_t to = end - at < PAGE_SIZE ? end - at : PAGE_SIZE;
		if (from == 0 && to == PAGE_SIZE)
			free_pages_range(inode, i, i + 1);
		else
			memset(inode->pages[i] + from, 0, to - from);
	}
	inode_now(&inode->mtime);
	inode->ctime = inode->mtime;
	return 0;
}

long fs_read_kernel(struct inode *inode, uint64_t offset, void *buf, size_t n)
{
	mutex_lock(&fs_lock);
	long got = ramfs_read(inode, offset, buf, n);
	mutex_unlock(&fs_lock);
	return got;
}

/* ---- statfs ----------------------------------------------------------------------- */

/* Statfs flags: include/linux/statfs.h, not in the UAPI headers. */
#define ST_VALID 0x0020 /* f_flags is filled in */

void fs_statfs(struct statfs *st)
{
	struct pmm_stats frames;
	pmm_get_stats(&frames);
	memset(st, 0, sizeof *st);
	st->f_type = TMPFS_MAGIC; /* what Linux's initramfs root (a tmpfs) says */
	st->f_bsize = st->f_frsize = PAGE_SIZE;
	mutex_lock(&fs_lock);
	st->f_blocks = (long)(fs_data_pages() + frames.free_frames); /* no limit but memory */
	mutex_unlock(&fs_lock);
	st->f_bfree = st->f_bavail = (long)frames.free_frames;
	st->f_namelen = NAME_MAX;
	st->f_flags = ST_VALID;
	/* f_files and f_ffree 0: no limit on inodes, as a tmpfs with nr_inodes=0 says */
}
