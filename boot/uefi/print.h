/* The loader's messages: on the UEFI console (screen, and serial where the firmware
 * mirrors it) and on port 0xE9, as the boot sector's are. Boot services only. */
#pragma once

#include <stdarg.h>

#include "efi.h"

void print_init(struct efi_system_table *system_table);

/* printf, as kprintf formats (kernel/lib/format.h). */
void say(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* After ExitBootServices was tried, when the firmware's console may be gone: port
 * 0xE9 only, from now on. */
void say_on_port_only(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* "keel: " and the message, then a pause (a key or 10 s) so that a person at the
 * screen can read it before the firmware moves on; returns `status` for efi_main
 * to hand back. */
efi_status fail(efi_status status, const char *format, ...) __attribute__((format(printf, 2, 3)));
