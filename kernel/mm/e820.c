#include "e820.h"

#include <stdbool.h>

#include "../console.h"
#include "pmm.h"

#define FRAME_MASK (PMM_FRAME_SIZE - 1)
#define LAST_FRAME (~0ull & ~FRAME_MASK) /* base of the frame just below 2^64 */
#define LOW_MEMORY (1ull << 20)		 /* the first MiB: BIOS data, never handed out */

static const char *type_name(uint32_t type)
{
	switch (type) {
	case E820_USABLE: return "usable";
	case E820_RESERVED: return "reserved";
	case E820_ACPI_RECLAIMABLE: return "ACPI reclaimable";
	case E820_ACPI_NVS: return "ACPI NVS";
	case E820_BAD: return "bad memory";
	default: return "unknown type";
	}
}

/* Both sweeps below walk the points where some entry they count starts or ends:
 * between two of them the answer is the same everywhere. */
typedef bool (*e820_filter)(const struct e820_entry *e);

/* The first point above `addr` where an entry `counts` keeps starts or ends; false if
 * none. The point past an entry that reaches 2^64 is 0: never above. */
static bool next_boundary(const struct e820_entry *map, size_t count, e820_filter counts,
			  uint64_t addr, uint64_t *next)
{
	bool found = false;
	uint64_t best = 0;
	for (size_t i = 0; i < count; i++) {
		const struct e820_entry *e = &map[i];
		if (!counts(e))
			continue;
		const uint64_t points[2] = {e->base, e820_last_byte(e) + 1};
		for (int p = 0; p < 2; p++) {
			if (points[p] > addr && (!found || points[p] < best)) {
				best = points[p];
				found = true;
			}
		}
	}
	*next = best;
	return found;
}

/* ---- the usable total ----------------------------------------------------------- */

static bool is_usable(const struct e820_entry *e)
{
	return e->type == E820_USABLE && e->length != 0;
}

static bool covered_by_usable(const struct boot_info *bi, uint64_t addr)
{
	for (int i = 0; i < bi->e820_count; i++)
		if (is_usable(&bi->e820[i]) && bi->e820[i].base <= addr &&
		    addr <= e820_last_byte(&bi->e820[i]))
			return true;
	return false;
}

/* Entries inside, across or on top of others count once. */
uint64_t e820_usable_bytes(const struct boot_info *bi)
{
	uint64_t total = 0, addr = 0, next = 0;
	while (next_boundary(bi->e820, bi->e820_count, is_usable, addr, &next)) {
		if (covered_by_usable(bi, addr))
			total += next - addr;
		addr = next;
	}
	if (covered_by_usable(bi, addr)) { /* a run up to 2^64, which may not fit: saturate */
		uint64_t room = ~0ull - total, run_less_one = ~0ull - addr;
		total = run_less_one >= room ? ~0ull : total + run_less_one + 1;
	}
	return total;
}

void e820_print(const struct boot_info *bi)
{
	kprintf("memory map (%s, %u entries):\n",
		bi->firmware == BOOT_FROM_UEFI ? "UEFI's, as E820" : "BIOS E820", bi->e820_count);
	for (int i = 0; i < bi->e820_count; i++) {
		const struct e820_entry *e = &bi->e820[i];
		kprintf("  %016llx-%016llx %s", (unsigned long long)e->base,
			(unsigned long long)(e->length ? e820_last_byte(e) : e->base),
			type_name(e->type));
		if (e->type > E820_BAD)
			kprintf(" %u", e->type);
		kprintf(e->length ? "\n" : " (empty)\n");
	}
	uint64_t usable = e820_usable_bytes(bi);
	kprintf("usable memory: %llu MiB (%llu KiB)\n", (unsigned long long)(usable >> 20),
		(unsigned long long)(usable >> 10));
}

/* ---- sanitising ------------------------------------------------------------- */

/* Whether an entry says anything. ACPI 3.0 extended attributes (table 14-2) with bit 0
 * clear mean "ignore this entry"; only usable entries are ignored for it, so a stray
 * attribute can hide memory but never make a reserved range usable. */
static bool e820_counts(const struct e820_entry *e)
{
	if (e->length == 0)
		return false;
	return e->type != E820_USABLE || e->acpi_attributes == 0 || (e->acpi_attributes & 1);
}

/* Usable at `addr`: some usable entry covers it and no entry of another type does. */
static bool e820_usable_at(const struct e820_entry *map, size_t count, uint64_t addr)
{
	bool usable = false;
	for (size_t i = 0; i < count; i++) {
		const struct e820_entry *e = &map[i];
		if (!e820_counts(e) || addr < e->base || addr > e820_last_byte(e))
			continue;
		if (e->type != E820_USABLE)
			return false;
		usable = true;
	}
	return usable;
}

/* Adds [base, end) to the `n` ranges kept so far. Once `max` are kept, a new range
 * replaces the smallest if it is larger (of equal smallest, the highest goes): the
 * result is the `max` largest, lower addresses winning ties, still sorted. */
static size_t e820_keep(struct mem_range *out, size_t n, size_t max, uint64_t base, uint64_t end)
{
	if (n < max) {
		out[n].base = base;
		out[n].end = end;
		return n + 1;
	}
	size_t smallest = 0;
	for (size_t i = 1; i < n; i++)
		if (out[i].end - out[i].base <= out[smallest].end - out[smallest].base)
			smallest = i;
	if (end - base <= out[smallest].end - out[smallest].base)
		return n;
	for (size_t i = smallest; i + 1 < n; i++)
		out[i] = out[i + 1];
	out[n - 1].base = base;
	out[n - 1].end = end;
	return n;
}

/* A maximal usable run [base, end) (end 0 for "up to 2^64"), shrunk to whole frames. */
static size_t e820_keep_run(struct mem_range *out, size_t n, size_t max, uint64_t base,
			    uint64_t end)
{
	if (base > LAST_FRAME)
		return n;
	base = (base + FRAME_MASK) & ~FRAME_MASK;
	end = end == 0 ? LAST_FRAME : end & ~FRAME_MASK; /* 2^64 has no uint64_t */
	return base < end ? e820_keep(out, n, max, base, end) : n;
}

/* Each round of the sweep passes one point where an entry starts or ends, so there
 * are at most 2 * count + 1 rounds of O(count) work: quadratic, without scratch
 * memory. */
size_t e820_sanitise(const struct e820_entry *map, size_t count, struct mem_range *usable,
		     size_t max)
{
	size_t n = 0;
	bool in_run = false;
	uint64_t run_base = 0, addr = LOW_MEMORY;
	if (max == 0)
		return 0;
	for (;;) {
		bool here = e820_usable_at(map, count, addr);
		if (here && !in_run) {
			run_base = addr;
			in_run = true;
		} else if (!here && in_run) {
			n = e820_keep_run(usable, n, max, run_base, addr);
			in_run = false;
		}
		if (!next_boundary(map, count, e820_counts, addr, &addr))
			break;
	}
	if (in_run)
		n = e820_keep_run(usable, n, max, run_base, 0);
	return n;
}

size_t mem_ranges_clip(struct mem_range *ranges, size_t count, uint64_t limit, uint64_t *cut)
{
	size_t kept = 0;
	for (size_t i = 0; i < count; i++) {
		struct mem_range r = ranges[i];
		if (r.end > limit) {
			*cut += r.end - (r.base > limit ? r.base : limit);
			r.end = limit;
		}
		if (r.base < r.end)
			ranges[kept++] = r;
	}
	return kept;
}
