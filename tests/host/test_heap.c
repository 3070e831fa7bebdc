/* Host unit tests for kernel/mm/heap.c. tests/test_heap.py builds this with ASan and
 * UBSan (heap.c compiled on its own, freestanding, as the kernel builds it) and runs
 * it. The page source hands out aligned_alloc'd pages and tracks every run, so a
 * page freed twice, freed with the wrong count or never given back is caught (and
 * ASan catches the heap touching a page after giving it back). heap_report_corruption
 * records each complaint, so misuse tests check that it was reported exactly once
 * and that the heap still works after. Every group starts a fresh heap and ends by
 * shutting it down: no block may be live then, and every page must be back.
 * Prints one "group ... ok" or "group ... FAILED: ..." line per group; exits 0 only
 * if all passed. Arguments: --list, or group names. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/mm/heap.h"

/* ---- the little framework ---------------------------------------------------- */

#include "unit.h"

/* ---- the page source: tracked aligned_alloc'd runs ----------------------------- */

#define PAGE HEAP_PAGE_SIZE

struct run {
	void *pages;
	size_t count;
};
static struct run *runs;
static size_t run_count, run_cap, pages_out, source_calls;
static unsigned fail_percent; /* the source refuses this share of requests */
static size_t pages_limit;    /* and, when not 0, to have more pages than this out */
static bool source_dry;	      /* and, when set, every request */

static void *source_alloc(size_t count)
{
	source_calls++;
	if (count == 0) {
		fail("page source asked for 0 pages");
		return NULL;
	}
	if (count > ((size_t)1 << 20) || (fail_percent && below(100) < fail_percent))
		return NULL; /* more than 4 GiB: refused (ASan would abort) */
	if (source_dry || (pages_limit && pages_out + count > pages_limit))
		return NULL;
	void *p = aligned_alloc(PAGE, count * PAGE);
	if (!p)
		return NULL;
	memset(p, 0xee, count * PAGE); /* pages are not zeroed in the kernel either */
	if (run_count == run_cap) {
		struct run *more = realloc(runs, (run_cap ? 2 * run_cap : 256) * sizeof *runs);
		if (!more) {
			free(p);
			return NULL;
		}
		runs = more;
		run_cap = run_cap ? 2 * run_cap : 256;
	}
	runs[run_count++] = (struct run){p, count};
	pages_out += count;
	return p;
}

static void source_free(void *pages, size_t count)
{
	for (size_t i = run_count; i-- > 0;) {
		if (runs[i].pages != pages)
			continue;
		if (runs[i].count != count)
			fail("page source: run %p of %zu pages freed as %zu", pages, runs[i].count,
			     count);
		pages_out -= runs[i].count;
		runs[i] = runs[--run_count];
		free(pages);
		return;
	}
	fail("page source: freed %p (%zu pages), which it never handed out or got back already",
	     pages, count);
}

static const struct heap_page_source source = {source_alloc, source_free, NULL, NULL};

/* A lock that counts: how deep it is held now, at most, and how often taken. The
 * kernel's is a spinlock, so taking it twice would hang. */
static int lock_depth, lock_deepest, lock_taken;

static uint64_t counting_lock(void)
{
	lock_taken++;
	if (++lock_depth > lock_deepest)
		lock_deepest = lock_depth;
	return 0x5a5a0000u + (uint64_t)lock_taken;
}

static void counting_unlock(uint64_t key)
{
	if (key != 0x5a5a0000u + (uint64_t)lock_taken)
		fail("unlock got key %#llx, not the one lock() gave", (unsigned long long)key);
	lock_depth--;
}

static const struct heap_page_source locked_source = {source_alloc, source_free, counting_lock,
						      counting_unlock};

/* ---- complaints --------------------------------------------------------------- */

static int reports, reports_expected;
static char report_what[256];
static const void *report_ptr;

void heap_report_corruption(const char *what, const void *ptr)
{
	reports++;
	snprintf(report_what, sizeof report_what, "%s", what);
	report_ptr = ptr;
}

/* Runs after a misuse: exactly one new report, naming `ptr`, its text containing
 * `words`. */
static void expect_report(const char *doing, const char *words, const void *ptr)
{
	reports_expected++;
	CHECK(reports == reports_expected, "%s: %d reports, expected %d (last: \"%s\")", doing,
	      reports, reports_expected, report_what);
	reports_expected = reports;
	CHECK(strstr(report_what, words) && report_ptr == ptr,
	      "%s: reported \"%s\" about %p, expected \"%s\" about %p", doing, report_what,
	      report_ptr, words, ptr);
}

static void expect_no_report(const char *doing)
{
	CHECK(reports == reports_expected, "%s: unexpected report \"%s\" about %p", doing,
	      report_what, report_ptr);
	reports_expected = reports;
}

/* ---- helpers ------------------------------------------------------------------ */

static struct heap_stats st;

static void get_stats(void)
{
	heap_get_stats(&st);
}

static size_t live_blocks(void)
{
	get_stats();
	size_t n = st.large_allocations;
	for (size_t i = 0; i < st.classes; i++)
		n += st.class_stats[i].in_use;
	return n;
}

static size_t slab_pages(void)
{
	get_stats();
	size_t n = 0;
	for (size_t i = 0; i < st.classes; i++)
		n += st.class_stats[i].pages;
	return n;
}

static uint8_t pattern(uint32_t tag, size_t i)
{
	return (uint8_t)((tag >> (i % 4 * 8)) + i / 4 * 0x9d);
}

static void fill(uint8_t *p, size_t n, uint32_t tag)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pattern(tag, i);
}

/* Index of the first byte that does not hold the pattern, or -1. */
static long damaged(const uint8_t *p, size_t n, uint32_t tag)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != pattern(tag, i))
			return (long)i;
	return -1;
}

/* Each group runs on a heap of its own. */
static void heap_begin(void)
{
	reports = reports_expected = 0;
	fail_percent = 0;
	pages_limit = 0;
	source_dry = false;
	heap_init(&source);
	get_stats();
	CHECK(st.bytes_reserved == 0 && pages_out == 0, "a fresh heap holds %zu bytes",
	      st.bytes_reserved);
}

/* Everything must be free by now: checks the books, shuts the heap down and checks
 * that every page went back to the source. Cached blocks are given back first,
 * so that empty slabs are too. */
static void heap_end(void)
{
	fail_percent = 0;
	pages_limit = 0;
	source_dry = false;
	expect_no_report("before shutdown");
	heap_drain();
	size_t live = live_blocks();
	CHECK(live == 0, "%zu blocks still live at the end", live);
	CHECK(st.bytes_requested == 0, "%zu bytes still requested at the end", st.bytes_requested);
	CHECK(st.bytes_reserved == pages_out * PAGE,
	      "the heap says it holds %zu bytes, the source has %zu pages out", st.bytes_reserved,
	      pages_out);
	for (size_t i = 0; i < st.classes; i++)
		CHECK(st.class_stats[i].pages <= 1,
		      "class %zu keeps %zu empty slabs (one at most, against thrashing)",
		      st.class_stats[i].size, st.class_stats[i].pages);
	CHECK(st.large_pages == 0, "%zu large pages held with no large allocation", st.large_pages);
	heap_init(NULL);
	expect_no_report("shutdown");
	CHECK(pages_out == 0 && run_count == 0, "%zu pages (%zu runs) never returned", pages_out,
	      run_count);
}

/* ---- size classes --------------------------------------------------------------- */

/* The classes heap.c has: index and size. */
#define CLASS_LIST(X) \
	X(0, 16)      \
	X(1, 32)      \
	X(2, 48)      \
	X(3, 64)      \
	X(4, 80)      \
	X(5, 96)      \
	X(6, 112)     \
	X(7, 128)     \
	X(8, 160)     \
	X(9, 192)     \
	X(10, 224)    \
	X(11, 256)    \
	X(12, 288)    \
	X(13, 336)    \
	X(14, 400)    \
	X(15, 448)    \
	X(16, 512)    \
	X(17, 576)    \
	X(18, 672)    \
	X(19, 816)    \
	X(20, 1024)   \
	X(21, 1360)   \
	X(22, 2048)

static const size_t class_sizes[] = {
#define CLASS_SIZE(i, s) s,
	CLASS_LIST(CLASS_SIZE)};
#define NCLASSES (sizeof class_sizes / sizeof class_sizes[0])

static void class_table(void)
{
	heap_begin();
	get_stats();
	CHECK(st.classes == NCLASSES && HEAP_CLASSES == NCLASSES, "%zu classes, expected %zu",
	      st.classes, NCLASSES);
	for (size_t i = 0; i < NCLASSES; i++) {
		size_t s = st.class_stats[i].size;
		CHECK(s == class_sizes[i], "class %zu is %zu bytes, expected %zu", i, s,
		      class_sizes[i]);
		CHECK(s % 16 == 0 && (i == 0 || s > st.class_stats[i - 1].size),
		      "class %zu: %zu is not a multiple of 16 above the one before", i, s);
		CHECK(PAGE % s <= 96, "class %zu wastes %zu bytes a page", s, PAGE % s);
		CHECK(s <= 128 || 3 * s <= 4 * st.class_stats[i - 1].size || s == 2048,
		      "class %zu is more than a third above its neighbour", s);
	}
	heap_end();
}

static int compare_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
	return (x > y) - (x < y);
}

/* Sizes that must land in class `ci`: just above the class below, the middle, one
 * below the class size, and the size itself. */
static void check_class(size_t ci)
{
	heap_begin();
	size_t size = class_sizes[ci], below_size = ci ? class_sizes[ci - 1] : 0;
	size_t per_page = PAGE / size, n = 3 * per_page + 1;
	size_t sizes[] = {below_size + 1, (below_size + size) / 2, size - 1, size, 0};
	uintptr_t *ptrs = malloc(n * sizeof *ptrs);
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t want = sizes[k];
		if (want == 0 && ci != 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			uint8_t *p = kmalloc(want);
			ptrs[i] = (uintptr_t)p;
			CHECK(p && ptrs[i] % 16 == 0 && ptrs[i] % (size & -size) == 0,
			      "kmalloc(%zu) = %p: misaligned for class %zu", want, (void *)p, size);
			if (p)
				fill(p, want, (uint32_t)(ptrs[i] >> 4));
		}
		get_stats();
		CHECK(st.class_stats[ci].in_use == n && st.bytes_requested == n * want,
		      "kmalloc(%zu) x %zu: class %zu has %zu in use, %zu bytes requested", want, n,
		      size, st.class_stats[ci].in_use, st.bytes_requested);
		CHECK(st.class_stats[ci].pages == 4 && st.class_stats[ci].free == 4 * per_page - n,
		      "class %zu: %zu pages, %zu free after %zu blocks", size,
		      st.class_stats[ci].pages, st.class_stats[ci].free, n);
		uintptr_t *sorted = malloc(n * sizeof *sorted);
		memcpy(sorted, ptrs, n * sizeof *sorted);
		qsort(sorted, n, sizeof *sorted, compare_ptr);
		for (size_t i = 1; i < n; i++)
			CHECK(sorted[i] - sorted[i - 1] >= size,
			      "class %zu blocks %#lx and %#lx overlap", size,
			      (unsigned long)sorted[i - 1], (unsigned long)sorted[i]);
		free(sorted);
		/* Every other block first, then the rest, checking contents. */
		for (size_t pass = 0; pass < 2; pass++) {
			for (size_t i = pass; i < n; i += 2) {
				long d =
					damaged((uint8_t *)ptrs[i], want, (uint32_t)(ptrs[i] >> 4));
				CHECK(d < 0, "class %zu block %zu of %zu bytes damaged at %ld",
				      size, i, want, d);
				kfree((void *)ptrs[i]);
			}
		}
		expect_no_report("class blocks");
		heap_drain();
		get_stats();
		CHECK(st.class_stats[ci].in_use == 0 && st.class_stats[ci].pages == 1 &&
			      st.bytes_requested == 0,
		      "class %zu after freeing all: %zu in use, %zu pages (1 kept), %zu requested",
		      size, st.class_stats[ci].in_use, st.class_stats[ci].pages,
		      st.bytes_requested);
	}
	free(ptrs);
	heap_end();
}

#define CLASS_FN(i, s)              \
	static void class_##s(void) \
	{                           \
		check_class(i);     \
	}
CLASS_LIST(CLASS_FN)

static void large_sizes(void)
{
	heap_begin();
	static const size_t sizes[] = {2049, 3000, 4095, 4096, 4097, 8192, 12289, 100000, 1 << 20};
	uint8_t *p[sizeof sizes / sizeof sizes[0]];
	size_t pages = 0, bytes = 0, n = sizeof sizes / sizeof sizes[0];
	for (size_t i = 0; i < n; i++) {
		size_t before = pages_out;
		p[i] = kmalloc(sizes[i]);
		CHECK(p[i] && (uintptr_t)p[i] % PAGE == 0, "kmalloc(%zu) = %p, not page-aligned",
		      sizes[i], (void *)p[i]);
		size_t need = (sizes[i] + PAGE - 1) / PAGE;
		CHECK(pages_out - before >= need && pages_out - before <= need + 2,
		      "kmalloc(%zu) took %zu pages from the source, expected %zu", sizes[i],
		      pages_out - before, need);
		pages += need;
		bytes += sizes[i];
		if (p[i])
			fill(p[i], sizes[i], (uint32_t)i * 77);
	}
	get_stats();
	CHECK(st.large_allocations == n && st.large_pages == pages && st.bytes_requested == bytes,
	      "stats: %zu large, %zu pages, %zu bytes; expected %zu, %zu, %zu",
	      st.large_allocations, st.large_pages, st.bytes_requested, n, pages, bytes);
	for (size_t i = 0; i < n; i++) {
		long d = damaged(p[i], sizes[i], (uint32_t)i * 77);
		CHECK(d < 0, "large block of %zu damaged at %ld", sizes[i], d);
		size_t before = pages_out;
		kfree(p[i]);
		CHECK(before - pages_out == (sizes[i] + PAGE - 1) / PAGE,
		      "kfree of %zu bytes gave back %zu pages", sizes[i], before - pages_out);
	}
	heap_end();
}

static void kmalloc_zero(void)
{
	heap_begin();
	enum { N = 1000 };
	static uintptr_t p[N];
	for (size_t i = 0; i < N; i++) {
		p[i] = (uintptr_t)kmalloc(0);
		CHECK(p[i] && p[i] % 16 == 0, "kmalloc(0) = %#lx", (unsigned long)p[i]);
	}
	qsort(p, N, sizeof p[0], compare_ptr);
	for (size_t i = 1; i < N; i++)
		CHECK(p[i] != p[i - 1], "kmalloc(0) returned %#lx twice", (unsigned long)p[i]);
	get_stats();
	CHECK(st.bytes_requested == 0 && st.class_stats[0].in_use == N,
	      "kmalloc(0) x %d: %zu bytes requested, %zu blocks of 16", N, st.bytes_requested,
	      st.class_stats[0].in_use);
	for (size_t i = 0; i < N; i++)
		kfree((void *)p[i]);
	void *q = kmalloc_aligned(0, PAGE);
	CHECK(q && (uintptr_t)q % PAGE == 0, "kmalloc_aligned(0, 4096) = %p", q);
	kfree(q);
	kfree(NULL);
	heap_end();
}

/* ---- alignment ------------------------------------------------------------------ */

static void alignment(void)
{
	heap_begin();
	static const size_t sizes[] = {0,    1,	   15,	 16,   17,   48,   100, 200,
				       1000, 1360, 2000, 2048, 3000, 4096, 5000};
	enum { KEEP = 24 };
	for (size_t align = 1; align <= PAGE; align *= 2) {
		for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
			uint8_t *p[KEEP];
			for (size_t i = 0; i < KEEP; i++) {
				p[i] = kmalloc_aligned(sizes[k], align);
				CHECK(p[i] && (uintptr_t)p[i] % align == 0 &&
					      (uintptr_t)p[i] % 16 == 0,
				      "kmalloc_aligned(%zu, %zu) = %p", sizes[k], align,
				      (void *)p[i]);
				if (p[i])
					fill(p[i], sizes[k], (uint32_t)(align * 131 + i));
			}
			for (size_t i = 0; i < KEEP; i++) {
				long d = damaged(p[i], sizes[k], (uint32_t)(align * 131 + i));
				CHECK(d < 0, "kmalloc_aligned(%zu, %zu) block damaged at %ld",
				      sizes[k], align, d);
				kfree(p[i]);
			}
		}
	}
	static const size_t bad[] = {0, 3, 24, 100, 2 * PAGE, 1ul << 40};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		CHECK(kmalloc_aligned(64, bad[k]) == NULL, "kmalloc_aligned(64, %zu) is not NULL",
		      bad[k]);
	expect_no_report("alignment");
	heap_end();
}

/* ---- kcalloc ------------------------------------------------------------------------ */

static void kcalloc_zeroes(void)
{
	heap_begin();
	static const size_t shapes[][2] = {{1, 1},   {3, 5},	{10, 10},  {16, 48},
					   {7, 200}, {1, 2048}, {3, 1000}, {1000, 9}};
	for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
		size_t n = shapes[k][0] * shapes[k][1];
		uint8_t *dirty[8];
		for (size_t i = 0; i < 8; i++) { /* so that kcalloc reuses dirty blocks */
			dirty[i] = kmalloc(n);
			memset(dirty[i], 0xff, n);
		}
		for (size_t i = 0; i < 8; i++)
			kfree(dirty[i]);
		for (size_t i = 0; i < 8; i++) {
			uint8_t *p = kcalloc(shapes[k][0], shapes[k][1]);
			CHECK(p != NULL, "kcalloc(%zu, %zu) failed", shapes[k][0], shapes[k][1]);
			size_t nonzero = 0;
			for (size_t j = 0; p && j < n; j++)
				nonzero += p[j] != 0;
			CHECK(nonzero == 0, "kcalloc(%zu, %zu): %zu bytes not zero", shapes[k][0],
			      shapes[k][1], nonzero);
			dirty[i] = p;
		}
		for (size_t i = 0; i < 8; i++)
			kfree(dirty[i]);
	}
	void *z1 = kcalloc(0, 10), *z2 = kcalloc(10, 0);
	CHECK(z1 && z2 && z1 != z2, "kcalloc(0, 10) = %p, kcalloc(10, 0) = %p", z1, z2);
	kfree(z1);
	kfree(z2);
	heap_end();
}

static void kcalloc_overflow(void)
{
	heap_begin();
	static const size_t shapes[][2] = {
		{SIZE_MAX, 2},	       {2, SIZE_MAX},
		{SIZE_MAX / 2 + 1, 2}, {(size_t)1 << 32, (size_t)1 << 32},
		{SIZE_MAX / 3 + 1, 3}, {SIZE_MAX, SIZE_MAX},
	};
	size_t calls = source_calls;
	for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++)
		CHECK(kcalloc(shapes[k][0], shapes[k][1]) == NULL,
		      "kcalloc(%#zx, %#zx) is not NULL", shapes[k][0], shapes[k][1]);
	CHECK(source_calls == calls, "an overflowing kcalloc asked the page source for pages");
	/* Huge but not overflowing: the source refuses, so NULL. */
	CHECK(kcalloc(SIZE_MAX / 2, 1) == NULL, "kcalloc(SIZE_MAX / 2, 1) is not NULL");
	CHECK(kmalloc(SIZE_MAX) == NULL && kmalloc(SIZE_MAX - PAGE) == NULL,
	      "kmalloc(about SIZE_MAX) is not NULL");
	expect_no_report("kcalloc overflow");
	heap_end();
}

/* ---- krealloc -------------------------------------------------------------------- */

static void krealloc_grow_shrink(void)
{
	heap_begin();
	static const size_t sizes[] = {1,    10,   16,	 17,   100,  500,  1000, 1360,
				       2048, 2049, 4096, 5000, 9000, 3000, 1500, 1100,
				       700,  90,   40,	 0,    33,   8000, 20,	 0};
	uint8_t *p = krealloc(NULL, 5);
	CHECK(p != NULL, "krealloc(NULL, 5) failed");
	if (p)
		fill(p, 5, 99);
	size_t have = 5;
	for (size_t k = 0; p && k < sizeof sizes / sizeof sizes[0]; k++) {
		uint8_t *q = krealloc(p, sizes[k]);
		CHECK(q != NULL, "krealloc(%zu -> %zu) failed", have, sizes[k]);
		if (!q)
			break;
		size_t keep = have < sizes[k] ? have : sizes[k];
		long d = damaged(q, keep, 99);
		CHECK(d < 0, "krealloc(%zu -> %zu) lost byte %ld", have, sizes[k], d);
		fill(q, sizes[k], 99);
		get_stats();
		CHECK(st.bytes_requested == sizes[k] && live_blocks() == 1,
		      "after krealloc to %zu: %zu bytes requested, %zu blocks", sizes[k],
		      st.bytes_requested, live_blocks());
		p = q;
		have = sizes[k];
	}
	kfree(p);

	/* In place while the block fits and stays at least half used; moved otherwise. */
	uint8_t *a = kmalloc(1000); /* class 1024 */
	fill(a, 1000, 5);
	CHECK(krealloc(a, 1024) == a, "krealloc(1000 -> 1024) moved the block");
	CHECK(krealloc(a, 600) == a, "krealloc(1024 -> 600) moved the block");
	uint8_t *b = krealloc(a, 100);
	CHECK(b != a && damaged(b, 100, 5) < 0, "krealloc(600 -> 100) did not move, or lost data");
	uint8_t *c = krealloc(b, 0);
	CHECK(c != NULL, "krealloc(p, 0) returned NULL");
	get_stats();
	CHECK(st.bytes_requested == 0 && live_blocks() == 1,
	      "krealloc(p, 0): %zu bytes requested, %zu blocks", st.bytes_requested, live_blocks());
	kfree(c);
	uint8_t *big = kmalloc(3 * PAGE);
	CHECK(krealloc(big, 2 * PAGE) == big, "krealloc(3 pages -> 2) moved the block");
	CHECK(krealloc(big, 3 * PAGE) == big, "krealloc(2 pages -> 3, within its pages) moved");
	uint8_t *small = krealloc(big, 100);
	get_stats();
	CHECK(small != big && st.large_allocations == 0, "krealloc(3 pages -> 100) kept pages");
	kfree(small);

	/* A failing source: growing fails with NULL and leaves the block intact. */
	uint8_t *keep = kmalloc(300);
	fill(keep, 300, 1234);
	fail_percent = 100;
	CHECK(krealloc(keep, 50000) == NULL, "krealloc with no memory did not fail");
	CHECK(damaged(keep, 300, 1234) < 0, "a failed krealloc damaged the block");
	uint8_t *shrunk = krealloc(keep, 60); /* class 64 has no slab yet */
	CHECK(shrunk == keep, "shrinking with no memory did not keep the block in place");
	fail_percent = 0;
	kfree(shrunk);
	expect_no_report("krealloc");
	heap_end();
}

/* ---- randomized operations against a model -------------------------------------------- */

struct live {
	uint8_t *p;
	size_t size, align;
	uint32_t tag;
};

static int compare_live(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct live *)a)->p;
	uintptr_t y = (uintptr_t)((const struct live *)b)->p;
	return (x > y) - (x < y);
}

static size_t random_size(void)
{
	size_t r = below(100);
	if (r < 30)
		return below(65);
	if (r < 88)
		return 64 + below((size_t)32 << below(6)); /* 64 ... 2111, log-ish */
	if (r < 99)
		return 2049 + below(20000);
	return below(150000);
}

/* No two live blocks overlap; the heap's books agree with the model. */
static void check_model(const struct live *slots, size_t n, size_t op)
{
	struct live *sorted = malloc(n * sizeof *sorted);
	size_t live = 0, bytes = 0;
	for (size_t i = 0; i < n; i++) {
		if (slots[i].p) {
			sorted[live++] = slots[i];
			bytes += slots[i].size;
		}
	}
	qsort(sorted, live, sizeof *sorted, compare_live);
	for (size_t i = 1; i < live; i++) {
		size_t extent = sorted[i - 1].size ? sorted[i - 1].size : 1;
		CHECK(sorted[i - 1].p + extent <= sorted[i].p,
		      "op %zu: blocks %p (%zu bytes) and %p overlap", op, (void *)sorted[i - 1].p,
		      sorted[i - 1].size, (void *)sorted[i].p);
	}
	free(sorted);
	CHECK(live_blocks() == live && st.bytes_requested == bytes,
	      "op %zu: heap has %zu blocks, %zu bytes; model %zu, %zu", op, live_blocks(),
	      st.bytes_requested, live, bytes);
	CHECK(st.bytes_reserved == pages_out * PAGE,
	      "op %zu: heap holds %zu bytes, source %zu pages", op, st.bytes_reserved, pages_out);
}

static void verify_and_drop(struct live *l, const char *doing, size_t op)
{
	long d = damaged(l->p, l->size, l->tag);
	CHECK(d < 0, "op %zu: %s of a %zu-byte block: byte %ld damaged", op, doing, l->size, d);
}

static void random_ops(uint64_t seed, size_t ops, unsigned failing)
{
	heap_begin();
	rng_state = seed;
	fail_percent = failing;
	enum { SLOTS = 1500 };
	struct live *slots = calloc(SLOTS, sizeof *slots);
	uint32_t next_tag = 1;
	size_t failed = 0;
	for (size_t op = 0; op < ops; op++) {
		struct live *l = &slots[below(SLOTS)];
		size_t r = below(100);
		if (l->p && r < 20) {
			verify_and_drop(l, "krealloc", op);
			size_t size = random_size();
			uint8_t *q = krealloc(l->p, size);
			if (!q) {
				CHECK(failing, "op %zu: krealloc(%zu -> %zu) failed", op, l->size,
				      size);
				failed++;
				continue;
			}
			size_t keep = l->size < size ? l->size : size;
			long d = damaged(q, keep, l->tag);
			CHECK(d < 0, "op %zu: krealloc(%zu -> %zu) lost byte %ld", op, l->size,
			      size, d);
			l->p = q;
			l->size = size;
			l->align = 16;
			l->tag = next_tag++;
			fill(q, size, l->tag);
		} else if (l->p) {
			verify_and_drop(l, "kfree", op);
			kfree(l->p);
			l->p = NULL;
		} else {
			size_t size = random_size(), align = 16;
			uint8_t *p;
			if (r < 10) {
				align = (size_t)1 << below(13);
				p = kmalloc_aligned(size, align);
			} else if (r < 15) {
				size_t count = 1 + below(8);
				size = size / count;
				p = kcalloc(count, size);
				size *= count;
				for (size_t i = 0; p && i < size; i++)
					if (p[i]) {
						CHECK(false, "op %zu: kcalloc byte %zu not zero",
						      op, i);
						break;
					}
			} else {
				p = kmalloc(size);
			}
			if (!p) {
				CHECK(failing, "op %zu: allocating %zu bytes failed", op, size);
				failed++;
				continue;
			}
			CHECK((uintptr_t)p % (align > 16 ? align : 16) == 0,
			      "op %zu: %p not aligned to %zu", op, (void *)p, align);
			*l = (struct live){p, size, align, next_tag++};
			fill(p, size, l->tag);
		}
		if (op % 10000 == 9999)
			check_model(slots, SLOTS, op);
	}
	fail_percent = 0;
	check_model(slots, SLOTS, ops);
	for (size_t i = 0; i < SLOTS; i++) {
		if (slots[i].p) {
			verify_and_drop(&slots[i], "final kfree", ops);
			kfree(slots[i].p);
		}
	}
	free(slots);
	CHECK(!failing || failed > 0, "the failing source never made an allocation fail");
	expect_no_report("random operations");
	heap_end();
}

static void random_ops_seed_1(void)
{
	random_ops(0x4b45454c2d686561ULL, 150000, 0);
}

static void random_ops_seed_2(void)
{
	random_ops(0x9e3779b97f4a7c15ULL, 150000, 0);
}

static void random_ops_seed_3(void)
{
	random_ops(12345, 150000, 0);
}

static void random_ops_failing_source(void)
{
	random_ops(777, 60000, 20);
}

/* Thousands of large allocations and slabs: the registry grows and shrinks. */
static void many_pages(void)
{
	heap_begin();
	enum { N = 1500 };
	static uint8_t *large[N], *small[N * 8];
	for (size_t i = 0; i < N; i++) {
		large[i] = kmalloc(PAGE + i % 100);
		CHECK(large[i] != NULL, "large allocation %zu failed", i);
		fill(large[i], 16, (uint32_t)i);
	}
	for (size_t i = 0; i < N * 8; i++) {
		small[i] = kmalloc(2000); /* two a page */
		fill(small[i], 16, (uint32_t)i);
	}
	get_stats();
	CHECK(st.large_allocations == N && st.class_stats[NCLASSES - 1].pages == N * 4,
	      "%zu large allocations, %zu slabs of 2048", st.large_allocations,
	      st.class_stats[NCLASSES - 1].pages);
	size_t held = st.bytes_reserved / PAGE - st.meta_pages;
	CHECK(st.meta_pages * PAGE < held * 128,
	      "%zu pages of bookkeeping for %zu pages: more than 128 bytes a page", st.meta_pages,
	      held);
	for (size_t i = 0; i < N; i++) {
		CHECK(damaged(large[i], 16, (uint32_t)i) < 0, "large block %zu damaged", i);
		kfree(large[i]);
	}
	for (size_t i = 0; i < N * 8; i++) {
		CHECK(damaged(small[i], 16, (uint32_t)i) < 0, "small block %zu damaged", i);
		kfree(small[i]);
	}
	get_stats();
	CHECK(st.meta_pages <= 4, "%zu bookkeeping pages after freeing everything", st.meta_pages);
	heap_end();
}

/* ---- misuse: each is reported once, ignored, and the heap goes on --------------------- */

/* After a misuse: the heap still hands out and takes back blocks, books straight. */
static void still_usable(const char *after)
{
	size_t live = live_blocks(), bytes = st.bytes_requested;
	void *p[40];
	for (size_t i = 0; i < 40; i++) {
		p[i] = kmalloc(i * 60);
		CHECK(p[i] != NULL, "after %s: kmalloc(%zu) failed", after, i * 60);
	}
	for (size_t i = 0; i < 40; i++)
		kfree(p[i]);
	expect_no_report(after);
	CHECK(live_blocks() == live && st.bytes_requested == bytes,
	      "after %s: %zu blocks, %zu bytes; were %zu, %zu", after, live_blocks(),
	      st.bytes_requested, live, bytes);
}

static void double_free(void)
{
	heap_begin();
	static const size_t sizes[] = {0, 16, 24, 100, 1000, 2048, 3000, 10000};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		/* With neighbours live, and alone (its slab emptied and kept, or released). */
		void *neighbour = kmalloc(sizes[k]), *neighbour2 = kmalloc(sizes[k]);
		void *p = kmalloc(sizes[k]);
		kfree(p);
		kfree(p);
		expect_report("kfree twice, neighbour live",
			      sizes[k] > 2048 ? "not from the heap" : "double free", p);
		still_usable("a double free");
		kfree(neighbour);
		kfree(neighbour2);
		p = kmalloc(sizes[k]);
		kfree(p);
		kfree(p);
		expect_report("kfree twice, alone",
			      sizes[k] > 2048 ? "not from the heap" : "double free", p);
		CHECK(krealloc(p, 10) == NULL, "krealloc of a freed block did not fail");
		expect_report("krealloc after kfree", "krealloc", p);
		still_usable("krealloc of a freed block");
	}
	heap_end();
}

static void bad_pointers(void)
{
	heap_begin();
	int on_stack;
	static int in_data;
	void *from_libc = malloc(64);
	uint8_t *foreign_page = aligned_alloc(PAGE, PAGE);
	void *live = kmalloc(48); /* a slab of class 48: 85 blocks and a 16-byte tail */
	void *live2 = kmalloc(48), *live3 = kmalloc(48);
	uint8_t *base = (uint8_t *)((uintptr_t)live & ~(uintptr_t)(PAGE - 1));
	struct {
		const char *what;
		void *ptr;
		const char *words;
	} cases_[] = {
		{"a stack address", &on_stack, "not from the heap"},
		{"a static", &in_data, "not from the heap"},
		{"a C library block", from_libc, "not from the heap"},
		{"a page the heap never had", foreign_page, "not from the heap"},
		{"the middle of a foreign page", foreign_page + 100, "not from the heap"},
		{"a block never handed out", base + 48 * 10, "not in use"},
		{"the slab's tail", base + 48 * 85, "not at the start"},
		{"the slab's last byte", base + PAGE - 1, "not at the start"},
		{"an odd address", (void *)(uintptr_t)0x1234567, "not from the heap"},
	};
	for (size_t k = 0; k < sizeof cases_ / sizeof cases_[0]; k++) {
		kfree(cases_[k].ptr);
		expect_report(cases_[k].what, cases_[k].words, cases_[k].ptr);
		CHECK(krealloc(cases_[k].ptr, 100) == NULL, "krealloc of %s did not fail",
		      cases_[k].what);
		expect_report(cases_[k].what, "krealloc", cases_[k].ptr);
		still_usable(cases_[k].what);
	}
	kfree(live);
	kfree(live2);
	kfree(live3);
	free(from_libc);
	free(foreign_page);
	heap_end();
}

/* Every offset into a slab page of every class: only block starts are accepted, and
 * only while the block is live. */
static void interior_pointers(void)
{
	heap_begin();
	for (size_t ci = 0; ci < NCLASSES; ci++) {
		size_t size = class_sizes[ci];
		uint8_t *first = kmalloc(size); /* a fresh slab: block 0 */
		uint8_t *second = kmalloc(size);
		CHECK((uintptr_t)first % PAGE == 0 && second == first + size,
		      "class %zu: a fresh slab did not start at its page", size);
		for (size_t off = 1; off < PAGE; off++) {
			bool start = off % size == 0 && off / size < PAGE / size;
			kfree(first + off);
			if (off == size)
				continue; /* that one is `second`, live: now freed */
			expect_report("kfree inside a slab",
				      start ? "not in use" : "not at the start", first + off);
		}
		expect_no_report("interior pointers");
		kfree(first);
	}
	uint8_t *big = kmalloc(3 * PAGE);
	static const size_t offsets[] = {1, 16, 100, PAGE - 1};
	for (size_t k = 0; k < sizeof offsets / sizeof offsets[0]; k++) {
		kfree(big + offsets[k]);
		expect_report("kfree inside a large block", "not at the start", big + offsets[k]);
	}
	kfree(big + PAGE); /* its second page is not registered */
	expect_report("kfree of a large block's second page", "not from the heap", big + PAGE);
	still_usable("interior pointers");
	kfree(big);
	heap_end();
}

#if HEAP_CANARIES
static void red_zone(void)
{
	heap_begin();
	/* Slack (class size - size) 1, 2, 15, 24, 116, 127, 128, 129, 687 and the whole
	 * block (kmalloc(0)). */
	static const size_t sizes[] = {15, 63, 30, 33, 1000, 700, 1921, 1920, 1919, 1361, 0};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t size = sizes[k], room = 16;
		for (size_t ci = 0; class_sizes[ci] < size; ci++)
			room = class_sizes[ci + 1];
		size_t slack = room - size;
		void *neighbour = kmalloc(size);
		uint8_t *p = kmalloc(size);
		fill(p, size, 3);
		p[size] = 0; /* one byte past the end: a string's terminator */
		kfree(p);
		expect_report("one byte past the end", "red zone", p);
		if (slack >= 2) {
			get_stats();
			CHECK(st.bytes_requested == size, "slack %zu: %zu bytes requested after",
			      slack, st.bytes_requested);
		}
		/* Further out, still inside the block's canary. */
		p = kmalloc(size);
		if (slack > 4) {
			p[size + 3] = 'x';
			kfree(p);
			expect_report("four bytes past the end", "red zone", p);
		} else {
			kfree(p);
			expect_no_report("an untouched block");
		}
		/* The same, found by krealloc: reported once, the block still moved. */
		p = kmalloc(size);
		fill(p, size, 4);
		p[size] = 'y';
		uint8_t *q = krealloc(p, 3000);
		expect_report("krealloc past the end", "krealloc: red zone", p);
		CHECK(q && damaged(q, size, 4) < 0, "krealloc after an overrun lost data");
		kfree(q);
		expect_no_report("kfree after krealloc's report");
		kfree(neighbour);
		get_stats();
		CHECK(st.bytes_requested == 0, "slack %zu: %zu bytes requested at the end", slack,
		      st.bytes_requested);
	}
	/* Large: a canary after the requested size within the last page. */
	uint8_t *big = kmalloc(5000);
	big[5000] = 1;
	kfree(big);
	expect_report("past the end of a large block", "red zone", big);
	big = kmalloc(5000);
	big[5015] = 1;
	kfree(big);
	expect_report("16 bytes past the end of a large block", "red zone", big);
	/* Exact fits have no room for a red zone unless built with HEAP_REDZONE. */
	uint8_t *exact = kmalloc(64);
	memset(exact, 0x11, 64);
	kfree(exact);
	expect_no_report("an exact fit filled to its end");
	still_usable("red-zone reports");
	heap_end();
}
#else
/* The release build writes no canaries, so writes past the end go unseen; the red
 * zone's length still gives the requested sizes (slack 1, 15, 127, 128, 687). */
static void red_zone(void)
{
	heap_begin();
	static const size_t sizes[] = {15, 33, 1921, 1920, 1361};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		uint8_t *p = kmalloc(sizes[k]), *q = kmalloc(sizes[k]);
		fill(p, sizes[k], 5);
		get_stats();
		CHECK(st.bytes_requested == 2 * sizes[k],
		      "%zu bytes requested for two blocks of %zu", st.bytes_requested, sizes[k]);
		p[sizes[k]] = 0;
		kfree(p);
		expect_no_report("a write past the end (release build)");
		q = krealloc(q, sizes[k] / 2 + 1);
		get_stats();
		CHECK(st.bytes_requested == sizes[k] / 2 + 1,
		      "after krealloc to %zu: %zu requested", sizes[k] / 2 + 1, st.bytes_requested);
		kfree(q);
	}
	uint8_t *big = kmalloc(5000);
	big[5000] = 1;
	kfree(big);
	expect_no_report("a write past the end of a large block (release build)");
	still_usable("the release build's red zones");
	heap_end();
}
#endif

/* A free block's link (its last two bytes) overwritten after kfree: found when the
 * free list reaches it, reported once, and the list rebuilt. */
static void write_after_free(void)
{
	heap_begin();
	uint8_t *p[10];
	for (size_t i = 0; i < 10; i++)
		p[i] = kmalloc(100); /* class 112 */
	kfree(p[3]);
	kfree(p[5]);
	heap_drain();			 /* out of the cache, onto the slab's free list */
	memset(p[5] + 112 - 8, 0x77, 8); /* the head of the free list: its link now leads nowhere */
	uint8_t *a = kmalloc(100), *b = kmalloc(100);
	CHECK(a == p[5], "the last freed block was not reused first");
	expect_report("a link overwritten after free", "free block overwritten", p[0]);
	CHECK(b == p[3], "after rebuilding the free list, block 3 was not handed out");
	kfree(a);
	kfree(b);
	/* A link cut short ("end of list"): the lost blocks are found when the slab runs dry. */
	kfree(p[1]);
	kfree(p[2]);
	heap_drain();
	memset(p[2] + 110, 0xff, 2);
	uint8_t *more[40];
	for (size_t i = 0; i < 40; i++)
		more[i] = kmalloc(100);
	expect_report("a link cut after free", "free block overwritten", p[0]);
	get_stats();
	CHECK(st.class_stats[6].pages == 2, "class 112: %zu pages for 46 blocks, expected 2",
	      st.class_stats[6].pages);
	for (size_t i = 0; i < 40; i++)
		kfree(more[i]);
	for (size_t i = 0; i < 10; i++)
		if (i != 1 && i != 2 && i != 3 && i != 5)
			kfree(p[i]);
	/* A link pointing at a live block (index 0): that block is not handed out twice. */
	uint8_t *r[5];
	for (size_t i = 0; i < 5; i++)
		r[i] = kmalloc(200); /* class 224 */
	kfree(r[2]);
	heap_drain();
	memset(r[2] + 222, 0, 2);
	uint8_t *x = kmalloc(200), *y = kmalloc(200);
	expect_report("a link leading to a live block", "free block overwritten", r[0]);
	CHECK(x == r[2] && y == r[4] + 224, "after the rebuild: %p and %p, expected %p and %p",
	      (void *)x, (void *)y, (void *)r[2], (void *)(r[4] + 224));
	kfree(x);
	kfree(y);
	for (size_t i = 0; i < 5; i++)
		if (i != 2)
			kfree(r[i]);
	still_usable("a write after free");
	heap_end();
}

/* ---- the class caches ------------------------------------------------------------ */

/* DENSE blocks of 40 bytes (class 48, 85 a page): one slab, over half taken. */
enum { DENSE = 60 };
static void fill_dense_slab(uint8_t *p[DENSE])
{
	for (size_t i = 0; i < DENSE; i++)
		p[i] = kmalloc(40);
}

/* A freed block of a slab over half taken waits in its class's cache and is the
 * next one handed out; one of a sparser slab goes straight back to it. Cached
 * blocks keep their slabs until heap_drain, or until the page source runs dry. */
static void class_cache(void)
{
	heap_begin();
	enum { N = DENSE };
	uint8_t *p[N];
	fill_dense_slab(p);
	kfree(p[7]);
	kfree(p[9]);
	uint8_t *b = kmalloc(40), *a = kmalloc(40);
	CHECK(b == p[9] && a == p[7], "freed %p then %p, got %p then %p back", (void *)p[7],
	      (void *)p[9], (void *)b, (void *)a);
	kfree(a);
	kfree(a);
	expect_report("a double free of a cached block", "double free", a);
	for (size_t i = 0; i < N; i++)
		if (i != 7)
			kfree(p[i]);
	heap_drain();
	/* Ten blocks of a fresh slab, freed in order: had they been cached, the last
	 * would come back first; back in their sparse slab, it is fresh again and hands
	 * out its first block. */
	for (size_t i = 0; i < 10; i++)
		p[i] = kmalloc(40);
	for (size_t i = 0; i < 10; i++)
		kfree(p[i]);
	uint8_t *again = kmalloc(40);
	CHECK(again == p[0], "blocks of a sparse slab were cached: got %p, expected %p",
	      (void *)again, (void *)p[0]);
	kfree(again);

	kfree(kmalloc(2 * PAGE)); /* the large records' page, which stays */
	enum { M = 64 };	  /* 2048 bytes: two blocks a page */
	void *q[M];
	for (size_t i = 0; i < M; i++)
		q[i] = kmalloc(2048);
	for (size_t i = 0; i < M; i++)
		kfree(q[i]);
	get_stats();
	size_t pinned = st.class_stats[22].pages - 1; /* one empty slab is kept anyway */
	CHECK(st.class_stats[22].in_use == 0 && pinned >= 1,
	      "class 2048 after freeing: %zu in use, %zu pages (cached blocks hold some)",
	      st.class_stats[22].in_use, st.class_stats[22].pages);
	pages_limit = pages_out; /* not one page more from the source */
	void *big = kmalloc(pinned * PAGE);
	CHECK(big != NULL,
	      "with the source dry, kmalloc(%zu pages) failed though the cache "
	      "held that many slabs",
	      pinned);
	kfree(big);
	pages_limit = 0;
	heap_drain();
	get_stats();
	CHECK(st.class_stats[22].pages == 1, "class 2048 after heap_drain: %zu pages, expected 1",
	      st.class_stats[22].pages);
	expect_no_report("the class cache");
	heap_end();
}

/* kmalloc_aligned takes from the slabs only: with the source dry, it must still find
 * the block the class cache holds. */
static void aligned_with_a_dry_source_finds_cached_blocks(void)
{
	heap_begin();
	enum { FULL = 85 }; /* 40 bytes: class 48, one whole slab */
	uint8_t *p[FULL];
	for (size_t i = 0; i < FULL; i++)
		p[i] = kmalloc(40);
	kfree(p[3]); /* its slab now has one free block, in the cache */
	source_dry = true;
	uint8_t *aligned = kmalloc_aligned(40, 16);
	source_dry = false;
	CHECK(aligned == p[3],
	      "with the source dry, kmalloc_aligned(40, 16) gave %p, not the "
	      "cached block %p",
	      (void *)aligned, (void *)p[3]);
	for (size_t i = 0; i < FULL; i++)
		kfree(p[i]);
	expect_no_report("kmalloc_aligned with the source dry");
	heap_end();
}

/* A broken free-list link makes the slab rebuild its list from the live bits; a
 * block waiting in the class cache is not live either, but must not be linked, or
 * it would be handed out twice. (kmalloc_aligned takes from the slabs, not the
 * cache.) */
static void rebuild_skips_cached_blocks(void)
{
	heap_begin();
	enum { N = DENSE };
	uint8_t *p[N];
	fill_dense_slab(p);
	kfree(p[1]);
	heap_drain();			/* p[1] on the slab's free list */
	kfree(p[2]);			/* p[2] in the cache */
	memset(p[1] + 48 - 2, 0x77, 2); /* its link now leads nowhere */
	uint8_t *q = kmalloc_aligned(40, 16);
	CHECK(q == p[1], "the head of the free list was not handed out first");
	uint8_t *more[30];
	more[0] = kmalloc_aligned(40, 16); /* follows the broken link: a rebuild */
	expect_report("a broken link beside a cached block", "free block overwritten", p[0]);
	for (size_t i = 1; i < 30; i++)
		more[i] = kmalloc_aligned(40, 16);
	for (size_t i = 0; i < 30; i++)
		CHECK(more[i] != p[2], "block %p, still in the cache, came out of the slab too",
		      (void *)p[2]);
	CHECK(kmalloc(40) == p[2], "the cached block was not the next kmalloc");
	kfree(p[2]);
	kfree(q);
	for (size_t i = 0; i < 30; i++)
		kfree(more[i]);
	for (size_t i = 0; i < N; i++)
		if (i != 1 && i != 2)
			kfree(p[i]);
	heap_end();
}

/* The source runs dry while frees spill a cache back into the slabs: slabs empty,
 * the registry shrinks and asks for pages it cannot get. Nothing may be handed
 * back twice, nothing lost (heap_end counts every page). */
static void dry_source_during_a_spill(void)
{
	heap_begin();
	enum { N = 600 }; /* 2048 bytes: two blocks a page */
	void *p[N];
	for (size_t i = 0; i < N; i++)
		p[i] = kmalloc(2048);
	source_dry = true;
	for (size_t i = 0; i < N; i++)
		kfree(p[i]);
	source_dry = false;
	expect_no_report("frees with the source dry");
	void *a = kmalloc(2048), *b = kmalloc(2048);
	CHECK(a && b && a != b, "after the frees: kmalloc(2048) gave %p and %p", a, b);
	kfree(a);
	kfree(b);
	heap_end();
}

/* The source runs dry just as bookkeeping needs a page (a record pool, the
 * registry), with cached blocks holding slabs: the allocation fails or succeeds,
 * but no bookkeeping page is lost (heap_end counts every page). 144 blocks of 2048
 * fill one page of span records exactly. */
static void dry_source_during_metadata_growth(void)
{
	for (size_t extra = 0; extra < 4; extra++) {
		heap_begin();
		enum { N = 144 };
		void *p[N];
		for (size_t i = 0; i < N; i++)
			p[i] = kmalloc(2048);
		for (size_t i = N - 4; i < N; i++)
			kfree(p[i]);
		pages_limit = pages_out + extra;
		void *x = kmalloc(1024), *y = kmalloc(10000);
		pages_limit = 0;
		kfree(x);
		kfree(y);
		for (size_t i = 0; i < N - 4; i++)
			kfree(p[i]);
		expect_no_report("allocations with the source nearly dry");
		heap_end();
	}
}

/* ---- books and shutdown ---------------------------------------------------------- */

/* Every entry point takes the lock exactly once and gives it back: krealloc and
 * kcalloc, which call kmalloc's work, and a kmalloc that drains the caches when the
 * source runs dry, included. */
static void lock_taken_once_per_call(void)
{
	heap_begin();
	heap_init(&locked_source);
	lock_depth = lock_deepest = lock_taken = 0;
	void *a = kmalloc(40), *b = kcalloc(3, 100), *c = kmalloc_aligned(64, 64);
	a = krealloc(a, 3000);
	kfree(b);
	b = krealloc(NULL, 10);
	struct heap_stats s;
	heap_get_stats(&s);
	heap_drain();
	kfree(a);
	kfree(b);
	kfree(c);
	CHECK(lock_deepest == 1, "the lock was held %d deep", lock_deepest);
	CHECK(lock_depth == 0, "the lock is still held %d deep", lock_depth);
	CHECK(lock_taken == 11, "11 calls took the lock %d times", lock_taken);
	heap_init(&source); /* unlocked again for heap_end's checks */
	heap_end();
}

static void stats_books(void)
{
	heap_begin();
	void *p[100];
	for (size_t i = 0; i < 100; i++)
		p[i] = kmalloc(i < 50 ? 20 : 70); /* classes 32 and 80 */
	void *big = kmalloc(10000);
	get_stats();
	CHECK(st.class_stats[1].in_use == 50 && st.class_stats[1].pages == 1 &&
		      st.class_stats[1].free == 128 - 50,
	      "class 32: %zu in use, %zu pages, %zu free", st.class_stats[1].in_use,
	      st.class_stats[1].pages, st.class_stats[1].free);
	CHECK(st.class_stats[4].in_use == 50 && st.class_stats[4].pages == 1 &&
		      st.class_stats[4].free == 51 - 50,
	      "class 80: %zu in use, %zu pages, %zu free", st.class_stats[4].in_use,
	      st.class_stats[4].pages, st.class_stats[4].free);
	CHECK(st.large_allocations == 1 && st.large_pages == 3, "%zu large, %zu pages",
	      st.large_allocations, st.large_pages);
	CHECK(st.bytes_requested == 50 * 20 + 50 * 70 + 10000, "%zu bytes requested",
	      st.bytes_requested);
	/* Span pages for classes 32 (2-word bitmaps) and 80 (1 word), one of large
	 * records, one of registry. */
	CHECK(st.meta_pages == 4, "%zu bookkeeping pages, expected 4", st.meta_pages);
	CHECK(st.bytes_reserved == (2 + 3 + st.meta_pages) * PAGE &&
		      st.bytes_reserved == pages_out * PAGE,
	      "%zu bytes reserved, source has %zu pages out", st.bytes_reserved, pages_out);
	for (size_t i = 0; i < 100; i++)
		kfree(p[i]);
	kfree(big);
	get_stats();
	CHECK(st.bytes_requested == 0 && st.large_pages == 0 && slab_pages() == 2,
	      "after freeing: %zu bytes, %zu large pages, %zu slab pages (2 kept)",
	      st.bytes_requested, st.large_pages, slab_pages());
	/* Alloc/free of one block where the only slab empties each time: no page traffic. */
	size_t calls = source_calls;
	for (size_t i = 0; i < 10000; i++)
		kfree(kmalloc(24));
	CHECK(source_calls == calls, "one block in and out asked the source %zu times",
	      source_calls - calls);
	/* Two empty slabs of a class: one goes back, one stays. */
	void *q[300];
	for (size_t i = 0; i < 300; i++)
		q[i] = kmalloc(32);
	for (size_t i = 0; i < 300; i++)
		kfree(q[i]);
	heap_drain();
	get_stats();
	CHECK(st.class_stats[1].pages == 1, "class 32 keeps %zu empty slabs",
	      st.class_stats[1].pages);
	heap_end();
}

static void shutdown_reports_leaks(void)
{
	heap_begin();
	void *leaked = kmalloc(100);
	void *leaked_big = kmalloc(3 * PAGE);
	(void)leaked;
	(void)leaked_big;
	heap_init(NULL);
	expect_report("shutting down with blocks live", "still live", NULL);
	CHECK(pages_out == 0, "%zu pages not returned at shutdown", pages_out);
	CHECK(kmalloc(10) == NULL, "kmalloc after shutdown did not return NULL");
	kfree(leaked); /* not ours any more */
	expect_report("kfree after shutdown", "not from the heap", leaked);
	heap_begin();
	heap_end();
}

/* ---- the groups, in order --------------------------------------------------------- */

#define CLASS_GROUP(i, s) GROUP(class_##s),
static const struct unit_group GROUPS[] = {
	GROUP(class_table),
	CLASS_LIST(CLASS_GROUP) GROUP(large_sizes),
	GROUP(kmalloc_zero),
	GROUP(alignment),
	GROUP(kcalloc_zeroes),
	GROUP(kcalloc_overflow),
	GROUP(krealloc_grow_shrink),
	GROUP(random_ops_seed_1),
	GROUP(random_ops_seed_2),
	GROUP(random_ops_seed_3),
	GROUP(random_ops_failing_source),
	GROUP(many_pages),
	GROUP(double_free),
	GROUP(bad_pointers),
	GROUP(interior_pointers),
	GROUP(red_zone),
	GROUP(write_after_free),
	GROUP(class_cache),
	GROUP(aligned_with_a_dry_source_finds_cached_blocks),
	GROUP(rebuild_skips_cached_blocks),
	GROUP(dry_source_during_a_spill),
	GROUP(dry_source_during_metadata_growth),
	GROUP(stats_books),
	GROUP(lock_taken_once_per_call),
	GROUP(shutdown_reports_leaks),
};

static void reseed(void)
{
	rng_state = 0x4b45454c2d686561ULL;
}

static void shut_down(void)
{
	heap_init(NULL);
	free(runs);
}

static const struct unit_hooks hooks = {reseed, NULL, shut_down};

int main(int argc, char **argv)
{
	return unit_main(GROUPS, sizeof GROUPS / sizeof GROUPS[0], &hooks, argc, argv);
}
