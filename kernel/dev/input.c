#include "input.h"

#include "../sched/wait.h"
#include "../sync/spinlock.h"

#define INPUT_RING 256

/* One ring for the machine's console input, under one lock; readers sleep on
 * `arrived` until an interrupt handler puts something in. */
static struct {
	struct spinlock lock;
	struct input_event events[INPUT_RING];
	unsigned head, tail; /* head: next to read; tail: next to write */
	uint64_t dropped;
	struct wait_queue arrived;
} ring = {SPINLOCK_INIT, {{0, 0, 0, 0}}, 0, 0, 0, WAIT_QUEUE_INIT(ring.arrived)};

/* While set, events go straight to it (the terminal's line discipline), not the ring. */
static void (*receiver)(struct input_event event);

void input_set_receiver(void (*fn)(struct input_event event))
{
	__atomic_store_n(&receiver, fn, __ATOMIC_RELEASE);
	struct input_event queued;
	while (fn && input_get(&queued)) /* what came before goes first */
		fn(queued);
}

void input_put(struct input_event event)
{
	void (*fn)(struct input_event) = __atomic_load_n(&receiver, __ATOMIC_ACQUIRE);
	if (fn) {
		fn(event);
		return;
	}
	uint64_t flags = spin_lock_irqsave(&ring.lock);
	if (ring.tail - ring.head == INPUT_RING)
		ring.dropped++;
	else
		ring.events[ring.tail++ % INPUT_RING] = event;
	spin_unlock_irqrestore(&ring.lock, flags);
	wake_up(&ring.arrived, WAKE_ALL);
}

void input_wait(struct input_event *event)
{
	wait_event(ring.arrived, input_get(event));
}

bool input_get(struct input_event *event)
{
	uint64_t flags = spin_lock_irqsave(&ring.lock);
	bool got = ring.head != ring.tail;
	if (got)
		*event = ring.events[ring.head++ % INPUT_RING];
	spin_unlock_irqrestore(&ring.lock, flags);
	return got;
}

uint64_t input_dropped(void)
{
	return ring.dropped;
}

bool input_full(void)
{
	uint64_t flags = spin_lock_irqsave(&ring.lock);
	bool full = ring.tail - ring.head == INPUT_RING;
	spin_unlock_irqrestore(&ring.lock, flags);
	return full;
}

void input_count_lost(void)
{
	uint64_t flags = spin_lock_irqsave(&ring.lock);
	ring.dropped++;
	spin_unlock_irqrestore(&ring.lock, flags);
}
