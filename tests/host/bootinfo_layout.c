/* Prints the C side of the boot-info layout as "NAME value" lines, in the names of
 * boot/bootinfo.inc, so tests/test_host.py can check the two sides agree. */
#include <stddef.h>
#include <stdio.h>

#include "../../kernel/bootinfo.h"

#define FIELD(name, member) printf("%s %zu\n", name, offsetof(struct boot_info, member))

int main(void)
{
	printf("BOOT_INFO_ADDR %d\n", BOOT_INFO_ADDR);
	FIELD("BI_DRIVE", drive);
	FIELD("BI_READ_RETRIES", read_retries);
	FIELD("BI_E820_COUNT", e820_count);
	FIELD("BI_HEADS", heads);
	FIELD("BI_SECTORS_PER_TRACK", sectors_per_track);
	FIELD("BI_KERNEL_SUM", kernel_checksum);
	FIELD("BI_FIRMWARE", firmware);
	FIELD("BI_E820", e820);
	printf("BI_E820_ENTRY_SIZE %zu\n", sizeof(struct e820_entry));
	printf("BI_E820_MAX %d\n", BOOT_E820_MAX);
	printf("BI_E820_END %zu\n", offsetof(struct boot_info, acpi_rsdp));
	FIELD("BI_ACPI_RSDP", acpi_rsdp);
	FIELD("BI_FB_BASE", fb_base);
	FIELD("BI_FB_SIZE", fb_size);
	FIELD("BI_FB_WIDTH", fb_width);
	FIELD("BI_FB_HEIGHT", fb_height);
	FIELD("BI_FB_PITCH", fb_pitch);
	FIELD("BI_FB_FORMAT", fb_format);
	FIELD("BI_FB_RED_MASK", fb_red_mask);
	FIELD("BI_FB_GREEN_MASK", fb_green_mask);
	FIELD("BI_FB_BLUE_MASK", fb_blue_mask);
	FIELD("BI_KERNEL_COPIED", kernel_copied);
	printf("BI_SIZE %zu\n", sizeof(struct boot_info));
	return 0;
}
