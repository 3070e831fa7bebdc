#include "poll.h"

#include "../arch/clock.h"
#include "../arch/x86.h"
#include "../lib/restart.h"
#include "../sched/sched.h"
#include "../sched/sleep.h"
#include "../sched/task.h"

struct wait_queue poll_waiters = WAIT_QUEUE_INIT(poll_waiters);

void poll_notify(void)
{
	wake_up(&poll_waiters, WAKE_ALL);
}

long poll_wait(int (*scan)(void *ctx), void *ctx, uint64_t deadline_ns, bool no_wait)
{
	struct task *t = current_task();
	for (;;) {
		struct waiter w = {0};
		wait_prepare(&poll_waiters, &w);
		if (deadline_ns)
			sleep_arm(t, deadline_ns);
		cpu_disable_interrupts();
		int ready = scan(ctx);
		cpu_enable_interrupts();
		bool done = ready || no_wait || signal_pending() ||
			    (deadline_ns && clock_ns() >= deadline_ns);
		if (!done)
			schedule();
		if (deadline_ns)
			sleep_disarm(t);
		wait_finish(&poll_waiters, &w);
		if (done)
			return ready ? ready : signal_pending() ? -ERESTARTNOHAND : 0;
	}
}

uint64_t poll_time_left(uint64_t deadline_ns)
{
	uint64_t now = clock_ns();
	return deadline_ns > now ? deadline_ns - now : 0;
}

uint64_t poll_deadline_in(uint64_t ns)
{
	uint64_t now = clock_ns();
	return ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
}
