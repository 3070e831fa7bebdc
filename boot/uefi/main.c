/* Keel's UEFI loader, \EFI\BOOT\BOOTX64.EFI on the image's EFI system partition. It
 * gives the kernel what the boot sector gives it (boot/mbr.asm): kernel.bin at 1 MiB,
 * checked; boot information with an E820 map; the first GiB identity-mapped; a flat
 * GDT; interrupts off; a call to _start. Also the RSDP and the GOP framebuffer,
 * which a BIOS boot finds for itself.
 *
 * Built with gcc and GNU ld (-m i386pep), the toolchain the kernel already needs:
 * no second compiler, and this code shares kernel/bootinfo.h with the kernel under
 * the same ABI. Firmware calls are marked ms_abi (efi.h). Any failure before
 * ExitBootServices prints a line and returns to the firmware with an error. */
#include <stdint.h>

#include "../../kernel/bootinfo.h"
#include "disk.h"
#include "efi.h"
#include "kernel_facts.h"
#include "memmap.h"
#include "print.h"

#define KERNEL_ADDR   0x100000ull
#define LOW_LIMIT     0xFFFFFull    /* our pages go below 1 MiB: the kernel never uses it */
#define BELOW_4G      0xFFFFFFFFull /* what our page tables map */
#define MAPPED_GIB    4
#define PAGE_PRESENT  0x1ull
#define PAGE_WRITABLE 0x2ull
#define PAGE_LARGE    0x80ull /* a 2 MiB page in a page directory (SDM vol. 3A, 4.5) */
#define CR4_LA57      (1ull << 12)
#define STACK_PAGES   4
#define HANDOFF_MAX   256 /* bytes for handoff.asm's code */

/* The pages below 1 MiB, one block: boot info, GDT and handoff code share the
 * first page; then the page tables; then the stack. EfiLoaderCode, so that the
 * firmware's page tables let the handoff code run there. */
struct low_pages {
	union {
		struct {
			struct boot_info info;
			uint64_t gdt[3];
			struct __attribute__((packed)) {
				uint16_t limit;
				uint64_t base;
			} gdtr;
			uint8_t code[HANDOFF_MAX];
		};
		uint8_t first_page[EFI_PAGE_SIZE];
	};
	uint64_t pml4[512], pdpt[512], pd[MAPPED_GIB][512];
	uint8_t stack[STACK_PAGES * EFI_PAGE_SIZE];
};
_Static_assert(sizeof(struct low_pages) % EFI_PAGE_SIZE == 0, "whole pages");
_Static_assert(sizeof(struct boot_info) + 24 + 10 + HANDOFF_MAX <= EFI_PAGE_SIZE, "one page");

/* Hidden: under -fpie gcc then reaches them RIP-relative, not through a GOT. */
extern uint8_t handoff[] __attribute__((visibility("hidden")));
extern uint8_t handoff_end[] __attribute__((visibility("hidden")));
typedef void (*handoff_fn)(struct boot_info *info, uint64_t *pml4, uint8_t *stack_top, void *kernel,
			   uint64_t copy_bytes, void *gdtr);

static struct efi_system_table *st;

void *memset(void *dest, int c, uint64_t n);
void *memset(void *dest, int c, uint64_t n)
{
	uint8_t *d = dest;
	while (n--)
		*d++ = (uint8_t)c;
	return dest;
}

static uint64_t pages_for(uint64_t bytes)
{
	return (bytes + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE;
}

static efi_status allocate_low_pages(struct low_pages **low)
{
	uint64_t address = LOW_LIMIT;
	efi_status s = st->boot_services->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, EFI_LOADER_CODE,
							 pages_for(sizeof **low), &address);
	if (EFI_ERROR(s))
		return fail(s, "no free memory below 1 MiB for the boot information (%lu pages)",
			    pages_for(sizeof **low));
	*low = (struct low_pages *)address;
	memset(*low, 0, sizeof **low);
	return EFI_SUCCESS;
}

/* At 1 MiB if the firmware lets us have it; otherwise below 4 GiB, to be copied up
 * after ExitBootServices (Linux's efi_relocate_kernel has the same fallback). */
static efi_status allocate_kernel(uint8_t **kernel, struct boot_info *info)
{
	uint64_t pages = pages_for(KERNEL_MEMORY_BYTES);
	uint64_t address = KERNEL_ADDR;
	struct efi_boot_services *bs = st->boot_services;
#ifdef UEFI_TEST_TAKE_1MIB /* tests only: as if the firmware held 1 MiB */
	bs->allocate_pages(EFI_ALLOCATE_ADDRESS, EFI_BOOT_SERVICES_DATA, 1, &address);
#endif
	if (!EFI_ERROR(
		    bs->allocate_pages(EFI_ALLOCATE_ADDRESS, EFI_LOADER_DATA, pages, &address))) {
		*kernel = (uint8_t *)address;
		return EFI_SUCCESS;
	}
	address = BELOW_4G;
	efi_status s =
		bs->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, EFI_LOADER_DATA, pages, &address);
	if (EFI_ERROR(s))
		return fail(s, "no room for the kernel (%lu KiB) below 4 GiB", pages * 4);
	*kernel = (uint8_t *)address;
	info->kernel_copied = 1;
	return EFI_SUCCESS;
}

static int same_guid(const struct efi_guid *a, const struct efi_guid *b)
{
	const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
	for (unsigned i = 0; i < sizeof *a; i++)
		if (x[i] != y[i])
			return 0;
	return 1;
}

/* ACPI 2.0's entry if there is one, else 1.0's (ACPI 6.4, 5.2.5.2). */
static uint64_t find_rsdp(void)
{
	static const struct efi_guid acpi20 = EFI_ACPI_20_TABLE_GUID,
				     acpi10 = EFI_ACPI_10_TABLE_GUID;
	uint64_t found = 0;
	for (uint64_t i = 0; i < st->number_of_table_entries; i++) {
		struct efi_configuration_table *t = &st->configuration_table[i];
		if (same_guid(&t->vendor_guid, &acpi20))
			return (uint64_t)t->vendor_table;
		if (same_guid(&t->vendor_guid, &acpi10))
			found = (uint64_t)t->vendor_table;
	}
	return found;
}

/* The mode the firmware set; every format is also given as masks. No GOP, or a
 * BltOnly one, leaves fb_base 0: the kernel then has serial only. */
static void record_framebuffer(struct boot_info *info)
{
	static const struct efi_guid gop_guid = EFI_GOP_GUID;
	struct efi_gop *gop;
	if (EFI_ERROR(st->boot_services->locate_protocol(&gop_guid, 0, (void **)&gop)))
		return;
	struct efi_gop_mode_info *mode = gop->mode->info;
	switch (mode->pixel_format) {
	case EFI_GOP_RGB_RESERVED_8BIT:
		info->fb_format = BOOT_FB_RGB;
		info->fb_red_mask = 0xFF, info->fb_green_mask = 0xFF00,
		info->fb_blue_mask = 0xFF0000;
		break;
	case EFI_GOP_BGR_RESERVED_8BIT:
		info->fb_format = BOOT_FB_BGR;
		info->fb_red_mask = 0xFF0000, info->fb_green_mask = 0xFF00,
		info->fb_blue_mask = 0xFF;
		break;
	case EFI_GOP_BIT_MASK: {
		/* The pixel's size is the highest bit its masks use (as Linux's efifb); the
		 * kernel draws 32-bit pixels only: anything smaller is no framebuffer. */
		uint32_t all =
			mode->red_mask | mode->green_mask | mode->blue_mask | mode->reserved_mask;
		if (!all || 32 - __builtin_clz(all) <= 24)
			return;
		info->fb_format = BOOT_FB_BITMASK;
		info->fb_red_mask = mode->red_mask, info->fb_green_mask = mode->green_mask;
		info->fb_blue_mask = mode->blue_mask;
		break;
	}
	default: return;
	}
	info->fb_base = gop->mode->frame_buffer_base;
	info->fb_size = gop->mode->frame_buffer_size;
	info->fb_width = mode->horizontal_resolution;
	info->fb_height = mode->vertical_resolution;
	info->fb_pitch = mode->pixels_per_scan_line * 4;
}

/* The first 4 GiB identity-mapped with 2 MiB pages: the first GiB is what _start
 * expects (it reuses that page directory for the kernel's upper-half mapping);
 * the rest covers a kernel copy below 4 GiB. */
static void build_page_tables(struct low_pages *low)
{
	for (unsigned g = 0; g < MAPPED_GIB; g++) {
		for (unsigned i = 0; i < 512; i++)
			low->pd[g][i] = ((uint64_t)g << 30 | (uint64_t)i << 21) | PAGE_PRESENT |
					PAGE_WRITABLE | PAGE_LARGE;
		low->pdpt[g] = (uint64_t)low->pd[g] | PAGE_PRESENT | PAGE_WRITABLE;
	}
	low->pml4[0] = (uint64_t)low->pdpt | PAGE_PRESENT | PAGE_WRITABLE;
	/* The boot sector's descriptors: 64-bit code at 0x08, flat data at 0x10. */
	low->gdt[1] = 0x00AF9A000000FFFFull;
	low->gdt[2] = 0x00CF92000000FFFFull;
	low->gdtr.limit = sizeof low->gdt - 1;
	low->gdtr.base = (uint64_t)low->gdt;
	// cppcheck-suppress comparePointers ; both labels are in handoff.asm's one section
	uint64_t code_bytes = (uint64_t)(handoff_end - handoff);
	for (uint64_t i = 0; i < code_bytes; i++)
		low->code[i] = handoff[i];
}

static uint64_t read_cr4(void)
{
	uint64_t cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	return cr4;
}

static efi_status exit_failed(efi_status status)
{
	say_on_port_only("keel: ExitBootServices failed (UEFI status %lx)\n", status);
	return status;
}

/* Gets the map, converts it, exits boot services; a changed map key (the firmware
 * says EFI_INVALID_PARAMETER) means take the map again and retry (UEFI 7.4.6). After
 * the first try the firmware may have shut part of its services down: a failure
 * then is said on port 0xE9 only (exit_failed). */
static efi_status exit_boot_services(efi_handle image, struct boot_info *info)
{
	struct efi_boot_services *bs = st->boot_services;
	struct memory_map map;
	efi_status s = reserve_memory_map(bs, &map);
	if (EFI_ERROR(s))
		return fail(s, "no memory for the memory map");
	for (int attempt = 0; attempt < 8; attempt++) {
		s = take_memory_map(bs, &map);
		if (EFI_ERROR(s))
			return attempt ? exit_failed(s) : fail(s, "GetMemoryMap failed");
		uint64_t kernel_end = KERNEL_ADDR + KERNEL_MEMORY_BYTES;
		uint64_t kept = first_kept_byte(&map, KERNEL_ADDR, kernel_end);
		if (attempt == 0 && info->kernel_copied && kept != kernel_end)
			return fail(EFI_OUT_OF_RESOURCES,
				    "the kernel must run at 1 MiB, in %lu KiB, but the firmware "
				    "keeps memory at %lx",
				    (uint64_t)(KERNEL_MEMORY_BYTES / 1024), kept);
		if (!memory_map_to_e820(&map, info))
			return attempt ? exit_failed(EFI_BUFFER_TOO_SMALL)
				       : fail(EFI_BUFFER_TOO_SMALL,
					      "the memory map needs more than %u E820 entries",
					      BOOT_E820_MAX);
		s = bs->exit_boot_services(image, map.key);
		if (s == EFI_SUCCESS)
			return s;
		if (s != EFI_INVALID_PARAMETER)
			return exit_failed(s);
	}
	return exit_failed(s);
}

efi_status EFIAPI efi_main(efi_handle image, struct efi_system_table *system_table);

efi_status EFIAPI efi_main(efi_handle image, struct efi_system_table *system_table)
{
	st = system_table;
	print_init(st);
	if (read_cr4() & CR4_LA57)
		return fail(EFI_UNSUPPORTED, "the firmware runs with 5-level paging; Keel uses 4");

	struct low_pages *low = 0;
	struct efi_block_io *disk = 0;
	uint8_t *kernel = 0;
	efi_status s = allocate_low_pages(&low);
	if (!EFI_ERROR(s))
		s = find_boot_disk(st, image, &disk);
	if (!EFI_ERROR(s))
		s = allocate_kernel(&kernel, &low->info);
	if (!EFI_ERROR(s))
		s = read_kernel(disk, kernel);
	if (EFI_ERROR(s))
		return s;

	struct boot_info *info = &low->info;
	info->firmware = BOOT_FROM_UEFI;
	info->drive = 0xFF; /* no BIOS drive */
	info->kernel_checksum = KERNEL_SUM;
	info->acpi_rsdp = find_rsdp();
	record_framebuffer(info);
	if (handoff_end - handoff > HANDOFF_MAX) // cppcheck-suppress comparePointers
		return fail(EFI_LOAD_ERROR, "handoff.asm has outgrown its %u bytes", HANDOFF_MAX);
	build_page_tables(low);

	s = exit_boot_services(image, info);
	if (EFI_ERROR(s))
		return s; /* only a failure before the exit can come back here */
	/* Boot services are gone: no more printing through the firmware. */
	uint64_t copy = info->kernel_copied ? (uint64_t)KERNEL_SECTORS * 512 : 0;
	((handoff_fn)(void *)low->code)(info, low->pml4, low->stack + sizeof low->stack, kernel,
					copy, &low->gdtr);
	return EFI_LOAD_ERROR; /* not reached */
}
