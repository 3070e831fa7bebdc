/* The few UEFI types the loader uses, written from the UEFI specification 2.10
 * (section numbers below). Tables list every member up to the last one we call, in
 * the spec's order, since the firmware finds them by position; members we never
 * call are plain pointers. Functions the firmware provides use the Microsoft x64
 * calling convention (spec 2.3.4.2): EFIAPI. */
#pragma once

#include <stdint.h>

#define EFIAPI __attribute__((ms_abi))

typedef uint64_t efi_status;
typedef void *efi_handle;
typedef void *efi_event;
typedef uint16_t char16;

/* Appendix D: an error has the top bit set. */
#define EFI_ERROR_BIT	      (1ull << 63)
#define EFI_ERROR(status)     (((status)&EFI_ERROR_BIT) != 0)
#define EFI_SUCCESS	      0
#define EFI_LOAD_ERROR	      (EFI_ERROR_BIT | 1)
#define EFI_INVALID_PARAMETER (EFI_ERROR_BIT | 2)
#define EFI_UNSUPPORTED	      (EFI_ERROR_BIT | 3)
#define EFI_BUFFER_TOO_SMALL  (EFI_ERROR_BIT | 5)
#define EFI_VOLUME_CORRUPTED  (EFI_ERROR_BIT | 10)
#define EFI_OUT_OF_RESOURCES  (EFI_ERROR_BIT | 9)
#define EFI_NOT_FOUND	      (EFI_ERROR_BIT | 14)
#define EFI_CRC_ERROR	      (EFI_ERROR_BIT | 27)

struct efi_guid {
	uint32_t data1;
	uint16_t data2, data3;
	uint8_t data4[8];
};

/* 4.2 */
struct efi_table_header {
	uint64_t signature;
	uint32_t revision, header_size, crc32, reserved;
};

/* 12.4: text output (ConOut) and 12.3: text input (ConIn). */
struct efi_text_output {
	void *reset;
	efi_status(EFIAPI *output_string)(struct efi_text_output *self, const char16 *s);
};

struct efi_input_key {
	uint16_t scan_code;
	char16 unicode_char;
};

struct efi_text_input {
	void *reset;
	efi_status(EFIAPI *read_key_stroke)(struct efi_text_input *self, struct efi_input_key *key);
	efi_event wait_for_key;
};

/* 7.2: memory types, allocation types and the memory map's descriptors. */
enum efi_memory_type {
	EFI_RESERVED_MEMORY,
	EFI_LOADER_CODE,
	EFI_LOADER_DATA,
	EFI_BOOT_SERVICES_CODE,
	EFI_BOOT_SERVICES_DATA,
	EFI_RUNTIME_SERVICES_CODE,
	EFI_RUNTIME_SERVICES_DATA,
	EFI_CONVENTIONAL_MEMORY,
	EFI_UNUSABLE_MEMORY,
	EFI_ACPI_RECLAIM_MEMORY,
	EFI_ACPI_MEMORY_NVS,
	EFI_MEMORY_MAPPED_IO,
	EFI_MEMORY_MAPPED_IO_PORT_SPACE,
	EFI_PAL_CODE,
	EFI_PERSISTENT_MEMORY,
};

enum efi_allocate_type {
	EFI_ALLOCATE_ANY_PAGES,
	EFI_ALLOCATE_MAX_ADDRESS,
	EFI_ALLOCATE_ADDRESS,
};

#define EFI_PAGE_SIZE 4096

/* Walk a map by the descriptor size GetMemoryMap returns, never by sizeof: newer
 * firmware may append members. */
struct efi_memory_descriptor {
	uint32_t type;
	uint64_t physical_start, virtual_start, number_of_pages, attribute;
};

/* 7.1: events, for the timed wait after a failure. */
#define EFI_EVT_TIMER	     0x80000000u
#define EFI_TIMER_RELATIVE   2
#define EFI_100NS_PER_SECOND 10000000ull

/* 4.4 */
struct efi_boot_services {
	struct efi_table_header hdr;
	void *raise_tpl, *restore_tpl;
	efi_status(EFIAPI *allocate_pages)(int type, int memory_type, uint64_t pages,
					   uint64_t *address);
	efi_status(EFIAPI *free_pages)(uint64_t address, uint64_t pages);
	efi_status(EFIAPI *get_memory_map)(uint64_t *map_size, struct efi_memory_descriptor *map,
					   uint64_t *map_key, uint64_t *descriptor_size,
					   uint32_t *descriptor_version);
	efi_status(EFIAPI *allocate_pool)(int memory_type, uint64_t size, void **buffer);
	efi_status(EFIAPI *free_pool)(void *buffer);
	efi_status(EFIAPI *create_event)(uint32_t type, uint64_t notify_tpl, void *notify,
					 void *context, efi_event *event);
	efi_status(EFIAPI *set_timer)(efi_event event, int type, uint64_t trigger_time);
	efi_status(EFIAPI *wait_for_event)(uint64_t count, efi_event *events, uint64_t *index);
	void *signal_event;
	efi_status(EFIAPI *close_event)(efi_event event);
	void *check_event;
	void *install_protocol_interface, *reinstall_protocol_interface,
		*uninstall_protocol_interface;
	efi_status(EFIAPI *handle_protocol)(efi_handle handle, const struct efi_guid *protocol,
					    void **interface);
	void *reserved, *register_protocol_notify, *locate_handle;
	efi_status(EFIAPI *locate_device_path)(const struct efi_guid *protocol, void **device_path,
					       efi_handle *device);
	void *install_configuration_table;
	void *load_image, *start_image, *exit, *unload_image;
	efi_status(EFIAPI *exit_boot_services)(efi_handle image, uint64_t map_key);
	void *get_next_monotonic_count, *stall;
	efi_status(EFIAPI *set_watchdog_timer)(uint64_t timeout, uint64_t code, uint64_t size,
					       const char16 *data);
	void *connect_controller, *disconnect_controller;
	void *open_protocol, *close_protocol, *open_protocol_information;
	void *protocols_per_handle, *locate_handle_buffer;
	efi_status(EFIAPI *locate_protocol)(const struct efi_guid *protocol, void *registration,
					    void **interface);
};

/* 4.6 */
struct efi_configuration_table {
	struct efi_guid vendor_guid;
	void *vendor_table;
};

/* 4.3 */
struct efi_system_table {
	struct efi_table_header hdr;
	char16 *firmware_vendor;
	uint32_t firmware_revision;
	efi_handle console_in_handle;
	struct efi_text_input *con_in;
	efi_handle console_out_handle;
	struct efi_text_output *con_out;
	efi_handle standard_error_handle;
	struct efi_text_output *std_err;
	void *runtime_services;
	struct efi_boot_services *boot_services;
	uint64_t number_of_table_entries;
	struct efi_configuration_table *configuration_table;
};

/* 9.1: the loaded image; DeviceHandle is the partition we were loaded from. */
struct efi_loaded_image {
	uint32_t revision;
	efi_handle parent_handle;
	struct efi_system_table *system_table;
	efi_handle device_handle;
};

/* 10.2-10.3: a device path is a run of nodes, each starting with this header. */
struct efi_device_path {
	uint8_t type, sub_type;
	uint8_t length[2]; /* little-endian, header included */
};

#define EFI_DEVICE_PATH_MEDIA	   4
#define EFI_DEVICE_PATH_HARD_DRIVE 1
#define EFI_DEVICE_PATH_END	   0x7F
#define EFI_DEVICE_PATH_END_ENTIRE 0xFF

/* 13.9: Block I/O. */
struct efi_block_io_media {
	uint32_t media_id;
	uint8_t removable_media, media_present, logical_partition, read_only, write_caching;
	uint32_t block_size, io_align;
	uint64_t last_block;
};

struct efi_block_io {
	uint64_t revision;
	struct efi_block_io_media *media;
	void *reset;
	efi_status(EFIAPI *read_blocks)(struct efi_block_io *self, uint32_t media_id, uint64_t lba,
					uint64_t size, void *buffer);
};

/* 12.9: the Graphics Output Protocol. */
enum efi_gop_pixel_format {
	EFI_GOP_RGB_RESERVED_8BIT,
	EFI_GOP_BGR_RESERVED_8BIT,
	EFI_GOP_BIT_MASK,
	EFI_GOP_BLT_ONLY,
};

struct efi_gop_mode_info {
	uint32_t version, horizontal_resolution, vertical_resolution;
	uint32_t pixel_format; /* enum efi_gop_pixel_format */
	uint32_t red_mask, green_mask, blue_mask, reserved_mask;
	uint32_t pixels_per_scan_line;
};

struct efi_gop_mode {
	uint32_t max_mode, mode;
	struct efi_gop_mode_info *info;
	uint64_t size_of_info;
	uint64_t frame_buffer_base, frame_buffer_size;
};

struct efi_gop {
	void *query_mode, *set_mode, *blt;
	struct efi_gop_mode *mode;
};

/* The GUIDs, from the sections above; 4.6 for the ACPI tables. */
#define EFI_LOADED_IMAGE_GUID                                          \
	{                                                              \
		0x5B1B31A1, 0x9562, 0x11D2,                            \
		{                                                      \
			0x8E, 0x3F, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B \
		}                                                      \
	}
#define EFI_DEVICE_PATH_GUID                                           \
	{                                                              \
		0x09576E91, 0x6D3F, 0x11D2,                            \
		{                                                      \
			0x8E, 0x39, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B \
		}                                                      \
	}
#define EFI_BLOCK_IO_GUID                                              \
	{                                                              \
		0x964E5B21, 0x6459, 0x11D2,                            \
		{                                                      \
			0x8E, 0x39, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B \
		}                                                      \
	}
#define EFI_GOP_GUID                                                   \
	{                                                              \
		0x9042A9DE, 0x23DC, 0x4A38,                            \
		{                                                      \
			0x96, 0xFB, 0x7A, 0xDE, 0xD0, 0x80, 0x51, 0x6A \
		}                                                      \
	}
#define EFI_ACPI_20_TABLE_GUID                                         \
	{                                                              \
		0x8868E871, 0xE4F1, 0x11D3,                            \
		{                                                      \
			0xBC, 0x22, 0x00, 0x80, 0xC7, 0x3C, 0x88, 0x81 \
		}                                                      \
	}
#define EFI_ACPI_10_TABLE_GUID                                         \
	{                                                              \
		0xEB9D2D30, 0x2D88, 0x11D3,                            \
		{                                                      \
			0x9A, 0x16, 0x00, 0x90, 0x27, 0x3F, 0xC1, 0x4D \
		}                                                      \
	}
