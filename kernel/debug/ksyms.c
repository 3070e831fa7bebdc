#include "ksyms.h"

#include "../lib/format.h"

/* The table tools/mksyms.c writes into section .ksyms (between these link.ld
 * symbols): a u64 count, then count {u64 address, u64 name offset} sorted by
 * address, then the NUL-terminated names. Empty in the first link stage. */
extern const uint64_t __ksyms_start[], __ksyms_end[];
extern char __text_end[];

struct ksym {
	uint64_t address;
	uint64_t name;
};

const char *ksym_lookup(uintptr_t address, uintptr_t *offset)
{
	if ((uintptr_t)__ksyms_end - (uintptr_t)__ksyms_start < sizeof(uint64_t) ||
	    address >= (uintptr_t)__text_end)
		return NULL;
	uint64_t count = __ksyms_start[0];
	const struct ksym *syms = (const struct ksym *)&__ksyms_start[1];
	const char *names = (const char *)&syms[count];

	/* The last symbol at or below the address. */
	uint64_t lo = 0, hi = count;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (syms[mid].address <= address)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	*offset = address - syms[lo - 1].address;
	return names + syms[lo - 1].name;
}

void ksym_format(uintptr_t address, char *buf, size_t size)
{
	uintptr_t offset;
	const char *name = ksym_lookup(address, &offset);
	if (name)
		ksnprintf(buf, size, "%#lx <%s+%#lx>", address, name, offset);
	else
		ksnprintf(buf, size, "%#lx", address);
}
