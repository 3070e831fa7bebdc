/* Boot information the boot sector leaves at BOOT_INFO_ADDR and passes to _start;
 * the UEFI loader (boot/uefi/) fills the same layout, wherever it puts it, and
 * includes this file. boot/bootinfo.inc is the assembly side;
 * tests/host/bootinfo_layout.c checks that the two agree, field by field. */
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

/* Who started the kernel. */
enum boot_firmware {
	BOOT_FROM_BIOS = 0, /* boot/mbr.asm: the boot sector zeroes the field */
	BOOT_FROM_UEFI = 1, /* boot/uefi/ */
};

/* Framebuffer pixel formats, as UEFI's GOP names them (UEFI 2.10, 12.9.1): 32-bit
 * pixels, red in the low byte (RGB), blue in the low byte (BGR), or as the masks
 * say (BITMASK). NONE: no framebuffer (BIOS, or GOP's BltOnly). */
enum boot_fb_format {
	BOOT_FB_NONE = 0,
	BOOT_FB_RGB = 1,
	BOOT_FB_BGR = 2,
	BOOT_FB_BITMASK = 3,
};

struct boot_info {
	uint8_t drive;	      /* BIOS drive number we booted from */
	uint8_t read_retries; /* failed int 13h reads the load survived */
	uint16_t e820_count;  /* entries filled in e820[] */
	uint16_t heads;	      /* disk geometry from int 13h AH=08h; 0 means 256 */
	uint16_t sectors_per_track;
	uint32_t kernel_checksum; /* sum * 31 + dword, as the boot sector verified */
	uint32_t firmware;	  /* enum boot_firmware */
	struct e820_entry e820[BOOT_E820_MAX];
	/* From the UEFI loader; zero when the boot sector started the kernel. */
	uint64_t acpi_rsdp; /* physical address of the RSDP; 0: search the BIOS areas */
	uint64_t fb_base;   /* physical address of the GOP framebuffer; 0: none */
	uint64_t fb_size;
	uint32_t fb_width, fb_height;			   /* pixels */
	uint32_t fb_pitch;				   /* bytes from one line to the next */
	uint32_t fb_format;				   /* enum boot_fb_format */
	uint32_t fb_red_mask, fb_green_mask, fb_blue_mask; /* set for every format */
	uint32_t kernel_copied; /* 1: 1 MiB was taken; loaded elsewhere, copied after */
} __attribute__((packed));
