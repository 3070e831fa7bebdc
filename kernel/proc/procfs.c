/* /proc's names and its files' reads (procfs.h). Every name is one of the nodes
 * below; an inode's number says which node, process and descriptor it stands for,
 * so a name keeps its number from one lookup to the next, and nothing else need be
 * kept in the inode. A file's text is made when it is read from offset 0 (or first
 * read at all) and kept with the open file, so the reads that follow see the same
 * text, as Linux's seq_file does. */
#include "procfs.h"

#include <asm-generic/errno.h>
#include <linux/stat.h>

#include "../arch/usercopy.h"
#include "../console.h"
#include "../fs/file.h"
#include "../fs/mount.h"
#include "../fs/vfs.h"
#include "../lib/bitmap.h"
#include "../lib/format.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "../sync/spinlock.h"
#include "process.h"

#define PROC_DEV 2 /* st_dev of /proc's inodes: another file system than the root's (1) */

/* ---- the names ------------------------------------------------------------------ */

static int show_mounts_link(struct proc_text *t, int pid, int fd)
{
	(void)pid, (void)fd;
	text_printf(t, "self/mounts"); /* as Linux: the caller's view of the mounts */
	return 0;
}

enum proc_node {
	NODE_ROOT, /* /proc */
	NODE_SELF,
	NODE_MOUNTS_LINK,
	NODE_CPUINFO,
	NODE_LOADAVG,
	NODE_MEMINFO,
	NODE_STAT,
	NODE_UPTIME,
	NODE_PID, /* /proc/PID */
	NODE_PID_CMDLINE,
	NODE_PID_COMM,
	NODE_PID_EXE,
	NODE_PID_FD_DIR,
	NODE_PID_MOUNTS,
	NODE_PID_STAT,
	NODE_PID_STATM,
	NODE_PID_STATUS,
	NODE_FD, /* /proc/PID/fd/N */
	NODE_COUNT,
};

struct proc_entry {
	const char *name; /* NULL: a number (a pid, a descriptor) */
	enum proc_node dir;
	uint32_t mode;
	proc_show show; /* a file's text or a link's target */
};

/* In each directory in this order, as getdents lists them; Linux's names and modes. */
static const struct proc_entry nodes[NODE_COUNT] = {
	[NODE_ROOT] = {"proc", NODE_ROOT, S_IFDIR | 0555, 0},
	[NODE_SELF] = {"self", NODE_ROOT, S_IFLNK | 0777, proc_show_self},
	[NODE_MOUNTS_LINK] = {"mounts", NODE_ROOT, S_IFLNK | 0777, show_mounts_link},
	[NODE_CPUINFO] = {"cpuinfo", NODE_ROOT, S_IFREG | 0444, proc_show_cpuinfo},
	[NODE_LOADAVG] = {"loadavg", NODE_ROOT, S_IFREG | 0444, proc_show_loadavg},
	[NODE_MEMINFO] = {"meminfo", NODE_ROOT, S_IFREG | 0444, proc_show_meminfo},
	[NODE_STAT] = {"stat", NODE_ROOT, S_IFREG | 0444, proc_show_stat},
	[NODE_UPTIME] = {"uptime", NODE_ROOT, S_IFREG | 0444, proc_show_uptime},
	[NODE_PID] = {0, NODE_ROOT, S_IFDIR | 0555, 0},
	[NODE_PID_CMDLINE] = {"cmdline", NODE_PID, S_IFREG | 0444, proc_show_pid_cmdline},
	[NODE_PID_COMM] = {"comm", NODE_PID, S_IFREG | 0644, proc_show_pid_comm},
	[NODE_PID_EXE] = {"exe", NODE_PID, S_IFLNK | 0777, proc_show_pid_exe},
	[NODE_PID_FD_DIR] = {"fd", NODE_PID, S_IFDIR | 0500, 0},
	[NODE_PID_MOUNTS] = {"mounts", NODE_PID, S_IFREG | 0444, proc_show_mounts},
	[NODE_PID_STAT] = {"stat", NODE_PID, S_IFREG | 0444, proc_show_pid_stat},
	[NODE_PID_STATM] = {"statm", NODE_PID, S_IFREG | 0444, proc_show_pid_statm},
	[NODE_PID_STATUS] = {"status", NODE_PID, S_IFREG | 0444, proc_show_pid_status},
	[NODE_FD] = {0, NODE_PID_FD_DIR, S_IFLNK | 0500, proc_show_pid_fd},
};

/* What an inode stands for, and its number: 1 << 40, then the node, the pid and the
 * descriptor. */
struct proc_id {
	enum proc_node node;
	int pid, fd;
};

#define INO_BASE   (1ull << 40)
#define NODE_SHIFT 32
#define PID_SHIFT  10
_Static_assert(FD_MAX <= 1 << PID_SHIFT && PID_MAX <= 1 << (NODE_SHIFT - PID_SHIFT),
	       "a pid and a descriptor fit in an inode number");

static uint64_t ino_of(struct proc_id id)
{
	return INO_BASE | (uint64_t)id.node << NODE_SHIFT | (uint64_t)id.pid << PID_SHIFT |
	       (uint64_t)id.fd;
}

static struct proc_id id_of(const struct inode *inode)
{
	uint64_t n = inode->ino - INO_BASE;
	return (struct proc_id){(enum proc_node)(n >> NODE_SHIFT),
				(int)(n >> PID_SHIFT & ((1u << (NODE_SHIFT - PID_SHIFT)) - 1)),
				(int)(n & ((1u << PID_SHIFT) - 1))};
}

static const struct inode_ops proc_iops;
static const struct file_ops proc_file_ops;

/* ---- lookups -------------------------------------------------------------------- */

/* The number `name` spells (decimal, no sign, no leading zero), or -1. */
static int number(const char *name, size_t len)
{
	if (len == 0 || len > 9 || (name[0] == '0' && len > 1))
		return -1;
	int n = 0;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		n = n * 10 + (name[i] - '0');
	}
	return n;
}

/* A link's target, made now (fs_lock held): the inode keeps it. */
static int set_target(struct inode *inode, struct proc_id id)
{
	struct proc_text t = {0};
	int err = nodes[id.node].show(&t, id.pid, id.fd);
	if (!err && (t.failed || !t.len))
		err = t.failed ? -ENOMEM : -ENOENT;
	if (err) {
		kfree(t.buf);
		return err;
	}
	inode->target = t.buf;
	inode->size = t.len;
	return 0;
}

static int make(struct inode *dir, struct proc_id id, struct inode **out)
{
	struct inode *inode = inode_new(&proc_iops, ino_of(id), nodes[id.node].mode, dir);
	if (!inode)
		return -ENOMEM;
	int err = S_ISLNK(inode->mode) ? set_target(inode, id) : 0;
	if (err) {
		inode_put_locked(inode);
		return err;
	}
	if (S_ISREG(inode->mode))
		inode->fops = &proc_file_ops;
	*out = inode;
	return 0;
}

static int proc_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct proc_id at = id_of(dir);
	if (at.pid && !proc_pid_exists(at.pid))
		return -ENOENT; /* its process is gone */
	for (int node = 0; node < NODE_COUNT; node++) {
		const char *entry = nodes[node].name;
		if (node != NODE_ROOT && nodes[node].dir == at.node && entry &&
		    strnlen(entry, len + 1) == len && memcmp(entry, name, len) == 0)
			return make(dir, (struct proc_id){node, at.pid, 0}, out);
	}
	int n = number(name, len);
	if (at.node == NODE_ROOT && n > 0 && proc_pid_exists(n))
		return make(dir, (struct proc_id){NODE_PID, n, 0}, out);
	if (at.node == NODE_PID_FD_DIR && n >= 0 && n < FD_MAX && proc_fd_open(at.pid, n))
		return make(dir, (struct proc_id){NODE_FD, at.pid, n}, out);
	return -ENOENT;
}

static void proc_name(const struct inode *child, char *buf, size_t size)
{
	struct proc_id id = id_of(child);
	if (id.node == NODE_PID)
		ksnprintf(buf, size, "%d", id.pid);
	else if (id.node == NODE_FD)
		ksnprintf(buf, size, "%d", id.fd);
	else
		strncpy_safe(buf, nodes[id.node].name, size);
}

/* ---- getdents ------------------------------------------------------------------- */

/* Positions: 2 and up for the named entries, then pids and descriptors from here. */
#define NUMBERS_AT 64

/* The entries numbered `n` whose bit is set in `bits` (`count` bits), from position
 * `from` on; the position to go on from. */
static uint64_t list_numbers(struct proc_id id, const uint64_t *bits, int count, uint64_t from,
			     struct dir_sink *sink)
{
	char name[12];
	int first = from > NUMBERS_AT ? (int)(from - NUMBERS_AT) : 0;
	for (int n = first; n < count; n++) {
		if (!bitmap_test(bits, (uint64_t)n))
			continue;
		if (id.node == NODE_PID)
			id.pid = n;
		else
			id.fd = n;
		ksnprintf(name, sizeof name, "%d", n);
		if (!dir_emit(sink, ino_of(id), nodes[id.node].mode, name, NUMBERS_AT + n + 1))
			return NUMBERS_AT + (uint64_t)n;
	}
	return NUMBERS_AT + (uint64_t)count;
}

static uint64_t proc_list(struct inode *dir, uint64_t from, struct dir_sink *sink)
{
	struct proc_id at = id_of(dir);
	uint64_t position = 2;
	for (int node = 0; node < NODE_COUNT; node++) {
		if (node == NODE_ROOT || nodes[node].dir != at.node || !nodes[node].name)
			continue;
		struct proc_id id = {node, at.pid, 0};
		if (position >= from &&
		    !dir_emit(sink, ino_of(id), nodes[node].mode, nodes[node].name, position + 1))
			return position;
		position++;
	}
	from = from > NUMBERS_AT ? from : NUMBERS_AT;
	uint64_t *bits = 0;
	if (at.node == NODE_ROOT && (bits = kcalloc(PID_MAX / 64, sizeof *bits))) {
		proc_pids(bits);
		from = list_numbers((struct proc_id){NODE_PID, 0, 0}, bits, PID_MAX, from, sink);
	} else if (at.node == NODE_PID_FD_DIR && (bits = kcalloc(FD_MAX / 64, sizeof *bits))) {
		if (proc_fds(at.pid, bits))
			from = list_numbers((struct proc_id){NODE_FD, at.pid, 0}, bits, FD_MAX,
					    from, sink);
	}
	kfree(bits);
	return from;
}

static const struct inode_ops proc_iops = {
	.lookup = proc_lookup, .list = proc_list, .name = proc_name, .dev = PROC_DEV};

/* ---- reading files -------------------------------------------------------------- */

/* A file's text as one read saw it, shared by the reads that follow from where it
 * left off; each holds a reference while it copies. */
struct snapshot {
	int refs;
	struct proc_text text;
};

/* Guards each open file's `private` (its snapshot) and the counts. */
static struct spinlock snapshot_lock = SPINLOCK_INIT;

static void snapshot_put(struct snapshot *s)
{
	if (s && __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		kfree(s->text.buf);
		kfree(s);
	}
}

/* The open file's snapshot with a reference for the caller, or NULL. */
static struct snapshot *snapshot_hold(struct file *f)
{
	uint64_t flags = spin_lock_irqsave(&snapshot_lock);
	struct snapshot *s = f->private;
	if (s)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&snapshot_lock, flags);
	return s;
}

/* The file's text as of now, held by the open file and by the caller. */
static long snapshot_take(struct file *f, struct snapshot **out)
{
	struct proc_id id = id_of(f->inode);
	struct snapshot *s = kcalloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	int err = nodes[id.node].show(&s->text, id.pid, id.fd);
	if (!err && s->text.failed)
		err = -ENOMEM;
	if (err) {
		kfree(s->text.buf);
		kfree(s);
		return err;
	}
	s->refs = 2;
	uint64_t flags = spin_lock_irqsave(&snapshot_lock);
	struct snapshot *old = f->private;
	f->private = s;
	spin_unlock_irqrestore(&snapshot_lock, flags);
	snapshot_put(old);
	*out = s;
	return 0;
}

static long proc_pread(struct file *f, uintptr_t buf, size_t n, uint64_t *offset)
{
	struct snapshot *s = *offset ? snapshot_hold(f) : 0;
	if (!s) {
		long err = snapshot_take(f, &s);
		if (err)
			return err;
	}
	long done = 0;
	if (*offset < s->text.len) {
		size_t want = s->text.len - *offset < n ? s->text.len - *offset : n;
		size_t put = copy_to_user_partial(buf, s->text.buf + *offset, want);
		*offset += put;
		done = put ? (long)put : -EFAULT;
	}
	snapshot_put(s);
	return done;
}

static long proc_read(struct file *f, uintptr_t buf, size_t n)
{
	return proc_pread(f, buf, n, &f->offset);
}

/* As Linux for root, who may open them for writing: the machine's files say EIO, a
 * process's EINVAL. */
static long proc_write(struct file *f, uintptr_t buf, size_t n)
{
	(void)buf, (void)n;
	return id_of(f->inode).pid ? -EINVAL : -EIO;
}

static void proc_release(struct file *f)
{
	snapshot_put(f->private);
}

static const struct file_ops proc_file_ops = {.read = proc_read,
					      .write = proc_write,
					      .release = proc_release,
					      .pread = proc_pread,
					      .seekable = true};

/* ---- mounting ------------------------------------------------------------------- */

void procfs_init(void)
{
	struct inode *root = inode_new(&proc_iops, ino_of((struct proc_id){NODE_ROOT, 0, 0}),
				       nodes[NODE_ROOT].mode, 0);
	if (!root) {
		kprintf("proc: no memory for /proc\n");
		return;
	}
	root->nlink = 0; /* path_mount links it: then 2, as a directory in its parent */
	int err = path_mount("/proc", root);
	if (!err)
		err = mount_add("proc", "/proc", "proc", true);
	if (err)
		kprintf("proc: /proc not mounted (error %d)\n", -err);
}
