#include "e820.h"

#include <stdbool.h>

#include "../console.h"

const char *e820_type_name(uint32_t type)
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

static bool is_usable(const struct e820_entry *e)
{
	return e->type == E820_USABLE && e->length != 0;
}

static bool usable_at(const struct boot_info *bi, uint64_t addr)
{
	for (int i = 0; i < bi->e820_count; i++)
		if (is_usable(&bi->e820[i]) && bi->e820[i].base <= addr &&
		    addr <= e820_last_byte(&bi->e820[i]))
			return true;
	return false;
}

/* The first point above addr where a usable entry starts or ends; false if none. */
static bool next_point(const struct boot_info *bi, uint64_t addr, uint64_t *next)
{
	bool found = false;
	for (int i = 0; i < bi->e820_count; i++) {
		const struct e820_entry *e = &bi->e820[i];
		uint64_t last = e820_last_byte(e);
		const uint64_t points[2] = {e->base, last + 1}; /* 0 for the top: never above */
		for (int p = 0; p < 2 && is_usable(e); p++)
			if (points[p] > addr && (!found || points[p] < *next)) {
				*next = points[p];
				found = true;
			}
	}
	return found;
}

/* A sweep over the points where usable entries start and end: the answer is the same
 * between two of them, so entries inside, across or on top of others count once. */
uint64_t e820_usable_bytes(const struct boot_info *bi)
{
	uint64_t total = 0, addr = 0, next = 0;
	while (next_point(bi, addr, &next)) {
		if (usable_at(bi, addr))
			total += next - addr;
		addr = next;
	}
	if (usable_at(bi, addr)) { /* a run up to 2^64, which may not fit: saturate */
		uint64_t room = ~0ull - total, run_less_one = ~0ull - addr;
		total = run_less_one >= room ? ~0ull : total + run_less_one + 1;
	}
	return total;
}

void e820_print(const struct boot_info *bi)
{
	kprintf("memory map (BIOS E820, %u entries):\n", bi->e820_count);
	for (int i = 0; i < bi->e820_count; i++) {
		const struct e820_entry *e = &bi->e820[i];
		kprintf("  %016llx-%016llx %s", (unsigned long long)e->base,
			(unsigned long long)(e->length ? e820_last_byte(e) : e->base),
			e820_type_name(e->type));
		if (e->type > E820_BAD)
			kprintf(" %u", e->type);
		kprintf(e->length ? "\n" : " (empty)\n");
	}
	uint64_t usable = e820_usable_bytes(bi);
	kprintf("usable memory: %llu MiB (%llu KiB)\n", (unsigned long long)(usable >> 20),
		(unsigned long long)(usable >> 10));
}

#include "../test/ktest.h"

static struct boot_info test_map;

static void test_entry(uint64_t base, uint64_t length, uint32_t type)
{
	struct e820_entry e = {.base = base, .length = length, .type = type};
	test_map.e820[test_map.e820_count++] = e;
}

#define MIB (1ull << 20)

KTEST(e820_usable_bytes_counts_every_byte_once)
{
	test_map.e820_count = 0;
	test_entry(2 * MIB, MIB, E820_USABLE); /* inside the next one */
	test_entry(MIB, 127 * MIB, E820_USABLE);
	test_entry(8 * MIB, MIB, E820_RESERVED);       /* does not change the union */
	test_entry(100 * MIB, 200 * MIB, E820_USABLE); /* across its end */
	KEXPECT_EQ(e820_usable_bytes(&test_map), 299 * MIB);

	test_entry(1ull << 32, ~0ull, E820_USABLE); /* wraps past 2^64: up to the top */
	KEXPECT_EQ(e820_usable_bytes(&test_map), 299 * MIB + (0 - (1ull << 32)));
	test_entry(0, 0, E820_USABLE);
	KEXPECT_EQ(e820_usable_bytes(&test_map), 299 * MIB + (0 - (1ull << 32)));
	test_entry(0, ~0ull, E820_USABLE); /* everything: 2^64 does not fit */
	KEXPECT_EQ(e820_usable_bytes(&test_map), ~0ull);
}
