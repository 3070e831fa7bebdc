/* Physical memory manager: a buddy allocator over 4 KiB frames.
 *
 * Free memory is kept as blocks of 2^k frames (k = 0..PMM_MAX_ORDER), each aligned to
 * its size, on one doubly-linked list per order. The links live in the free blocks
 * themselves, reached through phys_to_virt; what the allocator trusts lives in its
 * metadata, carved from usable memory by pmm_init:
 *   allocated  a bit per frame, set while the frame is handed out. Every free is
 *              checked against it before anything changes, so a double free or a free
 *              of a frame never handed out is reported and ignored.
 *   head[k]    a bit per order-k block, set while a free block of order k starts there.
 *              A free merges with its buddy while head[] says the buddy is free.
 *   fresh[k]   for blocks of 2 MiB and up (k >= FRESH_ORDER): a bit per order-k block
 *              that is free and has not been touched since init: on no list, taken
 *              in address order by a cursor.
 * For a span of N frames that is N/8 + about N/4 bytes: 768 KiB for 8 GiB, 6 MiB for
 * 64 GiB. Alloc and free do O(PMM_MAX_ORDER) list and bit operations, plus O(count/64)
 * bitmap words for a run (and the fresh cursors' scans, O(1) amortised).
 *
 * Init writes only the metadata and the links of the few blocks under 2 MiB at the
 * edges of each range: under QEMU TCG the first write to each 2 MiB of guest RAM costs
 * the host a huge-page clear, so linking every 4 MiB block of 8 GiB took 4 s, and
 * linking the two 2 MiB edge blocks of a 128 MiB machine 0.4 ms. */
#include "pmm.h"

#include "../lib/bitmap.h"
#include "../lib/string.h"
#include "../lib/visible.h"
#include "../panic.h"

#define FRAME_SHIFT 12
#define FRAME_MASK  (PMM_FRAME_SIZE - 1)
#define LAST_FRAME  (~0ull & ~FRAME_MASK)   /* base of the frame just below 2^64 */
#define LOW_MEMORY  (1ull << 20)	    /* the first MiB: BIOS data, never handed out */
#define PHYS_LIMIT  (1ull << 52)	    /* MAXPHYADDR is at most 52 (SDM vol. 3A, 4.1.4) */
#define MAX_BLOCK   (1ull << PMM_MAX_ORDER) /* frames in the largest block */
#define NIL	    (~0ull)		    /* no frame, in frame-index space */
#define ORDERS	    (PMM_MAX_ORDER + 1)
#define FRESH_ORDER 9 /* 2 MiB: the unit QEMU backs guest RAM with (see the top) */

/* ---- the allocator's state ------------------------------------------------------ */

/* There is one allocator for the machine; SMP will need a lock around every entry
 * point. Frames are named by their index from base_pfn (aligned to a largest block,
 * so buddies of indices are buddies of frames); span is a multiple of MAX_BLOCK. */
static struct {
	bool ready;
	void *(*to_virt)(phys_addr_t);
	uint64_t base_pfn, span;
	uint64_t *allocated;
	uint64_t *head[ORDERS];
	uint64_t *fresh[ORDERS];       /* orders FRESH_ORDER and up only */
	uint64_t list[ORDERS];	       /* first free block of each order, or NIL */
	uint32_t nonempty;	       /* bit k set: a block of order k is free */
	uint64_t fresh_count[ORDERS];  /* fresh bits set */
	uint64_t fresh_cursor[ORDERS]; /* no fresh bit is set before this word */
	uint64_t total, free;
} pmm;

/* What a free block holds in its first bytes. */
struct free_link {
	uint64_t next, prev; /* frame indices, NIL at the ends */
};

static phys_addr_t frame_addr(uint64_t index)
{
	return (pmm.base_pfn + index) << FRAME_SHIFT;
}

static struct free_link *link_of(uint64_t index)
{
	return pmm.to_virt(frame_addr(index));
}

static unsigned floor_log2(uint64_t x)
{
	return 63u - (unsigned)__builtin_clzll(x);
}

/* ---- free lists ----------------------------------------------------------------- */

static bool is_free_head(unsigned order, uint64_t index)
{
	return index < pmm.span && (index & ((1ull << order) - 1)) == 0 &&
	       bitmap_test(pmm.head[order], index >> order);
}

static void update_nonempty(unsigned order)
{
	if (pmm.list[order] != NIL || pmm.fresh_count[order])
		pmm.nonempty |= 1u << order;
	else
		pmm.nonempty &= ~(1u << order);
}

static void list_push(unsigned order, uint64_t index)
{
	struct free_link *link = link_of(index);
	link->next = pmm.list[order];
	link->prev = NIL;
	if (pmm.list[order] != NIL)
		link_of(pmm.list[order])->prev = index;
	pmm.list[order] = index;
	pmm.nonempty |= 1u << order;
	bitmap_set(pmm.head[order], index >> order);
}

/* Takes a free block off its list. Its links sit in memory anyone may have written
 * to after a free, so they are checked first: a bad one is reported and nothing
 * changes. */
static bool list_unlink(unsigned order, uint64_t index)
{
	const struct free_link *link = link_of(index);
	uint64_t next = link->next, prev = link->prev;
	if (next == index || prev == index || (next != NIL && !is_free_head(order, next)) ||
	    (prev == NIL ? pmm.list[order] != index : !is_free_head(order, prev))) {
		pmm_report_misuse("free list corrupted (a freed frame written to?)",
				  frame_addr(index));
		return false;
	}
	if (prev == NIL)
		pmm.list[order] = next;
	else
		link_of(prev)->next = next;
	if (next != NIL)
		link_of(next)->prev = prev;
	update_nonempty(order);
	bitmap_clear(pmm.head[order], index >> order);
	return true;
}

/* Marks a free block of order FRESH_ORDER or more fresh, or no longer fresh. */
static void set_fresh(unsigned order, uint64_t index, bool fresh)
{
	if (fresh) {
		bitmap_set(pmm.fresh[order], index >> order);
		bitmap_set(pmm.head[order], index >> order);
		pmm.fresh_count[order]++;
	} else {
		bitmap_clear(pmm.fresh[order], index >> order);
		bitmap_clear(pmm.head[order], index >> order);
		pmm.fresh_count[order]--;
	}
	update_nonempty(order);
}

/* The first fresh block of an order, taken. Fresh bits are only set by init, so the
 * cursor only moves forward: over a machine's life it passes each bitmap word once. */
static uint64_t take_fresh(unsigned order)
{
	uint64_t *bits = pmm.fresh[order], *cursor = &pmm.fresh_cursor[order];
	while (bits[*cursor] == 0)
		(*cursor)++; /* fresh_count > 0: a set bit lies ahead */
	uint64_t index = (*cursor * 64 + (uint64_t)__builtin_ctzll(bits[*cursor])) << order;
	set_fresh(order, index, false);
	return index;
}

static bool is_fresh(unsigned order, uint64_t index)
{
	return order >= FRESH_ORDER && order < ORDERS &&
	       bitmap_test(pmm.fresh[order], index >> order);
}

/* Takes a free block off its list, or out of the fresh ones (writing nothing in it). */
static bool unlink_block(unsigned order, uint64_t index)
{
	if (!is_fresh(order, index))
		return list_unlink(order, index);
	set_fresh(order, index, false);
	return true;
}

/* Frees one aligned block, merging with its buddy for as long as the buddy is a free
 * block of the same order. No bound check on the buddy: span is a multiple of
 * MAX_BLOCK, so a buddy below PMM_MAX_ORDER always lies inside it. At init (`fresh`),
 * a block of 2 MiB or more is marked fresh instead of linked: nothing is written into
 * it, so the host never has to back it before it is used. */
static void free_block(uint64_t index, unsigned order, bool fresh)
{
	while (order < PMM_MAX_ORDER) {
		uint64_t buddy = index ^ (1ull << order);
		if (!bitmap_test(pmm.head[order], buddy >> order) || !unlink_block(order, buddy))
			break;
		index &= ~(1ull << order);
		order++;
	}
	if (fresh && order >= FRESH_ORDER)
		set_fresh(order, index, true);
	else
		list_push(order, index);
}

/* Frees [index, index + count) as the fewest aligned blocks; the caller counts them. */
static void free_range(uint64_t index, uint64_t count, bool fresh)
{
	while (count) {
		unsigned order = index ? (unsigned)__builtin_ctzll(index) : PMM_MAX_ORDER;
		if (order > PMM_MAX_ORDER)
			order = PMM_MAX_ORDER;
		if (order > floor_log2(count))
			order = floor_log2(count);
		free_block(index, order, fresh);
		index += 1ull << order;
		count -= 1ull << order;
	}
}

/* Whether a frame lies in a free block (for the misuse report only). */
static bool in_free_block(uint64_t index)
{
	for (unsigned order = 0; order < ORDERS; order++)
		if (bitmap_test(pmm.head[order], index >> order))
			return true;
	return false;
}

/* ---- pmm_init --------------------------------------------------------------------- */

/* Available memory, in address order: whole frames of the usable ranges, at or above
 * 1 MiB and below `limit`, outside every reserved range (rounded out to frames) and the
 * metadata. A usable range is clipped to start where the previous one ended, so
 * unsorted or overlapping input can lose memory but never yields a frame twice. */
struct pieces {
	const struct mem_range *usable, *reserved;
	size_t usable_count, reserved_count;
	struct mem_range meta; /* empty until placed */
	uint64_t limit;
	size_t next_range;
	uint64_t floor, pos, end; /* what is left of the current usable range */
};

static void pieces_rewind(struct pieces *p)
{
	p->next_range = 0;
	p->floor = LOW_MEMORY;
	p->pos = p->end = 0;
}

static struct mem_range excluded(const struct pieces *p, size_t i)
{
	struct mem_range r = i < p->reserved_count ? p->reserved[i] : p->meta;
	if (r.end <= r.base)
		return (struct mem_range){0, 0};
	r.base &= ~FRAME_MASK;
	r.end = r.end > LAST_FRAME ? ~0ull : (r.end + FRAME_MASK) & ~FRAME_MASK;
	return r;
}

/* `addr`, moved past every excluded range that covers it. A pass that moves it moves
 * it past a range's end, and that range can never cover it again: at most
 * reserved_count + 2 passes. */
static uint64_t skip_excluded(const struct pieces *p, uint64_t addr)
{
	for (size_t pass = 0; pass < p->reserved_count + 2; pass++) {
		bool moved = false;
		for (size_t i = 0; i <= p->reserved_count; i++) {
			struct mem_range r = excluded(p, i);
			if (r.base <= addr && addr < r.end) {
				addr = r.end;
				moved = true;
			}
		}
		if (!moved)
			break;
	}
	return addr;
}

/* The first start of an excluded range in (addr, end), or end. */
static uint64_t next_excluded(const struct pieces *p, uint64_t addr, uint64_t end)
{
	for (size_t i = 0; i <= p->reserved_count; i++) {
		struct mem_range r = excluded(p, i);
		if (r.end > r.base && r.base > addr && r.base < end)
			end = r.base;
	}
	return end;
}

static bool pieces_next(struct pieces *p, struct mem_range *out)
{
	for (;;) {
		if (p->pos >= p->end) {
			if (p->next_range == p->usable_count)
				return false;
			const struct mem_range *r = &p->usable[p->next_range++];
			uint64_t base =
				r->base > LAST_FRAME ? ~0ull : (r->base + FRAME_MASK) & ~FRAME_MASK;
			uint64_t end = r->end & ~FRAME_MASK;
			p->pos = base > p->floor ? base : p->floor;
			p->end = end < p->limit ? end : p->limit;
			if (p->end > p->floor)
				p->floor = p->end;
			continue;
		}
		uint64_t base = skip_excluded(p, p->pos);
		if (base >= p->end) {
			p->pos = p->end;
			continue;
		}
		p->pos = next_excluded(p, base, p->end);
		out->base = base;
		out->end = p->pos;
		return true;
	}
}

/* Bitmap words for a span: the allocated bits, head[0..PMM_MAX_ORDER], then
 * fresh[FRESH_ORDER..PMM_MAX_ORDER]. */
static uint64_t head_words(uint64_t span, unsigned order)
{
	return ((span >> order) + 63) / 64;
}

static uint64_t metadata_words(uint64_t span)
{
	uint64_t words = span / 64;
	for (unsigned order = 0; order < ORDERS; order++)
		words += head_words(span, order);
	for (unsigned order = FRESH_ORDER; order < ORDERS; order++)
		words += head_words(span, order);
	return words;
}

/* Where the metadata goes: the span from the first available frame to the end of the
 * last, and the first piece that holds its bitmaps. When none does (memory in far
 * apart islands), the highest piece is given up and the span shrinks: at most one
 * round per piece. Returns false if nothing is left. */
static bool place_metadata(struct pieces *p, uint64_t *base_pfn, uint64_t *span, uint64_t *frames)
{
	for (;;) {
		struct mem_range r, first = {0, 0}, last = {0, 0};
		for (pieces_rewind(p); pieces_next(p, &r); last = r)
			if (first.end == 0)
				first = r;
		if (first.end == 0)
			return false;
		*base_pfn = (first.base >> FRAME_SHIFT) & ~(MAX_BLOCK - 1);
		*span = ((last.end >> FRAME_SHIFT) - *base_pfn + MAX_BLOCK - 1) & ~(MAX_BLOCK - 1);
		*frames = (metadata_words(*span) * 8 + FRAME_MASK) >> FRAME_SHIFT;
		for (pieces_rewind(p); pieces_next(p, &r);) {
			if ((r.end - r.base) >> FRAME_SHIFT >= *frames) {
				p->meta.base = r.base;
				p->meta.end = r.base + (*frames << FRAME_SHIFT);
				return true;
			}
		}
		p->limit = last.base;
	}
}

bool pmm_init(const struct mem_range *usable, size_t usable_count, const struct mem_range *reserved,
	      size_t reserved_count, void *(*phys_to_virt)(phys_addr_t))
{
	struct pieces p = {.usable = usable,
			   .reserved = reserved,
			   .usable_count = usable ? usable_count : 0,
			   .reserved_count = reserved ? reserved_count : 0,
			   .limit = PHYS_LIMIT};
	uint64_t base_pfn, span, meta_frames;
	pmm.ready = false;
	if (!phys_to_virt || !place_metadata(&p, &base_pfn, &span, &meta_frames))
		return false;

	pmm.to_virt = phys_to_virt;
	pmm.base_pfn = base_pfn;
	pmm.span = span;
	uint64_t *words = phys_to_virt(p.meta.base);
	memset(words, 0, metadata_words(span) * sizeof *words); /* 8 words a pass: see string.c */
	pmm.allocated = words;
	words += span / 64;
	for (unsigned order = 0; order < ORDERS; order++) {
		pmm.head[order] = words;
		words += head_words(span, order);
		pmm.list[order] = NIL;
	}
	for (unsigned order = FRESH_ORDER; order < ORDERS; order++) {
		pmm.fresh[order] = words;
		words += head_words(span, order);
		pmm.fresh_count[order] = pmm.fresh_cursor[order] = 0;
	}
	pmm.nonempty = 0;
	pmm.free = 0;

	struct mem_range r;
	for (pieces_rewind(&p); pieces_next(&p, &r);) {
		uint64_t frames = (r.end - r.base) >> FRAME_SHIFT;
		free_range((r.base >> FRAME_SHIFT) - base_pfn, frames, true);
		pmm.free += frames;
	}
	pmm.total = pmm.free + meta_frames;
	pmm.ready = pmm.free != 0;
	return pmm.ready;
}

/* ---- alloc and free ---------------------------------------------------------------- */

/* The kernel's lock (pmm_set_lock), taken by every entry point below; none on the
 * host. */
static uint64_t (*lock_fn)(void);
static void (*unlock_fn)(uint64_t key);

void pmm_set_lock(uint64_t (*lock)(void), void (*unlock)(uint64_t key))
{
	lock_fn = lock;
	unlock_fn = unlock;
}

static uint64_t pmm_lock(void)
{
	return lock_fn ? lock_fn() : 0;
}

static void pmm_unlock(uint64_t key)
{
	if (unlock_fn)
		unlock_fn(key);
}

/* Takes the smallest free block that fits, splits it down to the order asked for, and
 * gives back the frames past `count` at once. */
static phys_addr_t alloc_frames(size_t count)
{
	if (!pmm.ready || count == 0 || count > MAX_BLOCK)
		return PMM_NO_FRAME;
	unsigned want = count == 1 ? 0 : floor_log2(count - 1) + 1;
	uint32_t fits = pmm.nonempty & ~((1u << want) - 1);
	if (!fits)
		return PMM_NO_FRAME;
	unsigned order = (unsigned)__builtin_ctz(fits);
	uint64_t index = pmm.list[order];
	if (index == NIL && order >= FRESH_ORDER) {
		index = take_fresh(order);
	} else if (!is_free_head(order, index)) {
		pmm_report_misuse("free list corrupted (a freed frame written to?)",
				  frame_addr(index));
		return PMM_NO_FRAME;
	} else if (!list_unlink(order, index)) {
		return PMM_NO_FRAME;
	}
	while (order > want) {
		order--;
		list_push(order, index + (1ull << order));
	}
	bitmap_assign(pmm.allocated, index, count, true);
	pmm.free -= count;
	free_range(index + count, (1ull << want) - count, false);
	return frame_addr(index);
}

static size_t (*reclaimer)(size_t want);

void pmm_set_reclaimer(size_t (*reclaim)(size_t want))
{
	reclaimer = reclaim;
}

phys_addr_t pmm_alloc_frames(size_t count)
{
	uint64_t key = pmm_lock();
	phys_addr_t frames = alloc_frames(count);
	pmm_unlock(key);
	if (frames == PMM_NO_FRAME && reclaimer && reclaimer(count < 32 ? 32 : count)) {
		key = pmm_lock();
		frames = alloc_frames(count);
		pmm_unlock(key);
	}
	return frames;
}

phys_addr_t pmm_alloc_frame(void)
{
	return pmm_alloc_frames(1);
}

/* Any frames handed out may be freed, in any grouping: a run whole, in parts, or one
 * frame at a time. Each must be handed out now, or nothing is freed. */
static void free_frames(phys_addr_t first, size_t count)
{
	if (!pmm.ready) {
		pmm_report_misuse("free with no allocator (pmm_init failed or not run)", first);
		return;
	}
	if (first & FRAME_MASK) {
		pmm_report_misuse("free of a misaligned frame address", first);
		return;
	}
	if (count == 0) {
		pmm_report_misuse("free of zero frames", first);
		return;
	}
	uint64_t pfn = first >> FRAME_SHIFT;
	if (pfn < pmm.base_pfn || pfn - pmm.base_pfn >= pmm.span) {
		pmm_report_misuse("free of a frame outside managed memory", first);
		return;
	}
	uint64_t index = pfn - pmm.base_pfn;
	if (count > pmm.span - index) {
		pmm_report_misuse("free of a frame outside managed memory", frame_addr(pmm.span));
		return;
	}
	uint64_t bad = bitmap_first_clear(pmm.allocated, index, count);
	if (bad != BITMAP_NONE) {
		pmm_report_misuse(in_free_block(bad) ? "double free"
						     : "free of a frame never handed out",
				  frame_addr(bad));
		return;
	}
	bitmap_assign(pmm.allocated, index, count, false);
	pmm.free += count;
	free_range(index, count, false);
}

void pmm_free_frames(phys_addr_t first, size_t count)
{
	uint64_t key = pmm_lock();
	free_frames(first, count);
	pmm_unlock(key);
}

void pmm_free_frame(phys_addr_t frame)
{
	pmm_free_frames(frame, 1);
}

/* Whether `frame` lies in managed memory and is handed out now. */
VISIBLE_IF_KTEST bool pmm_frame_handed_out(phys_addr_t frame)
{
	uint64_t pfn = frame >> FRAME_SHIFT;
	return pmm.ready && pfn >= pmm.base_pfn && pfn - pmm.base_pfn < pmm.span &&
	       bitmap_test(pmm.allocated, pfn - pmm.base_pfn);
}

void pmm_get_stats(struct pmm_stats *stats)
{
	uint64_t key = pmm_lock();
	stats->total_frames = pmm.ready ? pmm.total : 0;
	stats->free_frames = pmm.ready ? pmm.free : 0;
	pmm_unlock(key);
	stats->used_frames = stats->total_frames - stats->free_frames;
}

/* Unless the kernel defines its own: misuse means a caller's idea of what it owns is
 * wrong, so stop. Host tests define theirs to record the complaint. */
__attribute__((weak)) void pmm_report_misuse(const char *what, phys_addr_t frame)
{
	panic("pmm: %s: frame %#llx", what, (unsigned long long)frame);
}
