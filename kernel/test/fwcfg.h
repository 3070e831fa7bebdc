/* QEMU's fw_cfg device: named files the emulator hands the guest (-fw_cfg). The test
 * kernel reads which fault scenario to run from it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Copies the file `name` into buf (NUL-terminated, truncated to size - 1); false
 * when there is no fw_cfg device or no such file. */
bool fwcfg_read_string(const char *name, char *buf, size_t size);
