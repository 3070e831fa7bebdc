/* Test kernel only: E820 entries that QEMU cannot produce (RAM past the CPU's
 * physical addresses, entries that wrap past 2^64...), added to the boot sector's
 * map from the fw_cfg file opt/keel/e820 before the memory manager reads it. The
 * file holds entries "base:length:type", in hex, separated by spaces; each entry
 * added is printed, and text that cannot be read is a panic. */
#include <stdint.h>

#include "../console.h"
#include "../panic.h"
#include "../test_hooks.h"
#include "fwcfg.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A hex number at *s, with or without 0x, ended by `end`; false if there is none. */
static bool read_hex(const char **s, char end, uint64_t *value)
{
	const char *p = *s;
	if (p[0] == '0' && p[1] == 'x')
		p += 2;
	uint64_t v = 0;
	int digits = 0;
	for (int d; (d = hex_digit(*p)) >= 0 && digits < 16; p++, digits++)
		v = v << 4 | (uint64_t)d;
	if (digits == 0 || *p != end)
		return false;
	*value = v;
	*s = p + (end != '\0');
	return true;
}

void e820_add_test_entries(struct boot_info *bi)
{
	char text[256];
	if (!fwcfg_read_string("opt/keel/e820", text, sizeof text))
		return;
	for (const char *s = text; *s;) {
		uint64_t base, length, type;
		const char *entry = s;
		while (*s && *s != ' ')
			s++;
		char last = *s;
		s = entry;
		if (!read_hex(&s, ':', &base) || !read_hex(&s, ':', &length) ||
		    !read_hex(&s, last, &type))
			panic("opt/keel/e820: cannot read \"%s\"", entry);
		if (bi->e820_count == BOOT_E820_MAX)
			panic("opt/keel/e820: the map is full");
		struct e820_entry e = {.base = base, .length = length, .type = (uint32_t)type};
		bi->e820[bi->e820_count++] = e;
		kprintf("test: E820 entry added: base %#llx, length %#llx, type %u\n",
			(unsigned long long)e.base, (unsigned long long)e.length, e.type);
	}
}
