/* Host unit tests for boot/uefi/memmap.c: UEFI memory maps made up here, turned into
 * the kernel's E820 entries (types as Linux's EFI stub gives them, neighbours of one
 * type merged, the table's limit), and the check that the kernel's range at 1 MiB
 * is free once boot services end. Descriptors are laid out with a stride larger
 * than the struct, as firmware does (OVMF: 48 bytes), so a walk by sizeof shows.
 * Prints one "group ... ok" or "group ... FAILED: ..." line per group. */
#include <stdint.h>
#include <string.h>

#include "../../boot/uefi/memmap.h"

#include "unit.h"

#define MIB	  (1024ull * 1024)
#define STRIDE	  48 /* bytes from one descriptor to the next */
#define MAX_DESCS 200

static _Alignas(8) uint8_t storage[MAX_DESCS * STRIDE];
static struct memory_map map;
static struct boot_info info;

static void start_map(void)
{
	memset(storage, 0xA5, sizeof storage); /* junk between descriptors */
	map = (struct memory_map){(struct efi_memory_descriptor *)storage, 0, sizeof storage, 0,
				  STRIDE};
	memset(&info, 0, sizeof info);
}

static void add(uint32_t type, uint64_t base, uint64_t bytes)
{
	struct efi_memory_descriptor *d = (void *)(storage + map.size);
	*d = (struct efi_memory_descriptor){type, base, 0, bytes / EFI_PAGE_SIZE, 0};
	map.size += STRIDE;
}

static void types_follow_linuxs_efi_stub(void)
{
	static const struct {
		uint32_t efi, e820;
	} table[] = {
		{EFI_LOADER_CODE, E820_USABLE},
		{EFI_LOADER_DATA, E820_USABLE},
		{EFI_BOOT_SERVICES_CODE, E820_USABLE},
		{EFI_BOOT_SERVICES_DATA, E820_USABLE},
		{EFI_CONVENTIONAL_MEMORY, E820_USABLE},
		{EFI_ACPI_RECLAIM_MEMORY, E820_ACPI_RECLAIMABLE},
		{EFI_ACPI_MEMORY_NVS, E820_ACPI_NVS},
		{EFI_UNUSABLE_MEMORY, E820_BAD},
		{EFI_RESERVED_MEMORY, E820_RESERVED},
		{EFI_RUNTIME_SERVICES_CODE, E820_RESERVED},
		{EFI_RUNTIME_SERVICES_DATA, E820_RESERVED},
		{EFI_MEMORY_MAPPED_IO, E820_RESERVED},
		{EFI_MEMORY_MAPPED_IO_PORT_SPACE, E820_RESERVED},
		{EFI_PAL_CODE, E820_RESERVED},
		{EFI_PERSISTENT_MEMORY, E820_RESERVED},
		{99, E820_RESERVED}, /* a type from a later spec */
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		start_map();
		add(table[i].efi, 0x200000, 3 * EFI_PAGE_SIZE);
		bool ok = memory_map_to_e820(&map, &info);
		CHECK(ok && info.e820_count == 1, "EFI type %u: %u entries", table[i].efi,
		      info.e820_count);
		CHECK(info.e820[0].type == table[i].e820, "EFI type %u became E820 type %u, not %u",
		      table[i].efi, info.e820[0].type, table[i].e820);
		CHECK(info.e820[0].base == 0x200000 && info.e820[0].length == 3 * EFI_PAGE_SIZE,
		      "EFI type %u: base %#llx length %#llx", table[i].efi,
		      (unsigned long long)info.e820[0].base,
		      (unsigned long long)info.e820[0].length);
		CHECK(info.e820[0].acpi_attributes == 1, "the ACPI 3.0 'enabled' bit is not set");
	}
}

static void neighbours_of_one_type_merge(void)
{
	start_map();
	add(EFI_CONVENTIONAL_MEMORY, 0, 640 * 1024);
	add(EFI_RESERVED_MEMORY, 0xF0000, 64 * 1024); /* a hole before it: no merge */
	add(EFI_LOADER_CODE, MIB, MIB);		      /* usable... */
	add(EFI_BOOT_SERVICES_DATA, 2 * MIB, MIB);    /* ...usable, adjacent: merge */
	add(EFI_CONVENTIONAL_MEMORY, 3 * MIB, 5 * MIB);
	add(EFI_ACPI_MEMORY_NVS, 8 * MIB, 64 * 1024); /* another type: a new entry */
	add(EFI_CONVENTIONAL_MEMORY, 8 * MIB + 64 * 1024, MIB);
	add(EFI_CONVENTIONAL_MEMORY, 16 * MIB, MIB); /* usable but not adjacent */
	CHECK(memory_map_to_e820(&map, &info), "a short map did not fit");
	static const struct e820_entry want[] = {
		{0, 640 * 1024, E820_USABLE, 1},
		{0xF0000, 64 * 1024, E820_RESERVED, 1},
		{MIB, 7 * MIB, E820_USABLE, 1},
		{8 * MIB, 64 * 1024, E820_ACPI_NVS, 1},
		{8 * MIB + 64 * 1024, MIB, E820_USABLE, 1},
		{16 * MIB, MIB, E820_USABLE, 1},
	};
	CHECK(info.e820_count == sizeof want / sizeof want[0], "%u entries, not %zu",
	      info.e820_count, sizeof want / sizeof want[0]);
	for (unsigned i = 0; i < info.e820_count && i < sizeof want / sizeof want[0]; i++)
		CHECK(!memcmp(&info.e820[i], &want[i], sizeof want[i]),
		      "entry %u: %#llx+%#llx type %u, wanted %#llx+%#llx type %u", i,
		      (unsigned long long)info.e820[i].base,
		      (unsigned long long)info.e820[i].length, info.e820[i].type,
		      (unsigned long long)want[i].base, (unsigned long long)want[i].length,
		      want[i].type);
}

static void more_than_the_table_holds_is_refused(void)
{
	/* Alternating types never merge: BOOT_E820_MAX fit, one more does not. */
	for (unsigned n = BOOT_E820_MAX; n <= BOOT_E820_MAX + 1; n++) {
		start_map();
		for (unsigned i = 0; i < n; i++)
			add(i % 2 ? EFI_ACPI_MEMORY_NVS : EFI_CONVENTIONAL_MEMORY,
			    (uint64_t)i * EFI_PAGE_SIZE, EFI_PAGE_SIZE);
		bool ok = memory_map_to_e820(&map, &info);
		CHECK(ok == (n == BOOT_E820_MAX), "%u entries: %s", n, ok ? "fitted" : "refused");
		if (ok)
			CHECK(info.e820_count == n, "%u entries counted as %u", n, info.e820_count);
	}
}

static void kernel_range_is_free_only_if_all_of_it_is(void)
{
	uint64_t base = MIB, end = 5 * MIB;
	start_map(); /* out of order, as a map may be; all free types */
	add(EFI_CONVENTIONAL_MEMORY, 3 * MIB, 4 * MIB);
	add(EFI_BOOT_SERVICES_CODE, MIB, MIB);
	add(EFI_LOADER_DATA, 2 * MIB, MIB);
	CHECK(first_kept_byte(&map, base, end) == end, "a free range reported kept at %#llx",
	      (unsigned long long)first_kept_byte(&map, base, end));

	start_map(); /* runtime data in the middle */
	add(EFI_CONVENTIONAL_MEMORY, MIB, 2 * MIB);
	add(EFI_RUNTIME_SERVICES_DATA, 3 * MIB, EFI_PAGE_SIZE);
	add(EFI_CONVENTIONAL_MEMORY, 3 * MIB + EFI_PAGE_SIZE, 2 * MIB);
	CHECK(first_kept_byte(&map, base, end) == 3 * MIB, "runtime data at 3 MiB: got %#llx",
	      (unsigned long long)first_kept_byte(&map, base, end));

	start_map(); /* a hole the map does not describe */
	add(EFI_CONVENTIONAL_MEMORY, MIB, MIB);
	add(EFI_CONVENTIONAL_MEMORY, 2 * MIB + EFI_PAGE_SIZE, 4 * MIB);
	CHECK(first_kept_byte(&map, base, end) == 2 * MIB, "a hole at 2 MiB: got %#llx",
	      (unsigned long long)first_kept_byte(&map, base, end));

	start_map(); /* ACPI NVS at the very start */
	add(EFI_ACPI_MEMORY_NVS, MIB, EFI_PAGE_SIZE);
	add(EFI_CONVENTIONAL_MEMORY, MIB + EFI_PAGE_SIZE, 8 * MIB);
	CHECK(first_kept_byte(&map, base, end) == MIB, "NVS at 1 MiB: got %#llx",
	      (unsigned long long)first_kept_byte(&map, base, end));
}

static const struct unit_group GROUPS[] = {
	GROUP(types_follow_linuxs_efi_stub),
	GROUP(neighbours_of_one_type_merge),
	GROUP(more_than_the_table_holds_is_refused),
	GROUP(kernel_range_is_free_only_if_all_of_it_is),
};

int main(int argc, char **argv)
{
	return unit_main(GROUPS, sizeof GROUPS / sizeof GROUPS[0], NULL, argc, argv);
}
