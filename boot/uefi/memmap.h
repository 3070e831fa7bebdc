/* The UEFI memory map: taking it, and turning it into the kernel's E820 entries. */
#pragma once

#include <stdbool.h>

#include "../../kernel/bootinfo.h"
#include "efi.h"

struct memory_map {
	struct efi_memory_descriptor *descriptors;
	uint64_t size, capacity; /* bytes */
	uint64_t key, descriptor_size;
};

/* Makes room for the map with some to spare (allocating changes the map), then
 * takes it. After a failed ExitBootServices only take_memory_map may run again. */
efi_status reserve_memory_map(struct efi_boot_services *bs, struct memory_map *map);
efi_status take_memory_map(struct efi_boot_services *bs, struct memory_map *map);

/* Fills bi->e820 as Linux's EFI stub does (setup_e820): what is free once boot
 * services end is usable, ACPI tables reclaimable, the rest reserved; neighbours
 * of one type merge. False if more than BOOT_E820_MAX entries remain. */
bool memory_map_to_e820(const struct memory_map *map, struct boot_info *bi);

/* The first byte of [base, end) that is not RAM the loader may overwrite once boot
 * services have ended (firmware runtime memory, ACPI, a hole), or end if none. */
uint64_t first_kept_byte(const struct memory_map *map, uint64_t base, uint64_t end);
