/* Kernel heap: size-class slabs for small blocks, whole pages for large ones.
 *
 * One heap for the machine; SMP will need a lock around the slabs and a cache of
 * free blocks per CPU (see "Cache" below: it is one per class today).
 *
 * Slabs. A slab is one page cut into equal blocks of one class size. Its metadata
 * lives out of band, in a span record (header, list links and two bitmaps: 56 bytes
 * for most classes, 72 for 32 and 48, 104 for 16), so the whole page holds blocks:
 * two 2048-byte blocks a page, where a header in the page would leave room for one.
 * Free blocks are linked by index through their last two bytes (the cache line the
 * red zone uses anyway); a fresh slab hands out blocks from a bump index, so it
 * costs no setup. Allocation and free are O(1). Each class lists its slabs that have
 * free blocks, partly used ones first; full slabs are on no list; an empty slab goes
 * back to the page source unless it is the one empty slab the class keeps (at the
 * list's tail) against thrashing.
 *
 * Large sizes (over 2048 bytes, or an alignment no class gives) take whole pages,
 * page-aligned, described by a 32-byte large record.
 *
 * Registry. An open-addressing hash table maps every slab page, and the first page
 * of every large allocation, to its record. kfree looks the pointer's page up there
 * first: that finds the metadata and proves the pointer is ours before anything is
 * read through it, so a stray pointer is reported, never followed.
 *
 * Checks, always on. Each block has a live bit (catches double frees and frees of
 * blocks not in use). A freed pointer must be a block boundary of a registered slab
 * or the start of a large allocation. Red zone: when the class leaves slack after
 * the requested size (nearly always), the slack's last byte or two record its
 * length (so the requested size) and up to HEAP_CANARY_MAX bytes after the requested
 * size hold a canary; kfree and krealloc check both. A block whose size equals its
 * class has no slack, hence no red zone (an "exact" bit records that), unless the
 * heap is built with -DHEAP_REDZONE=n, which reserves n bytes of red zone in every
 * block at the cost of the next class for exact fits. Large allocations keep a
 * canary in the slack of their last page. A free-list link is checked when used: a
 * write after free that breaks one is reported and the list rebuilt from the bitmap
 * (a block in a class cache has no link: a write to it after free goes unseen).
 * The release build (HEAP_CANARIES=0) writes no canaries: a red zone is just its
 * length, which kfree does not read, and writes past the end go unseen.
 *
 * Cache. Each class keeps up to HEAP_CACHE of its most recently freed blocks in
 * a stack: kfree checks a block as always, clears its live bit and pushes it;
 * kmalloc pops it and sets the bit again. Cached blocks still count as taken in
 * their slab, so slab lists and free links are touched only when the cache
 * overflows (its older half goes back to the slabs) or runs dry (kmalloc takes
 * from a slab). heap_drain returns them all, and so does kmalloc when the page
 * source is dry.
 * The caches take 23 * 32 * 16 bytes (12 KiB) of .bss.
 *
 * Speed. kmalloc and kfree do the common case inline (the class cache; a registry
 * hit at the first probe) and leave the rest, reports included, to general
 * functions. Counts of blocks and bytes in use are not kept on those paths:
 * heap_get_stats works them out from the live bits and red zones when asked.
 * tests/bench_heap.py compares them with glibc.
 *
 * Bookkeeping per slab page: its span record and 16-32 bytes of registry (8-byte
 * slots, load 1/4 to 1/2), about 2% of the page: about half a byte per 16-byte
 * block, 32-48 bytes per 2048-byte block. Per large allocation: a 32-byte record
 * and its registry slot. */
#include "heap.h"

#include "../lib/bitmap.h"
#include "../lib/string.h"

#ifndef HEAP_REDZONE
#define HEAP_REDZONE 0 /* red-zone bytes reserved in every block beyond its slack */
#endif
#if HEAP_REDZONE && !HEAP_CANARIES
#error "HEAP_REDZONE reserves room for canaries, which HEAP_CANARIES=0 leaves out"
#endif
#define HEAP_CANARY	0xA5
#define HEAP_CANARY_MAX 16 /* canary bytes written after the requested size, at most */
/* For the red zone: inlined into the fast paths of kmalloc and kfree. */
#define ALWAYS_INLINE inline __attribute__((always_inline))

/* Size classes: multiples of 16 (every block 16-byte aligned); 16 apart up to 128,
 * then at most a third apart (1360 to 2048: a half), so a block's slack stays small
 * where powers of two alone waste up to half; each about 4096 / n for its n blocks
 * a page, so a page wastes at most 96 bytes. The powers of two stay: requests of
 * those sizes are common in a kernel and fit exactly, and kmalloc_aligned uses them. */
static const uint16_t class_sizes[HEAP_CLASSES] = {
	16,  32,  48,  64,  80,	 96,  112, 128, 160,  192,  224,  256,
	288, 336, 400, 448, 512, 576, 672, 816, 1024, 1360, 2048,
};
#define HEAP_LARGEST 2048u
#define LARGE_CLASS  0xFFFFu /* heap_record.cls of a large allocation */
#define NO_BLOCK     0xFFFFu

/* What the registry points to: the first member of both kinds of record. The
 * slab-only fields sit here too, where they fill what would be padding. */
struct heap_record {
	uintptr_t base;	    /* first page: the registry's key */
	uint16_t cls;	    /* class index, or LARGE_CLASS */
	uint16_t in_use;    /* slab: blocks handed out */
	uint16_t bump;	    /* slab: blocks from here on not handed out since it was empty */
	uint16_t free_head; /* slab: first free block below bump, or NO_BLOCK */
};

/* Circular lists with the head in the class: no special cases. */
struct slab_link {
	struct slab_link *prev, *next;
};

struct heap_span {
	struct heap_record rec;
	/* Its class's, copied here so that kfree reads one record, not two. */
	uint16_t size;
	uint8_t map_words, half; /* half: capacity / 2 */
	uint32_t recip;
	struct slab_link link; /* in its class's list of slabs with free blocks */
	/* A bit a block, in map_words words for its class: first whether it is handed
	 * out (live), then whether it was handed out with no slack, so no red zone. */
	uint64_t maps[];
};

struct heap_large {
	struct heap_record rec;
	size_t pages;
	size_t requested;
};

#define HEAP_CACHE 32 /* free blocks a class caches, at most */
#ifndef HEAP_CACHE_BYTES
#define HEAP_CACHE_BYTES 4096 /* and at most this many bytes of them (two blocks at least) */
#endif

struct heap_cached {
	uint8_t *block;
	struct heap_span *span;
};

struct heap_class {
	uint32_t cached, cache_limit; /* entries in cache[], the newest last */
	uint32_t size, capacity;      /* block size; blocks a slab */
	uint32_t align;		      /* every block's address is a multiple of this */
	uint32_t recip;		      /* 2^32 / size + 1: offset / size as a multiply */
	uint32_t map_words;	      /* of each bitmap in its spans */
	struct heap_pool *pool;	      /* where its spans come from: the one for map_words */
	struct slab_link partial;     /* slabs with free blocks, partly used ones first */
	bool has_empty;		      /* an empty slab is kept at the tail */
	size_t slabs;
	struct heap_cached cache[HEAP_CACHE];
};

/* Records of one size carved from pages: each page lists its free records and
 * counts the used ones; the pool lists its pages that have free records. A page
 * whose records are all free goes back, unless it is the only one listed. */
struct pool_page {
	struct pool_page *prev, *next;
	void *free;
	size_t used;
};
struct heap_pool {
	size_t record_size, per_page;
	struct pool_page *pages;
};

#define REG_MIN_BITS 9 /* 512 slots: one page */

static struct {
	bool ready;
	struct heap_page_source source;
	struct heap_class classes[HEAP_CLASSES];
	struct heap_pool spans[3], larges; /* spans with 1, 2 and 4 words a bitmap */
	struct heap_record **reg;	   /* the registry: 2^reg_bits slots */
	unsigned reg_bits;
	size_t reg_count;
	size_t pages_held, meta_pages, large_count, large_pages, large_requested;
} heap;

/* Class index for sizes 16 * i - 15 ... 16 * i (0 for size 0). */
static uint8_t class_of_size[HEAP_LARGEST / 16 + 1];

__attribute__((weak)) void heap_report_corruption(const char *what, const void *ptr)
{
	/* The kernel defines the real one (a panic); until then a trap stops here with
	 * the caller in the backtrace. */
	(void)what;
	(void)ptr;
	__builtin_trap();
}

/* ---- pages and records ----------------------------------------------------- */

static void *pages_get(size_t count)
{
	void *pages = heap.source.alloc_pages(count);
	if (pages)
		heap.pages_held += count;
	return pages;
}

static void pages_put(void *pages, size_t count)
{
	heap.source.free_pages(pages, count);
	heap.pages_held -= count;
}

static void pool_unlink(struct heap_pool *pool, struct pool_page *pg)
{
	if (pg->prev)
		pg->prev->next = pg->next;
	else
		pool->pages = pg->next;
	if (pg->next)
		pg->next->prev = pg->prev;
	pg->prev = pg->next = NULL;
}

static void *pool_get(struct heap_pool *pool)
{
	struct pool_page *pg = pool->pages;
	if (!pg) {
		pg = pages_get(1);
		if (!pg)
			return NULL;
		heap.meta_pages++;
		*pg = (struct pool_page){0};
		for (size_t k = pool->per_page; k-- > 0;) {
			void *record = (uint8_t *)pg + HEAP_PAGE_SIZE - (k + 1) * pool->record_size;
			*(void **)record = pg->free;
			pg->free = record;
		}
		pool->pages = pg;
	}
	void *record = pg->free;
	pg->free = *(void **)record;
	if (++pg->used == pool->per_page)
		pool_unlink(pool, pg);
	return record;
}

static void pool_put(struct heap_pool *pool, void *record)
{
	struct pool_page *pg =
		(struct pool_page *)((uintptr_t)record & ~(uintptr_t)(HEAP_PAGE_SIZE - 1));
	*(void **)record = pg->free;
	pg->free = record;
	if (pg->used-- == pool->per_page) {
		/* Listed in address order, so records come from the lowest page: a page
		 * up high, taken at a peak, empties and goes back (see mem.c). */
		struct pool_page *before = NULL, *after = pool->pages;
		while (after && after < pg)
			before = after, after = after->next;
		pg->prev = before;
		pg->next = after;
		if (after)
			after->prev = pg;
		if (before)
			before->next = pg;
		else
			pool->pages = pg;
	}
	if (pg->used == 0 && (pg->prev || pg->next)) {
		pool_unlink(pool, pg);
		pages_put(pg, 1);
		heap.meta_pages--;
	}
}

static void pool_init(struct heap_pool *pool, size_t record_size)
{
	pool->record_size = record_size;
	pool->per_page = (HEAP_PAGE_SIZE - sizeof(struct pool_page)) / record_size;
}

/* At shutdown, once every record is back: the pages still listed. */
static void pool_release(struct heap_pool *pool)
{
	while (pool->pages) {
		struct pool_page *pg = pool->pages;
		pool->pages = pg->next;
		pages_put(pg, 1);
	}
}

/* ---- the registry: page address -> record -------------------------------- */

static size_t reg_home(uintptr_t base, unsigned bits)
{
	return (size_t)(((uint64_t)base >> 12) * 0x9E3779B97F4A7C15ull >> (64 - bits));
}

static struct heap_record *reg_find(uintptr_t base)
{
	if (!heap.reg)
		return NULL;
	size_t mask = ((size_t)1 << heap.reg_bits) - 1;
	for (size_t i = reg_home(base, heap.reg_bits);; i = (i + 1) & mask) {
		struct heap_record *r = heap.reg[i];
		if (!r || r->base == base)
			return r;
	}
}

static void reg_insert(struct heap_record **slots, unsigned bits, struct heap_record *r)
{
	size_t mask = ((size_t)1 << bits) - 1, i = reg_home(r->base, bits);
	while (slots[i])
		i = (i + 1) & mask;
	slots[i] = r;
}

static bool reg_resize(unsigned bits)
{
	size_t pages = ((size_t)sizeof(void *) << bits) / HEAP_PAGE_SIZE;
	struct heap_record **slots = pages_get(pages);
	if (!slots)
		return false;
	memset(slots, 0, pages * HEAP_PAGE_SIZE);
	if (heap.reg) {
		size_t old_slots = (size_t)1 << heap.reg_bits;
		for (size_t i = 0; i < old_slots; i++)
			if (heap.reg[i])
				reg_insert(slots, bits, heap.reg[i]);
		pages_put(heap.reg, old_slots * sizeof(void *) / HEAP_PAGE_SIZE);
		heap.meta_pages -= old_slots * sizeof(void *) / HEAP_PAGE_SIZE;
	}
	heap.meta_pages += pages;
	heap.reg = slots;
	heap.reg_bits = bits;
	return true;
}

/* Load stays at most 1/2 (3/4 when growing the table failed), so probes are short. */
static bool reg_add(struct heap_record *r)
{
	size_t slots = heap.reg ? (size_t)1 << heap.reg_bits : 0;
	if ((heap.reg_count + 1) * 2 > slots &&
	    !reg_resize(heap.reg ? heap.reg_bits + 1 : REG_MIN_BITS) &&
	    (heap.reg_count + 1) * 4 > slots * 3)
		return false;
	reg_insert(heap.reg, heap.reg_bits, r);
	heap.reg_count++;
	return true;
}

/* Removes a record that is there; backward-shift deletion keeps probe runs whole. */
static void reg_remove(const struct heap_record *r)
{
	size_t mask = ((size_t)1 << heap.reg_bits) - 1, hole = reg_home(r->base, heap.reg_bits);
	while (heap.reg[hole] != r)
		hole = (hole + 1) & mask;
	heap.reg[hole] = NULL;
	for (size_t j = (hole + 1) & mask; heap.reg[j]; j = (j + 1) & mask) {
		size_t home = reg_home(heap.reg[j]->base, heap.reg_bits);
		bool stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
		if (!stays) {
			heap.reg[hole] = heap.reg[j];
			heap.reg[j] = NULL;
			hole = j;
		}
	}
	heap.reg_count--;
	if (heap.reg_bits > REG_MIN_BITS && heap.reg_count * 8 < (size_t)1 << heap.reg_bits)
		reg_resize(heap.reg_bits - 1); /* if that fails, the big table serves */
}

/* ---- red zones ----------------------------------------------------------------- */

/* n <= 16 canary bytes at p: two overlapping stores of the widest size that fits
 * (__builtin_memcpy, so unaligned is fine and no call is made). */
static void canary_write(uint8_t *p, size_t n)
{
	if (!HEAP_CANARIES)
		return;
	const uint64_t c8 = 0x0101010101010101ull * HEAP_CANARY;
	const uint32_t c4 = (uint32_t)c8;
	const uint16_t c2 = (uint16_t)c8;
	if (n >= 8) {
		__builtin_memcpy(p, &c8, 8);
		__builtin_memcpy(p + n - 8, &c8, 8);
	} else if (n >= 4) {
		__builtin_memcpy(p, &c4, 4);
		__builtin_memcpy(p + n - 4, &c4, 4);
	} else if (n >= 2) {
		__builtin_memcpy(p, &c2, 2);
		__builtin_memcpy(p + n - 2, &c2, 2);
	} else if (n) {
		*p = HEAP_CANARY;
	}
}

static bool canary_intact(const uint8_t *p, size_t n)
{
	if (!HEAP_CANARIES)
		return true;
	uint64_t a = 0, b = 0, want = 0x0101010101010101ull * HEAP_CANARY;
	if (n >= 8) {
		__builtin_memcpy(&a, p, 8);
		__builtin_memcpy(&b, p + n - 8, 8);
		return (a & b) == want && (a | b) == want;
	}
	if (n >= 4) {
		__builtin_memcpy(&a, p, 4);
		__builtin_memcpy(&b, p + n - 4, 4);
		return a == (uint32_t)want && b == (uint32_t)want;
	}
	if (n >= 2) {
		__builtin_memcpy(&a, p, 2);
		__builtin_memcpy(&b, p + n - 2, 2);
		return a == (uint16_t)want && b == (uint16_t)want;
	}
	return n == 0 || *p == HEAP_CANARY;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* A block's red zone. The slack's last byte holds its length below 128; else
 * 0x80 | its low 7 bits, with the rest in the byte before. The canary covers the
 * slack before that, up to HEAP_CANARY_MAX (16) bytes from the requested size. It
 * is written and checked as one 128-bit word under a mask, without branches on the
 * sizes (which a mix of sizes would mispredict): for a slack of at most 16, the
 * block's last 16 bytes (16-aligned, so inside the block) with the canary bytes
 * [16 - slack, 15) selected; for a longer slack, the 16 bytes from the requested
 * size, all selected. */
__extension__ typedef unsigned __int128 heap_u128;
#define CANARY8	  (0x0101010101010101ull * HEAP_CANARY)
#define CANARY128 ((heap_u128)CANARY8 << 64 | CANARY8)

/* zone_masks[s]: the canary bytes of the canary word for a slack s: [16 - s, 15)
 * for s <= 16, all 16 bytes for s >= 17 (index 17). Filled by heap_init. */
static heap_u128 zone_masks[18];

/* Where the canary word starts (from the block), and which of its bytes are canary;
 * min and max compile to conditional moves, and the mask is a load. */
static ALWAYS_INLINE size_t canary_word(size_t room, size_t slack, heap_u128 *mask)
{
	*mask = zone_masks[slack < 17 ? slack : 17];
	return room - (slack > 16 ? slack : 16);
}

static ALWAYS_INLINE void redzone_write(uint8_t *block, size_t room, size_t size)
{
	size_t slack = room - size;
	if (HEAP_CANARIES) {
		heap_u128 v, mask;
		uint8_t *word = block + canary_word(room, slack, &mask);
		__builtin_memcpy(&v, word, 16);
		v = (v & ~mask) | (CANARY128 & mask);
		__builtin_memcpy(word, &v, 16);
	}
	/* The length: stores only, no branch. The high bits go to the byte before the
	 * last only from 128 on (below, that byte is canary, or the caller's): else to
	 * the last byte, which the next store overwrites. */
	block[room - (slack >= 128 ? 2 : 1)] = (uint8_t)(slack >> 7);
	block[room - 1] = (uint8_t)(slack < 128 ? slack : 0x80 | (slack & 0x7f));
}

/* The requested size the red zone records, or REDZONE_DAMAGED (a release build
 * checks the length only: it wrote no canary). */
#define REDZONE_DAMAGED SIZE_MAX
static ALWAYS_INLINE size_t redzone_size(const uint8_t *block, size_t room)
{
	size_t last = block[room - 1], big = last >> 7;
	size_t slack = (last & 0x7f) | ((size_t)block[room - 2] << 7 & -big);
	if (slack - 1 >= room || (big && slack < 128))
		return REDZONE_DAMAGED; /* a bad length: the canary cannot be found */
	if (!HEAP_CANARIES)
		return room - slack;
	heap_u128 v, mask;
	__builtin_memcpy(&v, block + canary_word(room, slack, &mask), 16);
	return (v & mask) == (CANARY128 & mask) ? room - slack : REDZONE_DAMAGED;
}

/* ---- slabs --------------------------------------------------------------------- */

/* A free block's link sits in its last two bytes: the cache line kfree already
 * reads for the red zone, and kmalloc writes for it. */
static uint16_t *free_link(const struct heap_class *c, const struct heap_span *s, unsigned i)
{
	return (uint16_t *)(s->rec.base + (uintptr_t)(i + 1) * c->size - sizeof(uint16_t));
}

static struct heap_span *span_of(struct slab_link *l)
{
	return (struct heap_span *)((uint8_t *)l - offsetof(struct heap_span, link));
}

/* The first slab with free blocks, or NULL (also before heap_init). */
static struct heap_span *first_partial(struct heap_class *c)
{
	struct slab_link *l = c->partial.next;
	return l && l != &c->partial ? span_of(l) : NULL;
}

static void list_remove(struct heap_span *s)
{
	s->link.prev->next = s->link.next;
	s->link.next->prev = s->link.prev;
}

static void list_insert_after(struct slab_link *at, struct heap_span *s)
{
	s->link.prev = at;
	s->link.next = at->next;
	at->next->prev = &s->link;
	at->next = &s->link;
}

static struct heap_span *slab_new(unsigned ci)
{
	struct heap_class *c = &heap.classes[ci];
	void *page = pages_get(1);
	if (!page)
		return NULL;
	struct heap_span *s = pool_get(c->pool);
	if (!s) {
		pages_put(page, 1);
		return NULL;
	}
	memset(s, 0, c->pool->record_size);
	s->rec.base = (uintptr_t)page;
	s->rec.cls = (uint16_t)ci;
	s->rec.free_head = NO_BLOCK;
	s->size = (uint16_t)c->size;
	s->map_words = (uint8_t)c->map_words;
	s->half = (uint8_t)(c->capacity / 2);
	s->recip = c->recip;
	if (!reg_add(&s->rec)) {
		pool_put(c->pool, s);
		pages_put(page, 1);
		return NULL;
	}
	c->slabs++;
	list_insert_after(&c->partial, s);
	return s;
}

static void slab_release(struct heap_class *c, struct heap_span *s)
{
	list_remove(s);
	reg_remove(&s->rec);
	pages_put((void *)s->rec.base, 1);
	pool_put(c->pool, s);
	c->slabs--;
}

static unsigned block_index(const struct heap_span *s, const void *block)
{
	return (unsigned)((uint64_t)(uint32_t)((uintptr_t)block - s->rec.base) * s->recip >> 32);
}

/* Relinks every block below bump that is neither live nor cached, after a broken
 * link. */
static void free_list_rebuild(struct heap_class *c, struct heap_span *s)
{
	uint64_t cached[4] = {0}; /* a bit a block, as the maps: 256 blocks at most */
	for (unsigned k = 0; k < c->cached; k++)
		if (c->cache[k].span == s)
			bitmap_set(cached, block_index(s, c->cache[k].block));
	s->rec.free_head = NO_BLOCK;
	for (unsigned i = s->rec.bump; i-- > 0;) {
		if (!bitmap_test(s->maps, i) && !bitmap_test(cached, i)) {
			*free_link(c, s, i) = s->rec.free_head;
			s->rec.free_head = (uint16_t)i;
		}
	}
}

/* A free block of a slab on the list (so one with in_use < capacity). */
static unsigned slab_take(struct heap_class *c, struct heap_span *s)
{
	unsigned i = s->rec.free_head;
	bool broken = i == NO_BLOCK ? s->rec.bump >= c->capacity
				    : i >= s->rec.bump || bitmap_test(s->maps, i);
	if (broken) {
		/* A link was overwritten: a write to a block after it was freed. */
		heap_report_corruption("kmalloc: free block overwritten (write after free?)",
				       (void *)s->rec.base);
		free_list_rebuild(c, s);
		i = s->rec.free_head;
	}
	if (i == NO_BLOCK)
		return s->rec.bump++;
	s->rec.free_head = *free_link(c, s, i);
	return i;
}

/* Marks block i of slab s, at `block`, live for `size` bytes (a red zone in any
 * slack) and returns it: the end of every way kmalloc finds a block. */
static ALWAYS_INLINE void *block_hand_out(struct heap_span *s, unsigned i, uint8_t *block,
					  size_t size)
{
	bitmap_set(s->maps, i);
	if (size == s->size)
		bitmap_set(s->maps + s->map_words, i);
	else
		redzone_write(block, s->size, size);
	return block;
}

/* Takes block i, free in slab s, out of the slab and hands it out. */
static inline void *slab_hand_out(struct heap_class *c, struct heap_span *s, unsigned i,
				  size_t size)
{
	if (++s->rec.in_use == c->capacity)
		list_remove(s);
	return block_hand_out(s, i, (uint8_t *)s->rec.base + (size_t)i * c->size, size);
}

static void *slab_alloc(unsigned ci, size_t size)
{
	struct heap_class *c = &heap.classes[ci];
	struct heap_span *s = first_partial(c);
	if (!s && !(s = slab_new(ci)))
		return NULL;
	if (s->rec.in_use == 0)
		c->has_empty = false;
	return slab_hand_out(c, s, slab_take(c, s), size);
}

/* Gives block i, taken and not live (freed, or cached), back to slab s. */
static void slab_return(struct heap_class *c, struct heap_span *s, unsigned i)
{
	*free_link(c, s, i) = s->rec.free_head;
	s->rec.free_head = (uint16_t)i;
	if (s->rec.in_use-- == c->capacity)
		list_insert_after(&c->partial, s);
	if (s->rec.in_use)
		return;
	s->rec.free_head = NO_BLOCK; /* fresh again: hand blocks out in address order */
	s->rec.bump = 0;
	if (c->has_empty) {
		/* Two empty slabs: keep the lower one. Pages the heap holds stay packed at
		 * the bottom of its area, where they share page tables (see mem.c). */
		struct heap_span *kept = span_of(c->partial.prev);
		if (kept->rec.base < s->rec.base) {
			slab_release(c, s);
			return;
		}
		slab_release(c, kept);
		list_remove(s);
		list_insert_after(c->partial.prev, s);
	} else {
		c->has_empty = true;
		list_remove(s);
		list_insert_after(c->partial.prev, s);
	}
}

/* ---- the class caches -------------------------------------------------------- */

/* Gives a cached block back to its slab. */
static void cached_return(struct heap_class *c, const struct heap_cached *e)
{
	slab_return(c, e->span, block_index(e->span, e->block));
}

/* Gives the older half of a full cache back to the slabs, taking it off the cache
 * first: the cache is whole whatever giving blocks back leads to. */
static __attribute__((noinline)) void cache_spill(struct heap_class *c)
{
	struct heap_cached older[HEAP_CACHE / 2];
	const unsigned half = c->cached / 2;
	memcpy(older, c->cache, half * sizeof older[0]);
	memmove(c->cache, c->cache + half, (c->cached - half) * sizeof c->cache[0]);
	c->cached -= half;
	for (unsigned k = 0; k < half; k++)
		cached_return(c, &older[k]);
}

/* A freed block is no longer live, nor an exact fit: `bit` of the words at `live`. */
static ALWAYS_INLINE void block_clear_bits(const struct heap_span *s, uint64_t *live, uint64_t bit)
{
	live[0] &= ~bit;
	live[s->map_words] &= ~bit;
}

/* Caches a freed block of slab s, clearing its bits. */
static ALWAYS_INLINE void block_cache(struct heap_class *c, struct heap_span *s, uint64_t *live,
				      uint64_t bit, void *block)
{
	block_clear_bits(s, live, bit);
	if (c->cached == c->cache_limit)
		cache_spill(c);
	c->cache[c->cached++] = (struct heap_cached){block, s};
}

/* Only a block of a slab over half taken is cached. A sparser slab gets the block
 * back at once, so that it can empty and go back to the page source: reusing
 * cached blocks of every slab alike keeps them all partly used (on the mixed
 * workload of tests/bench_heap.py, 31% more memory than requested, not 25%). */
static bool slab_dense(const struct heap_span *s)
{
	return s->rec.in_use > s->half;
}

static void block_free(struct heap_class *c, struct heap_span *s, uint64_t *live, uint64_t bit,
		       void *block)
{
	if (slab_dense(s)) {
		block_cache(c, s, live, bit, block);
		return;
	}
	block_clear_bits(s, live, bit);
	slab_return(c, s, block_index(s, block));
}

/* Empties every class cache into the slabs; true if there was anything to empty.
 * Only between operations (heap_alloc, heap_drain), never while one is under way:
 * a slab going back changes the lists and the registry under it. */
static bool caches_drain(void)
{
	bool drained = false;
	for (unsigned ci = 0; ci < HEAP_CLASSES; ci++) {
		struct heap_class *c = &heap.classes[ci];
		unsigned n = c->cached;
		drained |= n != 0;
		c->cached = 0;
		for (unsigned k = 0; k < n; k++)
			cached_return(c, &c->cache[k]);
	}
	return drained;
}

static void drain_unlocked(void)
{
	caches_drain();
}

/* ---- large allocations ----------------------------------------------------- */

static void *large_alloc(size_t size)
{
	if (size > SIZE_MAX - (HEAP_PAGE_SIZE - 1))
		return NULL;
	size_t pages = size ? (size + HEAP_PAGE_SIZE - 1) / HEAP_PAGE_SIZE : 1;
	uint8_t *base = pages_get(pages);
	if (!base)
		return NULL;
	struct heap_large *l = pool_get(&heap.larges);
	if (!l) {
		pages_put(base, pages);
		return NULL;
	}
	memset(l, 0, sizeof *l);
	l->rec.base = (uintptr_t)base;
	l->rec.cls = LARGE_CLASS;
	l->pages = pages;
	l->requested = size;
	if (!reg_add(&l->rec)) {
		pool_put(&heap.larges, l);
		pages_put(base, pages);
		return NULL;
	}
	canary_write(base + size, min_size(pages * HEAP_PAGE_SIZE - size, HEAP_CANARY_MAX));
	heap.large_count++;
	heap.large_pages += pages;
	heap.large_requested += size;
	return base;
}

static void large_free(struct heap_large *l)
{
	reg_remove(&l->rec);
	pages_put((void *)l->rec.base, l->pages);
	heap.large_count--;
	heap.large_pages -= l->pages;
	heap.large_requested -= l->requested;
	pool_put(&heap.larges, l);
}

/* After a report: the recorded size if it is plausible, else room - 1. */
static size_t redzone_guess(const uint8_t *block, size_t room)
{
	size_t last = block[room - 1], slack = last;
	if (last & 0x80)
		slack = (size_t)block[room - 2] << 7 | (last & 0x7f);
	return slack && slack <= room ? room - slack : room - 1;
}

/* ---- finding and checking a block --------------------------------------------- */

enum misuse { NOT_OURS, NOT_A_BLOCK, NOT_IN_USE, RED_ZONE, MISUSES };
static const char *const misuse_text[2][MISUSES] = {
	{"kfree: pointer not from the heap", "kfree: pointer not at the start of a block",
	 "kfree: double free (block not in use)",
	 "kfree: red zone overwritten (write past the end of the block)"},
	{"krealloc: pointer not from the heap", "krealloc: pointer not at the start of a block",
	 "krealloc: block not in use (freed already)",
	 "krealloc: red zone overwritten (write past the end of the block)"},
};

struct heap_block {
	struct heap_record *rec;
	unsigned index; /* in its slab */
	size_t size;	/* requested */
	size_t room;	/* class size, or the large allocation's pages in bytes */
};

/* Finds the live block `ptr` starts. Reports and returns false if there is none;
 * reports a damaged red zone but returns true: the block itself is real. */
static bool block_find(const void *ptr, bool in_krealloc, struct heap_block *b)
{
	const char *const *text = misuse_text[in_krealloc];
	uintptr_t p = (uintptr_t)ptr;
	b->rec = reg_find(p & ~(uintptr_t)(HEAP_PAGE_SIZE - 1));
	if (!b->rec) {
		heap_report_corruption(text[NOT_OURS], ptr);
		return false;
	}
	if (b->rec->cls == LARGE_CLASS) {
		const struct heap_large *l = (const struct heap_large *)b->rec;
		if (p != l->rec.base) {
			heap_report_corruption(text[NOT_A_BLOCK], ptr);
			return false;
		}
		b->index = 0;
		b->size = l->requested;
		b->room = l->pages * HEAP_PAGE_SIZE;
		if (!canary_intact((const uint8_t *)p + b->size,
				   min_size(b->room - b->size, HEAP_CANARY_MAX)))
			heap_report_corruption(text[RED_ZONE], ptr);
		return true;
	}
	const struct heap_span *s = (const struct heap_span *)b->rec;
	const struct heap_class *c = &heap.classes[s->rec.cls];
	uint32_t offset = (uint32_t)(p - s->rec.base);
	unsigned i = (unsigned)((uint64_t)offset * c->recip >> 32);
	if (offset != i * c->size || i >= c->capacity) {
		heap_report_corruption(text[NOT_A_BLOCK], ptr);
		return false;
	}
	if (!bitmap_test(s->maps, i)) {
		heap_report_corruption(text[NOT_IN_USE], ptr);
		return false;
	}
	b->index = i;
	b->room = c->size;
	b->size = c->size;
	if (!bitmap_test(s->maps + c->map_words, i)) {
		b->size = redzone_size(ptr, b->room);
		if (b->size == REDZONE_DAMAGED) {
			if (HEAP_CANARIES)
				heap_report_corruption(text[RED_ZONE], ptr);
			b->size = redzone_guess(ptr, b->room);
		}
	}
	return true;
}

static void block_release(const struct heap_block *b)
{
	if (b->rec->cls == LARGE_CLASS) {
		large_free((struct heap_large *)b->rec);
		return;
	}
	struct heap_span *s = (struct heap_span *)b->rec;
	block_free(&heap.classes[s->rec.cls], s, &s->maps[b->index / 64], 1ull << (b->index % 64),
		   (uint8_t *)s->rec.base + (size_t)b->index * s->size);
}

/* ---- the API ------------------------------------------------------------------- */

static void *heap_alloc_once(size_t size, size_t align)
{
	if (size <= HEAP_LARGEST - HEAP_REDZONE) {
		unsigned ci = class_of_size[(size + HEAP_REDZONE + 15) / 16];
		while (ci < HEAP_CLASSES && heap.classes[ci].align < align)
			ci++;
		if (ci < HEAP_CLASSES)
			return slab_alloc(ci, size);
	}
	return large_alloc(size);
}

/* When the page source is dry, the class caches may hold slabs that go back once
 * their blocks do, or (for kmalloc_aligned, which takes from the slabs only) the
 * very blocks wanted: drain them and try once more. */
static __attribute__((noinline)) void *heap_alloc(size_t size, size_t align)
{
	if (!heap.ready)
		return NULL;
	void *p = heap_alloc_once(size, align);
	if (!p && caches_drain())
		p = heap_alloc_once(size, align);
	return p;
}

/* The common cases, done here: a block from the class cache, else from a partly
 * used slab. Anything else (no such slab, a large size, a broken link) goes the
 * general way. */
static void *malloc_unlocked(size_t size)
{
	if (size <= HEAP_LARGEST - HEAP_REDZONE) {
		struct heap_class *c =
			&heap.classes[class_of_size[(size + HEAP_REDZONE + 15) / 16]];
		if (c->cached) {
			struct heap_cached e = c->cache[--c->cached];
			return block_hand_out(e.span, block_index(e.span, e.block), e.block, size);
		}
		struct heap_span *s = first_partial(c);
		if (s && s->rec.in_use != 0) {
			unsigned i = s->rec.free_head;
			if (i == NO_BLOCK && s->rec.bump < c->capacity) {
				i = s->rec.bump++;
			} else if (i < s->rec.bump && !bitmap_test(s->maps, i)) {
				s->rec.free_head = *free_link(c, s, i);
			} else {
				return heap_alloc(size, 16); /* reports the broken link */
			}
			return slab_hand_out(c, s, i, size);
		}
	}
	return heap_alloc(size, 16);
}

/* The entry points' lock, if the page source gave one. */
static uint64_t heap_lock(void)
{
	return heap.source.lock ? heap.source.lock() : 0;
}

static void heap_unlock(uint64_t key)
{
	if (heap.source.unlock)
		heap.source.unlock(key);
}

void *kmalloc(size_t size)
{
	uint64_t key = heap_lock();
	void *p = malloc_unlocked(size);
	heap_unlock(key);
	return p;
}

void *kmalloc_aligned(size_t size, size_t align)
{
	if (align == 0 || (align & (align - 1)) || align > HEAP_PAGE_SIZE)
		return NULL;
	uint64_t key = heap_lock();
	void *p = heap_alloc(size, align);
	heap_unlock(key);
	return p;
}

void *kcalloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	void *p = kmalloc(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

static __attribute__((noinline)) void kfree_general(void *ptr)
{
	struct heap_block b;
	if (ptr && block_find(ptr, false, &b))
		block_release(&b);
}

/* The common case, done here with the same checks: a live block of a dense slab,
 * found at the first probe of the registry, goes to the class cache. Anything else
 * goes the general way, which also reports. (A block is in its slab's page, so
 * offset + size <= page size is "index < capacity".) */
static void free_unlocked(void *ptr)
{
	uintptr_t p = (uintptr_t)ptr, page = p & ~(uintptr_t)(HEAP_PAGE_SIZE - 1);
	struct heap_record *r = heap.reg ? heap.reg[reg_home(page, heap.reg_bits)] : NULL;
	if (r && r->base == page && r->cls != LARGE_CLASS && slab_dense((struct heap_span *)r)) {
		struct heap_span *s = (struct heap_span *)r;
		uint32_t offset = (uint32_t)(p - page);
		uint32_t i = (uint32_t)((uint64_t)offset * s->recip >> 32);
		uint64_t bit = 1ull << (i % 64), *live = &s->maps[i / 64];
		if (offset == i * s->size && offset + s->size <= HEAP_PAGE_SIZE && (*live & bit) &&
		    ((live[s->map_words] & bit) || !HEAP_CANARIES ||
		     redzone_size(ptr, s->size) != REDZONE_DAMAGED)) {
			block_cache(&heap.classes[r->cls], s, live, bit, ptr);
			return;
		}
	}
	kfree_general(ptr);
}

/* Gives a live block a new requested size that fits it. */
static void block_resize(struct heap_block *b, size_t size)
{
	uint8_t *p = (uint8_t *)b->rec->base;
	if (b->rec->cls == LARGE_CLASS) {
		heap.large_requested = heap.large_requested - b->size + size;
		((struct heap_large *)b->rec)->requested = size;
		canary_write(p + size, min_size(b->room - size, HEAP_CANARY_MAX));
	} else {
		struct heap_span *s = (struct heap_span *)b->rec;
		uint64_t *exact = s->maps + s->map_words;
		p += (size_t)b->index * b->room;
		bitmap_clear(exact, b->index);
		if (size == b->room)
			bitmap_set(exact, b->index);
		else
			redzone_write(p, b->room, size);
	}
}

void kfree(void *ptr)
{
	uint64_t key = heap_lock();
	free_unlocked(ptr);
	heap_unlock(key);
}

static void *realloc_unlocked(void *ptr, size_t size)
{
	if (!ptr)
		return malloc_unlocked(size);
	struct heap_block b;
	if (!block_find(ptr, true, &b))
		return NULL;
	bool fits = size <= b.room - (b.rec->cls == LARGE_CLASS ? 0 : HEAP_REDZONE);
	if (fits && (size >= b.room / 2 || b.room == class_sizes[0])) {
		block_resize(&b, size);
		return ptr;
	}
	void *moved = malloc_unlocked(size);
	if (!moved) {
		if (!fits)
			return NULL;
		block_resize(&b, size);
		return ptr;
	}
	memcpy(moved, ptr, size < b.size ? size : b.size);
	block_release(&b);
	return moved;
}

void *krealloc(void *ptr, size_t size)
{
	uint64_t key = heap_lock();
	void *p = realloc_unlocked(ptr, size);
	heap_unlock(key);
	return p;
}

size_t heap_live_blocks(void)
{
	struct heap_stats st;
	heap_get_stats(&st);
	size_t live = st.large_allocations;
	for (unsigned ci = 0; ci < HEAP_CLASSES; ci++)
		live += st.class_stats[ci].in_use;
	return live;
}

static void heap_shutdown(void)
{
	if (heap_live_blocks())
		heap_report_corruption("heap_init: blocks still live (leaked)", NULL);
	for (size_t i = 0; heap.reg && i < (size_t)1 << heap.reg_bits; i++) {
		struct heap_record *r = heap.reg[i];
		if (!r)
			continue;
		if (r->cls == LARGE_CLASS) {
			pages_put((void *)r->base, ((struct heap_large *)r)->pages);
			pool_put(&heap.larges, r);
		} else {
			pages_put((void *)r->base, 1);
			pool_put(heap.classes[r->cls].pool, r);
		}
	}
	for (unsigned k = 0; k < 3; k++)
		pool_release(&heap.spans[k]);
	pool_release(&heap.larges);
	if (heap.reg)
		pages_put(heap.reg, ((size_t)sizeof(void *) << heap.reg_bits) / HEAP_PAGE_SIZE);
}

void heap_init(const struct heap_page_source *source)
{
	if (heap.ready)
		heap_shutdown();
	memset(&heap, 0, sizeof heap);
	if (!source)
		return;
	heap.source = *source;
	for (unsigned k = 0; k < 3; k++)
		pool_init(&heap.spans[k], sizeof(struct heap_span) + (2 * sizeof(uint64_t) << k));
	pool_init(&heap.larges, sizeof(struct heap_large));
	for (unsigned slack = 1; slack <= 16; slack++)
		zone_masks[slack] = (((heap_u128)1 << (8 * (slack - 1))) - 1) << (8 * (16 - slack));
	zone_masks[17] = ~(heap_u128)0;
	unsigned ci = 0;
	for (unsigned i = 0; i <= HEAP_LARGEST / 16; i++) {
		while (class_sizes[ci] < i * 16)
			ci++;
		class_of_size[i] = (uint8_t)ci;
	}
	for (ci = 0; ci < HEAP_CLASSES; ci++) {
		struct heap_class *c = &heap.classes[ci];
		c->size = class_sizes[ci];
		c->capacity = HEAP_PAGE_SIZE / c->size;
		c->align = c->size & -c->size;
		c->recip = (uint32_t)((1ull << 32) / c->size + 1);
		c->cache_limit = HEAP_CACHE_BYTES / c->size;
		c->cache_limit = c->cache_limit < 2	       ? 2
				 : c->cache_limit > HEAP_CACHE ? HEAP_CACHE
							       : c->cache_limit;
		c->partial.prev = c->partial.next = &c->partial;
		c->map_words = (c->capacity + 63) / 64;
		c->pool = &heap.spans[c->map_words / 2]; /* 1, 2, 4 words: pools 0, 1, 2 */
	}
	heap.ready = true;
}

/* The live blocks of slab s; adds the bytes asked for them to *bytes. */
static size_t slab_count_live(const struct heap_span *s, size_t *bytes)
{
	size_t live = 0;
	for (unsigned i = 0; i < heap.classes[s->rec.cls].capacity; i++) {
		if (!bitmap_test(s->maps, i))
			continue;
		const uint8_t *block = (const uint8_t *)s->rec.base + (size_t)i * s->size;
		size_t size = s->size;
		if (!bitmap_test(s->maps + s->map_words, i))
			size = redzone_size(block, s->size);
		*bytes += size != REDZONE_DAMAGED ? size : redzone_guess(block, s->size);
		live++;
	}
	return live;
}

/* The fast paths keep no counts of blocks or bytes in use: they are counted here,
 * from the slabs' live bits and red zones (every slab is in the registry). */
void heap_drain(void)
{
	uint64_t key = heap_lock();
	drain_unlocked();
	heap_unlock(key);
}

static void get_stats_unlocked(struct heap_stats *stats)
{
	memset(stats, 0, sizeof *stats);
	stats->classes = HEAP_CLASSES;
	for (size_t k = 0; heap.reg && k < (size_t)1 << heap.reg_bits; k++) {
		const struct heap_record *r = heap.reg[k];
		if (r && r->cls != LARGE_CLASS)
			stats->class_stats[r->cls].in_use += slab_count_live(
				(const struct heap_span *)r, &stats->bytes_requested);
	}
	for (unsigned ci = 0; ci < HEAP_CLASSES; ci++) {
		const struct heap_class *c = &heap.classes[ci];
		struct heap_class_stats *cs = &stats->class_stats[ci];
		cs->size = class_sizes[ci];
		cs->free = c->slabs * c->capacity - cs->in_use;
		cs->pages = c->slabs;
	}
	stats->large_allocations = heap.large_count;
	stats->large_pages = heap.large_pages;
	stats->meta_pages = heap.meta_pages;
	for (unsigned ci = 0; ci < HEAP_CLASSES; ci++)
		stats->idle_pages += heap.classes[ci].has_empty;
	const struct heap_pool *pools[] = {&heap.spans[0], &heap.spans[1], &heap.spans[2],
					   &heap.larges};
	for (unsigned i = 0; i < sizeof pools / sizeof pools[0]; i++)
		for (const struct pool_page *pg = pools[i]->pages; pg; pg = pg->next)
			stats->idle_pages += pg->used == 0;
	stats->bytes_requested += heap.large_requested;
	stats->bytes_reserved = heap.pages_held * HEAP_PAGE_SIZE;
}

void heap_get_stats(struct heap_stats *stats)
{
	uint64_t key = heap_lock();
	get_stats_unlocked(stats);
	heap_unlock(key);
}
