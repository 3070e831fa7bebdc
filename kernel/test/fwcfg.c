/* Port interface and directory format: QEMU docs/specs/fw_cfg.rst (selector port
 * 0x510, data port 0x511; signature "QEMU" at key 0; file directory at key 0x19,
 * big-endian). */
#include "fwcfg.h"

#include <stdint.h>

#include "../arch/x86.h"
#include "../lib/string.h"

#define FWCFG_SELECTOR	0x510
#define FWCFG_DATA	0x511
#define FWCFG_SIGNATURE 0x0000
#define FWCFG_FILE_DIR	0x0019
#define FWCFG_NAME_SIZE 56

static void read_bytes(void *buf, size_t n)
{
	uint8_t *p = buf;
	while (n--)
		*p++ = inb(FWCFG_DATA);
}

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static bool present(void)
{
	char signature[4];
	outw(FWCFG_SELECTOR, FWCFG_SIGNATURE);
	read_bytes(signature, sizeof signature);
	return memcmp(signature, "QEMU", 4) == 0;
}

bool fwcfg_read_string(const char *name, char *buf, size_t size)
{
	if (size == 0 || !present())
		return false;
	uint8_t count[4];
	outw(FWCFG_SELECTOR, FWCFG_FILE_DIR);
	read_bytes(count, sizeof count);
	for (uint32_t i = be32(count); i > 0; i--) {
		struct {
			uint8_t size[4];
			uint8_t select[2];
			uint8_t reserved[2]; // cppcheck-suppress unusedStructMember
			char name[FWCFG_NAME_SIZE];
		} entry;
		read_bytes(&entry, sizeof entry);
		if (strnlen(entry.name, FWCFG_NAME_SIZE) == FWCFG_NAME_SIZE ||
		    strcmp(entry.name, name) != 0)
			continue;
		uint32_t length = be32(entry.size);
		size_t take = length < size - 1 ? length : size - 1;
		outw(FWCFG_SELECTOR, (uint16_t)(entry.select[0] << 8 | entry.select[1]));
		read_bytes(buf, take);
		buf[take] = '\0';
		return true;
	}
	return false;
}
