/* The floppy controller, only to stop the drive motor the BIOS started to boot us:
 * the BIOS turns it off from its timer interrupt, which stops running once the
 * kernel takes over the timer. */
#pragma once

#include <stdint.h>

void floppy_motor_off(uint8_t boot_drive);
