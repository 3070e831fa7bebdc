/* Futexes: a thread sleeps on a word of user memory until another wakes that word.
 * A futex is named by its address space and user address, so FUTEX_PRIVATE_FLAG and
 * shared futexes name the same thing within one process; between processes (a
 * MAP_SHARED page) they would not meet: Keel has no shared anonymous memory yet. */
#pragma once

#include <stdint.h>

struct mm;

/* Sleeps while the word at `addr` holds `val`, until a wake whose bitset meets
 * `bitset`, the clock reaches `deadline_ns` (UINT64_MAX: never) or a signal comes.
 * 0 when woken, -EAGAIN (the word differs), -EFAULT, -ETIMEDOUT or -ERESTARTSYS. */
long futex_wait(struct mm *mm, uintptr_t addr, uint32_t val, uint64_t deadline_ns, uint32_t bitset);

/* Wakes up to `count` waiters on `addr` whose bitset meets `bitset`; how many. */
int futex_wake(struct mm *mm, uintptr_t addr, int count, uint32_t bitset);

/* FUTEX_REQUEUE: wakes up to `wake` waiters on `from` and moves up to `requeue` of
 * the rest to `to`; how many it woke and moved. */
int futex_requeue(struct mm *mm, uintptr_t from, uintptr_t to, int wake, int requeue);
