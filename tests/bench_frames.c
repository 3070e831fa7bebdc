/* make bench: the frame allocator (kernel/mm/pmm.c, compiled for the host over a
 * simulated 256 MiB of RAM) against glibc's aligned_alloc(4096, 4096)/free, in one
 * process, on the same workloads. Prints ops/s and the ratio to glibc. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "../kernel/mm/pmm.h"
#include "../kernel/panic.h"

#define MIB	(1ull << 20)
#define RAM	(256 * MIB)
#define BASE	MIB /* simulated RAM is [1 MiB, 1 MiB + RAM) */
#define BATCH	1000
#define ROUNDS	200
#define REPEATS 5

static uint8_t *arena;

static void *arena_at(phys_addr_t phys)
{
	return arena + (phys - BASE);
}

void panic_at(const char *file, int line, const char *func, const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	fprintf(stderr, "panic at %s:%d (%s): ", file, line, func);
	vfprintf(stderr, fmt, args);
	va_end(args);
	abort();
}

void pmm_report_misuse(const char *what, phys_addr_t frame)
{
	fprintf(stderr, "pmm misuse: %s at %#llx\n", what, (unsigned long long)frame);
	abort();
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* The workloads take an allocator as two functions. */
typedef uint64_t (*alloc_fn)(void);
typedef void (*free_fn)(uint64_t);

static uint64_t ours_alloc(void)
{
	return pmm_alloc_frame();
}
static void ours_free(uint64_t f)
{
	pmm_free_frame(f);
}
static uint64_t glibc_alloc(void)
{
	return (uint64_t)(uintptr_t)aligned_alloc(4096, 4096);
}
static void glibc_free(uint64_t p)
{
	free((void *)(uintptr_t)p);
}

static uint64_t slots[BATCH];

/* Returns operations (allocs + frees) per second. */
static double pairs(alloc_fn a, free_fn f)
{
	double t = now();
	for (int i = 0; i < ROUNDS * BATCH; i++)
		f(a());
	return 2.0 * ROUNDS * BATCH / (now() - t);
}

static double batches(alloc_fn a, free_fn f)
{
	double t = now();
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < BATCH; i++)
			slots[i] = a();
		for (int i = 0; i < BATCH; i++)
			f(slots[i]);
	}
	return 2.0 * ROUNDS * BATCH / (now() - t);
}

static double random_mix(alloc_fn a, free_fn f)
{
	uint32_t x = 12345;
	for (int i = 0; i < BATCH; i++)
		slots[i] = a();
	double t = now();
	for (int i = 0; i < ROUNDS * BATCH; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		int k = x % BATCH;
		f(slots[k]);
		slots[k] = a();
	}
	double rate = 2.0 * ROUNDS * BATCH / (now() - t);
	for (int i = 0; i < BATCH; i++)
		f(slots[i]);
	return rate;
}

static double best(double (*workload)(alloc_fn, free_fn), alloc_fn a, free_fn f)
{
	double top = 0;
	for (int i = 0; i < REPEATS; i++) {
		double r = workload(a, f);
		if (r > top)
			top = r;
	}
	return top;
}

int main(void)
{
	arena = mmap(NULL, RAM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED)
		return 1;
	struct mem_range usable = {BASE, BASE + RAM};
	if (!pmm_init(&usable, 1, NULL, 0, arena_at))
		return 1;

	static const struct {
		const char *name;
		double (*run)(alloc_fn, free_fn);
	} workloads[] = {
		{"alloc+free pairs", pairs},
		{"batches of 1000", batches},
		{"random replace", random_mix},
	};
	printf("frame allocator vs glibc aligned_alloc(4096, 4096), best of %d, Mops/s\n", REPEATS);
	printf("%-18s %10s %10s %8s\n", "workload", "pmm", "glibc", "ratio");
	for (unsigned i = 0; i < sizeof workloads / sizeof workloads[0]; i++) {
		double ours = best(workloads[i].run, ours_alloc, ours_free);
		double theirs = best(workloads[i].run, glibc_alloc, glibc_free);
		printf("%-18s %10.1f %10.1f %8.2f\n", workloads[i].name, ours / 1e6, theirs / 1e6,
		       ours / theirs);
	}
	struct pmm_stats s;
	pmm_get_stats(&s);
	printf("bookkeeping: %llu of %llu frames (%.2f%%) hold the allocator's bitmaps\n",
	       (unsigned long long)s.used_frames, (unsigned long long)s.total_frames,
	       100.0 * s.used_frames / s.total_frames);
	return 0;
}
