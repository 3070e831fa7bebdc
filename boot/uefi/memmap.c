#include "memmap.h"

#define SPARE_DESCRIPTORS 16

#define for_each_descriptor(d, map)                                      \
	for (struct efi_memory_descriptor *d = (map)->descriptors;       \
	     (uint8_t *)d < (uint8_t *)(map)->descriptors + (map)->size; \
	     d = (struct efi_memory_descriptor *)((uint8_t *)d + (map)->descriptor_size))

efi_status reserve_memory_map(struct efi_boot_services *bs, struct memory_map *map)
{
	uint64_t size = 0, key, descriptor_size = sizeof(struct efi_memory_descriptor);
	uint32_t version;
	efi_status s = bs->get_memory_map(&size, 0, &key, &descriptor_size, &version);
	if (s != EFI_BUFFER_TOO_SMALL)
		return EFI_ERROR(s) ? s : EFI_LOAD_ERROR;
	map->capacity = size + SPARE_DESCRIPTORS * descriptor_size;
	return bs->allocate_pool(EFI_LOADER_DATA, map->capacity, (void **)&map->descriptors);
}

efi_status take_memory_map(struct efi_boot_services *bs, struct memory_map *map)
{
	uint32_t version;
	map->size = map->capacity;
	return bs->get_memory_map(&map->size, map->descriptors, &map->key, &map->descriptor_size,
				  &version);
}

/* Linux's drivers/firmware/efi/libstub/x86-stub.c, setup_e820, for the types. */
static uint32_t e820_type(uint32_t efi_type)
{
	switch (efi_type) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_CONVENTIONAL_MEMORY: return E820_USABLE;
	case EFI_ACPI_RECLAIM_MEMORY: return E820_ACPI_RECLAIMABLE;
	case EFI_ACPI_MEMORY_NVS: return E820_ACPI_NVS;
	case EFI_UNUSABLE_MEMORY: return E820_BAD;
	default: return E820_RESERVED; /* runtime services, MMIO, reserved, persistent */
	}
}

bool memory_map_to_e820(const struct memory_map *map, struct boot_info *bi)
{
	unsigned n = 0;
	for_each_descriptor(d, map)
	{
		uint32_t type = e820_type(d->type);
		uint64_t length = d->number_of_pages * EFI_PAGE_SIZE;
		struct e820_entry *last = n ? &bi->e820[n - 1] : 0;
		if (last && last->type == type && last->base + last->length == d->physical_start) {
			last->length += length;
			continue;
		}
		if (n == BOOT_E820_MAX)
			return false;
		bi->e820[n++] = (struct e820_entry){d->physical_start, length, type, 1};
	}
	bi->e820_count = (uint16_t)n;
	return true;
}

uint64_t first_kept_byte(const struct memory_map *map, uint64_t base, uint64_t end)
{
	/* Walk up from base: each step must find a descriptor of free type holding it. */
	while (base < end) {
		bool found = false;
		for_each_descriptor(d, map)
		{
			uint64_t d_end = d->physical_start + d->number_of_pages * EFI_PAGE_SIZE;
			if (d->physical_start <= base && base < d_end &&
			    e820_type(d->type) == E820_USABLE) {
				base = d_end;
				found = true;
				break;
			}
		}
		if (!found)
			return base;
	}
	return end;
}
