/* Heap benchmark: kernel/mm/heap.c's kmalloc/kfree against the C library's
 * malloc/free (glibc), in one process, on the same precomputed workloads:
 *   fixed-N   a working set of SLOTS blocks of N bytes; a random one is freed and
 *             replaced, again and again; then all are freed,
 *   mixed     the same with sizes log-uniform in 16 ... 1024,
 *   fifo      producer/consumer: batches of BATCH blocks (log-uniform 16 ... 512)
 *             join a queue, and the oldest batch is freed, FIFO.
 * Each workload runs REPS times for each allocator, interleaved; the best time
 * counts. A separate, untimed run measures memory at the peak:
 *   over  (bytes held - bytes requested) / bytes requested; ours holds the pages
 *         its page source has out (slabs, large pages, bookkeeping); glibc holds
 *         mallinfo2's arena + hblkhd, above what it held before the run,
 *   book  bookkeeping bytes per byte handed out: ours, the metadata pages over the
 *         bytes of the blocks handed out (whole class sizes and pages); glibc, its
 *         8-byte chunk header over malloc_usable_size.
 * tests/bench_heap.py builds this with -O2 and prints a table; alone it prints one
 * line of key=value pairs per workload. Arguments: [reps [scale% [workload]]]. */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kernel/mm/heap.h"

void heap_report_corruption(const char *what, const void *ptr)
{
	fprintf(stderr, "bench_heap: the heap reported %s at %p\n", what, ptr);
	abort();
}

/* ---- the page source: a reserved address range, runs recycled by length ---------- */

#define PAGE	HEAP_PAGE_SIZE
#define MAX_RUN 64

static uint8_t *arena, *arena_top, *arena_end;
static void *free_runs[MAX_RUN + 1]; /* linked through their first word */
static size_t pages_out;

static void *source_alloc(size_t count)
{
	void *pages;
	if (count <= MAX_RUN && free_runs[count]) {
		pages = free_runs[count];
		free_runs[count] = *(void **)pages;
	} else {
		if ((size_t)(arena_end - arena_top) / PAGE < count)
			return NULL;
		pages = arena_top;
		arena_top += count * PAGE;
	}
	pages_out += count;
	return pages;
}

static void source_free(void *pages, size_t count)
{
	pages_out -= count;
	if (count <= MAX_RUN) {
		*(void **)pages = free_runs[count];
		free_runs[count] = pages;
	} else {
		madvise(pages, count * PAGE, MADV_DONTNEED); /* and never reused */
	}
}

static const struct heap_page_source source = {source_alloc, source_free, NULL, NULL};

/* ---- the two allocators ------------------------------------------------------------ */

enum { OURS, GLIBC };

static void *ours_alloc(size_t n)
{
	return kmalloc(n);
}

static void ours_free(void *p)
{
	kfree(p);
}

static void *glibc_alloc(size_t n)
{
	return malloc(n);
}

static void glibc_free(void *p)
{
	free(p);
}

/* ---- workloads, precomputed so both allocators see the same operations ---------------- */

#define SLOTS 8192
#define BATCH 64

struct workload {
	const char *name;
	size_t steps;	/* replacements (fixed, mixed) or batches (fifo) */
	uint32_t *slot; /* fixed, mixed: which slot each step replaces */
	uint32_t *size; /* the size of each allocation, in order */
	bool fifo;
};

static uint64_t rng_state = 0x4b45454c2d68656dULL;

static uint64_t rnd(void) /* xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Log-uniform in [lo, hi]: 2^(uniform in [log2 lo, log2 hi]), in integers. */
static uint32_t log_uniform(uint32_t lo, uint32_t hi)
{
	for (;;) {
		unsigned lo_bit = 31 - (unsigned)__builtin_clz(lo);
		unsigned hi_bit = 31 - (unsigned)__builtin_clz(hi);
		unsigned bit = lo_bit + (unsigned)(rnd() % (hi_bit - lo_bit + 1));
		uint32_t v = (1u << bit) + (uint32_t)(rnd() % (1u << bit));
		if (v >= lo && v <= hi)
			return v;
	}
}

/* Workloads live outside glibc's heap, so that it serves the benchmark alone. */
static void *map_bytes(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("bench_heap: mmap");
		exit(1);
	}
	return p;
}

static void make_workload(struct workload *w, const char *name, uint32_t fixed, bool fifo,
			  size_t steps)
{
	w->name = name;
	w->steps = steps;
	w->fifo = fifo;
	size_t allocs = fifo ? SLOTS + steps * BATCH : SLOTS + steps;
	w->size = map_bytes(allocs * sizeof *w->size);
	w->slot = fifo ? NULL : map_bytes(steps * sizeof *w->slot);
	for (size_t i = 0; i < allocs; i++)
		w->size[i] = fixed ? fixed : fifo ? log_uniform(16, 512) : log_uniform(16, 1024);
	for (size_t i = 0; !fifo && i < steps; i++)
		w->slot[i] = (uint32_t)(rnd() % SLOTS);
}

/* What the peak probe sees. */
struct peak {
	size_t requested, held, handed_out, book;
};

static void *live[SLOTS];
static uint32_t live_size[SLOTS];
static size_t glibc_base;

static void probe(int who, struct peak *pk)
{
	size_t requested = 0;
	for (size_t i = 0; i < SLOTS; i++)
		requested += live[i] ? live_size[i] : 0;
	struct peak now = {.requested = requested};
	if (who == OURS) {
		struct heap_stats st;
		heap_get_stats(&st);
		now.held = pages_out * PAGE;
		now.book = st.meta_pages * PAGE;
		for (size_t c = 0; c < st.classes; c++)
			now.handed_out += st.class_stats[c].in_use * st.class_stats[c].size;
		now.handed_out += st.large_pages * PAGE;
	} else {
		struct mallinfo2 mi = mallinfo2();
		now.held = mi.arena + mi.hblkhd - glibc_base;
		for (size_t i = 0; i < SLOTS; i++) {
			if (live[i]) {
				now.handed_out += malloc_usable_size(live[i]);
				now.book += 8;
			}
		}
	}
	if (now.held > pk->held)
		*pk = now;
}

/* One run; the probe, if asked for, at the peaks (untimed runs only). */
static inline __attribute__((always_inline)) void run(const struct workload *w,
						      void *(*alloc)(size_t),
						      void (*release)(void *), int who,
						      struct peak *pk)
{
	const uint32_t *size = w->size;
	if (!w->fifo) {
		for (size_t i = 0; i < SLOTS; i++) {
			live_size[i] = *size;
			live[i] = alloc(*size++);
		}
		if (pk)
			probe(who, pk);
		for (size_t s = 0; s < w->steps; s++) {
			uint32_t j = w->slot[s];
			release(live[j]);
			live_size[j] = *size;
			live[j] = alloc(*size++);
			if (pk && s % (w->steps / 8) == 0)
				probe(who, pk);
		}
		for (size_t i = 0; i < SLOTS; i++)
			release(live[i]);
		return;
	}
	/* FIFO: the queue is live[] used as a ring of SLOTS blocks. */
	size_t head = 0;
	for (size_t i = 0; i < SLOTS; i++) {
		live_size[i] = *size;
		live[i] = alloc(*size++);
	}
	if (pk)
		probe(who, pk);
	for (size_t s = 0; s < w->steps; s++) {
		for (size_t b = 0; b < BATCH; b++)
			release(live[head + b]);
		for (size_t b = 0; b < BATCH; b++) {
			live_size[head + b] = *size;
			live[head + b] = alloc(*size++);
		}
		head = (head + BATCH) % SLOTS;
		if (pk && s % (w->steps / 8) == 0)
			probe(who, pk);
	}
	for (size_t i = 0; i < SLOTS; i++)
		release(live[i]);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static __attribute__((noinline)) double time_ours(const struct workload *w)
{
	double t0 = now_s();
	run(w, ours_alloc, ours_free, OURS, NULL);
	return now_s() - t0;
}

static __attribute__((noinline)) double time_glibc(const struct workload *w)
{
	double t0 = now_s();
	run(w, glibc_alloc, glibc_free, GLIBC, NULL);
	return now_s() - t0;
}

/* The peaks of one workload, both allocators, measured in a child process whose
 * glibc heap has served nothing else yet. */
static bool peaks_of(const struct workload *w, struct peak pk[2])
{
	int fd[2];
	if (pipe(fd))
		return false;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		struct peak out[2];
		memset(out, 0, sizeof out);
		memset(live, 0, sizeof live);
		run(w, ours_alloc, ours_free, OURS, &out[OURS]);
		struct mallinfo2 mi = mallinfo2();
		glibc_base = mi.arena + mi.hblkhd;
		memset(live, 0, sizeof live);
		run(w, glibc_alloc, glibc_free, GLIBC, &out[GLIBC]);
		_exit(write(fd[1], out, sizeof out) == (ssize_t)sizeof out ? 0 : 1);
	}
	close(fd[1]);
	bool ok = pid > 0 && read(fd[0], pk, 2 * sizeof *pk) == (ssize_t)(2 * sizeof *pk);
	close(fd[0]);
	int status = 0;
	if (pid > 0)
		waitpid(pid, &status, 0);
	return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static double ratio(size_t part, size_t whole)
{
	return whole ? (double)part / (double)whole : 0;
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 5;
	double scale = argc > 2 ? atof(argv[2]) / 100 : 1.0;
	size_t reserve = (size_t)64 << 30;
	do /* address space for the page source; less if the system refuses */
		arena = mmap(NULL, reserve >>= 1, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	while (arena == MAP_FAILED && reserve > ((size_t)1 << 30));
	if (arena == MAP_FAILED) {
		perror("bench_heap: mmap");
		return 1;
	}
	arena_top = arena;
	arena_end = arena + reserve;
	heap_init(&source);

	static const uint32_t fixed[] = {16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
	enum { NFIXED = sizeof fixed / sizeof fixed[0], NWORK = NFIXED + 2 };
	static struct workload work[NWORK];
	static char names[NFIXED][16];
	size_t steps = (size_t)(1000000 * scale);
	for (size_t i = 0; i < NFIXED; i++) {
		snprintf(names[i], sizeof names[i], "fixed-%u", fixed[i]);
		make_workload(&work[i], names[i], fixed[i], false, steps);
	}
	make_workload(&work[NFIXED], "mixed", 0, false, steps);
	make_workload(&work[NFIXED + 1], "fifo", 0, true, steps / BATCH);

	/* Peaks first, while glibc's heap in this process is still untouched. */
	static struct peak peaks[NWORK][2];
	for (size_t k = 0; k < NWORK; k++) {
		if (argc > 3 && strcmp(argv[3], work[k].name))
			continue;
		if (!peaks_of(&work[k], peaks[k])) {
			fprintf(stderr, "bench_heap: measuring the peak of %s failed\n",
				work[k].name);
			return 1;
		}
	}
	for (size_t k = 0; k < NWORK; k++) {
		const struct workload *w = &work[k];
		if (argc > 3 && strcmp(argv[3], w->name))
			continue;
		double best[2] = {1e30, 1e30};
		time_ours(w); /* warm both up: pages mapped, caches filled */
		time_glibc(w);
		for (int r = 0; r < reps; r++) { /* interleaved, each going first in turn */
			double t = r % 2 ? time_glibc(w) : time_ours(w);
			double u = r % 2 ? time_ours(w) : time_glibc(w);
			double ours = r % 2 ? u : t, glibc = r % 2 ? t : u;
			best[OURS] = ours < best[OURS] ? ours : best[OURS];
			best[GLIBC] = glibc < best[GLIBC] ? glibc : best[GLIBC];
		}
		size_t ops = w->fifo ? 2 * (SLOTS + w->steps * BATCH) : 2 * (SLOTS + w->steps);
		const struct peak *po = &peaks[k][OURS], *pg = &peaks[k][GLIBC];
		printf("%s ops=%zu ours_ops_s=%.0f glibc_ops_s=%.0f ours_over=%.4f glibc_over=%.4f "
		       "ours_book=%.4f glibc_book=%.4f peak_requested=%zu\n",
		       w->name, ops, (double)ops / best[OURS], (double)ops / best[GLIBC],
		       ratio(po->held - po->requested, po->requested),
		       ratio(pg->held - pg->requested, pg->requested),
		       ratio(po->book, po->handed_out), ratio(pg->book, pg->handed_out),
		       po->requested);
		fflush(stdout);
	}
	struct heap_stats st;
	heap_get_stats(&st);
	if (st.bytes_requested || st.large_allocations) {
		fprintf(stderr, "bench_heap: blocks still live at the end\n");
		return 1;
	}
	heap_init(NULL);
	return pages_out ? 1 : 0;
}
