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
			insert_slot(old[i].frame)->extra = old[i].extra;
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

bool frame_share(phys_addr_t frame)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	struct slot *s = find(frame);
	bool ok = true;
	if (!s) {
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
	struct slot *s = find(frame);
	bool last = !s;
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
	bool shared = find(frame) != 0;
	spin_unlock_irqrestore(&lock, flags);
	return shared;
}

unsigned long frame_shared_count(void)
{
	return live;
}
