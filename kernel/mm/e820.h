/* The BIOS memory map the boot sector collected (E820): the usable total,
 * the printed map, and sanitising it into the usable ranges the memory manager
 * builds on. Pure but for e820_print: host tests build it too. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../bootinfo.h"

/* A physical range [base, end). */
struct mem_range {
	uint64_t base, end;
};

/* The entry's last byte; an entry that would wrap past 2^64 stops at the top. (For
 * a zero-length entry this says 2^64 - 1: callers skip those first.) */
static inline uint64_t e820_last_byte(const struct e820_entry *e)
{
	return e->length - 1 > ~0ull - e->base ? ~0ull : e->base + e->length - 1;
}

/* Bytes of usable RAM, counting any overlap between usable entries once. */
uint64_t e820_usable_bytes(const struct boot_info *bi);

void e820_print(const struct boot_info *bi);

/* Sanitises an E820 map, in any order and of any count: drops zero-length entries,
 * resolves overlaps (where a usable entry overlaps any other type, unknown types
 * included, the other type wins; overlapping or touching usable entries merge), clips
 * entries that wrap past 2^64, shrinks usable ranges inward to whole 4 KiB frames,
 * and keeps what lies at or above 1 MiB. Memory above 4 GiB is kept (the frame just
 * below 2^64 is not: its end has no uint64_t). A usable entry whose ACPI 3.0
 * attributes are non-zero with bit 0 (enabled) clear is ignored. Writes the usable
 * ranges, sorted and disjoint, and returns how many it wrote: if there are more than
 * `max`, the `max` largest (lower addresses winning ties). O(count^2) time, no
 * scratch memory. */
size_t e820_sanitise(const struct e820_entry *map, size_t count, struct mem_range *usable,
		     size_t max);

/* Cuts the ranges at `limit`, which must be frame-aligned: what lies at or above it
 * goes, and ranges left empty are dropped. Returns the new count; adds the bytes cut
 * off to *cut. (Memory past what the CPU or the direct map can address.) */
size_t mem_ranges_clip(struct mem_range *ranges, size_t count, uint64_t limit, uint64_t *cut);
