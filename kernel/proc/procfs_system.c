/* /proc's files about the machine: meminfo, uptime, loadavg, stat, mounts, in the
 * formats of Linux's fs/proc/ (meminfo.c, uptime.c, loadavg.c, stat.c) and
 * fs/proc_namespace.c. Only what Keel counts is there; what it does not count reads 0
 * (swap, buffers), or is left out (stat's intr, ctxt, btime, processes). */
#include <asm-generic/errno.h>

#include "../arch/clock.h"
#include "../fs/mount.h"
#include "../fs/vfs.h"
#include "../lib/format.h"
#include "../mm/frame_share.h"
#include "../mm/heap.h"
#include "../mm/pmm.h"
#include "../sched/cpu.h"
#include "../sched/task.h"
#include "process.h"
#include "procfs.h"
#include "thread.h"

#define USER_HZ	    100 /* clock_t's unit, as on Linux */
#define NS_PER_TICK ((uint64_t)1000000000 / USER_HZ)

/* One "Name:    value kB" line, Linux's widths. */
static void kb_line(struct proc_text *t, const char *name, uint64_t kb)
{
	text_printf(t, "%-16s%8lu kB\n", name, kb);
}

/* Pages the heap holds with nothing in them: as free as the allocator's (sysinfo's
 * freeram counts them the same way, in sys/time.c). */
static uint64_t heap_empty_pages(void)
{
	struct heap_stats heap;
	heap_drain();
	heap_get_stats(&heap);
	return heap.idle_pages;
}

/* The frame allocator's counts, the same as sysinfo(2)'s: free memory includes
 * the heap's empty pages and the page cache's retained frames (given back on demand). The RAM file
 * system's file data is Cached and Shmem, as Linux counts tmpfs; it cannot be dropped, so it is not
 * available. The kernel heap is not reclaimable either. */
int proc_show_meminfo(struct proc_text *t, int pid, int fd)
{
	(void)pid, (void)fd;
	const uint64_t kb = PMM_FRAME_SIZE / 1024;
	struct pmm_stats frames;
	pmm_get_stats(&frames);
	uint64_t free = (frames.free_frames + heap_empty_pages() + frame_cache_retained()) * kb;
	uint64_t cached = fs_data_pages() * kb;
	kb_line(t, "MemTotal:", frames.total_frames * kb);
	kb_line(t, "MemFree:", free);
	kb_line(t, "MemAvailable:", free);
	kb_line(t, "Buffers:", 0);
	kb_line(t, "Cached:", cached);
	kb_line(t, "SwapCached:", 0);
	kb_line(t, "SwapTotal:", 0);
	kb_line(t, "SwapFree:", 0);
	kb_line(t, "Dirty:", 0);
	kb_line(t, "Writeback:", 0);
	kb_line(t, "Shmem:", cached);
	kb_line(t, "SReclaimable:", 0);
	return 0;
}

/* Time the CPU has spent idle. One CPU: SMP adds up every CPU's idle task. */
static uint64_t idle_ns(void)
{
	return clock_cycles_to_ns(__atomic_load_n(&cpu_boot()->idle_cycles, __ATOMIC_RELAXED));
}

/* Seconds since boot and seconds idle, to the hundredth. */
int proc_show_uptime(struct proc_text *t, int pid, int fd)
{
	(void)pid, (void)fd;
	uint64_t up = clock_ns() / NS_PER_TICK, idle = idle_ns() / NS_PER_TICK;
	text_printf(t, "%lu.%02lu %lu.%02lu\n", up / USER_HZ, up % USER_HZ, idle / USER_HZ,
		    idle % USER_HZ);
	return 0;
}

struct process_counts {
	int total, runnable, newest;
};

static struct process_counts count_processes(void)
{
	struct process_counts c = {0};
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	struct list_node *node;
	list_for_each(node, process_table())
	{
		const struct process *p = list_entry(node, struct process, all_link);
		const struct list_node *at;
		c.total += p->state != PROCESS_ALIVE; /* a zombie counts once */
		list_for_each(at, &p->threads)	      /* as Linux, threads are what is counted */
		{
			const struct task *task = list_entry(at, struct thread, link)->task;
			c.total++;
			c.runnable += !task || task->state != TASK_SLEEPING;
		}
		c.newest = p->pid; /* the table is in creation order */
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return c;
}

/* No load averages are kept (sysinfo says 0 too); then runnable/all and the newest
 * pid, as Linux's. */
int proc_show_loadavg(struct proc_text *t, int pid, int fd)
{
	(void)pid, (void)fd;
	struct process_counts c = count_processes();
	text_printf(t, "0.00 0.00 0.00 %d/%d %d\n", c.runnable, c.total, c.newest);
	return 0;
}

/* CPU time in ticks: busy (all of it user time: Keel does not tell user from system
 * time, as times() says) and idle; for the machine, then for its one CPU. */
int proc_show_stat(struct proc_text *t, int pid, int fd)
{
	(void)pid, (void)fd;
	uint64_t up = clock_ns(), idle = idle_ns();
	uint64_t busy = (up > idle ? up - idle : 0) / NS_PER_TICK;
	idle /= NS_PER_TICK;
	text_printf(t, "cpu  %lu 0 0 %lu 0 0 0 0 0 0\n", busy, idle);
	text_printf(t, "cpu0 %lu 0 0 %lu 0 0 0 0 0 0\n", busy, idle);
	text_printf(t, "procs_running %d\nprocs_blocked 0\n", count_processes().runnable);
	return 0;
}

/* A path or name in /proc/mounts: space, tab, newline and backslash in octal, as
 * Linux's mangle does, so that fields stay apart. */
static void mangled(struct proc_text *t, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\') {
			char octal[FORMAT_NUMBER_MAX];
			text_printf(t, "\\%s",
				    format_number(octal, (unsigned char)*s, 8, false, 3));
		} else {
			text_put(t, s, 1);
		}
	}
}

static void mount_line(const struct mount_info *m, void *ctx)
{
	struct proc_text *t = ctx;
	mangled(t, m->source);
	text_put(t, " ", 1);
	mangled(t, m->target);
	text_printf(t, " %s rw 0 0\n", m->type);
}

int proc_show_mounts(struct proc_text *t, int pid, int fd)
{
	(void)pid, (void)fd;
	mount_for_each(mount_line, t);
	return 0;
}
