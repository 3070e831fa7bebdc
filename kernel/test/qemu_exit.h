/* QEMU's isa-debug-exit device (iobase 0xf4): writing v makes QEMU exit with status
 * (v << 1) | 1. Without the device the write does nothing and we return. */
#pragma once

#include <stdint.h>

#define QEMU_EXIT_SUCCESS 0x10 /* QEMU exits 33 */
#define QEMU_EXIT_FAILURE 0x11 /* QEMU exits 35 */

void qemu_exit(uint8_t code);
