/* The kernel is read from partition 1, where the boot sector reads it, not from a
 * copy on the EFI system partition: one copy of the bytes on the image, one place
 * that `make` writes, and the same checksum on both paths. UEFI gives us a Block I/O
 * protocol for the whole disk (spec 13.9), so no file system code is needed.
 *
 * KERNEL_SECTORS and KERNEL_SUM come from the build (kernel_facts.h), as they do for
 * the boot sector: the loader is relinked when the kernel changes. */
#include "disk.h"

#include <stdint.h>

#include "kernel_facts.h"
#include "print.h"

#define SECTOR_SIZE	   512
#define MBR_SIGNATURE	   0xAA55
#define MBR_PARTITIONS	   0x1BE /* four 16-byte entries, then the signature */
#define KERNEL_PART_TYPE   0xDA	 /* "non-FS data", as boot/mbr.asm writes it */
#define KERNEL_FIRST_LBA   1	 /* where the boot sector starts reading */
#define ESP_SEARCH_ENTRIES 4

static uint16_t path_node_length(const struct efi_device_path *node)
{
	return (uint16_t)(node->length[0] | node->length[1] << 8);
}

/* Our partition's device path is the disk's path plus a HardDrive node (10.3.5.1):
 * end the path there, and the handle that matches what is left is the disk. */
efi_status find_boot_disk(struct efi_system_table *st, efi_handle image, struct efi_block_io **disk)
{
	static const struct efi_guid loaded_image_guid = EFI_LOADED_IMAGE_GUID;
	static const struct efi_guid device_path_guid = EFI_DEVICE_PATH_GUID;
	static const struct efi_guid block_io_guid = EFI_BLOCK_IO_GUID;
	struct efi_boot_services *bs = st->boot_services;
	struct efi_loaded_image *loaded;
	struct efi_device_path *path;
	efi_status s = bs->handle_protocol(image, &loaded_image_guid, (void **)&loaded);
	if (EFI_ERROR(s))
		return fail(s, "the firmware gives no Loaded Image protocol for the loader");
	s = bs->handle_protocol(loaded->device_handle, &device_path_guid, (void **)&path);
	if (EFI_ERROR(s))
		return fail(s, "the loader's device has no device path: not loaded from a disk?");

	uint64_t path_bytes = 0;
	struct efi_device_path *node = path, *hard_drive = 0;
	while (node->type != EFI_DEVICE_PATH_END && path_node_length(node) >= 4) {
		/* The first: a logical partition's path has the extended one's node too. */
		if (!hard_drive && node->type == EFI_DEVICE_PATH_MEDIA &&
		    node->sub_type == EFI_DEVICE_PATH_HARD_DRIVE)
			hard_drive = node;
		path_bytes += path_node_length(node);
		node = (struct efi_device_path *)((uint8_t *)node + path_node_length(node));
	}
	if (!hard_drive)
		return fail(EFI_NOT_FOUND, "the loader was not started from a disk partition");

	uint8_t *copy;
	s = bs->allocate_pool(EFI_LOADER_DATA, path_bytes + sizeof *node, (void **)&copy);
	if (EFI_ERROR(s))
		return fail(s, "no memory for a device path");
	uint64_t disk_bytes = (uint64_t)((uint8_t *)hard_drive - (uint8_t *)path);
	for (uint64_t i = 0; i < disk_bytes; i++)
		copy[i] = ((uint8_t *)path)[i];
	struct efi_device_path *end = (struct efi_device_path *)(copy + disk_bytes);
	*end = (struct efi_device_path){EFI_DEVICE_PATH_END, EFI_DEVICE_PATH_END_ENTIRE, {4, 0}};

	void *rest = copy;
	efi_handle handle;
	s = bs->locate_device_path(&block_io_guid, &rest, &handle);
	if (EFI_ERROR(s) || ((struct efi_device_path *)rest)->type != EFI_DEVICE_PATH_END)
		return fail(EFI_ERROR(s) ? s : EFI_NOT_FOUND,
			    "no Block I/O for the whole disk the loader came from");
	s = bs->handle_protocol(handle, &block_io_guid, (void **)disk);
	if (EFI_ERROR(s))
		return fail(s, "the boot disk's Block I/O protocol cannot be opened");
	return EFI_SUCCESS;
}

static uint32_t read_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Partition 1 must be ours and hold every kernel sector (it starts at LBA 0 today:
 * boot/mbr.asm says why). */
static efi_status check_partition_table(const uint8_t *mbr)
{
	if ((mbr[510] | mbr[511] << 8) != MBR_SIGNATURE)
		return fail(EFI_NOT_FOUND, "the boot disk has no MBR partition table");
	const uint8_t *p1 = mbr + MBR_PARTITIONS;
	uint32_t first = read_le32(p1 + 8), count = read_le32(p1 + 12);
	if (p1[4] != KERNEL_PART_TYPE || count == 0)
		return fail(
			EFI_NOT_FOUND,
			"partition 1 (the kernel, type %x) is missing: its type is %x, %u sectors",
			KERNEL_PART_TYPE, p1[4], count);
	uint64_t end = (uint64_t)first + count;
	if (first > KERNEL_FIRST_LBA || end < KERNEL_FIRST_LBA + (uint64_t)KERNEL_SECTORS)
		return fail(
			EFI_VOLUME_CORRUPTED,
			"partition 1 (LBA %u, %u sectors) does not hold the kernel's %u sectors "
			"from LBA %u",
			first, count, KERNEL_SECTORS, KERNEL_FIRST_LBA);
	return EFI_SUCCESS;
}

/* The boot sector's sum (tools/kernsum.c): sum = sum * 31 + each little-endian dword. */
static uint32_t kernel_sum(const uint32_t *words, uint64_t count)
{
	uint32_t sum = 0;
	for (uint64_t i = 0; i < count; i++)
		sum = sum * 31 + words[i];
	return sum;
}

efi_status read_kernel(struct efi_block_io *disk, void *dest)
{
	struct efi_block_io_media *media = disk->media;
	if (media->block_size != SECTOR_SIZE)
		return fail(EFI_UNSUPPORTED,
			    "the boot disk has %u-byte blocks; Keel's image is "
			    "laid out in 512-byte sectors",
			    media->block_size);
	/* The MBR goes where the kernel will: page-aligned, as IoAlign may ask. */
	efi_status s = disk->read_blocks(disk, media->media_id, 0, SECTOR_SIZE, dest);
	if (EFI_ERROR(s))
		return fail(s, "reading the boot disk's MBR failed");
	s = check_partition_table(dest);
	if (EFI_ERROR(s))
		return s;
	uint64_t bytes = (uint64_t)KERNEL_SECTORS * SECTOR_SIZE;
	s = disk->read_blocks(disk, media->media_id, KERNEL_FIRST_LBA, bytes, dest);
	if (EFI_ERROR(s))
		return fail(s, "reading the kernel (%u sectors from LBA %u) failed", KERNEL_SECTORS,
			    KERNEL_FIRST_LBA);
	uint32_t sum = kernel_sum(dest, bytes / 4);
	if (sum != KERNEL_SUM)
		return fail(EFI_CRC_ERROR, "bad kernel: its checksum is %x, the build made %x", sum,
			    KERNEL_SUM);
	return EFI_SUCCESS;
}
