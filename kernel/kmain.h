#pragma once

#include "bootinfo.h"

__attribute__((noreturn)) void kmain(struct boot_info *boot_info);
