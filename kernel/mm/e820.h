/* The BIOS memory map the boot sector collected. */
#pragma once

#include <stdint.h>

#include "../bootinfo.h"

const char *e820_type_name(uint32_t type);

/* Bytes of usable RAM, counting any overlap between usable entries once. */
uint64_t e820_usable_bytes(const struct boot_info *bi);

void e820_print(const struct boot_info *bi);
