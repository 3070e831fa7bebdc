/* KTESTs for e820.c (test kernel only). */
#include "e820.h"

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
