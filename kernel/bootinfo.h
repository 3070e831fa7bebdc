/* Boot information the boot sector leaves at BOOT_INFO_ADDR and passes to _start.
 * boot/bootinfo.inc is the assembly side; tests/host/bootinfo_layout.c checks that
 * the two agree, field by field. */
#pragma once

#include <stdint.h>

#define BOOT_INFO_ADDR 0x0500
#define BOOT_E820_MAX  96

/* E820 types (ACPI 6.4, table 15.374). */
enum e820_type {
	E820_USABLE = 1,
	E820_RESERVED = 2,
	E820_ACPI_RECLAIMABLE = 3,
	E820_ACPI_NVS = 4,
	E820_BAD = 5,
};

struct e820_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type;
	uint32_t acpi_attributes; /* zero when the BIOS returned a 20-byte entry */
} __attribute__((packed));

struct boot_info {
	uint8_t drive;	      /* BIOS drive number we booted from */
	uint8_t read_retries; /* failed int 13h reads the load survived */
	uint16_t e820_count;  /* entries filled in e820[] */
	uint16_t heads;	      /* disk geometry from int 13h AH=08h; 0 means 256 */
	uint16_t sectors_per_track;
	uint32_t kernel_checksum; /* sum * 31 + dword, as the boot sector verified */
	uint32_t reserved;
	struct e820_entry e820[BOOT_E820_MAX];
} __attribute__((packed));
