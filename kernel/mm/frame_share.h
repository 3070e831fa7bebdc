/* Frames shared copy-on-write after fork: how many more address spaces than one map
 * a frame. A frame the table does not know has one owner. The count goes up when
 * fork maps a frame in the child too, down when a space drops its mapping or copies
 * the frame on a write; the frame goes back to the allocator when its last owner
 * lets go. Only shared frames take room here (an open-addressing table that grows).
 *
 * The page cache is here too: frames that hold a page of a file, found by a key,
 * shared read-only by every space that maps that page (one copy of a program's code
 * for all the processes that run it), and kept when none does (retained) until the
 * memory is wanted. */
#pragma once

#include <stdbool.h>

#include "pmm.h"

/* One more owner of `frame`; false when the table could not grow (copy instead). */
bool frame_share(phys_addr_t frame);

/* One owner lets go: frees the frame when it was the last. */
void frame_release(phys_addr_t frame);

/* Whether an owner other than the caller still maps `frame`. */
bool frame_is_shared(phys_addr_t frame);

/* Frames with more than one owner, for tests. */
unsigned long frame_shared_count(void);

/* A page of a file as a mapping sees it: the file (an opaque pointer here), the
 * version of its bytes (a write makes a new one, so old pages are never found
 * again), the offset of the page and how many of its bytes come from the file (the
 * rest are zeroes). */
struct page_key {
	const void *file;
	uint64_t version;
	uint64_t offset;
	uint64_t bytes;
};

/* The cached frame for `key`, with one more owner (the caller), or PMM_NO_FRAME. */
phys_addr_t frame_cache_get(const struct page_key *key);

/* Remembers `frame` (one owner: the caller; filled as `key` says) for `key`. False
 * when it cannot (another frame has the key, no memory): the frame stays the
 * caller's alone. */
bool frame_cache_add(const struct page_key *key, phys_addr_t frame);

/* Frames the cache keeps that no space maps: as good as free (sysinfo counts them). */
unsigned long frame_cache_retained(void);

/* Gives up to `want` retained frames back to the allocator (the oldest first); how
 * many. Nothing while the cache's lock is held on the way here. */
size_t frame_cache_reclaim(size_t want);
