/* The kernel's own function symbols, embedded at build time (tools/mksyms.c), so
 * that addresses print as name+offset. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define KSYM_TEXT_MAX 80

/* The function containing `address` and the offset into it; NULL if none. */
const char *ksym_lookup(uintptr_t address, uintptr_t *offset);

/* Writes "0x...  <name+0xoff>" (or just the address) into buf. */
void ksym_format(uintptr_t address, char *buf, size_t size);
