#include "poll.h"

struct wait_queue poll_waiters = WAIT_QUEUE_INIT(poll_waiters);

void poll_notify(void)
{
	wake_up(&poll_waiters, WAKE_ALL);
}
