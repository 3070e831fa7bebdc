/* The shell: one prompt on the VGA console and the serial line at once, fed by the
 * keyboard and by COM1, with line editing and history (line_editor.c). */
#pragma once

#include "../bootinfo.h"

__attribute__((noreturn)) void shell_run(const struct boot_info *bi);
