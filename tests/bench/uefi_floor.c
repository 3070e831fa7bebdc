/* make bench's UEFI floor (tests/bench_uefi.py): an EFI application that writes one
 * byte to port 0xE9 and exits QEMU through isa-debug-exit. Booted from a copy of
 * disk/hdd.img in place of BOOTX64.EFI, it costs what the firmware costs to reach
 * our loader, and nothing of the loader's or the kernel's. */
#include <stdint.h>

#include "../../boot/uefi/efi.h"
#include "../../kernel/arch/x86.h"

efi_status EFIAPI efi_main(efi_handle image, struct efi_system_table *system_table);

efi_status EFIAPI efi_main(efi_handle image, struct efi_system_table *system_table)
{
	(void)image, (void)system_table;
	outb(0xE9, '!');
	outb(0xF4, 0);
	return EFI_SUCCESS;
}
