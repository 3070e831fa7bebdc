#include "e820.h"

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

/* Bytes of [base, end) not already covered by a usable entry before index i. */
static uint64_t usable_not_counted_before(const struct boot_info *bi, int i)
{
	uint64_t base = bi->e820[i].base, end = base + bi->e820[i].length;
	for (int j = 0; j < i && base < end; j++) {
		const struct e820_entry *e = &bi->e820[j];
		if (e->type != E820_USABLE)
			continue;
		uint64_t e_end = e->base + e->length;
		if (e->base <= base && e_end > base)
			base = e_end; /* overlaps our start: skip past it */
		else if (e->base < end && e_end >= end)
			end = e->base; /* overlaps our end: stop before it */
	}
	return end > base ? end - base : 0;
}

uint64_t e820_usable_bytes(const struct boot_info *bi)
{
	uint64_t total = 0;
	for (int i = 0; i < bi->e820_count; i++)
		if (bi->e820[i].type == E820_USABLE)
			total += usable_not_counted_before(bi, i);
	return total;
}

void e820_print(const struct boot_info *bi)
{
	kprintf("memory map (BIOS E820, %u entries):\n", bi->e820_count);
	for (int i = 0; i < bi->e820_count; i++) {
		const struct e820_entry *e = &bi->e820[i];
		kprintf("  %016llx-%016llx %s", (unsigned long long)e->base,
			(unsigned long long)(e->base + e->length - 1), e820_type_name(e->type));
		if (e->type > E820_BAD)
			kprintf(" %u", e->type);
		kprintf("\n");
	}
	uint64_t usable = e820_usable_bytes(bi);
	kprintf("usable memory: %llu MiB (%llu KiB)\n", (unsigned long long)(usable >> 20),
		(unsigned long long)(usable >> 10));
}
