#include "frame_share.h"

#include "../lib/string.h"
#include "../sync/spinlock.h"
#include "heap.h"

/* Key 0 is an empty slot (frame 0 is never handed out); TOMBSTONE a removed one. */
#define TOMBSTONE 1ull

struct slot {
	phys_addr_t frame;
	uint32_t extra; /* owners beyond the first */
};

static struct spinlock lock = SPINLOCK_INIT;
/* The page cache's entry for a frame (below). */
struct cached_page {
	struct page_key key;
	phys_addr_t frame;
	uint32_t mappers;		   /* spaces that map it; 0: retained */
	struct cached_page *next;	   /* in its key's bucket, or in the free pool */
	struct cached_page *next_frame;	   /* in its frame's bucket */
	struct cached_page *older, *newer; /* retained: in the list */
};

static struct slot *slots;
static size_t capacity, used, live; /* used counts tombstones too */

static size_t hash(phys_addr_t frame)
{
	return (size_t)((frame >> 12) * 0x9E3779B97F4A7C15ull >> 20);
}

static struct slot *find(phys_addr_t frame)
{
	if (!capacity)
		return 0;
	for (size_t i = hash(frame) & (capacity - 1);; i = (i + 1) & (capacity - 1)) {
		if (slots[i].frame == frame)
			return &slots[i];
		if (slots[i].frame == 0)
			return 0;
	}
}

static struct slot *insert_slot(phys_addr_t frame)
{
	size_t i = hash(frame) & (capacity - 1);
	while (slots[i].frame > TOMBSTONE)
		i = (i + 1) & (capacity - 1);
	if (slots[i].frame == 0)
		used++;
	live++;
	slots[i] = (struct slot){frame, 0};
	return &slots[i];
}

#define MIN_CAPACITY 256

/* The table rebuilt with `new_capacity` slots (0: none at all), tombstones gone.
 * Called with the lock held; the heap's lock nests inside (it never takes this one). */
static bool rehash(size_t new_capacity)
{
	struct slot *fresh = 0;
	if (new_capacity && !(fresh = kcalloc(new_capacity, sizeof *fresh)))
		return false;
	struct slot *old = slots;
	size_t old_capacity = capacity;
	slots = fresh, capacity = new_capacity, used = live = 0;
	for (size_t i = 0; i < old_capacity; i++)
		if (old[i].frame > TOMBSTONE)
			*insert_slot(old[i].frame) = old[i];
	kfree(old);
	return true;
}

/* Room for one more at a load of at most 1/2. */
static bool make_room(void)
{
	if ((used + 1) * 2 <= capacity)
		return true;
	size_t new_capacity = capacity ? capacity : MIN_CAPACITY;
	while ((live + 1) * 2 > new_capacity / 2)
		new_capacity *= 2;
	return rehash(new_capacity);
}

/* After a fork bomb the table would keep its high-water size: give room back when
 * it is mostly empty (a failed rehash just keeps the old table). */
static void shrink(void)
{
	if (live == 0)
		rehash(0);
	else if (capacity > MIN_CAPACITY && live * 8 < capacity)
		rehash(capacity / 2);
}

static struct cached_page *cached_frame(phys_addr_t frame);
static void retain(struct cached_page *e);

bool frame_share(phys_addr_t frame)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	struct cached_page *e = cached_frame(frame);
	struct slot *s = e ? 0 : find(frame);
	bool ok = true;
	if (e)
		e->mappers++;
	else if (!s) {
		ok = make_room();
		if (ok)
			s = insert_slot(frame);
	}
	if (s)
		s->extra++;
	spin_unlock_irqrestore(&lock, flags);
	return ok;
}

void frame_release(phys_addr_t frame)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	struct cached_page *e = cached_frame(frame);
	struct slot *s = e ? 0 : find(frame);
	bool last = !e && !s;
	if (e && --e->mappers == 0)
		retain(e); /* only the cache holds it now: it keeps it */
	if (s && --s->extra == 0) {
		s->frame = TOMBSTONE;
		live--;
		shrink();
	}
	spin_unlock_irqrestore(&lock, flags);
	if (last)
		pmm_free_frame(frame);
}

bool frame_is_shared(phys_addr_t frame)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	bool shared = cached_frame(frame) || find(frame); /* the cache is an owner */
	spin_unlock_irqrestore(&lock, flags);
	return shared;
}

unsigned long frame_shared_count(void)
{
	return live;
}

/* ---- the page cache ------------------------------------------------------------ */

/* A cached frame counts its mappers in its entry, not in the table above, and the
 * cache as one more owner: a space that maps it sees it shared and copies it before
 * writing. When the last space lets go, the frame stays, retained: the cache its
 * only owner, on a list oldest first,
 * counted as free memory (frame_cache_retained) and given back when the allocator
 * runs dry (frame_cache_reclaim) or the cache needs the entry. So the next program
 * that maps the page finds the same frame (and QEMU its translated code). Entries
 * are a fixed pool, hashed in chains under the same lock as the owner counts: no
 * lookup meets a frame being freed, and the cache takes no heap. */

#define CACHE_ENTRIES 2048 /* pages the cache can name: 8 MiB of files */
#define CACHE_BUCKETS 256
static struct cached_page entries[CACHE_ENTRIES];
static struct cached_page *cache[CACHE_BUCKETS], *by_frame[CACHE_BUCKETS], *unused;
static struct cached_page *oldest, *newest; /* the retained ones */
static unsigned long retained;
static bool pool_ready;

static struct cached_page **bucket_of(const struct page_key *k)
{
	uint64_t h = (uint64_t)(uintptr_t)k->file * 0x9E3779B97F4A7C15ull ^ k->offset >> 12 ^
		     k->version * 31;
	return &cache[(h >> 20) % CACHE_BUCKETS];
}

static bool same_key(const struct page_key *a, const struct page_key *b)
{
	return a->file == b->file && a->version == b->version && a->offset == b->offset &&
	       a->bytes == b->bytes;
}

static struct cached_page **frame_bucket(phys_addr_t frame)
{
	return &by_frame[hash(frame) % CACHE_BUCKETS];
}

static struct cached_page *cached_frame(phys_addr_t frame)
{
	for (struct cached_page *e = *frame_bucket(frame); e; e = e->next_frame)
		if (e->frame == frame)
			return e;
	return 0;
}

static struct cached_page *cache_find(const struct page_key *k)
{
	for (struct cached_page *e = *bucket_of(k); e; e = e->next)
		if (same_key(&e->key, k))
			return e;
	return 0;
}

static void retain(struct cached_page *e)
{
	e->older = newest, e->newer = 0;
	if (newest)
		newest->newer = e;
	else
		oldest = e;
	newest = e;
	retained++;
}

static void unretain(struct cached_page *e)
{
	if (e->older)
		e->older->newer = e->newer;
	else
		oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		newest = e->older;
	retained--;
}

/* Forgets the oldest retained page; its frame, for the caller to free. */
static phys_addr_t evict_oldest(void)
{
	struct cached_page *e = oldest;
	unretain(e);
	struct cached_page **link = bucket_of(&e->key);
	while (*link != e)
		link = &(*link)->next;
	*link = e->next;
	for (link = frame_bucket(e->frame); *link != e;)
		link = &(*link)->next_frame;
	*link = e->next_frame;
	e->next = unused;
	unused = e;
	return e->frame;
}

static struct cached_page *take_entry(phys_addr_t *evicted)
{
	if (!pool_ready) {
		for (size_t i = 0; i < CACHE_ENTRIES; i++)
			entries[i].next = i + 1 < CACHE_ENTRIES ? &entries[i + 1] : 0;
		unused = entries;
		pool_ready = true;
		pmm_set_reclaimer(frame_cache_reclaim);
	}
	if (!unused && oldest)
		*evicted = evict_oldest();
	struct cached_page *e = unused;
	if (e)
		unused = e->next;
	return e;
}

phys_addr_t frame_cache_get(const struct page_key *key)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	struct cached_page *e = cache_find(key);
	if (e && e->mappers++ == 0)
		unretain(e);
	spin_unlock_irqrestore(&lock, flags);
	return e ? e->frame : PMM_NO_FRAME;
}

bool frame_cache_add(const struct page_key *key, phys_addr_t frame)
{
	phys_addr_t evicted = PMM_NO_FRAME;
	uint64_t flags = spin_lock_irqsave(&lock);
	struct cached_page *e = 0;
	bool added = !cache_find(key) && !find(frame) && (e = take_entry(&evicted));
	if (added) {
		*e = (struct cached_page){.key = *key, .frame = frame, .mappers = 1};
		struct cached_page **bucket = bucket_of(key), **frames = frame_bucket(frame);
		e->next = *bucket;
		*bucket = e;
		e->next_frame = *frames;
		*frames = e;
	}
	spin_unlock_irqrestore(&lock, flags);
	if (evicted != PMM_NO_FRAME)
		pmm_free_frame(evicted);
	return added;
}

unsigned long frame_cache_retained(void)
{
	return __atomic_load_n(&retained, __ATOMIC_RELAXED);
}

size_t frame_cache_reclaim(size_t want)
{
	phys_addr_t frames[32];
	size_t freed = 0;
	while (freed < want) {
		uint64_t flags;
		if (!spin_trylock_irqsave(&lock, &flags))
			break; /* held on the way here (a table growing): nothing to give */
		size_t n = 0;
		while (n < 32 && freed + n < want && oldest)
			frames[n++] = evict_oldest();
		spin_unlock_irqrestore(&lock, flags);
		for (size_t i = 0; i < n; i++)
			pmm_free_frame(frames[i]);
		freed += n;
		if (n == 0)
			break;
	}
	return freed;
}
