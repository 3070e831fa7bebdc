/* Digital output register (DOR) at 0x3F2: motor bits 4-7, bit 2 = not reset, bit 3 =
 * DMA/IRQ enable (Intel 82077AA data sheet; OSDev wiki "Floppy Disk Controller"). */
#include "floppy.h"

#include "../arch/x86.h"

#define FLOPPY_DOR	  0x3F2
#define DOR_RUN_NO_MOTORS 0x0C /* out of reset, IRQ/DMA on, every motor off */
#define FIRST_HARD_DISK	  0x80

void floppy_motor_off(uint8_t boot_drive)
{
	if (boot_drive < FIRST_HARD_DISK)
		outb(FLOPPY_DOR, DOR_RUN_NO_MOTORS);
}
