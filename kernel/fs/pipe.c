#include "pipe.h"

#include <asm-generic/errno.h>
#include <asm-generic/fcntl.h>
#include <asm-generic/poll.h>
#include <asm/signal.h>
#include <linux/stat.h>

#include "../arch/usercopy.h"
#include "../lib/restart.h"
#include "../mm/heap.h"
#include "../sched/task.h"
#include "../sched/wait.h"
#include "file.h"
#include "poll.h"
#include "ramfs.h"

#define PIPE_SIZE     (64 * 1024) /* a new pipe's */
#define PIPE_SIZE_MIN 4096	  /* F_SETPIPE_SZ's smallest: a page */
#define PIPE_SIZE_MAX (1u << 31)  /* and its largest request, as Linux */
#define PIPE_ATOM     4096	  /* PIPE_BUF (<linux/limits.h>) */
#define CHUNK	      512	  /* bytes moved per turn of the lock */

struct pipe {
	struct spinlock lock;
	char *buf;
	unsigned size;	     /* a power of two, so head and tail may wrap */
	unsigned head, tail; /* head: next to read */
	int readers, writers;
	unsigned reader_opens, writer_opens; /* a FIFO's opens so far: open waits for one */
	struct inode *fifo;		     /* the FIFO it serves; NULL: an anonymous pipe */
	struct wait_queue can_read, can_write;
};

/* Taken before any pipe's lock: a FIFO's pipe is made by its first open and goes
 * with its last close, and the two must not cross. Anonymous pipes take it too. */
static struct spinlock fifo_lock = SPINLOCK_INIT;

static unsigned used(const struct pipe *p)
{
	return p->tail - p->head;
}

/* Waits, the lock dropped while asleep, until `ready` or a signal. */
static int wait_on(struct pipe *p, struct wait_queue *wq, uint64_t *flags,
		   bool (*ready)(struct pipe *, size_t), size_t want)
{
	struct waiter w = {0};
	while (!ready(p, want)) {
		if (signal_pending())
			return -ERESTARTSYS; /* restarted, or EINTR (lib/restart.h) */
		wait_prepare(wq, &w);
		spin_unlock_irqrestore(&p->lock, *flags);
		schedule();
		wait_finish(wq, &w);
		*flags = spin_lock_irqsave(&p->lock);
	}
	return 0;
}

static bool readable(struct pipe *p, size_t want)
{
	(void)want;
	return used(p) > 0 || p->writers == 0;
}

static bool writable(struct pipe *p, size_t want)
{
	return p->readers == 0 || p->size - used(p) >= want;
}

static long pipe_read(struct file *f, uintptr_t buf, size_t n)
{
	struct pipe *p = f->private;
	char chunk[CHUNK];
	size_t done = 0;
	uint64_t flags = spin_lock_irqsave(&p->lock);
	if (!readable(p, 0) && (f->flags & O_NONBLOCK)) {
		spin_unlock_irqrestore(&p->lock, flags);
		return -EAGAIN;
	}
	int err = wait_on(p, &p->can_read, &flags, readable, 0);
	while (!err && done < n && used(p)) {
		size_t k = 0;
		while (k < CHUNK && done + k < n && used(p))
			chunk[k++] = p->buf[p->head++ % p->size];
		spin_unlock_irqrestore(&p->lock, flags);
		wake_up(&p->can_write, WAKE_ALL);
		poll_notify();
		if (!copy_to_user(buf + done, chunk, k))
			return done ? (long)done : -EFAULT;
		done += k;
		flags = spin_lock_irqsave(&p->lock);
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return done ? (long)done : err;
}

/* SIGPIPE for the writer: acted on (or ignored) on its way back to ring 3. */
static void raise_sigpipe(void)
{
	struct task *t = current_task();
	__atomic_or_fetch(&t->signals, 1ull << (SIGPIPE - 1), __ATOMIC_RELEASE);
}

/* Puts as much of chunk[0, k) as there is room for, once at least `want` bytes of
 * room (or no reader) is there; how much went in, or -errno with nothing put. */
static long put_some(struct file *f, struct pipe *p, const char *chunk, size_t k, size_t want)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	int err = 0;
	if (!writable(p, want))
		err = (f->flags & O_NONBLOCK) ? -EAGAIN
					      : wait_on(p, &p->can_write, &flags, writable, want);
	if (!err && p->readers == 0)
		err = -EPIPE;
	size_t put = 0;
	while (!err && put < k && used(p) < p->size)
		p->buf[p->tail++ % p->size] = chunk[put++];
	spin_unlock_irqrestore(&p->lock, flags);
	if (put)
		wake_up(&p->can_read, WAKE_ALL);
	poll_notify();
	return err ? err : (long)put;
}

/* Puts chunk[0, k) in as room comes, all at once if `whole`; adds what went in to
 * *done. 0, or -errno once nothing more can go in. */
static long put_all(struct file *f, const char *chunk, size_t k, bool whole, size_t *done)
{
	long err = 0;
	for (size_t at = 0; at < k && !err;) {
		long put = put_some(f, f->private, chunk + at, k - at, whole ? k : 1);
		if (put < 0)
			err = put;
		else
			at += (size_t)put, *done += (size_t)put;
	}
	return err;
}

/* What a write returns: the bytes that went in, else the error (EPIPE sends SIGPIPE). */
static long write_result(size_t done, long err)
{
	if (err == -EPIPE)
		raise_sigpipe();
	return done ? (long)done : err;
}

/* A write of at most PIPE_ATOM goes in whole; a longer one as room comes. */
static long pipe_write(struct file *f, uintptr_t buf, size_t n)
{
	char *chunk = kmalloc(PIPE_ATOM);
	if (!chunk)
		return -ENOMEM;
	size_t done = 0;
	long err = 0;
	while (done < n && !err) {
		size_t k = n - done < PIPE_ATOM ? n - done : PIPE_ATOM;
		if (!copy_from_user(chunk, buf + done, k))
			err = -EFAULT;
		else
			err = put_all(f, chunk, k, n <= PIPE_ATOM, &done);
	}
	kfree(chunk);
	return write_result(done, err);
}

static long pipe_write_kernel(struct file *f, const void *buf, size_t n)
{
	size_t done = 0;
	long err = put_all(f, buf, n, n <= PIPE_ATOM, &done);
	return write_result(done, err);
}

static bool reads(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool writes(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

static void pipe_free(struct pipe *p)
{
	kfree(p->buf);
	kfree(p);
}

/* The other side is woken before the lock goes: once it has gone, another close may
 * free the pipe. The last close frees it (and parts it from its FIFO). */
static void pipe_release(struct file *f)
{
	struct pipe *p = f->private;
	uint64_t outer = spin_lock_irqsave(&fifo_lock);
	uint64_t flags = spin_lock_irqsave(&p->lock);
	p->readers -= reads(f);
	p->writers -= writes(f);
	bool last = p->readers == 0 && p->writers == 0;
	if (last && p->fifo)
		p->fifo->fifo = 0;
	wake_up(&p->can_read, WAKE_ALL);
	wake_up(&p->can_write, WAKE_ALL);
	poll_notify();
	spin_unlock_irqrestore(&p->lock, flags);
	spin_unlock_irqrestore(&fifo_lock, outer);
	if (last)
		pipe_free(p);
}

/* As Linux: readable with data, hung up when the writers are gone; writable with
 * room for PIPE_BUF bytes, an error when the readers are gone (a FIFO opened for
 * both: both). */
static unsigned pipe_poll(struct file *f)
{
	struct pipe *p = f->private;
	unsigned mask = 0;
	uint64_t flags = spin_lock_irqsave(&p->lock);
	/* As Linux: no hang-up for a FIFO's reader until a writer has come (and gone). */
	if (reads(f))
		mask |= (used(p) ? POLLIN : 0) |
			(p->writers || f->seen == p->writer_opens ? 0 : POLLHUP);
	if (writes(f))
		mask |= (p->size - used(p) >= PIPE_ATOM ? POLLOUT : 0) | (p->readers ? 0 : POLLERR);
	spin_unlock_irqrestore(&p->lock, flags);
	return mask;
}

static const struct file_ops read_ops = {
	.read = pipe_read, .release = pipe_release, .poll = pipe_poll};
static const struct file_ops write_ops = {.write = pipe_write,
					  .write_kernel = pipe_write_kernel,
					  .release = pipe_release,
					  .poll = pipe_poll};
static const struct file_ops read_write_ops = {.read = pipe_read,
					       .write = pipe_write,
					       .write_kernel = pipe_write_kernel,
					       .release = pipe_release,
					       .poll = pipe_poll};

bool pipe_is(const struct file *f)
{
	return f->ops == &read_ops || f->ops == &write_ops || f->ops == &read_write_ops;
}

bool pipe_is_anonymous(const struct file *f)
{
	return pipe_is(f) && !((struct pipe *)f->private)->fifo;
}

long pipe_get_size(struct file *f)
{
	return pipe_is(f) ? (long)((struct pipe *)f->private)->size : -EBADF;
}

/* As Linux: a power of two, a page at least; EBUSY if what the pipe holds would not
 * fit. The bytes move to a new buffer, in order. */
long pipe_set_size(struct file *f, unsigned long want)
{
	if (!pipe_is(f))
		return -EBADF;
	if (want > PIPE_SIZE_MAX)
		return -EINVAL;
	unsigned size = PIPE_SIZE_MIN;
	while (size < want)
		size *= 2;
	char *buf = kmalloc(size), *old;
	if (!buf)
		return -ENOMEM;
	struct pipe *p = f->private;
	uint64_t flags = spin_lock_irqsave(&p->lock);
	unsigned n = used(p);
	if (n > size) {
		spin_unlock_irqrestore(&p->lock, flags);
		kfree(buf);
		return -EBUSY;
	}
	for (unsigned i = 0; i < n; i++)
		buf[i] = p->buf[(p->head + i) % p->size];
	old = p->buf;
	p->buf = buf;
	p->size = size;
	p->head = 0;
	p->tail = n;
	spin_unlock_irqrestore(&p->lock, flags);
	kfree(old);
	wake_up(&p->can_write, WAKE_ALL); /* there may be room now */
	poll_notify();
	return size;
}

static void free_file(struct file *f)
{
	if (f) {
		inode_put(f->inode);
		kfree(f);
	}
}

/* An empty pipe with no ends yet, or NULL. */
static struct pipe *pipe_new(void)
{
	struct pipe *p = kcalloc(1, sizeof *p);
	char *buf = kmalloc(PIPE_SIZE);
	if (!p || !buf) {
		kfree(buf);
		kfree(p);
		return 0;
	}
	spin_lock_init(&p->lock);
	p->buf = buf;
	p->size = PIPE_SIZE;
	wait_queue_init(&p->can_read);
	wait_queue_init(&p->can_write);
	return p;
}

int pipe_create(unsigned flags, struct file **read_end, struct file **write_end)
{
	mutex_lock(&fs_lock);
	struct inode *inode = ramfs_new_inode(S_IFIFO | 0600); /* for fstat; in no directory */
	mutex_unlock(&fs_lock);
	if (!inode)
		return -ENOMEM;
	inode_get(inode); /* ours until the ends hold theirs */
	struct pipe *p = pipe_new();
	struct file *r = file_new(inode, &read_ops, O_RDONLY | (flags & O_NONBLOCK));
	struct file *w = file_new(inode, &write_ops, O_WRONLY | (flags & O_NONBLOCK));
	inode_put(inode);
	if (!p || !r || !w) {
		free_file(r);
		free_file(w);
		if (p)
			pipe_free(p);
		return -ENOMEM;
	}
	p->readers = p->writers = 1;
	p->reader_opens = p->writer_opens = 1; /* the ends' own: seen is 0 */
	r->private = w->private = p;
	*read_end = r;
	*write_end = w;
	return 0;
}

/* ---- FIFOs (named pipes) -------------------------------------------------------- */

/* The pipe of FIFO `inode`, made by its first open, with this open counted: a reader,
 * a writer, or both; *seen is the writers' opens so far. NULL with *err: ENXIO for a
 * writer that will not wait and has no reader (POSIX's rule), ENOMEM. */
static struct pipe *fifo_attach(struct inode *inode, unsigned flags, int *err, unsigned *seen)
{
	unsigned mode = flags & O_ACCMODE;
	struct pipe *fresh = inode->fifo ? 0 : pipe_new();
	uint64_t outer = spin_lock_irqsave(&fifo_lock);
	struct pipe *p = inode->fifo ? inode->fifo : fresh;
	*err = p ? 0 : -ENOMEM;
	if (p) {
		uint64_t f = spin_lock_irqsave(&p->lock);
		if (mode == O_WRONLY && (flags & O_NONBLOCK) && !p->readers)
			*err = -ENXIO;
		else {
			p->readers += mode != O_WRONLY, p->reader_opens += mode != O_WRONLY;
			p->writers += mode != O_RDONLY, p->writer_opens += mode != O_RDONLY;
			wake_up(&p->can_read, WAKE_ALL); /* openers waiting for this one */
			wake_up(&p->can_write, WAKE_ALL);
		}
		*seen = p->writer_opens;
		spin_unlock_irqrestore(&p->lock, f);
	}
	if (!*err && p == fresh) {
		inode->fifo = p;
		p->fifo = inode;
		fresh = 0;
	}
	spin_unlock_irqrestore(&fifo_lock, outer);
	if (fresh)
		pipe_free(fresh);
	return *err ? 0 : p;
}

static bool writer_came(struct pipe *p, size_t seen)
{
	return p->writer_opens != seen;
}

static bool reader_came(struct pipe *p, size_t seen)
{
	return p->reader_opens != seen;
}

/* As Linux: a reader waits for a writer to open (and the other way round) unless
 * O_NONBLOCK; opened for both, it waits for no one. */
static int wait_for_partner(struct file *f)
{
	struct pipe *p = f->private;
	unsigned mode = f->flags & O_ACCMODE;
	if (mode == O_RDWR || (f->flags & O_NONBLOCK))
		return 0;
	uint64_t flags = spin_lock_irqsave(&p->lock);
	int err = mode == O_RDONLY ? (p->writers ? 0
						 : wait_on(p, &p->can_read, &flags, writer_came,
							   p->writer_opens))
				   : (p->readers ? 0
						 : wait_on(p, &p->can_write, &flags, reader_came,
							   p->reader_opens));
	spin_unlock_irqrestore(&p->lock, flags);
	return err;
}

int pipe_open_fifo(struct inode *inode, unsigned flags, struct file **out)
{
	unsigned mode = flags & O_ACCMODE;
	if (mode != O_RDONLY && mode != O_WRONLY && mode != O_RDWR)
		return -EINVAL;
	const struct file_ops *ops = mode == O_RDONLY	? &read_ops
				     : mode == O_WRONLY ? &write_ops
							: &read_write_ops;
	struct file *f = file_new(inode, ops, flags);
	if (!f)
		return -ENOMEM;
	int err;
	unsigned seen;
	if (!(f->private = fifo_attach(inode, flags, &err, &seen))) {
		free_file(f);
		return err;
	}
	if (flags & O_NONBLOCK)
		f->seen = seen; /* hung up only once a writer has come and gone */
	if ((err = wait_for_partner(f))) {
		file_put(f); /* the count it took goes, and the pipe with the last */
		return err;
	}
	*out = f;
	return 0;
}
