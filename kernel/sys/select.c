/* select and pselect6: which of descriptors 0 to n - 1 are ready to read, to write,
 * or have an exceptional condition. The sets are bitmaps of 64-bit words
 * (__kernel_fd_set, <linux/posix_types.h>), read and written back n bits rounded up
 * to a word, as Linux does; readiness is the files' poll mask, sorted as Linux's
 * fs/select.c sorts it. The waiting is fs/poll.c's. */
#include <asm-generic/errno.h>
#include <asm-generic/poll.h>
#include <linux/time_types.h>

#include "../arch/usercopy.h"
#include "../fs/file.h"
#include "../fs/poll.h"
#include "../lib/restart.h"
#include "../mm/heap.h"
#include "../proc/process.h"
#include "sys.h"

#define WORDS	    (FD_MAX / 64)
#define POLLIN_SET  (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET  POLLPRI
#define USEC_PER_S  1000000ll
#define NS_PER_US   1000ull
#define NS_PER_S    1000000000ull

struct sets {
	int n;					   /* descriptors 0 to n - 1 */
	uint64_t in[WORDS], out[WORDS], ex[WORDS]; /* asked */
	uint64_t ready[3][WORDS];		   /* found: in, out, ex */
};

static size_t set_bytes(int n)
{
	return (size_t)(n + 63) / 64 * sizeof(uint64_t);
}

/* A user set into `set`, the bits from n on cleared (NULL: empty). */
static bool set_from_user(uint64_t *set, uintptr_t uset, int n)
{
	if (uset && !copy_from_user(set, uset, set_bytes(n)))
		return false;
	if (uset && n % 64)
		set[n / 64] &= (1ull << (n % 64)) - 1;
	return true;
}

/* EBADF for a descriptor asked about that is not open, before any waiting. */
static bool all_open(const struct sets *s)
{
	struct fd_table *files = process_current()->files;
	for (int w = 0; w * 64 < s->n; w++)
		for (uint64_t all = s->in[w] | s->out[w] | s->ex[w]; all; all &= all - 1) {
			struct file *f = fd_get(files, w * 64 + __builtin_ctzll(all));
			if (!f)
				return false;
			file_put(f);
		}
	return true;
}

/* The ready sets, afresh; how many bits they have (a descriptor ready to read and to
 * write counts twice, as on Linux). */
static int scan(void *ctx)
{
	struct sets *s = ctx;
	struct fd_table *files = process_current()->files;
	int count = 0;
	for (int w = 0; w * 64 < s->n; w++) {
		s->ready[0][w] = s->ready[1][w] = s->ready[2][w] = 0;
		for (uint64_t all = s->in[w] | s->out[w] | s->ex[w]; all; all &= all - 1) {
			int bit = __builtin_ctzll(all);
			struct file *f = fd_get(files, w * 64 + bit);
			if (!f)
				continue;
			unsigned mask = f->ops->poll ? f->ops->poll(f) : POLLIN | POLLOUT;
			file_put(f);
			const uint64_t *asked[3] = {s->in, s->out, s->ex};
			const unsigned wanted[3] = {POLLIN_SET, POLLOUT_SET, POLLEX_SET};
			for (int k = 0; k < 3; k++)
				if ((asked[k][w] >> bit & 1) && (mask & wanted[k])) {
					s->ready[k][w] |= 1ull << bit;
					count++;
				}
		}
	}
	return count;
}

static long do_select(uint64_t n_arg, uintptr_t inp, uintptr_t outp, uintptr_t exp,
		      uint64_t deadline, bool no_wait)
{
	int n = (int)n_arg;
	if (n < 0)
		return -EINVAL;
	if (n > FD_MAX)
		n = FD_MAX; /* as Linux: no more than the table holds */
	struct sets *s = kcalloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->n = n;
	long r = 0;
	if (!set_from_user(s->in, inp, n) || !set_from_user(s->out, outp, n) ||
	    !set_from_user(s->ex, exp, n))
		r = -EFAULT;
	else if (!all_open(s))
		r = -EBADF;
	else
		r = poll_wait(scan, s, deadline, no_wait);
	const uintptr_t out[3] = {inp, outp, exp};
	for (int k = 0; r >= 0 && k < 3; k++)
		if (out[k] && !copy_to_user(out[k], s->ready[k], set_bytes(n)))
			r = -EFAULT;
	kfree(s);
	return r;
}

/* select's timeval as a deadline, as timeout_from_user does a timespec; but
 * microseconds past a second carry into the seconds, as Linux has it. */
static long timeval_from_user(uintptr_t tvp, uint64_t *deadline, bool *no_wait)
{
	*deadline = 0;
	*no_wait = false;
	if (!tvp)
		return 0;
	struct __kernel_old_timeval tv;
	if (!copy_from_user(&tv, tvp, sizeof tv))
		return -EFAULT;
	long long sec, usec = tv.tv_usec % USEC_PER_S;
	if (__builtin_add_overflow(tv.tv_sec, tv.tv_usec / USEC_PER_S, &sec))
		sec = INT64_MAX;
	if (sec < 0 || usec < 0)
		return -EINVAL;
	uint64_t max = UINT64_MAX / NS_PER_S - 1, whole = (uint64_t)sec > max ? max : (uint64_t)sec;
	*no_wait = sec == 0 && usec == 0;
	*deadline = poll_deadline_in(whole * NS_PER_S + (uint64_t)usec * NS_PER_US);
	return 0;
}

/* What was left, written back as timeout_to_user does. */
static long timeval_to_user(uintptr_t tvp, uint64_t deadline, bool no_wait, long result)
{
	if (!tvp || no_wait)
		return result;
	uint64_t left = poll_time_left(deadline);
	struct __kernel_old_timeval tv = {(long)(left / NS_PER_S),
					  (long)(left % NS_PER_S / NS_PER_US)};
	if (!copy_to_user(tvp, &tv, sizeof tv) && result == -ERESTARTNOHAND)
		return -EINTR;
	return result;
}

long sys_select(uint64_t n, uint64_t inp, uint64_t outp, uint64_t exp, uint64_t tvp, uint64_t a6)
{
	(void)a6;
	uint64_t deadline;
	bool no_wait;
	long err = timeval_from_user(tvp, &deadline, &no_wait);
	if (err)
		return err;
	long r = do_select(n, inp, outp, exp, deadline, no_wait);
	return timeval_to_user(tvp, deadline, no_wait, r);
}

/* pselect6: a timespec, and its sixth argument points at {sigset_t *, size}, the
 * mask in force while it waits. */
long sys_pselect6(uint64_t n, uint64_t inp, uint64_t outp, uint64_t exp, uint64_t tsp, uint64_t sig)
{
	struct {
		uint64_t set, size;
	} mask = {0, 0};
	if (sig && !copy_from_user(&mask, sig, sizeof mask))
		return -EFAULT;
	uint64_t deadline;
	bool no_wait;
	long err = timeout_from_user(tsp, &deadline, &no_wait);
	if (!err)
		err = signal_mask_from_user(mask.set, mask.size);
	if (err)
		return err;
	long r = do_select(n, inp, outp, exp, deadline, no_wait);
	return timeout_to_user(tsp, deadline, no_wait, r);
}
