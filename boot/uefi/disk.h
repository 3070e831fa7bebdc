/* Finding and reading the kernel: the whole disk we were loaded from, its MBR's
 * partition 1, and the same sum the boot sector checks. */
#pragma once

#include "efi.h"

/* Block I/O of the whole disk holding the partition `image` was loaded from. */
efi_status find_boot_disk(struct efi_system_table *st, efi_handle image,
			  struct efi_block_io **disk);

/* Reads the kernel's KERNEL_SECTORS sectors into `dest` (page-aligned) after
 * checking that partition 1 holds them; verifies KERNEL_SUM. */
efi_status read_kernel(struct efi_block_io *disk, void *dest);
