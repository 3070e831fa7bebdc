/* Test kernel only: E820 entries that QEMU cannot produce (RAM past the CPU's
 * physical addresses, entries that wrap past 2^64...), added to the boot sector's
 * map from the fw_cfg file opt/keel/e820 before the memory manager reads it. */
#pragma once

#include "../bootinfo.h"

/* The file holds entries "base:length:type", in hex, separated by spaces. Prints
 * each entry it adds; panics on text it cannot read. */
void e820_add_test_entries(struct boot_info *bi);
