/* Host unit tests for kernel/mm/pmm.c and e820.c: e820_sanitise on hostile maps (table cases, and
 * random maps checked against a reference that paints the map 1 KiB at a time), and
 * the buddy allocator over simulated physical memory, checked against a model.
 *
 * A simulated machine maps each of its memory ranges to host memory of its own, with
 * inaccessible guard pages around it and over every frame that is not available
 * (reserved, below 1 MiB...), so a stray access by the allocator faults. phys_to_virt
 * also stops the run if the allocator reaches for a frame that is not available or is
 * handed out. The model knows each frame's state; allocations are tagged and the tags
 * checked when freed, so the allocator writing into memory it handed out shows.
 * tests/test_pmm.py builds this with ASan and UBSan (pmm.c and e820.c compiled on
 * their own, freestanding) and runs it. Prints one "group ... ok" or "group ... FAILED: ..." line
 * per group; exits 0 only if all passed. Arguments: --list, or group names. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "../../kernel/console.h"
#include "../../kernel/mm/e820.h"
#include "../../kernel/mm/pmm.h"
#include "../../kernel/panic.h"

#define KIB	   1024ull
#define MIB	   (1024ull * KIB)
#define GIB	   (1024ull * MIB)
#define FRAME	   PMM_FRAME_SIZE
#define MAX_RUN	   (1ull << PMM_MAX_ORDER)
#define LAST_FRAME (~0ull & ~(FRAME - 1))
#define PHYS_LIMIT (1ull << 52)
#define TAG	   0x5eed5eed00000000ull

/* ---- the little framework: groups, cases, failure messages ------------------ */

#include "unit.h"

/* CHECK(cond, fmt, ...): one case; on failure, records it and returns (false, from a
 * bool function: CHECKB). Unlike unit.h's, it stops the group's function. */
#undef CHECK
#define CHECK(cond, ...)                   \
	do {                               \
		cases++;                   \
		if (!(cond)) {             \
			fail(__VA_ARGS__); \
			return;            \
		}                          \
	} while (0)
#define CHECKB(cond, ...)                  \
	do {                               \
		cases++;                   \
		if (!(cond)) {             \
			fail(__VA_ARGS__); \
			return false;      \
		}                          \
	} while (0)

/* rnd() and below() come from unit.h; the seed is set per machine. */

/* ---- what pmm.c and e820.c call ------------------------------------------------ */

static struct {
	int count;
	const char *what;
	phys_addr_t frame;
} misuse;

void pmm_report_misuse(const char *what, phys_addr_t frame)
{
	misuse.count++;
	misuse.what = what;
	misuse.frame = frame;
}

/* e820_print's output; no test prints the map. */
int kprintf(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

/* pmm.c's weak pmm_report_misuse calls panic; ours replaces it, so this never runs. */
void panic_at(const char *file, int line, const char *func, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "panic at %s:%d (%s): ", file, line, func);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

/* ---- e820_sanitise: table cases -------------------------------------------------- */

#define E(base, length, type)               \
	{                                   \
		(base), (length), (type), 0 \
	}
#define EA(base, length, type, attr)             \
	{                                        \
		(base), (length), (type), (attr) \
	}

struct e820_case {
	const char *name;
	struct e820_entry map[8];
	size_t count, max;
	struct mem_range want[8];
	size_t nwant;
};

static const struct e820_case E820_CASES[] = {
	{"empty map", {{0}}, 0, 8, {{0}}, 0},
	{"QEMU 128M",
	 {E(0, 0x9fc00, 1), E(0x9fc00, 0x400, 2), E(0xf0000, 0x10000, 2), E(0x100000, 0x7ee0000, 1),
	  E(0x7fe0000, 0x20000, 2), E(0xfffc0000, 0x40000, 2)},
	 6,
	 8,
	 {{0x100000, 0x7fe0000}},
	 1},
	{"QEMU 128M reversed",
	 {E(0xfffc0000, 0x40000, 2), E(0x7fe0000, 0x20000, 2), E(0x100000, 0x7ee0000, 1),
	  E(0xf0000, 0x10000, 2), E(0x9fc00, 0x400, 2), E(0, 0x9fc00, 1)},
	 6,
	 8,
	 {{0x100000, 0x7fe0000}},
	 1},
	{"zero-length entries",
	 {E(MIB, 0, 1), E(2 * MIB, 4 * MIB, 1), E(3 * MIB, 0, 2)},
	 3,
	 8,
	 {{2 * MIB, 6 * MIB}},
	 1},
	{"reserved inside usable, rounded out",
	 {E(MIB, 15 * MIB, 1), E(0x200800, 0x800, 2)},
	 2,
	 8,
	 {{MIB, 0x200000}, {0x201000, 16 * MIB}},
	 2},
	{"usable over reserved both ways",
	 {E(MIB, 7 * MIB, 1), E(4 * MIB, 8 * MIB, 2), E(6 * MIB, 10 * MIB, 1)},
	 3,
	 8,
	 {{MIB, 4 * MIB}, {12 * MIB, 16 * MIB}},
	 2},
	{"usable over, touching and duplicating usable",
	 {E(4 * MIB, MIB, 1), E(MIB, 2 * MIB, 1), E(2 * MIB, 2 * MIB, 1), E(4 * MIB, MIB, 1)},
	 4,
	 8,
	 {{MIB, 5 * MIB}},
	 1},
	{"duplicate usable",
	 {E(2 * MIB, MIB, 1), E(2 * MIB, MIB, 1), E(2 * MIB, MIB, 1)},
	 3,
	 8,
	 {{2 * MIB, 3 * MIB}},
	 1},
	{"duplicate usable and reserved",
	 {E(2 * MIB, MIB, 1), E(2 * MIB, MIB, 2), E(2 * MIB, MIB, 1)},
	 3,
	 8,
	 {{0}},
	 0},
	{"unaligned base and length", {E(0x100001, 0x200ffe, 1)}, 1, 8, {{0x101000, 0x300000}}, 1},
	{"slivers under a frame",
	 {E(0x100800, 0xc00, 1), E(0x200000, 0xfff, 1), E(0x300001, 0x1000, 1)},
	 3,
	 8,
	 {{0}},
	 0},
	{"nothing above 1 MiB",
	 {E(0, 0x9fc00, 1), E(0xe0000, 0x20000, 1), E(MIB, 64 * MIB, 2)},
	 3,
	 8,
	 {{0}},
	 0},
	{"straddles 1 MiB", {E(0x80000, 0x100000, 1)}, 1, 8, {{MIB, 0x180000}}, 1},
	{"above 4 GiB",
	 {E(MIB, MIB, 1), E(4 * GIB, 2 * GIB, 1), E(5 * GIB, 4 * KIB, 2)},
	 3,
	 8,
	 {{MIB, 2 * MIB}, {4 * GIB, 5 * GIB}, {5 * GIB + 4 * KIB, 6 * GIB}},
	 3},
	{"wraps past 2^64",
	 {E(0xFFFFFFFF00000000, 0x200000000, 1)},
	 1,
	 8,
	 {{0xFFFFFFFF00000000, LAST_FRAME}},
	 1},
	{"ends at 2^64, reserved wrapping over its top",
	 {E(0xFFFFFFFF00000000, 0x100000000, 1), E(0xFFFFFFFFFFF00000, 0x200000, 2)},
	 2,
	 8,
	 {{0xFFFFFFFF00000000, 0xFFFFFFFFFFF00000}},
	 1},
	{"the whole address space", {E(0, ~0ull, 1)}, 1, 8, {{MIB, LAST_FRAME}}, 1},
	{"the whole address space, wrapping",
	 {E(0x1000, ~0ull, 1), E(0, 0, 2)},
	 2,
	 8,
	 {{MIB, LAST_FRAME}},
	 1},
	{"unknown types win",
	 {E(MIB, 8 * MIB, 1), E(2 * MIB, MIB, 12), E(4 * MIB, MIB, 0), E(6 * MIB, MIB, 0xFFFFFFFF)},
	 4,
	 8,
	 {{MIB, 2 * MIB}, {3 * MIB, 4 * MIB}, {5 * MIB, 6 * MIB}, {7 * MIB, 9 * MIB}},
	 4},
	{"ACPI reclaimable, NVS and bad memory win",
	 {E(MIB, 8 * MIB, 1), E(2 * MIB, MIB, 3), E(4 * MIB, MIB, 4), E(6 * MIB, MIB, 5)},
	 4,
	 8,
	 {{MIB, 2 * MIB}, {3 * MIB, 4 * MIB}, {5 * MIB, 6 * MIB}, {7 * MIB, 9 * MIB}},
	 4},
	{"ACPI 3.0 enabled bit",
	 {EA(MIB, MIB, 1, 2), EA(2 * MIB, MIB, 1, 1), EA(3 * MIB, MIB, 1, 3),
	  EA(2 * MIB + 512 * KIB, 4 * KIB, 2, 2)},
	 4,
	 8,
	 {{2 * MIB, 2 * MIB + 512 * KIB}, {2 * MIB + 516 * KIB, 4 * MIB}},
	 2},
	{"more ranges than max: the largest, sorted",
	 {E(MIB, 14 * MIB, 1), E(2 * MIB, MIB, 2), E(6 * MIB, MIB, 2), E(9 * MIB, MIB, 2),
	  E(13 * MIB, MIB, 2)},
	 5,
	 3,
	 {{3 * MIB, 6 * MIB}, {7 * MIB, 9 * MIB}, {10 * MIB, 13 * MIB}},
	 3},
	{"more ranges than max: ties keep lower addresses",
	 {E(MIB, MIB, 1), E(3 * MIB, MIB, 1), E(5 * MIB, MIB, 1)},
	 3,
	 2,
	 {{MIB, 2 * MIB}, {3 * MIB, 4 * MIB}},
	 2},
	{"max 1",
	 {E(MIB, 14 * MIB, 1), E(2 * MIB, MIB, 2), E(6 * MIB, MIB, 2), E(9 * MIB, MIB, 2),
	  E(13 * MIB, MIB, 2)},
	 5,
	 1,
	 {{3 * MIB, 6 * MIB}},
	 1},
	{"max 0", {E(MIB, MIB, 1)}, 1, 0, {{0}}, 0},
};

/* Runs e820_sanitise into a poisoned buffer: nothing past `max` may be written. */
static bool sanitise_checked(const char *name, const struct e820_entry *map, size_t count,
			     size_t max, struct mem_range *out, size_t *n)
{
	static struct mem_range buf[4096 + 4];
	if (max > 4096)
		max = 4096;
	memset(buf, 0xA5, sizeof buf);
	*n = e820_sanitise(map, count, buf, max);
	CHECKB(*n <= max, "%s: returned %zu ranges for max %zu", name, *n, max);
	const unsigned char *past = (const unsigned char *)&buf[max];
	size_t touched = 0;
	for (size_t j = 0; j < 4 * sizeof buf[0]; j++)
		touched += past[j] != 0xA5;
	CHECKB(touched == 0, "%s: wrote past max (%zu)", name, max);
	memcpy(out, buf, *n * sizeof *out);
	return true;
}

static void e820_table(void)
{
	for (size_t c = 0; c < sizeof E820_CASES / sizeof E820_CASES[0]; c++) {
		const struct e820_case *t = &E820_CASES[c];
		struct mem_range got[8];
		size_t n;
		if (!sanitise_checked(t->name, t->map, t->count, t->max, got, &n))
			continue;
		size_t i = 0;
		while (i < n && i < t->nwant && got[i].base == t->want[i].base &&
		       got[i].end == t->want[i].end)
			i++;
		cases++;
		if (i < n || i < t->nwant)
			fail("%s: %zu ranges (expected %zu); range %zu is [%#" PRIx64 ", %#" PRIx64
			     "), expected [%#" PRIx64 ", %#" PRIx64 ")",
			     t->name, n, t->nwant, i, i < n ? got[i].base : 0,
			     i < n ? got[i].end : 0, i < t->nwant ? t->want[i].base : 0,
			     i < t->nwant ? t->want[i].end : 0);
	}
	/* No usable memory from a map that has none. */
	struct mem_range none[1];
	cases++;
	if (e820_sanitise(NULL, 0, none, 1) != 0)
		fail("a NULL, empty map gave ranges");
}

/* Memory past the CPU's physical address width is cut off; what is cut is counted. */
static void ranges_clipped(void)
{
	struct mem_range r[] = {{MIB, 2 * GIB}, {4 * GIB, 12 * GIB}, {1ull << 45, LAST_FRAME}};
	uint64_t cut = 0;
	size_t n = mem_ranges_clip(r, 3, 8 * GIB, &cut);
	CHECK(n == 2 && r[0].base == MIB && r[0].end == 2 * GIB && r[1].base == 4 * GIB &&
		      r[1].end == 8 * GIB,
	      "clip at 8 GiB: %zu ranges, second [%#" PRIx64 ", %#" PRIx64 ")", n, r[1].base,
	      r[1].end);
	CHECK(cut == 4 * GIB + (LAST_FRAME - (1ull << 45)), "clip at 8 GiB: cut %#" PRIx64, cut);

	struct mem_range same[] = {{MIB, 2 * GIB}};
	cut = 0;
	n = mem_ranges_clip(same, 1, 2 * GIB, &cut);
	CHECK(n == 1 && same[0].end == 2 * GIB && cut == 0, "clip at a range's end cut %#" PRIx64,
	      cut);
	n = mem_ranges_clip(same, 1, MIB, &cut);
	CHECK(n == 0 && cut == 2 * GIB - MIB, "clip below every range: %zu ranges, cut %#" PRIx64,
	      n, cut);
}

/* ---- e820_sanitise against a reference ----------------------------------------- */

#define GRANULE	 (1 * KIB)
#define GRANULES (24 * 1024) /* 24 MiB of 1 KiB granules from the map's offset */

static uint64_t entry_last(const struct e820_entry *e)
{
	return e->length - 1 > ~0ull - e->base ? ~0ull : e->base + e->length - 1;
}

static bool entry_counts(const struct e820_entry *e)
{
	if (e->length == 0)
		return false;
	return e->type != 1 || e->acpi_attributes == 0 || (e->acpi_attributes & 1);
}

static int by_size_then_base(const void *a, const void *b)
{
	const struct mem_range *x = a, *y = b;
	uint64_t sx = x->end - x->base, sy = y->end - y->base;
	if (sx != sy)
		return sx > sy ? -1 : 1;
	return x->base < y->base ? -1 : x->base > y->base;
}

static int by_base(const void *a, const void *b)
{
	const struct mem_range *x = a, *y = b;
	return x->base < y->base ? -1 : x->base > y->base;
}

/* The answer worked out the slow way: every granule of [off, off + 24 MiB) (or up to
 * 2^64) painted usable or not, runs collected, shrunk, the `max` largest kept. All of
 * the map's boundaries are multiples of the granule, so painting is exact. */
static size_t reference(const struct e820_entry *map, size_t count, uint64_t off, size_t max,
			struct mem_range *out)
{
	static struct mem_range all[GRANULES];
	static int usable[GRANULES + 1], other[GRANULES + 1]; /* coverage, as differences */
	size_t n = 0;
	uint64_t granules = GRANULES;
	if (off + (GRANULES - 1) * GRANULE < off) /* near the top: stop at 2^64 */
		granules = (~0ull - off) / GRANULE + 1;
	memset(usable, 0, sizeof usable);
	memset(other, 0, sizeof other);
	for (size_t i = 0; i < count; i++) {
		const struct e820_entry *e = &map[i];
		if (!entry_counts(e) || e->base < off || (e->base - off) / GRANULE >= granules)
			continue;
		uint64_t first = (e->base - off) / GRANULE, last = (entry_last(e) - off) / GRANULE;
		if (last >= granules)
			last = granules - 1;
		int *cover = e->type == 1 ? usable : other;
		cover[first]++;
		cover[last + 1]--;
	}
	bool in_run = false;
	uint64_t run = 0;
	for (uint64_t g = 0, u = 0, o = 0; g <= granules; g++) {
		bool here = false;
		if (g < granules) {
			u += (uint64_t)usable[g];
			o += (uint64_t)other[g];
			here = u && !o && off + g * GRANULE >= MIB;
		}
		if (here && !in_run) {
			run = off + g * GRANULE;
			in_run = true;
		} else if (!here && in_run) {
			bool top = g * GRANULE > ~0ull - off; /* the run reaches 2^64 */
			uint64_t base = (run + FRAME - 1) & ~(FRAME - 1);
			uint64_t end = top ? LAST_FRAME : (off + g * GRANULE) & ~(FRAME - 1);
			if (run <= LAST_FRAME && base < end)
				all[n++] = (struct mem_range){base, end};
			in_run = false;
		}
	}
	if (n > max) {
		qsort(all, n, sizeof all[0], by_size_then_base);
		n = max;
		qsort(all, n, sizeof all[0], by_base);
	}
	memcpy(out, all, n * sizeof *out);
	return n;
}

/* A random map of `count` entries within [off, off + 20 MiB): mostly usable, the other
 * types and unknown ones, zero lengths, duplicates, odd attributes; `wrap` adds
 * lengths that run past 2^64. */
static void random_map(struct e820_entry *map, size_t count, uint64_t off, bool wrap)
{
	static const uint32_t types[] = {1, 1, 1, 1, 1, 2, 2, 3, 4, 5, 12, 0};
	for (size_t i = 0; i < count; i++) {
		struct e820_entry *e = &map[i];
		uint64_t r = below(100);
		if (i > 0 && r < 5) { /* a duplicate */
			*e = map[below(i)];
			continue;
		}
		e->base = off + below(16 * 1024) * GRANULE;
		e->length = r < 15 ? 0 : below(r < 40 ? 64 : 4096) * GRANULE;
		if (wrap && r >= 95)
			e->length = ~0ull - below(4096) * GRANULE + 1;
		e->type = types[below(sizeof types / sizeof types[0])];
		uint64_t a = below(100);
		e->acpi_attributes = a < 85 ? 0 : a < 90 ? 1 : a < 95 ? 2 : (uint32_t)below(16);
	}
}

static void compare_with_reference(const char *what, int rounds, size_t max_count, uint64_t off,
				   bool wrap)
{
	static struct e820_entry map[4096];
	static struct mem_range got[4096], want[4096];
	static const size_t maxes[] = {1, 2, 3, 5, 4096};
	char name[160];
	for (int round = 0; round < rounds; round++) {
		size_t count = below(max_count + 1), max = maxes[below(5)];
		random_map(map, count, off, wrap);
		snprintf(name, sizeof name, "%s, round %d (%zu entries, max %zu)", what, round,
			 count, max);
		size_t n, nwant = reference(map, count, off, max, want);
		if (!sanitise_checked(name, map, count, max, got, &n))
			return;
		cases++;
		for (size_t i = 0; i < n && n == nwant; i++) {
			if (got[i].base != want[i].base || got[i].end != want[i].end) {
				fail("%s: range %zu is [%#" PRIx64 ", %#" PRIx64
				     "), expected [%#" PRIx64 ", %#" PRIx64 ")",
				     name, i, got[i].base, got[i].end, want[i].base, want[i].end);
				return;
			}
		}
		if (n != nwant) {
			fail("%s: %zu ranges, expected %zu", name, n, nwant);
			return;
		}
	}
}

static void e820_random_low(void)
{
	rng_state = 1;
	compare_with_reference("below 24 MiB", 5000, 24, 0, false);
}

static void e820_random_across_4g(void)
{
	rng_state = 2;
	compare_with_reference("across 4 GiB", 3000, 24, 4 * GIB - 8 * MIB, false);
}

static void e820_random_wrapping(void)
{
	rng_state = 3;
	compare_with_reference("up to 2^64, wrapping", 3000, 24, ~0ull - 16 * MIB + 1, true);
}

/* Far more entries than BOOT_E820_MAX: still right, still quadratic at worst. */
static void e820_many_entries(void)
{
	rng_state = 4;
	compare_with_reference("many entries", 8, 3000, 0, false);
	/* A full boot map: alternating usable and reserved frames, shuffled. */
	static struct e820_entry map[BOOT_E820_MAX];
	struct mem_range got[BOOT_E820_MAX];
	for (size_t i = 0; i < BOOT_E820_MAX; i++)
		map[i] = (struct e820_entry){MIB + i * FRAME, FRAME, i % 2 ? 2 : 1, 0};
	for (size_t i = BOOT_E820_MAX - 1; i > 0; i--) {
		size_t j = below(i + 1);
		struct e820_entry t = map[i];
		map[i] = map[j];
		map[j] = t;
	}
	size_t n;
	if (!sanitise_checked("96 entries", map, BOOT_E820_MAX, BOOT_E820_MAX, got, &n))
		return;
	CHECK(n == BOOT_E820_MAX / 2, "96 alternating entries gave %zu ranges, expected 48", n);
	for (size_t i = 0; i < n; i++)
		CHECK(got[i].base == MIB + 2 * i * FRAME && got[i].end == got[i].base + FRAME,
		      "96 alternating entries: range %zu is [%#" PRIx64 ", %#" PRIx64 ")", i,
		      got[i].base, got[i].end);
}

/* ---- simulated machines ------------------------------------------------------------ */

enum frame_state { F_NONE, F_FREE, F_USED, F_META };

struct spec {
	struct mem_range mem[8]; /* host-backed memory, frame-aligned, sorted, disjoint */
	size_t nmem;
	struct mem_range usable[8]; /* what pmm_init is given; mem if nusable is 0 */
	size_t nusable;
	struct mem_range reserved[8];
	size_t nreserved;
	bool lossy; /* the allocator may give up available memory (not sanitised input) */
};

struct seg {
	uint64_t base, end;
	unsigned char *map; /* a guard page, then the segment */
	size_t map_len;
	uint8_t *state;
};

static struct {
	const struct spec *spec;
	struct seg seg[8];
	size_t nseg;
	struct pmm_stats start; /* right after pmm_init */
	uint64_t model_free;	/* frames in state F_FREE */
	phys_addr_t meta_base;
	uint64_t meta_frames;
} M;

static struct seg *seg_of(phys_addr_t p)
{
	for (size_t i = 0; i < M.nseg; i++)
		if (p >= M.seg[i].base && p < M.seg[i].end)
			return &M.seg[i];
	return NULL;
}

static uint8_t *state_of(phys_addr_t p)
{
	struct seg *s = seg_of(p);
	return s ? &s->state[(p - s->base) / FRAME] : NULL;
}

static uint64_t *host(phys_addr_t p)
{
	struct seg *s = seg_of(p);
	return (uint64_t *)(s->map + FRAME + (p - s->base));
}

static const char *state_name(const uint8_t *st)
{
	static const char *names[] = {"not available", "free", "handed out", "metadata"};
	return st ? names[*st] : "not memory at all";
}

static uint64_t touches; /* calls of to_virt */

static void *to_virt(phys_addr_t p)
{
	uint8_t *st = state_of(p);
	touches++;
	if (!st || *st == F_NONE || *st == F_USED) {
		fflush(stdout);
		fprintf(stderr, "pmm reached for phys %#" PRIx64 ", which is %s\n", p,
			state_name(st));
		abort();
	}
	return host(p);
}

static bool available(const struct spec *s, uint64_t p)
{
	const struct mem_range *u = s->nusable ? s->usable : s->mem;
	size_t nu = s->nusable ? s->nusable : s->nmem;
	bool in = false;
	if (p < MIB || p >= PHYS_LIMIT)
		return false;
	for (size_t i = 0; i < nu; i++)
		in |= p >= ((u[i].base + FRAME - 1) & ~(FRAME - 1)) &&
		      p + FRAME <= (u[i].end & ~(FRAME - 1));
	for (size_t i = 0; i < s->nreserved; i++)
		if (s->reserved[i].end > s->reserved[i].base && p < s->reserved[i].end &&
		    p + FRAME > s->reserved[i].base)
			return false;
	return in;
}

static void machine_end(void)
{
	for (size_t i = 0; i < M.nseg; i++) {
		munmap(M.seg[i].map, M.seg[i].map_len);
		free(M.seg[i].state);
	}
	memset(&M, 0, sizeof M);
}

/* Maps the machine's memory and runs pmm_init over it; returns what pmm_init did. */
static bool machine_start(const struct spec *s)
{
	machine_end();
	M.spec = s;
	for (size_t i = 0; i < s->nmem; i++) {
		struct seg *g = &M.seg[M.nseg++];
		uint64_t frames = (s->mem[i].end - s->mem[i].base) / FRAME;
		g->base = s->mem[i].base;
		g->end = s->mem[i].end;
		g->map_len = (frames + 2) * FRAME;
		g->map = mmap(NULL, g->map_len, PROT_NONE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		g->state = calloc(frames, 1);
		if (g->map == MAP_FAILED || !g->state) {
			fprintf(stderr, "out of host memory for a %" PRIu64 "-frame segment\n",
				frames);
			abort();
		}
		/* Available frames read-write, in runs; the rest stays inaccessible. */
		for (uint64_t f = 0, run = 0; f <= frames; f++) {
			bool ok = f < frames && available(s, g->base + f * FRAME);
			if (ok) {
				g->state[f] = F_FREE;
				continue;
			}
			if (f > run && mprotect(g->map + (run + 1) * FRAME, (f - run) * FRAME,
						PROT_READ | PROT_WRITE)) {
				perror("mprotect");
				abort();
			}
			run = f + 1;
		}
	}
	bool ok = pmm_init(s->nusable ? s->usable : s->mem, s->nusable ? s->nusable : s->nmem,
			   s->reserved, s->nreserved, to_virt);
	pmm_get_stats(&M.start);
	M.model_free = M.start.free_frames;
	return ok;
}

static uint64_t run_frames(size_t count)
{
	uint64_t n = 1;
	while (n < count)
		n *= 2;
	return n;
}

/* Checks what the allocator handed out against the model and marks it handed out:
 * aligned, and every frame available and not handed out already. */
static bool model_take(phys_addr_t p, size_t count)
{
	CHECKB(p % (run_frames(count) * FRAME) == 0,
	       "a run of %zu frames at %#" PRIx64 " is not aligned to %" PRIu64 " frames", count, p,
	       run_frames(count));
	for (size_t i = 0; i < count; i++) {
		uint8_t *st = state_of(p + i * FRAME);
		CHECKB(st && *st == F_FREE,
		       "handed out frame %#" PRIx64 " (of %zu at %#" PRIx64 "), which is %s",
		       (uint64_t)(p + i * FRAME), count, p, state_name(st));
	}
	for (size_t i = 0; i < count; i++)
		*state_of(p + i * FRAME) = F_USED;
	host(p)[0] = TAG ^ p;
	host(p + (count - 1) * FRAME)[511] = TAG ^ p ^ count;
	M.model_free -= count;
	return true;
}

/* Marks `n` frames from `from` free in the model: before pmm_free_frames runs, since
 * it writes into them. */
static void model_mark_free(phys_addr_t from, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*state_of(from + i * FRAME) = F_FREE;
	M.model_free += n;
}

/* Checks the tags of the live run of `count` at `p`, then marks [from, from + n) free. */
static bool model_give_back(phys_addr_t p, size_t count, phys_addr_t from, size_t n)
{
	CHECKB(host(p)[0] == (TAG ^ p) && host(p + (count - 1) * FRAME)[511] == (TAG ^ p ^ count),
	       "the run of %zu at %#" PRIx64 " was written to while handed out", count, p);
	model_mark_free(from, n);
	return true;
}

static bool stats_match(const char *when)
{
	struct pmm_stats s;
	pmm_get_stats(&s);
	CHECKB(s.total_frames == M.start.total_frames && s.free_frames == M.model_free &&
		       s.used_frames == s.total_frames - s.free_frames,
	       "%s: stats total %" PRIu64 " free %" PRIu64 " used %" PRIu64
	       ", expected total %" PRIu64 " free %" PRIu64,
	       when, s.total_frames, s.free_frames, s.used_frames, M.start.total_frames,
	       M.model_free);
	CHECKB(misuse.count == 0, "%s: unexpected misuse report: %s at %#" PRIx64, when,
	       misuse.what, misuse.frame);
	return true;
}

/* Whether some aligned run of 2^order frames is free in the model: if so, a buddy
 * allocator that coalesces fully must be able to hand it out. */
static bool model_fit_exists(unsigned order)
{
	uint64_t n = 1ull << order;
	for (size_t i = 0; i < M.nseg; i++) {
		uint64_t first = (M.seg[i].base / FRAME + n - 1) & ~(n - 1);
		for (uint64_t pfn = first; pfn * FRAME < M.seg[i].end; pfn += n) {
			uint64_t f = 0;
			for (; f < n; f++) {
				const uint8_t *st = state_of((pfn + f) * FRAME);
				if (!st || *st != F_FREE)
					break;
			}
			if (f == n)
				return true;
		}
	}
	return false;
}

static uint64_t model_fits(unsigned order)
{
	uint64_t n = 1ull << order, fits = 0;
	for (size_t i = 0; i < M.nseg; i++) {
		uint64_t first = (M.seg[i].base / FRAME + n - 1) & ~(n - 1);
		for (uint64_t pfn = first; (pfn + n) * FRAME <= M.seg[i].end; pfn += n) {
			uint64_t f = 0;
			for (; f < n && M.seg[i].state[pfn - M.seg[i].base / FRAME + f] == F_FREE;
			     f++)
				;
			fits += f == n;
		}
	}
	return fits;
}

/* Takes every frame one at a time; what is available and never handed out is the
 * metadata: one contiguous run, as many frames as stats call used. Then gives all
 * back and checks that every largest block came back together. */
static bool discover_metadata(void)
{
	uint64_t n = 0, cap = M.start.free_frames;
	phys_addr_t *got = malloc((cap + 1) * sizeof *got);
	for (phys_addr_t p; (p = pmm_alloc_frame()) != PMM_NO_FRAME; n++) {
		if (n == cap || !model_take(p, 1)) {
			free(got);
			CHECKB(n < cap, "handed out more frames than stats said were free");
			return false;
		}
		got[n] = p;
	}
	CHECKB(n == cap, "ran out after %" PRIu64 " frames, stats said %" PRIu64 " were free", n,
	       cap);
	CHECKB(pmm_alloc_frames(1) == PMM_NO_FRAME && pmm_alloc_frames(2) == PMM_NO_FRAME,
	       "a frame after exhaustion");
	uint64_t meta = 0;
	for (size_t i = 0; i < M.nseg; i++) {
		for (uint64_t f = 0; f < (M.seg[i].end - M.seg[i].base) / FRAME; f++) {
			if (M.seg[i].state[f] != F_FREE)
				continue;
			phys_addr_t p = M.seg[i].base + f * FRAME;
			if (meta++ == 0)
				M.meta_base = p;
			else if (!M.spec->lossy)
				CHECKB(p == M.meta_base + (meta - 1) * FRAME,
				       "metadata not contiguous: %#" PRIx64 " after %#" PRIx64, p,
				       M.meta_base);
			M.seg[i].state[f] = F_META;
		}
	}
	M.meta_frames = meta;
	if (!M.spec->lossy)
		CHECKB(meta == M.start.used_frames,
		       "%" PRIu64 " frames never handed out, stats said %" PRIu64 " used", meta,
		       M.start.used_frames);
	/* Back in a shuffled order: coalescing must not depend on it. */
	for (uint64_t i = n; i > 1; i--) {
		uint64_t j = below(i);
		phys_addr_t t = got[i - 1];
		got[i - 1] = got[j];
		got[j] = t;
	}
	for (uint64_t i = 0; i < n; i++) {
		if (!model_give_back(got[i], 1, got[i], 1)) {
			free(got);
			return false;
		}
		pmm_free_frame(got[i]);
	}
	free(got);
	return stats_match("after taking and giving back every frame");
}

/* Takes largest blocks until none is left (as many as the model says fit), gives them
 * back; returns how many. */
static bool count_largest(uint64_t *count)
{
	static phys_addr_t got[1 << 16];
	uint64_t n = 0, expect = model_fits(PMM_MAX_ORDER);
	for (phys_addr_t p; n < (1 << 16) && (p = pmm_alloc_frames(MAX_RUN)) != PMM_NO_FRAME;) {
		if (!model_take(p, MAX_RUN))
			return false;
		got[n++] = p;
	}
	CHECKB(n == expect, "%" PRIu64 " largest blocks handed out, %" PRIu64 " are free", n,
	       expect);
	for (uint64_t i = 0; i < n; i++) {
		if (!model_give_back(got[i], MAX_RUN, got[i], MAX_RUN))
			return false;
		pmm_free_frames(got[i], MAX_RUN);
	}
	*count = n;
	return stats_match("after the largest blocks");
}

/* Starts a machine that pmm_init must accept and learns its metadata. */
static bool start_checked(const struct spec *s)
{
	misuse.count = 0;
	bool ok = machine_start(s);
	CHECKB(ok, "pmm_init refused the machine");
	CHECKB(M.start.free_frames + M.start.used_frames == M.start.total_frames,
	       "stats do not add up after init");
	if (!s->lossy) {
		uint64_t avail = 0;
		for (size_t i = 0; i < M.nseg; i++)
			for (uint64_t f = 0; f < (M.seg[i].end - M.seg[i].base) / FRAME; f++)
				avail += M.seg[i].state[f] == F_FREE;
		CHECKB(M.start.total_frames == avail,
		       "total_frames %" PRIu64 ", but %" PRIu64 " frames are available",
		       M.start.total_frames, avail);
	}
	return discover_metadata();
}

/* ---- the machines ----------------------------------------------------------------- */

/* 64 MiB from 1 MiB: a kernel at 1 MiB, an unaligned reserved range, a hole. */
static const struct spec MACHINE_A = {
	.mem = {{MIB, 65 * MIB}},
	.nmem = 1,
	.reserved = {{MIB, 3 * MIB}, {0x400800, 0x402100}, {40 * MIB, 41 * MIB}},
	.nreserved = 3,
};

/* Fragmented: odd-sized ranges, a single frame, reserved ranges unsorted, overlapping,
 * unaligned, empty, inverted, outside memory. */
static const struct spec MACHINE_FRAG = {
	.mem = {{MIB, 0x7f3000},
		{0x800000, 0x1234000},
		{0x2000000, 0x2001000},
		{0x3000000, 0x3800000},
		{0x3801000, 0x3c05000}},
	.nmem = 5,
	.reserved = {{0x3100000, 0x3180000},
		     {0x900100, 0x900200},
		     {0x3170000, 0x3200001},
		     {0x5000, 0x6000},
		     {0x2000000, 0x2000000},
		     {0x1000000, 0x900000},
		     {0x3c04fff, 0x3c05000},
		     {0x8000000, 0x9000000}},
	.nreserved = 8,
};

/* Above 4 GiB: a little low memory, then islands above 4 GiB not aligned to a block. */
static const struct spec MACHINE_HIGH = {
	.mem = {{MIB, 9 * MIB},
		{4 * GIB, 4 * GIB + 20 * MIB},
		{5 * GIB + 12 * KIB, 5 * GIB + 4 * MIB + 12 * KIB}},
	.nmem = 3,
	.reserved = {{MIB, 2 * MIB}, {4 * GIB + MIB, 4 * GIB + MIB + 4 * KIB}},
	.nreserved = 2,
};

/* Only memory above 4 GiB. */
static const struct spec MACHINE_ONLY_HIGH = {
	.mem = {{4 * GIB + 12 * KIB, 4 * GIB + 16 * MIB}},
	.nmem = 1,
};

/* The usable list not sanitised: overlapping and out of order. */
static const struct spec MACHINE_UNSANITISED = {
	.mem = {{MIB, 13 * MIB}},
	.nmem = 1,
	.usable = {{MIB, 9 * MIB}, {5 * MIB, 13 * MIB}, {2 * MIB, 3 * MIB}, {MIB, 13 * MIB}},
	.nusable = 4,
	.lossy = true,
};

/* Ranges that touch at 2 MiB, not at a 4 MiB block: the second's first 2 MiB block
 * merges at init with the first's last, which is fresh (on no list); another fresh
 * 2 MiB block lies at the top. */
static const struct spec MACHINE_TOUCHING = {
	.mem = {{MIB, 18 * MIB}},
	.nmem = 1,
	.usable = {{MIB, 6 * MIB}, {6 * MIB, 18 * MIB}},
	.nusable = 2,
};

/* ---- allocator groups ------------------------------------------------------------ */

static void init_rejects(void)
{
	static const struct mem_range low[] = {{0, 0x9f000}}, sliver[] = {{0x100800, 0x101800}},
				      one[] = {{3 * MIB, 3 * MIB + FRAME}},
				      all[] = {{MIB, 9 * MIB}},
				      top[] = {{PHYS_LIMIT, PHYS_LIMIT + 8 * MIB}};
	static const struct mem_range cover[] = {{0, 9 * MIB + 1}};
	static const struct {
		const char *name;
		const struct mem_range *usable;
		size_t nusable;
		const struct mem_range *reserved;
		size_t nreserved;
	} tests[] = {
		{"no usable ranges", NULL, 0, NULL, 0},
		{"only below 1 MiB", low, 1, NULL, 0},
		{"a sliver under a frame", sliver, 1, NULL, 0},
		{"one frame: the metadata takes it", one, 1, NULL, 0},
		{"all reserved", all, 1, cover, 1},
		{"only above 2^52", top, 1, NULL, 0},
	};
	/* A good init first, so a refusal must also forget it. */
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		misuse.count = 0;
		CHECK(machine_start(&MACHINE_A), "pmm_init refused machine A");
		phys_addr_t held = pmm_alloc_frame();
		CHECK(held != PMM_NO_FRAME, "no frame from machine A");
		bool ok = pmm_init(tests[i].usable, tests[i].nusable, tests[i].reserved,
				   tests[i].nreserved, to_virt);
		CHECK(!ok, "%s: pmm_init accepted it", tests[i].name);
		struct pmm_stats s;
		pmm_get_stats(&s);
		CHECK(s.total_frames == 0 && s.free_frames == 0 && s.used_frames == 0,
		      "%s: stats not zero after a refused init", tests[i].name);
		CHECK(pmm_alloc_frame() == PMM_NO_FRAME && pmm_alloc_frames(4) == PMM_NO_FRAME,
		      "%s: a frame after a refused init", tests[i].name);
		pmm_free_frame(held);
		CHECK(misuse.count == 1 && strstr(misuse.what, "no allocator"),
		      "%s: a free after a refused init was not reported", tests[i].name);
	}
	misuse.count = 0;
	CHECK(!pmm_init(all, 1, NULL, 0, NULL), "pmm_init accepted a NULL phys_to_virt");
	/* From a map without usable memory above 1 MiB, through e820_sanitise. */
	static const struct e820_entry map[] = {E(0, 0x9fc00, 1), E(MIB, 64 * MIB, 2),
						E(0x9fc00, 0x400, 2)};
	struct mem_range usable[4];
	size_t n = e820_sanitise(map, 3, usable, 4);
	CHECK(n == 0 && !pmm_init(usable, n, NULL, 0, to_virt),
	      "a map without usable memory gave an allocator");
	machine_end();
}

/* Where the metadata goes and how big it is. */
static uint64_t expected_metadata_frames(uint64_t span)
{
	uint64_t words = span / 64;
	for (int k = 0; k <= PMM_MAX_ORDER; k++)
		words += ((span >> k) + 63) / 64;
	for (int k = 9; k <= PMM_MAX_ORDER; k++) /* fresh blocks of 2 MiB and up */
		words += ((span >> k) + 63) / 64;
	return (words * 8 + FRAME - 1) / FRAME;
}

static void init_layout(void)
{
	if (!start_checked(&MACHINE_A))
		return;
	/* Span: frame 0 (1 MiB rounded down to a largest block) to 65 MiB, in blocks. */
	uint64_t span = (65 * MIB / FRAME + MAX_RUN - 1) & ~(MAX_RUN - 1);
	CHECK(M.meta_frames == expected_metadata_frames(span),
	      "metadata %" PRIu64 " frames, expected %" PRIu64, M.meta_frames,
	      expected_metadata_frames(span));
	CHECK(M.meta_base == 3 * MIB, "metadata at %#" PRIx64 ", expected 3 MiB (after the kernel)",
	      M.meta_base);
	uint64_t largest;
	if (!count_largest(&largest))
		return;
	CHECK(largest > 0, "no largest block in 64 MiB");

	/* A first piece too small for the metadata: it goes to the next. */
	static const struct spec small_first = {
		.mem = {{MIB, MIB + 4 * KIB}, {2 * MIB, 66 * MIB}},
		.nmem = 2,
	};
	if (!start_checked(&small_first))
		return;
	CHECK(M.meta_base == 2 * MIB, "metadata at %#" PRIx64 ", expected 2 MiB", M.meta_base);

	/* Islands too far apart for the metadata: the highest is given up; memory at or
	 * above 2^52 is never used. */
	static const struct spec islands = {
		.mem = {{MIB, 5 * MIB},
			{PHYS_LIMIT - 8 * MIB, PHYS_LIMIT - 4 * MIB},
			{PHYS_LIMIT, PHYS_LIMIT + 4 * MIB}},
		.nmem = 3,
		.lossy = true,
	};
	if (!start_checked(&islands))
		return;
	CHECK(M.start.total_frames == 4 * MIB / FRAME,
	      "islands: %" PRIu64 " frames managed, expected the low 1024", M.start.total_frames);
	CHECK(M.meta_base == MIB, "islands: metadata at %#" PRIx64, M.meta_base);
	machine_end();
}

/* Runs of every size: aligned, exactly `count` frames used, all back after. */
static void runs_aligned(void)
{
	if (!start_checked(&MACHINE_A))
		return;
	for (size_t count = 1; count <= MAX_RUN; count += count < 64 ? 1 : 37) {
		phys_addr_t p = pmm_alloc_frames(count);
		CHECK(p != PMM_NO_FRAME, "no run of %zu", count);
		if (!model_take(p, count) || !stats_match("after a run"))
			return;
		if (!model_give_back(p, count, p, count))
			return;
		pmm_free_frames(p, count);
		if (!stats_match("after freeing a run"))
			return;
	}
	/* Sizes it refuses, changing nothing. */
	static const size_t bad[] = {0, MAX_RUN + 1, SIZE_MAX};
	for (size_t i = 0; i < 3; i++)
		CHECK(pmm_alloc_frames(bad[i]) == PMM_NO_FRAME, "a run of %zu frames", bad[i]);
	if (!stats_match("after refused sizes"))
		return;
	/* A largest run freed in parts, out of order, coalesces again. */
	phys_addr_t p = pmm_alloc_frames(MAX_RUN);
	CHECK(p != PMM_NO_FRAME && model_take(p, MAX_RUN), "no largest run");
	if (!model_give_back(p, MAX_RUN, p, 0)) /* the tags only */
		return;
	static const uint64_t at[] = {700, 0, 1023, 500, 703}, parts[] = {3, 500, 1, 200, 320};
	uint64_t largest;
	for (int i = 0; i < 5; i++) {
		model_mark_free(p + at[i] * FRAME, parts[i]);
		pmm_free_frames(p + at[i] * FRAME, parts[i]);
		if (!stats_match("after freeing part of a run"))
			return;
	}
	if (!count_largest(&largest))
		return;
	machine_end();
}

static void exhaustion_and_recovery(void)
{
	if (!start_checked(&MACHINE_FRAG))
		return;
	static phys_addr_t got[1 << 16];
	uint64_t n = 0;
	for (phys_addr_t p; (p = pmm_alloc_frames(1 + n % 3)) != PMM_NO_FRAME; n++)
		if (!model_take(p, 1 + n % 3))
			return;
		else
			got[n] = p;
	/* The run that failed had no aligned room left. */
	CHECK(!model_fit_exists(n % 3 == 0 ? 0 : n % 3 == 1 ? 1 : 2), "ran out with room left");
	for (phys_addr_t p; (p = pmm_alloc_frame()) != PMM_NO_FRAME;)
		if (!model_take(p, 1))
			return;
	CHECK(M.model_free == 0 && pmm_alloc_frame() == PMM_NO_FRAME,
	      "frames left after exhaustion");
	if (!stats_match("exhausted"))
		return;
	/* Recovers: give one run back and take it again. */
	uint64_t c = 1 + 7 % 3;
	if (!model_give_back(got[7], c, got[7], c))
		return;
	pmm_free_frames(got[7], c);
	phys_addr_t again = pmm_alloc_frames(c);
	CHECK(again == got[7], "after giving back %" PRIu64 " frames at %#" PRIx64 " got %#" PRIx64,
	      c, got[7], again);
	if (!model_take(again, c))
		return;
	/* Give everything back: all is as at the start. */
	for (size_t i = 0; i < M.nseg; i++) {
		for (uint64_t f = 0; f < (M.seg[i].end - M.seg[i].base) / FRAME; f++) {
			if (M.seg[i].state[f] != F_USED)
				continue;
			M.seg[i].state[f] = F_FREE;
			M.model_free++;
			pmm_free_frame(M.seg[i].base + f * FRAME);
		}
	}
	CHECK(M.model_free == M.start.free_frames, "model lost frames");
	if (!stats_match("after giving everything back"))
		return;
	uint64_t largest;
	if (!count_largest(&largest))
		return;
	machine_end();
}

/* Thousands of random allocations and frees checked against the model at every step:
 * no overlap, inside available memory, aligned, stats exact; a failed allocation only
 * when no aligned free run of that size exists; nothing leaked at the end and every
 * largest block whole again. */
static void random_ops(const struct spec *s, uint64_t seed, int ops)
{
	rng_state = seed;
	if (!start_checked(s))
		return;
	uint64_t largest0, largest1;
	if (!count_largest(&largest0))
		return;
	enum { MAX_LIVE = 2048 };
	static struct {
		phys_addr_t p;
		size_t n;
	} live[MAX_LIVE];
	size_t nlive = 0;
	int failed_allocs = 0, partial_frees = 0;
	for (int op = 0; op < ops; op++) {
		if (nlive < MAX_LIVE && (nlive == 0 || below(100) < 55)) {
			uint64_t r = below(100);
			size_t count = r < 50	? 1
				       : r < 80 ? 1 + below(16)
				       : r < 95 ? 17 + below(240)
						: 257 + below(MAX_RUN - 256);
			phys_addr_t p =
				count == 1 && r % 2 ? pmm_alloc_frame() : pmm_alloc_frames(count);
			if (p == PMM_NO_FRAME) {
				unsigned order = 0;
				while ((1ull << order) < count)
					order++;
				CHECK(!model_fit_exists(order),
				      "op %d: no run of %zu, but an aligned free one exists", op,
				      count);
				failed_allocs++;
			} else {
				if (!model_take(p, count))
					return;
				live[nlive].p = p;
				live[nlive++].n = count;
			}
		} else {
			size_t i = below(nlive);
			phys_addr_t p = live[i].p;
			size_t n = live[i].n;
			if (n >= 2 && below(100) < 20) { /* the tail only, the head stays */
				size_t keep = 1 + below(n - 1);
				if (!model_give_back(p, n, p + keep * FRAME, n - keep))
					return;
				pmm_free_frames(p + keep * FRAME, n - keep);
				live[i].n = keep;
				host(p + (keep - 1) * FRAME)[511] = TAG ^ p ^ keep;
				partial_frees++;
			} else {
				if (!model_give_back(p, n, p, n))
					return;
				if (n >= 2 && below(2)) { /* in two calls */
					size_t half = n / 2;
					pmm_free_frames(p + half * FRAME, n - half);
					pmm_free_frames(p, half);
				} else if (n == 1 && below(2)) {
					pmm_free_frame(p);
				} else {
					pmm_free_frames(p, n);
				}
				live[i] = live[--nlive];
			}
		}
		char when[64];
		snprintf(when, sizeof when, "op %d", op);
		if (!stats_match(when))
			return;
	}
	while (nlive) {
		nlive--;
		if (!model_give_back(live[nlive].p, live[nlive].n, live[nlive].p, live[nlive].n))
			return;
		pmm_free_frames(live[nlive].p, live[nlive].n);
	}
	CHECK(M.model_free == M.start.free_frames, "leaked %" PRIu64 " frames",
	      M.start.free_frames - M.model_free);
	if (!stats_match("after freeing everything") || !count_largest(&largest1))
		return;
	CHECK(largest1 == largest0,
	      "%" PRIu64 " largest blocks at the end, %" PRIu64 " at the start", largest1,
	      largest0);
	CHECK(failed_allocs > 0 && partial_frees > 0,
	      "the run never ran out of memory (%d) or never freed part of a run (%d)",
	      failed_allocs, partial_frees);
	machine_end();
}

static void random_64mib(void)
{
	random_ops(&MACHINE_A, 11, 20000);
	random_ops(&MACHINE_A, 12, 20000);
}

static void random_fragmented(void)
{
	random_ops(&MACHINE_FRAG, 21, 20000);
	random_ops(&MACHINE_FRAG, 22, 20000);
}

static void random_above_4g(void)
{
	random_ops(&MACHINE_HIGH, 31, 10000);
	random_ops(&MACHINE_ONLY_HIGH, 32, 10000);
}

/* pmm_init given overlapping, unsorted usable ranges: it may lose memory, but never
 * hands a frame out twice. */
static void unsanitised_input(void)
{
	random_ops(&MACHINE_UNSANITISED, 41, 10000);
}

static void touching_ranges(void)
{
	random_ops(&MACHINE_TOUCHING, 43, 10000);
}

/* ---- misuse ------------------------------------------------------------------------ */

/* Every byte of available memory and the stats, to show a misuse changed nothing. */
static unsigned char *snapshot(struct pmm_stats *stats)
{
	size_t bytes = 0;
	for (size_t i = 0; i < M.nseg; i++)
		bytes += M.seg[i].end - M.seg[i].base;
	unsigned char *copy = malloc(bytes), *c = copy;
	for (size_t i = 0; i < M.nseg; i++) {
		for (uint64_t f = 0; f < (M.seg[i].end - M.seg[i].base) / FRAME; f++, c += FRAME)
			if (M.seg[i].state[f] != F_NONE)
				memcpy(c, host(M.seg[i].base + f * FRAME), FRAME);
	}
	pmm_get_stats(stats);
	return copy;
}

static bool unchanged(const unsigned char *copy, const struct pmm_stats *stats)
{
	const unsigned char *c = copy;
	struct pmm_stats now;
	pmm_get_stats(&now);
	if (memcmp(&now, stats, sizeof now))
		return false;
	for (size_t i = 0; i < M.nseg; i++)
		for (uint64_t f = 0; f < (M.seg[i].end - M.seg[i].base) / FRAME; f++, c += FRAME)
			if (M.seg[i].state[f] != F_NONE &&
			    memcmp(c, host(M.seg[i].base + f * FRAME), FRAME))
				return false;
	return true;
}

/* One misuse: reported once, as `what` (a substring; NULL for any) about `frame`, and
 * nothing at all changed. */
static void misuse_case(const char *name, phys_addr_t first, size_t count, const char *what,
			phys_addr_t frame)
{
	struct pmm_stats stats;
	unsigned char *copy = snapshot(&stats);
	misuse.count = 0;
	misuse.what = "(nothing)";
	pmm_free_frames(first, count);
	cases++;
	if (misuse.count != 1 || (what && !strstr(misuse.what, what)) || misuse.frame != frame)
		fail("%s: %d reports, the last \"%s\" at %#" PRIx64 "; expected one \"%s\" at "
		     "%#" PRIx64,
		     name, misuse.count, misuse.what, misuse.frame, what ? what : "(any)", frame);
	else if (!unchanged(copy, &stats))
		fail("%s: reported, but memory or stats changed", name);
	misuse.count = 0;
	free(copy);
}

static void misuse_reported(void)
{
	static const struct spec s = {
		.mem = {{MIB, 9 * MIB}, {12 * MIB, 14 * MIB}},
		.nmem = 2,
		.reserved = {{MIB, 2 * MIB}, {3 * MIB, 3 * MIB + 8 * KIB}},
		.nreserved = 2,
	};
	if (!start_checked(&s))
		return;
	/* r: a run of 3, so the frame after it is free (given back at once). */
	phys_addr_t a = pmm_alloc_frame(), b = pmm_alloc_frame(), r = pmm_alloc_frames(3);
	CHECK(a && r && b && model_take(a, 1) && model_take(b, 1) && model_take(r, 3),
	      "no frames to misuse");
	if (!model_give_back(a, 1, a, 1))
		return;
	pmm_free_frame(a);
	if (!stats_match("after a good free"))
		return;
	misuse_case("double free", a, 1, "double free", a);
	misuse_case("free of a reserved frame", MIB + FRAME, 1, "never handed out", MIB + FRAME);
	misuse_case("free of a frame in a reserved sliver", 3 * MIB + FRAME, 1, "never handed out",
		    3 * MIB + FRAME);
	misuse_case("free of a metadata frame", M.meta_base, 1, "never handed out", M.meta_base);
	misuse_case("free of the last metadata frame", M.meta_base + (M.meta_frames - 1) * FRAME, 1,
		    "never handed out", M.meta_base + (M.meta_frames - 1) * FRAME);
	misuse_case("free of a frame in a hole", 10 * MIB, 1, "never handed out", 10 * MIB);
	misuse_case("free of frame 0", 0, 1, NULL, 0);
	misuse_case("free below 1 MiB", 0x9f000, 1, NULL, 0x9f000);
	misuse_case("free past the end", 256 * MIB, 1, "outside", 256 * MIB);
	misuse_case("free of the top frame", LAST_FRAME, 1, "outside", LAST_FRAME);
	misuse_case("misaligned free", r + 0x800, 1, "misaligned", r + 0x800);
	misuse_case("misaligned run", r + 8, 4, "misaligned", r + 8);
	misuse_case("free of zero frames", r, 0, "zero", r);
	misuse_case("a run freed with one frame too many", r, 4, "double free", r + 3 * FRAME);
	misuse_case("a run running off managed memory", r, SIZE_MAX, "outside", 16 * MIB);
	misuse_case("PMM_NO_FRAME", PMM_NO_FRAME, 1, NULL, 0);
	/* Part of the run freed (allowed), then the whole: a double free of that part. */
	if (!model_give_back(r, 3, r + FRAME, 2))
		return;
	pmm_free_frames(r + FRAME, 2);
	host(r)[511] = TAG ^ r ^ 1; /* r is a run of one now */
	if (!stats_match("after freeing part of a run"))
		return;
	misuse_case("double free of part of a run", r, 3, "double free", r + FRAME);
	/* What was misused is still intact: the good frees work. */
	if (!model_give_back(r, 1, r, 1) || !model_give_back(b, 1, b, 1))
		return;
	pmm_free_frame(r);
	pmm_free_frame(b);
	if (!stats_match("after the good frees"))
		return;
	CHECK(M.model_free == M.start.free_frames, "frames lost to misuse");
	uint64_t largest;
	if (!count_largest(&largest))
		return;
	machine_end();
}

/* A free frame written to after it was freed: noticed when the list reaches it, and
 * nothing follows the bad link. */
static void overwritten_free_frame(void)
{
	static const struct spec s = {.mem = {{MIB, 2 * MIB}}, .nmem = 1};
	if (!start_checked(&s))
		return;
	/* Every frame taken; three with taken buddies freed, so they stay apart. */
	for (phys_addr_t p; (p = pmm_alloc_frame()) != PMM_NO_FRAME;)
		if (!model_take(p, 1))
			return;
	phys_addr_t x = M.meta_base + 4 * FRAME, y = x + 8 * FRAME, z = y + 8 * FRAME;
	phys_addr_t order[3] = {x, y, z};
	for (int i = 0; i < 3; i++) {
		if (!model_give_back(order[i], 1, order[i], 1))
			return;
		pmm_free_frame(order[i]);
	}
	if (!stats_match("after three frees"))
		return;
	memset(host(y), 0x41, 64); /* a use after free */
	CHECK(pmm_alloc_frame() == z, "the last frame freed did not come first");
	*state_of(z) = F_USED;
	misuse.count = 0;
	phys_addr_t p = pmm_alloc_frame();
	CHECK(p == PMM_NO_FRAME && misuse.count == 1 && strstr(misuse.what, "corrupted") &&
		      misuse.frame == y,
	      "an overwritten free frame: got %#" PRIx64 ", %d reports (\"%s\" at %#" PRIx64 ")", p,
	      misuse.count, misuse.count ? misuse.what : "", misuse.frame);
	/* Freeing its buddy: the merge is refused, the frame still freed. */
	misuse.count = 0;
	*state_of(y ^ FRAME) = F_FREE;
	pmm_free_frame(y ^ FRAME);
	CHECK(misuse.count == 1 && misuse.frame == y,
	      "a merge with an overwritten buddy: %d reports", misuse.count);
	machine_end();
	misuse.count = 0;
}

/* ---- big machines and timing ---------------------------------------------------- */

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* 8 GiB as QEMU lays it out (-m 8G): init time, metadata size, every largest block. */
static void init_8gib(void)
{
	static const struct spec s = {
		.mem = {{MIB, 0xbffdf000}, {4 * GIB, 9 * GIB}},
		.nmem = 2,
		.reserved = {{MIB, 3 * MIB}},
		.nreserved = 1,
	};
	misuse.count = 0;
	CHECK(machine_start(&s), "pmm_init refused 8 GiB");
	uint64_t span = 9 * GIB / FRAME;
	CHECK(M.start.used_frames == expected_metadata_frames(span),
	      "metadata %" PRIu64 " frames, expected %" PRIu64, M.start.used_frames,
	      expected_metadata_frames(span));
	/* The metadata is at 3 MiB: mark it so the model does not count it as free. */
	for (uint64_t f = 0; f < M.start.used_frames; f++)
		*state_of(3 * MIB + f * FRAME) = F_META;
	touches = 0;
	double t2 = seconds(); /* again, timed without mapping the host memory */
	CHECK(pmm_init(s.mem, s.nmem, s.reserved, s.nreserved, to_virt), "a second init failed");
	double t3 = seconds();
	uint64_t init_touches = touches;
	/* Init must not write into each largest block (under QEMU that clears a host huge
	 * page each): the metadata, and links at the edges of the two ranges only. */
	CHECK(init_touches <= 1 + 2 * 2 * PMM_MAX_ORDER, "init reached into %" PRIu64 " frames",
	      init_touches);
	uint64_t largest;
	if (!count_largest(&largest))
		return;
	CHECK(largest == (0xbfc00000 - 4 * MIB) / (4 * MIB) + 5 * GIB / (4 * MIB),
	      "%" PRIu64 " largest blocks in 8 GiB", largest);
	snprintf(note, sizeof note,
		 "; metadata %" PRIu64 " KiB for a 9 GiB span, init %.2f ms touching %" PRIu64
		 " frames",
		 M.start.used_frames * 4, (t3 - t2) * 1e3, init_touches);
	machine_end();
}

static void timing(void)
{
	if (!start_checked(&MACHINE_A))
		return;
	enum { PAIRS = 1000000, BATCH = 1000 };
	double t0 = seconds();
	for (int i = 0; i < PAIRS; i++) {
		phys_addr_t p = pmm_alloc_frame();
		if (p == PMM_NO_FRAME)
			break;
		pmm_free_frame(p);
	}
	double t1 = seconds();
	static phys_addr_t held[BATCH];
	for (int round = 0; round < PAIRS / BATCH; round++) {
		for (int i = 0; i < BATCH; i++)
			held[i] = pmm_alloc_frame();
		for (int i = 0; i < BATCH; i++)
			pmm_free_frame(held[i]);
	}
	double t2 = seconds();
	if (!stats_match("after timing"))
		return;
	snprintf(note, sizeof note,
		 "; %.0f ns per alloc+free pair, %.0f ns in batches of %d (this build)",
		 (t1 - t0) * 1e9 / PAIRS, (t2 - t1) * 1e9 / PAIRS, BATCH);
	cases++;
	machine_end();
}

/* ---- the groups, in order --------------------------------------------------- */

static const struct unit_group GROUPS[] = {
	GROUP(e820_table),
	GROUP(ranges_clipped),
	GROUP(e820_random_low),
	GROUP(e820_random_across_4g),
	GROUP(e820_random_wrapping),
	GROUP(e820_many_entries),
	GROUP(init_rejects),
	GROUP(init_layout),
	GROUP(runs_aligned),
	GROUP(exhaustion_and_recovery),
	GROUP(random_64mib),
	GROUP(random_fragmented),
	GROUP(random_above_4g),
	GROUP(unsanitised_input),
	GROUP(touching_ranges),
	GROUP(misuse_reported),
	GROUP(overwritten_free_frame),
	GROUP(init_8gib),
	GROUP(timing),
};

static const struct unit_hooks hooks = {NULL, machine_end, NULL};

int main(int argc, char **argv)
{
	return unit_main(GROUPS, sizeof GROUPS / sizeof GROUPS[0], &hooks, argc, argv);
}
