/* The BIOS memory map the boot sector collected. */
#pragma once

#include <stdint.h>

#include "../bootinfo.h"

const char *e820_type_name(uint32_t type);

/* The entry's last byte; an entry that would wrap past 2^64 stops at the top. (For
 * a zero-length entry this says 2^64 - 1: callers skip those first.) */
static inline uint64_t e820_last_byte(const struct e820_entry *e)
{
	return e->length - 1 > ~0ull - e->base ? ~0ull : e->base + e->length - 1;
}

/* Bytes of usable RAM, counting any overlap between usable entries once. */
uint64_t e820_usable_bytes(const struct boot_info *bi);

void e820_print(const struct boot_info *bi);
